//! Agent tasks: what a person (or a follow-up coming due) asked an agent to do for a contact.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text_enum;
use crate::cursor::Cursor;

text_enum!(
    /// What the agent is asked to produce.
    TaskKind { DraftEmail = "draft_email": "Draft an email", DraftSms = "draft_sms": "Draft a text message" }
);
text_enum!(
    /// pending → in_progress → completed (a draft awaits approval) or failed (with an error).
    TaskStatus {
        Pending = "pending": "Waiting for the agent",
        InProgress = "in_progress": "Agent working",
        Completed = "completed": "Completed",
        Failed = "failed": "Failed",
    }
);

impl TaskStatus {
    /// Not finished yet.
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Pending | TaskStatus::InProgress)
    }
}

/// An `agent_tasks` row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentTask {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub agent_id: Uuid,
    pub kind: TaskKind,
    pub status: TaskStatus,
    /// Why it failed (failed tasks only).
    pub error: Option<String>,
    /// Who assigned it; none when an agent did (a follow-up coming due).
    pub assigned_by: Option<Uuid>,
    /// The draft it produced.
    pub draft_id: Option<Uuid>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /api/agent-tasks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskList {
    pub tasks: Vec<AgentTask>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}
