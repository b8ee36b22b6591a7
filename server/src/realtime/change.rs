//! One captured change, serialized once when it is read and shared by every subscriber.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use app::cursor::Cursor;

pub type Row = Map<String, Value>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Insert => "INSERT",
            Op::Update => "UPDATE",
            Op::Delete => "DELETE",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "INSERT" => Some(Op::Insert),
            "UPDATE" => Some(Op::Update),
            "DELETE" => Some(Op::Delete),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct Change {
    pub cursor: Cursor,
    pub organization_id: Uuid,
    pub table: String,
    pub op: Op,
    /// The row after the change (`None` on DELETE).
    pub new: Option<Row>,
    /// The row before the change (`None` on INSERT).
    pub old: Option<Row>,
    pub committed_at: DateTime<Utc>,
    /// Who made it: a user's name, a worker's (`simulator`), or `sql` for a write made
    /// outside the app; `None` for changes captured before actors were recorded.
    pub actor: Option<String>,
    /// The JSON payload, for the polling endpoint.
    pub payload: Bytes,
    /// The complete SSE frame (`event: change`, `id: <cursor>`, `data: <payload>`).
    pub frame: Bytes,
}

#[derive(Serialize)]
struct Payload<'a> {
    schema: &'a str,
    table: &'a str,
    #[serde(rename = "eventType")]
    event_type: &'static str,
    new: Option<&'a Row>,
    old: Option<&'a Row>,
    commit_timestamp: DateTime<Utc>,
    cursor: Cursor,
    actor: Option<&'a str>,
}

impl Change {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        cursor: Cursor,
        organization_id: Uuid,
        schema: &str,
        table: String,
        op: Op,
        new: Option<Row>,
        old: Option<Row>,
        committed_at: DateTime<Utc>,
        actor: Option<String>,
    ) -> Self {
        let payload = serde_json::to_vec(&Payload {
            schema,
            table: &table,
            event_type: op.as_str(),
            new: new.as_ref(),
            old: old.as_ref(),
            commit_timestamp: committed_at,
            cursor,
            actor: actor.as_deref(),
        })
        .expect("a change payload always serializes");
        let frame = sse_frame("change", Some(cursor), &payload);
        Change {
            cursor,
            organization_id,
            table,
            op,
            new,
            old,
            committed_at,
            actor,
            payload: Bytes::from(payload),
            frame,
        }
    }
}

/// An SSE event: `event:`, optional `id:`, one `data:` line (JSON never contains a newline).
pub fn sse_frame(event: &str, id: Option<Cursor>, data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(data.len() + 48);
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(event.as_bytes());
    if let Some(id) = id {
        out.extend_from_slice(format!("\nid: {id}").as_bytes());
    }
    out.extend_from_slice(b"\ndata: ");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

/// `event: ready` / `event: reset` carry the cursor the stream now stands at and the
/// organization it streams (clients drop anything that is not their own).
pub fn control_frame(event: &str, cursor: Cursor, organization: Uuid) -> Bytes {
    let data = serde_json::json!({ "cursor": cursor, "organization_id": organization });
    sse_frame(event, Some(cursor), data.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_one_sse_frame_with_its_cursor_as_id() {
        let mut row = Row::new();
        row.insert("status".into(), Value::String("RINGING".into()));
        let c = Change::new(
            Cursor::at(7, 42),
            Uuid::nil(),
            "public",
            "calls".into(),
            Op::Update,
            Some(row),
            None,
            DateTime::from_timestamp(0, 0).unwrap(),
            Some("Ada".into()),
        );
        let frame = std::str::from_utf8(&c.frame).unwrap();
        assert!(
            frame.starts_with("event: change\nid: 7.42\ndata: {"),
            "{frame}"
        );
        assert!(frame.ends_with("}\n\n"));
        let payload: Value = serde_json::from_slice(&c.payload).unwrap();
        assert_eq!(payload["eventType"], "UPDATE");
        assert_eq!(payload["table"], "calls");
        assert_eq!(payload["schema"], "public");
        assert_eq!(payload["new"]["status"], "RINGING");
        assert_eq!(payload["old"], Value::Null);
        assert_eq!(payload["cursor"], "7.42");
        assert_eq!(payload["commit_timestamp"], "1970-01-01T00:00:00Z");
        assert_eq!(payload["actor"], "Ada");
    }
}
