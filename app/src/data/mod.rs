//! Data access, shared by the server functions (in this crate) and the JSON API (in `server`).
//! Every query takes the caller's organization id and filters on it: nothing here can return
//! another organization's rows.

pub mod activity;
pub mod agents;
pub mod auth;
pub mod calls;
pub mod campaigns;
pub mod contact_refs;
pub mod contacts;
pub mod drafts;
mod error;
pub mod follow_ups;
pub mod health;
pub mod latency;
pub mod recent;
pub mod samples;
pub mod snapshot;
pub mod tasks;
pub mod telephony;
pub mod throttle;
pub mod users;

pub use error::DataError;
pub use snapshot::Snapshot;

/// Largest page any list query returns.
pub const MAX_PAGE_SIZE: i64 = 500;
/// Deepest offset a list may be read at (deep offsets make Postgres read and drop every row
/// before them).
pub const MAX_OFFSET: i64 = 10_000;

/// `Invalid` when more than `MAX_PAGE_SIZE` ids are asked for at once.
pub fn check_id_count(ids: &[uuid::Uuid], what: &str) -> Result<(), DataError> {
    if ids.len() as i64 > MAX_PAGE_SIZE {
        return Err(DataError::Invalid(format!(
            "ask for at most {MAX_PAGE_SIZE} {what} at once"
        )));
    }
    Ok(())
}

/// Clamp a requested page size into `1..=MAX_PAGE_SIZE`.
pub fn clamp_limit(limit: Option<i64>, default: i64) -> i64 {
    limit.unwrap_or(default).clamp(1, MAX_PAGE_SIZE)
}
