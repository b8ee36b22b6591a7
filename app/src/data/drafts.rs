//! Drafts: listing them and deciding them. A decision is taken with the draft's row locked, so
//! of two people deciding at once exactly one wins and the other learns who did (a conflict,
//! never a silent overwrite).

use sqlx::types::Json;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::agents::{Channel, Draft, DraftDecision, DraftStatus, EditDraft, RejectDraft};
use crate::model::CurrentUser;

/// Most drafts a list returns.
pub const MAX_DRAFTS: i64 = 200;

/// The organization's drafts (in `status` when given): awaiting approval oldest first (the
/// queue), any other newest first.
pub async fn list(
    db: &mut Snapshot,
    org: Uuid,
    status: Option<DraftStatus>,
    limit: i64,
) -> Result<Vec<Draft>, DataError> {
    let order = if status == Some(DraftStatus::PendingApproval) {
        "created_at, id"
    } else {
        "created_at DESC, id DESC"
    };
    let rows: Vec<Json<Draft>> = sqlx::query_scalar(&format!(
        "SELECT to_jsonb(d) FROM drafts d WHERE organization_id = $1 \
         AND ($2::text IS NULL OR status = $2) ORDER BY {order} LIMIT $3"
    ))
    .bind(org)
    .bind(status.map(|s| s.as_str()))
    .bind(limit.clamp(1, MAX_DRAFTS))
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

/// The drafts of one contact, newest first.
pub async fn of_contact(
    db: &mut Snapshot,
    org: Uuid,
    contact: Uuid,
) -> Result<Vec<Draft>, DataError> {
    let rows: Vec<Json<Draft>> = sqlx::query_scalar(
        "SELECT to_jsonb(d) FROM drafts d WHERE organization_id = $1 AND contact_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(org)
    .bind(contact)
    .bind(MAX_DRAFTS)
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

/// Lock the draft and check it still awaits approval.
async fn lock_pending(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    id: Uuid,
) -> Result<Draft, DataError> {
    let draft: Option<Json<Draft>> = sqlx::query_scalar(
        "SELECT to_jsonb(d) FROM drafts d WHERE organization_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(org)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let draft = draft.ok_or(DataError::NotFound("draft"))?.0;
    if draft.status != DraftStatus::PendingApproval {
        let decision = DraftDecision::of(&draft);
        return Err(DataError::Conflict {
            message: decision.describe(),
            details: serde_json::json!({ "decision": decision }),
        });
    }
    Ok(draft)
}

async fn decide(
    pool: &PgPool,
    actor: &CurrentUser,
    id: Uuid,
    status: DraftStatus,
    reason: Option<String>,
) -> Result<Draft, DataError> {
    DataError::require_actor(actor)?;
    let mut tx = pool.begin().await?;
    super::actor::act_as(&mut tx, &super::actor::Actor::user(actor, None)).await?;
    lock_pending(&mut tx, actor.organization_id, id).await?;
    let draft: Json<Draft> = sqlx::query_scalar(
        "UPDATE drafts SET status = $3, decided_by = $4, decided_by_name = $5, decided_at = now(), \
         reject_reason = $6 WHERE organization_id = $1 AND id = $2 RETURNING to_jsonb(drafts.*)",
    )
    .bind(actor.organization_id)
    .bind(id)
    .bind(status.as_str())
    .bind(actor.id)
    .bind(&actor.name)
    .bind(reason)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(draft.0)
}

/// Approve a draft awaiting approval (the agent sends it next).
pub async fn approve(pool: &PgPool, actor: &CurrentUser, id: Uuid) -> Result<Draft, DataError> {
    decide(pool, actor, id, DraftStatus::Approved, None).await
}

/// Reject a draft awaiting approval, with an optional reason.
pub async fn reject(
    pool: &PgPool,
    actor: &CurrentUser,
    id: Uuid,
    req: &RejectDraft,
) -> Result<Draft, DataError> {
    // The role first: someone who may not decide learns nothing from validation.
    DataError::require_actor(actor)?;
    let reason = req.reason().map_err(DataError::Invalid)?;
    storable("reason", reason.as_deref())?;
    decide(pool, actor, id, DraftStatus::Rejected, reason).await
}

/// `text` columns cannot hold NUL characters (Postgres would fail the statement): refuse them
/// as bad input, naming the field.
fn storable(field: &str, value: Option<&str>) -> Result<(), DataError> {
    if value.is_some_and(|v| v.contains('\0')) {
        return Err(DataError::Invalid(format!(
            "{field}: must not contain NUL characters"
        )));
    }
    Ok(())
}

/// Change the subject and/or body of a draft that still awaits approval.
pub async fn edit(
    pool: &PgPool,
    actor: &CurrentUser,
    id: Uuid,
    req: &EditDraft,
) -> Result<Draft, DataError> {
    DataError::require_actor(actor)?;
    if let Some(problem) = req.problem() {
        return Err(DataError::Invalid(problem));
    }
    storable("subject", req.subject.as_deref())?;
    storable("body", req.body.as_deref())?;
    let mut tx = pool.begin().await?;
    super::actor::act_as(&mut tx, &super::actor::Actor::user(actor, None)).await?;
    let current = lock_pending(&mut tx, actor.organization_id, id).await?;
    if current.channel == Channel::Sms && req.subject.is_some() {
        return Err(DataError::Invalid(
            "subject: text messages have no subject".into(),
        ));
    }
    let draft: Json<Draft> = sqlx::query_scalar(
        "UPDATE drafts SET subject = COALESCE($3, subject), body = COALESCE($4, body), \
         edited_by = $5, edited_at = now() WHERE organization_id = $1 AND id = $2 \
         RETURNING to_jsonb(drafts.*)",
    )
    .bind(actor.organization_id)
    .bind(id)
    .bind(req.subject.as_deref().map(str::trim))
    .bind(req.body.as_deref().map(str::trim))
    .bind(actor.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(draft.0)
}

/// How many drafts await approval (the navigation's badge).
pub async fn pending_count(db: &mut Snapshot, org: Uuid) -> Result<i64, DataError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM drafts WHERE organization_id = $1 AND status = 'pending_approval'",
    )
    .bind(org)
    .fetch_one(db.conn())
    .await?)
}
