//! Follow-ups: contact again later, scheduled by an agent after a message went out.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text_enum;
use crate::cursor::Cursor;

text_enum!(
    /// scheduled → executed (when due) or cancelled.
    FollowUpStatus { Scheduled = "scheduled": "Scheduled", Executed = "executed": "Executed", Cancelled = "cancelled": "Cancelled" }
);

/// A `follow_ups` row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub agent_id: Uuid,
    /// The sent draft this follows up on.
    pub draft_id: Option<Uuid>,
    pub scheduled_for: DateTime<Utc>,
    pub status: FollowUpStatus,
    pub result: Option<String>,
    pub cancelled_by: Option<Uuid>,
    pub executed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /api/follow-ups`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowUpList {
    pub follow_ups: Vec<FollowUp>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}

/// The follow-ups page: upcoming and past follow-ups, with their contacts and agents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpsPage {
    pub upcoming: Vec<FollowUp>,
    pub history: Vec<FollowUp>,
    pub contacts: Vec<super::ContactRef>,
    pub agents: Vec<super::Agent>,
    /// Whether the viewer may act (organizers and admins); the server checks again.
    pub can_act: bool,
    pub cursor: Cursor,
}
