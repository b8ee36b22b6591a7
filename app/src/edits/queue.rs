//! The outbox's entries and what an answer to one means, kept free of browser APIs so the
//! rules are unit-tested.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::model::editing::{EditConflict, EditOutcome, FieldEdit};

/// An edit waiting to be sent (or in flight): replayed in order, under its mutation id as the
/// Idempotency-Key, so a retry never applies twice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedEdit {
    pub mutation_id: Uuid,
    /// `clients`, `trips` or `campaigns`.
    pub table: String,
    pub record_id: Uuid,
    pub fields: BTreeMap<String, FieldEdit>,
    /// When it was made (ms since the epoch): the replay order.
    pub queued_at: f64,
}

impl QueuedEdit {
    pub fn url(&self) -> String {
        format!("/api/{}/{}", self.table, self.record_id)
    }

    pub fn body(&self) -> String {
        serde_json::json!({ "fields": self.fields }).to_string()
    }
}

/// What became of a sent edit.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Applied(EditOutcome),
    Conflict(EditConflict),
    /// Refused for good (validation, permissions, deleted): the message says why.
    Refused(String),
}

/// What to do after an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Answered: drop it from the queue and tell its editor.
    Done(Outcome),
    /// Not answered (offline, server unreachable or failing): keep it, retry later.
    Retry,
    /// The session ended: keep it for after signing in again.
    SignedOut,
}

/// Classify an HTTP answer (`None`: the request never got one).
pub fn classify(answer: Option<(u16, &str)>) -> Next {
    let Some((status, body)) = answer else {
        return Next::Retry;
    };
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match status {
        200..=299 => match serde_json::from_value(json) {
            Ok(o) => Next::Done(Outcome::Applied(o)),
            Err(_) => Next::Retry,
        },
        401 => Next::SignedOut,
        409 => match serde_json::from_value::<EditConflict>(json.clone()) {
            Ok(c) => Next::Done(Outcome::Conflict(c)),
            Err(_) => Next::Done(Outcome::Refused(message(&json, status))),
        },
        // Too many requests and timeouts are worth another try, like server errors.
        408 | 429 | 500..=599 => Next::Retry,
        _ => Next::Done(Outcome::Refused(message(&json, status))),
    }
}

fn message(json: &Value, status: u16) -> String {
    json["error"]["message"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("The server refused the change (HTTP {status})."))
}

/// Queue order: oldest first (ties by id, so every tab agrees).
pub fn sort(queue: &mut [QueuedEdit]) {
    queue.sort_by(|a, b| {
        a.queued_at
            .total_cmp(&b.queued_at)
            .then(a.mutation_id.cmp(&b.mutation_id))
    });
}

/// "1 change waiting" / "3 changes waiting".
pub fn waiting_text(n: usize) -> String {
    match n {
        1 => "1 change waiting".into(),
        n => format!("{n} changes waiting"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_applied_conflicts_refusals_or_retries() {
        let ok = json!({"record": {}, "applied": ["notes"], "unchanged": [], "mutation_id": null, "version": 3}).to_string();
        assert!(
            matches!(classify(Some((200, &ok))), Next::Done(Outcome::Applied(o)) if o.version == 3)
        );
        let conflict =
            json!({"error": {"message": "x"}, "conflicts": [], "record": {}}).to_string();
        assert!(matches!(
            classify(Some((409, &conflict))),
            Next::Done(Outcome::Conflict(_))
        ));
        let bad = json!({"error": {"message": "budget_cents: from 0"}}).to_string();
        assert_eq!(
            classify(Some((422, &bad))),
            Next::Done(Outcome::Refused("budget_cents: from 0".into()))
        );
        assert_eq!(classify(None), Next::Retry);
        assert_eq!(classify(Some((503, ""))), Next::Retry);
        assert_eq!(classify(Some((401, ""))), Next::SignedOut);
    }

    #[test]
    fn the_queue_replays_oldest_first() {
        let e = |at: f64| QueuedEdit {
            mutation_id: Uuid::new_v4(),
            table: "trips".into(),
            record_id: Uuid::nil(),
            fields: BTreeMap::new(),
            queued_at: at,
        };
        let mut q = vec![e(3.0), e(1.0), e(2.0)];
        sort(&mut q);
        assert_eq!(
            q.iter().map(|x| x.queued_at).collect::<Vec<_>>(),
            [1.0, 2.0, 3.0]
        );
        assert_eq!(q[0].url(), format!("/api/trips/{}", Uuid::nil()));
    }

    #[test]
    fn waiting_changes_are_counted_in_words() {
        assert_eq!(waiting_text(1), "1 change waiting");
        assert_eq!(waiting_text(3), "3 changes waiting");
    }
}
