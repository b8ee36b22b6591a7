//! Server functions of the agent pages: loaders (each in one snapshot, with the cursor the
//! page follows the stream from) and the actions organizers and admins take. Both go through
//! `crate::data`, which scopes every query to the user's organization and checks the role.

use leptos::prelude::*;
use uuid::Uuid;

use crate::cursor::Cursor;
use crate::model::agents::{
    AgentDetail, AgentTask, AgentsOverview, ApprovalsPage, ContactPanel, ContactRef, ContactsPage,
    Draft, FollowUp, FollowUpsPage, TaskKind,
};

/// Contact cards per page.
pub const CONTACTS_PER_PAGE: i64 = 24;

/// The navigation's count of drafts awaiting approval.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PendingCount {
    pub count: i64,
    pub cursor: Cursor,
}

/// Contacts among `ids`, named (for rows that arrive live about a contact not yet shown).
#[server(prefix = "/sf", endpoint = "contact_refs")]
pub async fn contact_refs(ids: Vec<Uuid>) -> Result<Vec<ContactRef>, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    crate::data::contact_refs::by_ids(&mut db, user.organization_id, &ids)
        .await
        .map_err(ssr::user_error)
}

#[server(prefix = "/sf", endpoint = "pending_approvals")]
pub async fn pending_approvals() -> Result<PendingCount, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let count = crate::data::drafts::pending_count(&mut db, user.organization_id)
        .await
        .map_err(ssr::user_error)?;
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(PendingCount { count, cursor })
}

#[server(prefix = "/sf", endpoint = "contacts_page")]
pub async fn load_contacts(query: String, page: i64) -> Result<ContactsPage, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let offset = page
        .max(0)
        .saturating_mul(CONTACTS_PER_PAGE)
        .min(crate::data::MAX_OFFSET);
    let (cards, total) = crate::data::contact_refs::cards(
        &mut db,
        user.organization_id,
        &query,
        CONTACTS_PER_PAGE,
        offset,
    )
    .await
    .map_err(ssr::user_error)?;
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(ContactsPage {
        cards,
        total,
        offset,
        query: query.trim().to_owned(),
        cursor,
    })
}

#[server(prefix = "/sf", endpoint = "contact_panel")]
pub async fn load_contact_panel(id: Uuid) -> Result<ContactPanel, ServerFnError> {
    use super::ssr;
    use crate::data::{agents, contact_refs, drafts, follow_ups, tasks};
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let e = ssr::user_error;
    let contact = contact_refs::get(&mut db, org, id).await.map_err(e)?;
    let filter = tasks::TaskFilter {
        contact: Some(id),
        ..Default::default()
    };
    Ok(ContactPanel {
        contact,
        tasks: tasks::list(&mut db, org, filter, tasks::MAX_TASKS)
            .await
            .map_err(e)?,
        drafts: drafts::of_contact(&mut db, org, id).await.map_err(e)?,
        follow_ups: follow_ups::list(&mut db, org, None, Some(id), follow_ups::MAX_FOLLOW_UPS)
            .await
            .map_err(e)?,
        agents: agents::all(&mut db, org).await.map_err(e)?,
        can_act: user.role.can_act(),
        cursor: db.cursor().await.map_err(e)?,
    })
}

#[server(prefix = "/sf", endpoint = "agents_overview")]
pub async fn load_agents() -> Result<AgentsOverview, ServerFnError> {
    use super::ssr;
    use crate::data::{agents, contact_refs};
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let e = ssr::user_error;
    let list = agents::list(&mut db, org).await.map_err(e)?;
    let activity = agents::activity(&mut db, org, None, agents::FEED_LENGTH)
        .await
        .map_err(e)?;
    let ids = crate::model::agents::unique_ids(activity.iter().filter_map(|a| a.contact_id));
    Ok(AgentsOverview {
        agents: list,
        activity,
        contacts: contact_refs::by_ids(&mut db, org, &ids).await.map_err(e)?,
        cursor: db.cursor().await.map_err(e)?,
    })
}

#[server(prefix = "/sf", endpoint = "agent_detail")]
pub async fn load_agent_detail(id: Uuid) -> Result<AgentDetail, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    crate::data::agents::detail(&mut db, user.organization_id, id)
        .await
        .map_err(ssr::user_error)
}

/// Drafts awaiting approval shown on the approvals page.
pub const APPROVALS_SHOWN: i64 = 200;

