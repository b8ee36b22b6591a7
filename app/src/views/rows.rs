//! Facts views derive from a change's typed rows.

use chrono::{DateTime, Utc};

pub use crate::live::rows::{CallRow, CampaignRow, ContactRow};
use crate::live::Change;
use crate::model::CallStatus;

/// A call that just reached ENDED or FAILED: its outcome, the time it finished, and its row.
pub fn finished_call(change: &Change) -> Option<(CallStatus, DateTime<Utc>, &CallRow)> {
    let (old, new) = change.rows::<CallRow>();
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
