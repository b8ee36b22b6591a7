//! Data access, shared by the server functions (in this crate) and the JSON API (in `server`).
//! Every query takes the caller's organization id and filters on it: nothing here can return
//! another organization's rows.

pub mod activity;
pub mod actor;
pub mod agents;
pub mod auth;
pub mod calls;
pub mod campaigns;
pub mod clients;
pub mod contact_refs;
pub mod contacts;
pub mod drafts;
pub mod edits;
mod error;
pub mod follow_ups;
pub mod health;
pub mod history;
pub mod idempotency;
pub mod latency;
pub mod recent;
pub mod samples;
pub mod snapshot;
pub mod tasks;
pub mod telephony;
pub mod throttle;
pub mod trips;
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

/// A write refused by a table's constraints as bad input: a check as `Invalid` naming the
/// field, a missing referenced client as `NotFound`; anything else as it was.
pub fn constraint_error(e: sqlx::Error) -> DataError {
    if let sqlx::Error::Database(db) = &e {
        let constraint = db.constraint().unwrap_or_default().to_owned();
        match db.code().as_deref() {
            Some("23514") if constraint == "trips_dates_in_order" => {
                return DataError::Invalid("end_date: must not be before the start date".into())
            }
            Some("23514") => {
                return DataError::Invalid(format!("{constraint}: value out of bounds"))
            }
            Some("23503") if constraint.contains("client") => return DataError::NotFound("client"),
            _ => {}
        }
    }
    DataError::Database(e)
}
