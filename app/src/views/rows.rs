//! Captured rows (`to_jsonb` of the table row) as typed values.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::live::Change;
use crate::model::{CallStatus, CampaignStatus};

#[derive(Clone, Debug, Deserialize)]
pub struct CallRow {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub contact_id: Uuid,
    pub status: CallStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub failure_reason: Option<String>,
    pub provider_call_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ContactRow {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub status: String,
}

impl ContactRow {
    /// Completed or failed: counts towards campaign progress.
    pub fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "failed")
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct CampaignRow {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub bid_cents: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CampaignRow {
    pub fn status(&self) -> Option<CampaignStatus> {
        CampaignStatus::parse(&self.status)
    }
}

/// The row before and after a change, typed (`None` where the change has no such row or it
/// does not parse).
pub fn before_after<T: serde::de::DeserializeOwned>(change: &Change) -> (Option<T>, Option<T>) {
    let parse = |row: &Option<serde_json::Map<String, serde_json::Value>>| {
        row.as_ref()
            .and_then(|r| serde_json::from_value(serde_json::Value::Object(r.clone())).ok())
    };
    (parse(&change.old), parse(&change.new))
}

/// A call that just reached ENDED or FAILED: its outcome and the time it finished.
pub fn finished_call(change: &Change) -> Option<(CallStatus, DateTime<Utc>, CallRow)> {
    if change.table != "calls" {
        return None;
    }
    let (old, new) = before_after::<CallRow>(change);
    let new = new?;
    if new.status.is_active() || old.is_some_and(|o| o.status == new.status) {
        return None;
    }
    Some((
        new.status,
        new.ended_at.unwrap_or(change.commit_timestamp),
        new,
    ))
}
