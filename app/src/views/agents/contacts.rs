//! Contact cards: each card's latest task and its draft follow the stream, so the badge says
//! "Agent working", "Draft ready" or "Failed" as it happens.

use crate::live::Change;
use crate::model::agents::{AgentTask, ContactCard, Draft};

#[derive(Clone, Debug, PartialEq)]
pub struct ContactsView {
    pub cards: Vec<ContactCard>,
}

impl ContactsView {
    pub fn new(cards: Vec<ContactCard>) -> Self {
        ContactsView { cards }
    }

    pub fn apply(&mut self, change: &Change) -> bool {
        if let Some((_, Some(task))) = change.decode::<AgentTask>("agent_tasks") {
            return self.task(task);
        }
        if let Some((_, Some(draft))) = change.decode::<Draft>("drafts") {
            let Some(card) = self
                .cards
                .iter_mut()
                .find(|c| c.contact.id == draft.contact_id)
            else {
                return false;
            };
            if card.latest_task.as_ref().and_then(|t| t.draft_id) == Some(draft.id)
                || card.latest_task.as_ref().map(|t| t.id) == Some(draft.task_id)
            {
                let changed = card.latest_draft.as_ref() != Some(&draft);
                card.latest_draft = Some(draft);
                return changed;
            }
        }
        false
    }

    /// A task row (streamed or just confirmed): the card's latest task if it is newer.
    pub fn task(&mut self, task: AgentTask) -> bool {
        let Some(card) = self
            .cards
            .iter_mut()
            .find(|c| c.contact.id == task.contact_id)
        else {
            return false;
        };
        let newer = card
            .latest_task
            .as_ref()
            .is_none_or(|t| t.id == task.id || (task.created_at, task.id) > (t.created_at, t.id));
        if !newer || card.latest_task.as_ref() == Some(&task) {
            return false;
        }
        if card.latest_task.as_ref().map(|t| t.id) != Some(task.id) {
            card.latest_draft = None;
        }
        card.latest_task = Some(task);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agents::{ContactRef, DraftStatus, TaskStatus};
    use crate::views::agents::badge::TaskBadge;
    use crate::views::agents::fixtures::{change, draft, task};
    use uuid::Uuid;

    fn card(id: Uuid) -> ContactCard {
        ContactCard {
            contact: ContactRef {
                id,
                name: "Ava Adams".into(),
                phone: "+1 555".into(),
                campaign_id: Uuid::new_v4(),
                campaign_name: "Spring".into(),
            },
            latest_task: None,
            latest_draft: None,
        }
    }

    fn badge(v: &ContactsView) -> Option<TaskBadge> {
        let c = &v.cards[0];
        TaskBadge::of(c.latest_task.as_ref(), c.latest_draft.as_ref())
    }

    #[test]
    fn a_cards_badge_follows_its_task_from_working_to_draft_ready() {
        let contact = Uuid::new_v4();
        let mut v = ContactsView::new(vec![card(contact)]);
        let mut t = task(TaskStatus::Pending);
        t.contact_id = contact;
        assert!(v.apply(&change("agent_tasks", None, Some(&t))));
        assert_eq!(badge(&v), Some(TaskBadge::Working));
        let mut d = draft(DraftStatus::PendingApproval);
        d.contact_id = contact;
        d.task_id = t.id;
        let mut done = t.clone();
        done.status = TaskStatus::Completed;
        done.draft_id = Some(d.id);
        assert!(v.apply(&change("drafts", None, Some(&d))));
        assert!(v.apply(&change("agent_tasks", Some(&t), Some(&done))));
        assert_eq!(badge(&v), Some(TaskBadge::DraftReady));
        let mut older = task(TaskStatus::Failed);
        older.contact_id = contact;
        older.created_at = t.created_at - chrono::Duration::hours(1);
        assert!(
            !v.apply(&change("agent_tasks", None, Some(&older))),
            "an older task is not the latest"
        );
        assert_eq!(badge(&v), Some(TaskBadge::DraftReady));
    }
}
