//! Live views of agent work: the command centre and an agent's page, approvals, follow-ups,
//! contact cards and a contact's panel. Each is a plain reducer over decoded rows.

pub mod approvals;
pub mod badge;
pub mod command_centre;
pub mod contact_panel;
pub mod contacts;
pub mod follow_ups;
pub mod metrics;
pub mod pending_count;

use uuid::Uuid;

use crate::model::agents::{AgentActivity, AgentTask, Draft, FollowUp};

/// Rows with an id, kept in lists that a change updates in place.
pub trait Record: Clone {
    fn id(&self) -> Uuid;
}

macro_rules! record {
    ($($t:ty),+) => { $(impl Record for $t { fn id(&self) -> Uuid { self.id } })+ };
}
record!(AgentTask, Draft, FollowUp, crate::model::agents::Agent);

/// Put `row` in `list` (replacing the row with its id, or at the front); `false` when it was
/// already there unchanged.
pub fn upsert<T: Record + PartialEq>(list: &mut Vec<T>, row: T) -> bool {
    match list.iter_mut().find(|r| r.id() == row.id()) {
        Some(r) if *r == row => false,
        Some(r) => {
            *r = row;
            true
        }
        None => {
            list.insert(0, row);
            true
        }
    }
}

/// Remove the row with `id`; whether there was one.
pub fn remove<T: Record>(list: &mut Vec<T>, id: Uuid) -> bool {
    let before = list.len();
    list.retain(|r| r.id() != id);
    list.len() != before
}

/// Newest activity entries a feed keeps.
pub const FEED_LENGTH: usize = 50;

/// Add a new activity entry at the front of a feed (bounded); `false` if it was there.
pub fn push_activity(feed: &mut Vec<AgentActivity>, entry: AgentActivity) -> bool {
    if feed.iter().any(|a| a.id == entry.id) {
        return false;
    }
    feed.insert(0, entry);
    feed.truncate(FEED_LENGTH);
    true
}

#[cfg(test)]
pub(crate) mod fixtures;
