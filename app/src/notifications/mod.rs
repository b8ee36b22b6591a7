//! Browser notifications for agent work (opt-in): a draft ready for approval, a task that
//! failed, a follow-up executed. Only the tab holding the stream shows them, so a browser shows
//! each event once however many tabs are open, and events that arrive together make one
//! notification ("5 drafts ready for approval"). This module decides what to say; `browser`
//! shows it.

#[cfg(feature = "hydrate")]
pub mod browser;

use std::collections::HashMap;

use uuid::Uuid;

use crate::live::Change;
use crate::model::agents::{AgentTask, Draft, DraftStatus, FollowUp, FollowUpStatus, TaskStatus};

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    DraftReady,
    TaskFailed,
    FollowUpExecuted,
}

/// One notable event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub kind: Kind,
    /// The draft, task or follow-up.
    pub id: Uuid,
    pub contact: Uuid,
    /// The task's error, the follow-up's result.
    pub detail: Option<String>,
}

/// The notable event in a change, if any: a new draft awaiting approval, a task that just
/// failed, a follow-up just executed. All three are the agents' doing, never a person's.
pub fn event(change: &Change) -> Option<Event> {
    if let Some((old, Some(d))) = change.decode::<Draft>("drafts") {
        let was_pending = old.is_some_and(|o| o.status == DraftStatus::PendingApproval);
        return (d.status == DraftStatus::PendingApproval && !was_pending).then_some(Event {
            kind: Kind::DraftReady,
            id: d.id,
            contact: d.contact_id,
            detail: None,
        });
    }
    if let Some((old, Some(t))) = change.decode::<AgentTask>("agent_tasks") {
        let was_failed = old.is_some_and(|o| o.status == TaskStatus::Failed);
        return (t.status == TaskStatus::Failed && !was_failed).then_some(Event {
            kind: Kind::TaskFailed,
            id: t.id,
            contact: t.contact_id,
            detail: t.error,
        });
    }
    if let Some((old, Some(f))) = change.decode::<FollowUp>("follow_ups") {
        let was_done = old.is_some_and(|o| o.status == FollowUpStatus::Executed);
        return (f.status == FollowUpStatus::Executed && !was_done).then_some(Event {
            kind: Kind::FollowUpExecuted,
            id: f.id,
            contact: f.contact_id,
            detail: f.result,
        });
    }
    None
}

/// A notification to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub title: String,
    pub body: String,
    /// Where clicking it goes.
    pub url: String,
    /// The same event always has the same tag, so a browser never stacks it twice.
    pub tag: String,
}

/// One notification for `events` of one kind (non-empty), naming the contact when there is
/// one event.
pub fn compose(kind: Kind, events: &[Event], names: &HashMap<Uuid, String>) -> Note {
    let n = events.len();
    let first = &events[0];
    let who = names
        .get(&first.contact)
        .cloned()
        .unwrap_or_else(|| "a contact".into());
    let tag = if n == 1 {
        format!("{kind:?}:{}", first.id)
    } else {
        format!("{kind:?}:{}+{}", first.id, n - 1)
    };
    let (title, body, url) = match (kind, n) {
        (Kind::DraftReady, 1) => (
            format!("Draft ready for {who}"),
            "Review now".to_string(),
            "/approvals".to_string(),
        ),
        (Kind::DraftReady, _) => (
            format!("{n} drafts ready for approval"),
            "Review now".into(),
            "/approvals".into(),
        ),
        (Kind::TaskFailed, 1) => (
            format!("Task failed for {who}"),
            format!(
                "The agent needs attention: {}",
                first.detail.as_deref().unwrap_or("no reason given")
            ),
            format!("/contacts/{}", first.contact),
        ),
        (Kind::TaskFailed, _) => (
            format!("{n} agent tasks failed"),
            "Agents need attention".into(),
            "/agents".into(),
        ),
        (Kind::FollowUpExecuted, 1) => (
            format!("Follow-up done for {who}"),
            first
                .detail
                .clone()
                .unwrap_or_else(|| "The follow-up was executed".into()),
            format!("/contacts/{}", first.contact),
        ),
        (Kind::FollowUpExecuted, _) => (
            format!("{n} follow-ups executed"),
            "See what your agents did".into(),
            "/follow-ups".into(),
        ),
    };
    Note {
        title,
        body,
        url,
        tag,
    }
}

/// Group events by kind (in a stable order), dropping repeats of the same event.
pub fn group(events: Vec<Event>) -> Vec<(Kind, Vec<Event>)> {
    let mut by: std::collections::BTreeMap<Kind, Vec<Event>> = Default::default();
    for e in events {
        let list = by.entry(e.kind).or_default();
        if !list.iter().any(|x| x.id == e.id) {
            list.push(e);
        }
    }
    by.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::agents::fixtures::{change, draft, follow_up, task};

    #[test]
    fn new_drafts_failed_tasks_and_executed_follow_ups_are_notable_and_nothing_else() {
        let d = draft(DraftStatus::PendingApproval);
        assert_eq!(
            event(&change("drafts", None, Some(&d))).unwrap().kind,
            Kind::DraftReady
        );
        let mut approved = d.clone();
        approved.status = DraftStatus::Approved;
        assert_eq!(
            event(&change("drafts", Some(&d), Some(&approved))),
            None,
            "a person's decision"
        );
        let mut edited = d.clone();
        edited.body = "x".into();
        assert_eq!(
            event(&change("drafts", Some(&d), Some(&edited))),
            None,
            "an edit"
        );
        let working = task(TaskStatus::InProgress);
        let mut failed = working.clone();
        failed.status = TaskStatus::Failed;
        failed.error = Some("mailbox full".into());
        let e = event(&change("agent_tasks", Some(&working), Some(&failed))).unwrap();
        assert_eq!(
            (e.kind, e.detail.as_deref()),
            (Kind::TaskFailed, Some("mailbox full"))
        );
        assert_eq!(
            event(&change("agent_tasks", Some(&failed), Some(&failed))),
            None
        );
        let f = follow_up(FollowUpStatus::Scheduled, 0);
        let mut done = f.clone();
        done.status = FollowUpStatus::Executed;
        assert_eq!(
            event(&change("follow_ups", Some(&f), Some(&done)))
                .unwrap()
                .kind,
            Kind::FollowUpExecuted
        );
        assert_eq!(event(&change("follow_ups", None, Some(&f))), None);
    }

    #[test]
    fn a_burst_makes_one_notification_and_a_single_event_names_its_contact() {
        let drafts: Vec<Event> = (0..5)
            .map(|_| {
                event(&change(
                    "drafts",
                    None,
                    Some(&draft(DraftStatus::PendingApproval)),
                ))
                .unwrap()
            })
            .collect();
        let mut with_repeat = drafts.clone();
        with_repeat.push(drafts[0].clone());
        let groups = group(with_repeat);
        assert_eq!(groups.len(), 1);
        let note = compose(Kind::DraftReady, &groups[0].1, &HashMap::new());
        assert_eq!(note.title, "5 drafts ready for approval");
        assert_eq!(note.url, "/approvals");
        let names = HashMap::from([(drafts[0].contact, "Ava Adams".to_string())]);
        let one = compose(Kind::DraftReady, &drafts[..1], &names);
        assert_eq!(
            (one.title.as_str(), one.body.as_str()),
            ("Draft ready for Ava Adams", "Review now")
        );
        assert_eq!(
            one.tag,
            compose(Kind::DraftReady, &drafts[..1], &names).tag,
            "same event, same tag"
        );
    }
}