#[server(prefix = "/sf", endpoint = "approvals")]
pub async fn load_approvals() -> Result<ApprovalsPage, ServerFnError> {
    use super::ssr;
    use crate::data::{agents, contact_refs, drafts};
    use crate::model::agents::DraftStatus;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let e = ssr::user_error;
    let list = drafts::list(
        &mut db,
        org,
        Some(DraftStatus::PendingApproval),
        APPROVALS_SHOWN,
    )
    .await
    .map_err(e)?;
    let ids = crate::model::agents::unique_ids(list.iter().map(|d| d.contact_id));
    Ok(ApprovalsPage {
        contacts: contact_refs::by_ids(&mut db, org, &ids).await.map_err(e)?,
        drafts: list,
        agents: agents::all(&mut db, org).await.map_err(e)?,
        can_act: user.role.can_act(),
        cursor: db.cursor().await.map_err(e)?,
    })
}

#[server(prefix = "/sf", endpoint = "follow_ups_page")]
pub async fn load_follow_ups() -> Result<FollowUpsPage, ServerFnError> {
    use super::ssr;
    use crate::data::{agents, contact_refs, follow_ups};
    use crate::model::agents::FollowUpStatus;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let e = ssr::user_error;
    let upcoming = follow_ups::list(&mut db, org, Some(FollowUpStatus::Scheduled), None, 100)
        .await
        .map_err(e)?;
    let mut history = Vec::new();
    for status in [FollowUpStatus::Executed, FollowUpStatus::Cancelled] {
        history.extend(
            follow_ups::list(&mut db, org, Some(status), None, 50)
                .await
                .map_err(e)?,
        );
    }
    history.sort_by_key(|f| {
        std::cmp::Reverse(f.executed_at.or(f.cancelled_at).unwrap_or(f.scheduled_for))
    });
    let ids =
        crate::model::agents::unique_ids(upcoming.iter().chain(&history).map(|f| f.contact_id));
    Ok(FollowUpsPage {
        contacts: contact_refs::by_ids(&mut db, org, &ids).await.map_err(e)?,
        upcoming,
        history,
        agents: agents::all(&mut db, org).await.map_err(e)?,
        can_act: user.role.can_act(),
        cursor: db.cursor().await.map_err(e)?,
    })
}

#[server(prefix = "/sf", endpoint = "assign_task")]
pub async fn assign_task(
    contact: Uuid,
    agent: Uuid,
    kind: TaskKind,
) -> Result<AgentTask, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let req = crate::model::agents::AssignTask {
        agent_id: agent,
        kind,
    };
    crate::data::tasks::assign(&ssr::pool()?, &user, contact, &req)
        .await
        .map_err(ssr::user_error)
}

#[server(prefix = "/sf", endpoint = "approve_draft")]
pub async fn approve_draft(id: Uuid) -> Result<Draft, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    crate::data::drafts::approve(&ssr::pool()?, &user, id)
        .await
        .map_err(ssr::user_error)
}

#[server(prefix = "/sf", endpoint = "reject_draft")]
pub async fn reject_draft(id: Uuid, reason: Option<String>) -> Result<Draft, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let req = crate::model::agents::RejectDraft { reason };
    crate::data::drafts::reject(&ssr::pool()?, &user, id, &req)
        .await
        .map_err(ssr::user_error)
}

#[server(prefix = "/sf", endpoint = "edit_draft")]
pub async fn edit_draft(
    id: Uuid,
    subject: Option<String>,
    body: Option<String>,
) -> Result<Draft, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let req = crate::model::agents::EditDraft { subject, body };
    crate::data::drafts::edit(&ssr::pool()?, &user, id, &req)
        .await
        .map_err(ssr::user_error)
}

#[server(prefix = "/sf", endpoint = "cancel_follow_up")]
pub async fn cancel_follow_up(id: Uuid) -> Result<FollowUp, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    crate::data::follow_ups::cancel(&ssr::pool()?, &user, id)
        .await
        .map_err(ssr::user_error)
}

#[server(prefix = "/sf", endpoint = "reschedule_follow_up")]
pub async fn reschedule_follow_up(
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<FollowUp, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    let req = crate::model::agents::RescheduleFollowUp { scheduled_for: at };
    crate::data::follow_ups::reschedule(&ssr::pool()?, &user, id, &req)
        .await
        .map_err(ssr::user_error)
}
