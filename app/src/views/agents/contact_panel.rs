//! A contact's panel: its tasks, drafts and follow-ups, live, with tasks assigned from here
//! shown at once (optimistically) until the server's row replaces them.

use uuid::Uuid;

use super::{remove, upsert, Record};
use crate::live::Change;
use crate::model::agents::{Agent, AgentTask, ContactPanel, Draft, FollowUp};

#[derive(Clone, Debug, PartialEq)]
pub struct ContactPanelView {
    pub panel: ContactPanel,
    /// Ids of tasks shown before the server confirmed them (placeholders).
    pub optimistic: Vec<Uuid>,
}

/// Keep a newest-first list of this contact's rows current with one change.
fn follow<T>(
    list: &mut Vec<T>,
    contact: Uuid,
    old: Option<T>,
    new: Option<T>,
    of: fn(&T) -> Uuid,
) -> bool
where
    T: Record + PartialEq,
{
    match (old, new) {
        (_, Some(row)) if of(&row) == contact => upsert(list, row),
        (Some(row), _) if of(&row) == contact => remove(list, row.id()),
        _ => false,
    }
}

impl ContactPanelView {
    pub fn new(panel: ContactPanel) -> Self {
        ContactPanelView {
            panel,
            optimistic: Vec::new(),
        }
    }

    /// An agent's name, as the panel's rows name their agent.
    pub fn agent_name(&self, agent: Uuid) -> String {
        self.panel
            .agents
            .iter()
            .find(|a| a.id == agent)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| "An agent".into())
    }

    pub fn contact(&self) -> Uuid {
        self.panel.contact.id
    }

    pub fn apply(&mut self, change: &Change) -> bool {
        let me = self.contact();
        let p = &mut self.panel;
        if let Some((old, new)) = change.decode::<AgentTask>("agent_tasks") {
            return follow(&mut p.tasks, me, old, new, |t| t.contact_id);
        }
        if let Some((old, new)) = change.decode::<Draft>("drafts") {
            return follow(&mut p.drafts, me, old, new, |d| d.contact_id);
        }
        if let Some((old, new)) = change.decode::<FollowUp>("follow_ups") {
            let changed = follow(&mut p.follow_ups, me, old, new, |f| f.contact_id);
            p.follow_ups
                .sort_by_key(|f| std::cmp::Reverse(f.scheduled_for));
            return changed;
        }
        if let Some((_, Some(agent))) = change.decode::<Agent>("agents") {
            return upsert(&mut self.panel.agents, agent);
        }
        false
    }

    /// Show `placeholder` at once, marked as not yet confirmed.
    pub fn assign_optimistically(&mut self, placeholder: AgentTask) {
        self.optimistic.push(placeholder.id);
        self.panel.tasks.insert(0, placeholder);
    }

    /// The server answered for `placeholder`: its task replaces it (unless the stream already
    /// brought it), or on failure the placeholder goes away.
    pub fn confirm(&mut self, placeholder: Uuid, task: Option<AgentTask>) {
        self.optimistic.retain(|id| *id != placeholder);
        remove(&mut self.panel.tasks, placeholder);
        if let Some(t) = task {
            if !self.panel.tasks.iter().any(|x| x.id == t.id) {
                self.panel.tasks.insert(0, t);
            }
        }
    }

    pub fn is_optimistic(&self, task: Uuid) -> bool {
        self.optimistic.contains(&task)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;
    use crate::model::agents::{ContactRef, TaskStatus};
    use crate::views::agents::fixtures::{change, task};

    fn view(contact: Uuid) -> ContactPanelView {
        ContactPanelView::new(ContactPanel {
            contact: ContactRef {
                id: contact,
                name: "Ava".into(),
                phone: "+1".into(),
                campaign_id: Uuid::new_v4(),
                campaign_name: "Spring".into(),
            },
            tasks: vec![],
            drafts: vec![],
            follow_ups: vec![],
            agents: vec![],
            can_act: true,
            cursor: Cursor::START,
        })
    }

    #[test]
    fn an_assigned_task_shows_at_once_and_is_replaced_by_the_real_one() {
        let contact = Uuid::new_v4();
        let mut v = view(contact);
        let mut placeholder = task(TaskStatus::Pending);
        placeholder.contact_id = contact;
        v.assign_optimistically(placeholder.clone());
        assert_eq!(v.panel.tasks.len(), 1);
        assert!(v.is_optimistic(placeholder.id));
        // The stream brings the real row before the response does.
        let mut real = task(TaskStatus::Pending);
        real.contact_id = contact;
        assert!(v.apply(&change("agent_tasks", None, Some(&real))));
        v.confirm(placeholder.id, Some(real.clone()));
        assert_eq!(v.panel.tasks.len(), 1);
        assert_eq!(v.panel.tasks[0].id, real.id);
        assert!(!v.is_optimistic(real.id));
    }

    #[test]
    fn a_failed_assignment_removes_its_placeholder_and_other_contacts_are_ignored() {
        let contact = Uuid::new_v4();
        let mut v = view(contact);
        let placeholder = task(TaskStatus::Pending);
        v.assign_optimistically(placeholder.clone());
        v.confirm(placeholder.id, None);
        assert!(v.panel.tasks.is_empty());
        let elsewhere = task(TaskStatus::Pending);
        assert!(!v.apply(&change("agent_tasks", None, Some(&elsewhere))));
    }
}
