//! The approvals queue: drafts awaiting approval appear when created and leave when anyone
//! decides them.

use std::collections::HashMap;

use uuid::Uuid;

use super::{remove, upsert};
use crate::live::Change;
use crate::model::agents::{unique_ids, Agent, ApprovalsPage, ContactRef, Draft, DraftStatus};

#[derive(Clone, Debug, PartialEq)]
pub struct ApprovalsView {
    /// Oldest first (the queue).
    pub drafts: Vec<Draft>,
    pub contacts: HashMap<Uuid, ContactRef>,
    pub agents: HashMap<Uuid, Agent>,
}

impl ApprovalsView {
    pub fn new(page: ApprovalsPage) -> Self {
        ApprovalsView {
            drafts: page.drafts,
            contacts: page.contacts.into_iter().map(|c| (c.id, c)).collect(),
            agents: page.agents.into_iter().map(|a| (a.id, a)).collect(),
        }
    }

    pub fn apply(&mut self, change: &Change) -> bool {
        if let Some((_, Some(agent))) = change.decode::<Agent>("agents") {
            return self.agents.insert(agent.id, agent.clone()).as_ref() != Some(&agent);
        }
        let Some((old, new)) = change.decode::<Draft>("drafts") else {
            return false;
        };
        match new {
            Some(d) if d.status == DraftStatus::PendingApproval => {
                let changed = upsert(&mut self.drafts, d);
                self.drafts.sort_by_key(|d| (d.created_at, d.id));
                changed
            }
            Some(d) => remove(&mut self.drafts, d.id),
            None => old.is_some_and(|d| remove(&mut self.drafts, d.id)),
        }
    }

    /// Contacts of queued drafts whose names this view does not know yet.
    pub fn unknown_contacts(&self) -> Vec<Uuid> {
        unique_ids(
            self.drafts
                .iter()
                .map(|r| r.contact_id)
                .filter(|id| !self.contacts.contains_key(id)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;
    use crate::views::agents::fixtures::{change, draft};

    fn view(drafts: Vec<Draft>) -> ApprovalsView {
        ApprovalsView::new(ApprovalsPage {
            drafts,
            contacts: vec![],
            agents: vec![],
            can_act: true,
            cursor: Cursor::START,
        })
    }

    #[test]
    fn a_new_draft_joins_the_queue_and_leaves_when_decided() {
        let mut v = view(vec![]);
        let d = draft(DraftStatus::PendingApproval);
        assert!(v.apply(&change("drafts", None, Some(&d))));
        assert_eq!(v.drafts.len(), 1);
        assert_eq!(v.unknown_contacts(), vec![d.contact_id]);
        assert!(
            !v.apply(&change("drafts", None, Some(&d))),
            "a repeat changes nothing"
        );
        let mut rejected = d.clone();
        rejected.status = DraftStatus::Rejected;
        assert!(v.apply(&change("drafts", Some(&d), Some(&rejected))));
        assert!(v.drafts.is_empty());
    }

    #[test]
    fn an_edit_updates_the_queued_draft_in_place() {
        let d = draft(DraftStatus::PendingApproval);
        let mut v = view(vec![d.clone()]);
        let mut edited = d.clone();
        edited.body = "Shorter".into();
        assert!(v.apply(&change("drafts", Some(&d), Some(&edited))));
        assert_eq!(v.drafts[0].body, "Shorter");
    }
}
