//! What the realtime endpoints send, and what tabs of one browser tell each other.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::status::ConnState;
use crate::cursor::Cursor;

/// Tables every live view of the dashboard follows (one stream per browser carries them all).
pub const TABLES: [&str; 3] = ["campaigns", "calls", "contacts"];

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

/// One committed change, as `/api/realtime/stream` and `/api/realtime/changes` send it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub table: String,
    #[serde(rename = "eventType")]
    pub op: Op,
    pub new: Option<Map<String, Value>>,
    pub old: Option<Map<String, Value>>,
    pub commit_timestamp: DateTime<Utc>,
    pub cursor: Cursor,
}

/// A response of `/api/realtime/changes`.
#[derive(Clone, Debug, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub cursor: Cursor,
    pub reset: bool,
}

/// A contiguous run of changes: everything the subscription saw after `from` up to `to`.
/// `from: None` means "the stream just (re)started at `to`, nothing before it is implied".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub from: Option<Cursor>,
    pub to: Cursor,
    pub changes: Vec<Change>,
    /// The log no longer reaches back to where the subscriber was: reload from scratch.
    pub reset: bool,
}

/// Messages on the browser-wide `BroadcastChannel`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TabMessage {
    /// From the tab holding the stream: changes for every tab.
    Batch(Batch),
    /// From the tab holding the stream: its connection state.
    State { state: ConnState },
    /// From a new tab: "who holds the stream, and in what state?".
    Hello,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_payload_reads_as_a_change() {
        let json = r#"{"schema":"public","table":"calls","eventType":"UPDATE",
            "new":{"id":"a","status":"RINGING"},"old":{"id":"a","status":"QUEUED"},
            "commit_timestamp":"2026-11-21T10:00:00Z","cursor":"42"}"#;
        let c: Change = serde_json::from_str(json).unwrap();
        assert_eq!(c.op, Op::Update);
        assert_eq!(c.cursor, Cursor::after_commit(42));
        assert_eq!(c.new.unwrap()["status"], "RINGING");
        assert_eq!(c.old.unwrap()["status"], "QUEUED");
    }

    #[test]
    fn tab_messages_round_trip_as_tagged_json() {
        let m = TabMessage::State {
            state: ConnState::Polling,
        };
        let s = serde_json::to_string(&m).unwrap();
        assert!(s.contains(r#""type":"state""#), "{s}");
        assert_eq!(serde_json::from_str::<TabMessage>(&s).unwrap(), m);
    }

    #[test]
    fn the_subscription_names_every_followed_table() {
        assert_eq!(subscription_query(), "sub=campaigns&sub=calls&sub=contacts");
    }
}
