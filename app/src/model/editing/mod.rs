//! Editing records together: a PATCH says, per field, the value the editor started from and
//! the new one; the server applies all of them or, if someone changed one meanwhile, none
//! and says which (a conflict, never a silent overwrite). Each record keeps its history.

pub mod fields;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

pub use fields::{Editable, Field, FieldKind, CAMPAIGN, CLIENT, TRIP};

/// Most fields one request may edit.
pub const MAX_FIELDS: usize = 16;
/// Longest Idempotency-Key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 100;

/// One field of a PATCH: the value the editor started from, and the one they want.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldEdit {
    pub base: Value,
    pub value: Value,
}

/// `PATCH /api/{clients|trips|campaigns}/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EditRequest {
    /// 1 to 16 fields, by name.
    pub fields: BTreeMap<String, FieldEdit>,
}

/// A PATCH that applied: the record as it is now, what changed, and the mutation (the
/// request's Idempotency-Key when it is a UUID) its change on the stream carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EditOutcome {
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub record: Value,
    /// Fields this request changed.
    pub applied: Vec<String>,
    /// Fields that already had the wanted value (nothing to do).
    pub unchanged: Vec<String>,
    pub mutation_id: Option<Uuid>,
    /// The record's version after this request.
    pub version: i64,
}

/// A field someone else changed after the editor loaded it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldConflict {
    pub field: String,
    /// What the editor started from.
    pub base: Value,
    /// What it is now.
    pub theirs: Value,
    /// What the editor wanted.
    pub mine: Value,
    /// Who made it what it is now, and when (from the record's history).
    pub changed_by: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

/// A 409 answer to a PATCH: nothing of the request was applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EditConflict {
    pub conflicts: Vec<FieldConflict>,
    /// The record as it is now.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub record: Value,
}

/// One field's change in a history entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldChange {
    #[serde(default)]
    pub from: Value,
    #[serde(default)]
    pub to: Value,
}

/// Who changed what, when: a `record_history` row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub id: i64,
    pub table_name: String,
    pub record_id: Uuid,
    /// `INSERT`, `UPDATE` or `DELETE`.
    pub op: String,
    /// A user's name, a worker's (`simulator`), or `sql` for a write made outside the app.
    pub actor: String,
    pub actor_id: Option<Uuid>,
    pub mutation_id: Option<Uuid>,
    pub version: Option<i64>,
    pub changes: BTreeMap<String, FieldChange>,
    pub created_at: DateTime<Utc>,
}

impl HistoryEntry {
    /// "Ada Lovelace changed Budget and Notes" / "sql created this trip".
    pub fn summary(&self, what: &Editable) -> String {
        let label = |f: &str| what.field(f).map_or(f.to_owned(), |f| f.label.to_owned());
        match self.op.as_str() {
            "INSERT" => format!("{} created this {}", self.actor, what.record),
            "DELETE" => format!("{} deleted this {}", self.actor, what.record),
            _ => {
                let fields: Vec<String> = self.changes.keys().map(|f| label(f)).collect();
                format!("{} changed {}", self.actor, and_list(&fields))
            }
        }
    }
}

/// "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `GET /api/{clients|trips|campaigns}/{id}/history`, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryList {
    pub entries: Vec<HistoryEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_entry_says_who_changed_which_fields() {
        let mut e = HistoryEntry {
            id: 1,
            table_name: "trips".into(),
            record_id: Uuid::nil(),
            op: "UPDATE".into(),
            actor: "Ada".into(),
            actor_id: None,
            mutation_id: None,
            version: Some(2),
            changes: BTreeMap::new(),
            created_at: Utc::now(),
        };
        let change = FieldChange {
            from: Value::Null,
            to: Value::Null,
        };
        e.changes.insert("budget_cents".into(), change.clone());
        e.changes.insert("notes".into(), change);
        assert_eq!(e.summary(&TRIP), "Ada changed Budget and Notes");
        e.op = "INSERT".into();
        assert_eq!(e.summary(&TRIP), "Ada created this trip");
    }
}
