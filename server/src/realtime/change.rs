//! One captured change, shared by every subscriber and serialized once, by the first that
//! sends it: a change no stream or poll asks for (an organization nobody is watching) is
//! never serialized.

use std::sync::OnceLock;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use uuid::Uuid;

use app::cursor::Cursor;

pub type Row = Map<String, Value>;

/// A row image as the log holds it: the JSON text `to_json` wrote, passed on untouched.
pub type RawRow = Box<RawValue>;

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
    /// The row after the change (`None` on DELETE), as JSON text.
    new: Option<RawRow>,
    /// The row before the change (`None` on INSERT), as JSON text.
    old: Option<RawRow>,
    /// Both rows parsed, the first time a column filter asks (most changes are only ever
    /// forwarded, so most are never parsed).
    parsed: OnceLock<(Option<Row>, Option<Row>)>,
    pub committed_at: DateTime<Utc>,
    /// Who made it: a user's name, a worker's (`simulator`), or `sql` for a write made
    /// outside the app; `None` for changes captured before actors were recorded.
    pub actor: Option<String>,
    schema: String,
    /// The complete SSE frame (`event: change`, `id: <cursor>`, `data: <payload>`), and where
    /// the payload starts in it; built the first time a subscriber asks.
    frame: OnceLock<(Bytes, usize)>,
}

#[derive(Serialize)]
struct Payload<'a> {
    schema: &'a str,
    table: &'a str,
    #[serde(rename = "eventType")]
    event_type: &'static str,
    new: Option<&'a RawValue>,
    old: Option<&'a RawValue>,
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
        new: Option<RawRow>,
        old: Option<RawRow>,
        committed_at: DateTime<Utc>,
        actor: Option<String>,
    ) -> Self {
        // An SSE `data:` line cannot hold a line break; `to_json` never writes one outside
        // a string, but a `json` column keeps its value's own layout.
        let (new, old) = (new.map(one_line), old.map(one_line));
        Change {
            cursor,
            organization_id,
            table,
            op,
            new,
            old,
            parsed: OnceLock::new(),
            committed_at,
            actor,
            schema: schema.to_owned(),
            frame: OnceLock::new(),
        }
    }

    /// The complete SSE frame, for streams.
    pub fn frame(&self) -> &Bytes {
        &self.serialized().0
    }

    /// The JSON payload (the frame's `data:`), for the polling endpoint.
    pub fn payload(&self) -> Bytes {
        let (frame, start) = self.serialized();
        frame.slice(*start..frame.len() - 2)
    }

    fn serialized(&self) -> &(Bytes, usize) {
        self.frame.get_or_init(|| {
            let payload = serde_json::to_vec(&Payload {
                schema: &self.schema,
                table: &self.table,
                event_type: self.op.as_str(),
                new: self.new.as_deref(),
                old: self.old.as_deref(),
                commit_timestamp: self.committed_at,
                cursor: self.cursor,
                actor: self.actor.as_deref(),
            })
            .expect("a change payload always serializes");
            let frame = sse_frame("change", Some(self.cursor), &payload);
            let start = frame.len() - payload.len() - 2;
            (frame, start)
        })
    }
}

impl Change {
    /// The row after the change, parsed (`None` on DELETE, or if it is not a JSON object).
    pub fn new_row(&self) -> Option<&Row> {
        self.rows().0.as_ref()
    }

    /// The row before the change, parsed (`None` on INSERT).
    pub fn old_row(&self) -> Option<&Row> {
        self.rows().1.as_ref()
    }

    fn rows(&self) -> &(Option<Row>, Option<Row>) {
        self.parsed.get_or_init(|| {
            let parse = |raw: &Option<RawRow>| {
                raw.as_deref()
                    .and_then(|r| serde_json::from_str::<Row>(r.get()).ok())
            };
            (parse(&self.new), parse(&self.old))
        })
    }
}

fn one_line(raw: RawRow) -> RawRow {
    if !raw.get().contains(['\n', '\r']) {
        return raw;
    }
    serde_json::from_str::<Value>(raw.get())
        .and_then(|v| serde_json::value::to_raw_value(&v))
        .unwrap_or(raw)
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

    /// A change of `public.<table>` carrying `row` (JSON text, kept as written) as its new row.
    fn change(cursor: Cursor, table: &str, op: Op, row: &str, actor: Option<&str>) -> Change {
        Change::new(
            cursor,
            Uuid::nil(),
            "public",
            table.into(),
            op,
            Some(RawValue::from_string(row.into()).unwrap()),
            None,
            DateTime::from_timestamp(0, 0).unwrap(),
            actor.map(Into::into),
        )
    }

    #[test]
    fn a_change_is_one_sse_frame_with_its_cursor_as_id() {
        let c = change(
            Cursor::at(7, 42),
            "calls",
            Op::Update,
            r#"{"status":"RINGING"}"#,
            Some("Ada"),
        );
        let frame = std::str::from_utf8(c.frame()).unwrap();
        assert!(
            frame.starts_with("event: change\nid: 7.42\ndata: {"),
            "{frame}"
        );
        assert!(frame.ends_with("}\n\n"));
        let payload: Value = serde_json::from_slice(&c.payload()).unwrap();
        assert_eq!(payload["eventType"], "UPDATE");
        assert_eq!(payload["table"], "calls");
        assert_eq!(payload["schema"], "public");
        assert_eq!(payload["new"]["status"], "RINGING");
        assert_eq!(payload["old"], Value::Null);
        assert_eq!(payload["cursor"], "7.42");
        assert_eq!(payload["commit_timestamp"], "1970-01-01T00:00:00Z");
        assert_eq!(payload["actor"], "Ada");
        assert_eq!(c.new_row().unwrap()["status"], "RINGING");
        assert!(c.old_row().is_none());
        assert!(frame.ends_with(&format!(
            "data: {}\n\n",
            std::str::from_utf8(&c.payload()).unwrap()
        )));
    }

    #[test]
    fn a_change_is_serialized_only_when_a_subscriber_first_asks_and_then_once() {
        let c = change(
            Cursor::at(3, 9),
            "calls",
            Op::Insert,
            r#"{"status":"QUEUED"}"#,
            None,
        );
        assert!(c.frame.get().is_none(), "serialized before anyone asked");
        let first = c.frame().clone();
        assert!(
            std::ptr::eq(first.as_ptr(), c.frame().as_ptr()),
            "serialized twice"
        );
        assert_eq!(
            c.payload().as_ptr(),
            first[first.len() - 2 - c.payload().len()..].as_ptr()
        );
    }

    #[test]
    fn a_row_laid_out_on_several_lines_still_makes_a_one_line_frame() {
        let c = change(
            Cursor::at(1, 1),
            "trips",
            Op::Insert,
            "{\"notes\": {\n  \"a\": \"x\\ny\"\n}}",
            None,
        );
        let frame = std::str::from_utf8(c.frame()).unwrap();
        assert_eq!(frame.matches('\n').count(), 4, "{frame}");
        assert_eq!(c.new_row().unwrap()["notes"]["a"], "x\ny");
    }
}
