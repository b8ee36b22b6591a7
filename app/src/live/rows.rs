//! Rows of the followed tables (`to_jsonb` of the table row, as captured), typed once when a
//! change arrives, so views read fields instead of re-parsing JSON for every use.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::model::{CallStatus, CampaignStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub status: String,
    /// Absent from rows captured without it (kept optional so such a row still parses).
    #[serde(default)]
    pub name: Option<String>,
}

impl ContactRow {
    /// Completed or failed: counts towards campaign progress.
    pub fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "failed")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignRow {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub bid_cents: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped by every write (absent from rows captured before versions existed).
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub updated_by: Option<String>,
    #[serde(default)]
    pub mutation_id: Option<Uuid>,
}

impl CampaignRow {
    pub fn status(&self) -> Option<CampaignStatus> {
        CampaignStatus::parse(&self.status)
    }
}

/// A captured row: typed for the tables the dashboard follows, kept as JSON otherwise (or
/// when a row does not have the expected shape).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Row {
    Call(CallRow),
    Contact(ContactRow),
    Campaign(CampaignRow),
    Other(Map<String, Value>),
}

impl Row {
    /// Parse `raw` as a row of `table`; `None` for JSON `null` or a value that is not a row.
    pub fn parse(table: &str, raw: &RawValue) -> Option<Row> {
        let json = raw.get();
        let typed = match table {
            "calls" => serde_json::from_str(json).ok().map(Row::Call),
            "contacts" => serde_json::from_str(json).ok().map(Row::Contact),
            "campaigns" => serde_json::from_str(json).ok().map(Row::Campaign),
            _ => None,
        };
        typed.or_else(|| serde_json::from_str(json).ok().map(Row::Other))
    }

    /// An untyped row as `T` (views of tables without a variant here decode their rows).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        match self {
            Row::Other(map) => T::deserialize(&Value::Object(map.clone())).ok(),
            _ => None,
        }
    }
}

/// A row type of a followed table.
pub trait TableRow {
    fn of(row: &Row) -> Option<&Self>;
}

impl TableRow for CallRow {
    fn of(row: &Row) -> Option<&Self> {
        match row {
            Row::Call(r) => Some(r),
            _ => None,
        }
    }
}

impl TableRow for ContactRow {
    fn of(row: &Row) -> Option<&Self> {
        match row {
            Row::Contact(r) => Some(r),
            _ => None,
        }
    }
}

impl TableRow for CampaignRow {
    fn of(row: &Row) -> Option<&Self> {
        match row {
            Row::Campaign(r) => Some(r),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn rows_of_followed_tables_are_typed_and_others_stay_json() {
        let contact = raw(r#"{"id":"6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7c",
            "campaign_id":"6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7d","status":"completed","name":"Ada"}"#);
        let Some(Row::Contact(c)) = Row::parse("contacts", &contact) else {
            panic!("a contact row")
        };
        assert!(c.is_done());
        assert!(matches!(
            Row::parse("agent_tasks", &raw(r#"{"id":1}"#)),
            Some(Row::Other(_))
        ));
        assert!(
            matches!(
                Row::parse("calls", &raw(r#"{"id":1}"#)),
                Some(Row::Other(_))
            ),
            "an unexpected shape is kept, untyped"
        );
        assert_eq!(Row::parse("calls", &raw("null")), None);
    }
}
