//! Agents, their figures, and what they did.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text_enum;
use crate::cursor::Cursor;

text_enum!(
    /// What an agent is for.
    AgentKind { Outreach = "outreach": "Outreach", FollowUp = "follow_up": "Follow-up" }
);
text_enum!(
    /// Idle (nothing to do), active (working on a task), error (its last task failed).
    AgentStatus { Idle = "idle": "Idle", Active = "active": "Working", Error = "error": "Needs attention" }
);
text_enum!(
    /// What an activity-log entry records.
    ActivityKind {
        TaskStarted = "task_started": "Task started",
        TaskCompleted = "task_completed": "Draft ready",
        TaskFailed = "task_failed": "Task failed",
        DraftSent = "draft_sent": "Message sent",
        FollowUpScheduled = "follow_up_scheduled": "Follow-up scheduled",
        FollowUpExecuted = "follow_up_executed": "Follow-up executed",
    }
);

/// An `agents` row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Agent {
    pub id: Uuid,
    pub name: String,
    pub kind: AgentKind,
    pub status: AgentStatus,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An agent's work since midnight UTC, and what is waiting for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentMetrics {
    /// Tasks completed today.
    pub completed_today: i64,
    /// Tasks failed today.
    pub failed_today: i64,
    /// Seconds spent on today's completed tasks, summed (for the average).
    pub work_seconds_today: f64,
    /// Tasks waiting to be picked up.
    pub pending: i64,
    /// Tasks being worked on.
    pub in_progress: i64,
}

impl AgentMetrics {
    /// Completed share of today's finished tasks; `None` before the first one.
    pub fn success_rate(&self) -> Option<f64> {
        let finished = self.completed_today + self.failed_today;
        (finished > 0).then(|| self.completed_today as f64 / finished as f64)
    }

    /// Average seconds per completed task today.
    pub fn average_seconds(&self) -> Option<f64> {
        (self.completed_today > 0).then(|| self.work_seconds_today / self.completed_today as f64)
    }
}

/// An agent with its figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentSummary {
    pub agent: Agent,
    pub metrics: AgentMetrics,
}

/// An `agent_activity` row: one thing an agent did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentActivity {
    pub id: i64,
    pub agent_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub task_id: Option<Uuid>,
    pub kind: ActivityKind,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/agents`: the organization's agents, consistent with `cursor`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentList {
    pub agents: Vec<AgentSummary>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}

/// The agents page (command centre): every agent and the organization's recent activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentsOverview {
    pub agents: Vec<AgentSummary>,
    pub activity: Vec<AgentActivity>,
    pub contacts: Vec<super::ContactRef>,
    pub cursor: Cursor,
}

/// `GET /api/agents/{id}` and the agent detail page: the agent, its recent tasks and activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentDetail {
    pub agent: AgentSummary,
    pub tasks: Vec<super::AgentTask>,
    pub activity: Vec<AgentActivity>,
    /// The contacts the tasks and activity are about.
    pub contacts: Vec<super::ContactRef>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}
