//! What the realtime endpoints send, and what tabs of one browser tell each other.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use super::rows::{Row, TableRow};
use super::status::ConnState;
use crate::cursor::Cursor;

/// Tables every live view of the dashboard follows (one stream per browser carries them all).
pub const TABLES: [&str; 11] = [
    "campaigns",
    "calls",
    "contacts",
    "agents",
    "agent_tasks",
    "drafts",
    "follow_ups",
    "agent_activity",
    "clients",
    "trips",
    "record_history",
];

/// The `sub=` query string for [`TABLES`].
pub fn subscription_query() -> String {
    TABLES
        .iter()
        .map(|t| format!("sub={t}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Op {
    Insert,
    Update,
    Delete,
}

/// One committed change, as `/api/realtime/stream` and `/api/realtime/changes` send it. Its
/// rows are typed when it is decoded (see [`Row`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub table: String,
    #[serde(rename = "eventType")]
    pub op: Op,
    pub new: Option<Row>,
    pub old: Option<Row>,
    pub commit_timestamp: DateTime<Utc>,
    pub cursor: Cursor,
    /// Who made the change (a user's name, `simulator`, `sql`), when the log recorded it.
    #[serde(default)]
    pub actor: Option<String>,
}

impl Change {
    /// The row before and after the change, if they are rows of type `T`.
    pub fn rows<T: TableRow>(&self) -> (Option<&T>, Option<&T>) {
        (
            self.old.as_ref().and_then(T::of),
            self.new.as_ref().and_then(T::of),
        )
    }

    /// The row before and after the change decoded as `T`, when this is a change of `table`
    /// (for tables without a typed [`Row`]; `None` for a side that does not decode).
    pub fn decode<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
    ) -> Option<(Option<T>, Option<T>)> {
        if self.table != table {
            return None;
        }
        let side = |r: &Option<Row>| r.as_ref().and_then(Row::decode);
        Some((side(&self.old), side(&self.new)))
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            table: String,
            #[serde(rename = "eventType")]
            op: Op,
            new: Option<Box<RawValue>>,
            old: Option<Box<RawValue>>,
            commit_timestamp: DateTime<Utc>,
            cursor: Cursor,
            #[serde(default)]
            actor: Option<String>,
        }
        let w = Wire::deserialize(d)?;
        let row = |raw: Option<Box<RawValue>>| raw.and_then(|r| Row::parse(&w.table, &r));
        Ok(Change {
            new: row(w.new),
            old: row(w.old),
            table: w.table,
            op: w.op,
            commit_timestamp: w.commit_timestamp,
            cursor: w.cursor,
            actor: w.actor,
        })
    }
}

/// A response of `/api/realtime/changes`.
#[derive(Clone, Debug, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub cursor: Cursor,
    pub reset: bool,
    /// Whose changes these are (the session the request was made with).
    pub organization_id: Uuid,
}

/// Who a tab's pages were rendered for: its stream, its Web Lock and its channel are this
/// user's in this organization, and nothing of another may reach its views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub user_id: Uuid,
    pub organization_id: Uuid,
}

/// A contiguous run of changes: everything the subscription saw after `from` up to `to`.
/// `from: None` means "the stream just (re)started at `to`, nothing before it is implied".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// The organization the changes belong to (views drop batches that are not their own).
    pub org: Uuid,
    pub from: Option<Cursor>,
    pub to: Cursor,
    pub changes: Vec<Change>,
    /// The log no longer reaches back to where the subscriber was: reload from scratch.
    pub reset: bool,
}

/// Messages on the browser-wide `BroadcastChannel`. Externally tagged: an internally tagged
/// enum would buffer its content, and the raw rows a [`Change`] is decoded from cannot be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TabMessage {
    /// From the tab holding the stream: changes for every tab.
    Batch(Batch),
    /// From the tab holding the stream: its connection state.
    State { state: ConnState },
    /// From a new tab: "who holds the stream, and in what state?".
    Hello,
    /// From the tab holding the stream: the session ended (signed out, revoked, expired, or
    /// another account signed in): every tab goes to the login page.
    SessionEnded,
    /// An event without an id: from the stream holder, one the stream sent (`presence`,
    /// `presence_diff`, `broadcast`); from any tab, one it tells the others. Passed on as is.
    Ephemeral { event: String, data: String },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::rows::CallRow;
    use crate::model::CallStatus;

    fn call_change(new: &str, old: &str) -> String {
        let row = |status: &str| {
            format!(
                r#"{{"id":"6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7c","campaign_id":"6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7d",
                "contact_id":"6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7e","organization_id":"6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7f",
                "status":"{status}","started_at":null,"answered_at":null,"ended_at":null,"failure_reason":null,
                "provider_call_id":null,"created_at":"2026-11-21T10:00:00.5+00:00","updated_at":"2026-11-21T10:00:01+00:00"}}"#
            )
        };
        format!(
            r#"{{"schema":"public","table":"calls","eventType":"UPDATE","new":{},"old":{},
            "commit_timestamp":"2026-11-21T10:00:00Z","cursor":"42"}}"#,
            row(new),
            row(old)
        )
    }

    #[test]
    fn a_stream_payload_reads_as_a_change_with_typed_rows_and_round_trips() {
        let json = call_change("RINGING", "QUEUED");
        let c: Change = serde_json::from_str(&json).unwrap();
        assert_eq!(c.op, Op::Update);
        assert_eq!(c.cursor, Cursor::after_commit(42));
        let (old, new) = c.rows::<CallRow>();
        assert_eq!(new.unwrap().status, CallStatus::Ringing);
        assert_eq!(old.unwrap().status, CallStatus::Queued);
        // Tabs pass changes on as JSON: the same change comes out.
        let again: Change = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(again, c);
        let insert = r#"{"table":"calls","eventType":"INSERT","new":null,"old":null,
            "commit_timestamp":"2026-11-21T10:00:00Z","cursor":"43"}"#;
        assert_eq!(serde_json::from_str::<Change>(insert).unwrap().new, None);
    }

    #[test]
    fn tab_messages_round_trip_as_json_changes_included() {
        let m = TabMessage::State {
            state: ConnState::Polling,
        };
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<TabMessage>(&s).unwrap(), m);
        let change: Change = serde_json::from_str(&call_change("IN_PROGRESS", "RINGING")).unwrap();
        let m = TabMessage::Batch(Batch {
            org: Uuid::nil(),
            from: Some(Cursor::after_commit(41)),
            to: Cursor::after_commit(42),
            changes: vec![change],
            reset: false,
        });
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<TabMessage>(&s).unwrap(), m);
        let m = TabMessage::Ephemeral {
            event: "presence".into(),
            data: r#"{"room":"org","users":[]}"#.into(),
        };
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<TabMessage>(&s).unwrap(), m);
        let s = serde_json::to_string(&TabMessage::SessionEnded).unwrap();
        assert_eq!(
            serde_json::from_str::<TabMessage>(&s).unwrap(),
            TabMessage::SessionEnded
        );
    }

    #[test]
    fn the_subscription_names_every_followed_table() {
        assert_eq!(
            subscription_query(),
            "sub=campaigns&sub=calls&sub=contacts&sub=agents&sub=agent_tasks&sub=drafts\
             &sub=follow_ups&sub=agent_activity&sub=clients&sub=trips&sub=record_history"
        );
    }
}
