//! Drafts: messages an agent wrote, waiting for a person to approve (the agent then sends them)
//! or reject them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text_enum;
use crate::cursor::Cursor;

text_enum!(
    /// How the message goes out.
    Channel { Email = "email": "Email", Sms = "sms": "Text message" }
);
text_enum!(
    /// pending_approval → approved → sent, or rejected.
    DraftStatus {
        PendingApproval = "pending_approval": "Awaiting approval",
        Approved = "approved": "Approved",
        Sent = "sent": "Sent",
        Rejected = "rejected": "Rejected",
    }
);

/// A `drafts` row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Draft {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub task_id: Uuid,
    pub agent_id: Uuid,
    pub channel: Channel,
    /// Emails only.
    pub subject: Option<String>,
    pub body: String,
    pub status: DraftStatus,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    pub edited_by: Option<Uuid>,
    pub edited_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who already decided a draft, and how: the body of a 409 when someone decides it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DraftDecision {
    pub status: DraftStatus,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
}

impl DraftDecision {
    pub fn of(d: &Draft) -> Self {
        DraftDecision {
            status: d.status,
            decided_by: d.decided_by,
            decided_by_name: d.decided_by_name.clone(),
            decided_at: d.decided_at,
            reject_reason: d.reject_reason.clone(),
        }
    }

    /// "Already approved by Acme Admin" (for people).
    pub fn describe(&self) -> String {
        let how = match self.status {
            DraftStatus::Rejected => "rejected",
            _ => "approved",
        };
        match &self.decided_by_name {
            Some(who) => format!("This draft was already {how} by {who}."),
            None => format!("This draft was already {how}."),
        }
    }
}

/// `GET /api/drafts`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DraftList {
    pub drafts: Vec<Draft>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}

/// The approvals page: drafts awaiting approval and the contacts they are for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalsPage {
    pub drafts: Vec<Draft>,
    pub contacts: Vec<super::ContactRef>,
    pub agents: Vec<super::Agent>,
    /// Whether the viewer may act (organizers and admins); the server checks again.
    pub can_act: bool,
    pub cursor: Cursor,
}
