//! The agents' command centre and an agent's page: agent cards with live status and today's
//! figures, and activity feeds (overall, or of one agent).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::metrics::apply_task;
use super::{push_activity, upsert};
use crate::live::Change;
use crate::model::agents::{Agent, AgentActivity, AgentSummary, AgentTask};

/// Agents with figures, the activity feed, and (on an agent's page) its recent tasks. `only`
/// narrows everything to one agent.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandCentre {
    pub agents: Vec<AgentSummary>,
    pub activity: Vec<AgentActivity>,
    pub tasks: Vec<AgentTask>,
    pub only: Option<Uuid>,
}

impl CommandCentre {
    pub fn apply(&mut self, change: &Change) -> bool {
        self.apply_at(change, Utc::now())
    }

    pub fn apply_at(&mut self, change: &Change, now: DateTime<Utc>) -> bool {
        let mine = |id: Uuid| self.only.is_none_or(|o| o == id);
        if let Some((old, new)) = change.decode::<Agent>("agents") {
            return match (old, new) {
                (_, Some(a)) if mine(a.id) => {
                    match self.agents.iter_mut().find(|s| s.agent.id == a.id) {
                        Some(s) if s.agent == a => false,
                        Some(s) => {
                            s.agent = a;
                            true
                        }
                        None => {
                            self.agents.push(AgentSummary {
                                agent: a,
                                metrics: Default::default(),
                            });
                            self.agents.sort_by(|x, y| x.agent.name.cmp(&y.agent.name));
                            true
                        }
                    }
                }
                (Some(a), None) => {
                    let before = self.agents.len();
                    self.agents.retain(|s| s.agent.id != a.id);
                    before != self.agents.len()
                }
                _ => false,
            };
        }
        if let Some((old, new)) = change.decode::<AgentTask>("agent_tasks") {
            let agent = new.as_ref().or(old.as_ref()).map(|t| t.agent_id);
            let Some(agent) = agent.filter(|a| mine(*a)) else {
                return false;
            };
            let mut changed = false;
            if let Some(s) = self.agents.iter_mut().find(|s| s.agent.id == agent) {
                changed |= apply_task(&mut s.metrics, old.as_ref(), new.as_ref(), now);
            }
            if self.only.is_some() {
                if let Some(t) = new {
                    changed |= upsert(&mut self.tasks, t);
                    self.tasks.truncate(crate::views::agents::FEED_LENGTH);
                }
            }
            return changed;
        }
        if let Some((_, Some(entry))) = change.decode::<AgentActivity>("agent_activity") {
            if mine(entry.agent_id) {
                return push_activity(&mut self.activity, entry);
            }
        }
        false
    }

    /// An agent's name (feeds name the agent of each entry).
    pub fn name_of(&self, agent: Uuid) -> Option<&str> {
        self.agents
            .iter()
            .find(|s| s.agent.id == agent)
            .map(|s| s.agent.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agents::{ActivityKind, AgentStatus, TaskStatus};
    use crate::views::agents::fixtures::{agent, change, task};

    /// A view of one agent (`only` narrows it to that agent, as its page does).
    fn centre(a: &Agent, only: Option<Uuid>) -> CommandCentre {
        CommandCentre {
            agents: vec![AgentSummary {
                agent: a.clone(),
                metrics: Default::default(),
            }],
            activity: vec![],
            tasks: vec![],
            only,
        }
    }

    #[test]
    fn an_agent_card_follows_its_status_figures_and_activity() {
        let a = agent(AgentStatus::Idle);
        let mut v = centre(&a, None);
        let mut active = a.clone();
        active.status = AgentStatus::Active;
        assert!(v.apply(&change("agents", Some(&a), Some(&active))));
        assert_eq!(v.agents[0].agent.status, AgentStatus::Active);
        let mut t = task(TaskStatus::InProgress);
        t.agent_id = a.id;
        assert!(v.apply(&change("agent_tasks", None, Some(&t))));
        assert_eq!(v.agents[0].metrics.in_progress, 1);
        let entry = AgentActivity {
            id: 7,
            agent_id: a.id,
            contact_id: None,
            task_id: Some(t.id),
            kind: ActivityKind::TaskStarted,
            message: "Drafting an email for Ava Adams".into(),
            created_at: Utc::now(),
        };
        assert!(v.apply(&change("agent_activity", None, Some(&entry))));
        assert!(
            !v.apply(&change("agent_activity", None, Some(&entry))),
            "once"
        );
        assert_eq!(v.activity.len(), 1);
        assert_eq!(v.name_of(a.id), Some("Iris"));
    }

    #[test]
    fn an_agents_page_ignores_other_agents_and_keeps_its_tasks() {
        let a = agent(AgentStatus::Idle);
        let mut v = centre(&a, Some(a.id));
        let other = task(TaskStatus::Pending);
        assert!(!v.apply(&change("agent_tasks", None, Some(&other))));
        let mut own = task(TaskStatus::Pending);
        own.agent_id = a.id;
        assert!(v.apply(&change("agent_tasks", None, Some(&own))));
        assert_eq!(v.tasks.len(), 1);
        assert_eq!(v.agents[0].metrics.pending, 1);
    }
}
