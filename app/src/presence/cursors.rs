//! Other people's cursors in a room, from `broadcast` events named `cursor`. A position is
//! relative to an anchor element both pages show (a call card, a row) — or to the shared
//! content when there is none — so windows of different sizes line up.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The broadcast event live cursors use.
pub const CURSOR_EVENT: &str = "cursor";
/// A cursor not moved for this long is hidden.
pub const IDLE_MS: i64 = 10_000;
/// At most one cursor message per this many ms from a tab.
pub const SEND_EVERY_MS: i64 = 50;

/// A `broadcast` event as the stream delivers it.
#[derive(Clone, Debug, Deserialize)]
pub struct BroadcastEvent {
    pub room: String,
    pub event: String,
    pub payload: serde_json::Value,
    pub user_id: Uuid,
    pub name: String,
}

/// Where a pointer is: `x`, `y` as fractions of the anchor's box (`a`, the value of its
/// `data-cursor-anchor`), or of the shared content without one; `gone` when it left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CursorPosition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<String>,
    pub x: f64,
    pub y: f64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gone: bool,
}

/// Anchors are ids: letters, digits, `-`, `_` and `:` only (safe in a selector).
pub fn valid_anchor(a: &str) -> bool {
    (1..=80).contains(&a.len())
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
}

/// A cursor placed in the shared content, in pixels from its top left corner.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteCursor {
    pub user_id: Uuid,
    pub name: String,
    pub left: f64,
    pub top: f64,
    pub at_ms: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cursors(BTreeMap<Uuid, RemoteCursor>);

impl Cursors {
    pub fn set(&mut self, c: RemoteCursor) {
        self.0.insert(c.user_id, c);
    }

    pub fn remove(&mut self, user: Uuid) -> bool {
        self.0.remove(&user).is_some()
    }

    /// The cursors to draw at `now`: moved within [`IDLE_MS`], of users still `present`.
    pub fn visible(&self, now: i64, present: impl Fn(Uuid) -> bool) -> Vec<RemoteCursor> {
        self.0
            .values()
            .filter(|c| now - c.at_ms < IDLE_MS && present(c.user_id))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_hide_when_idle_or_when_their_user_left() {
        let (ada, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let at = |user_id, at_ms| RemoteCursor {
            user_id,
            name: "x".into(),
            left: 1.0,
            top: 2.0,
            at_ms,
        };
        let mut c = Cursors::default();
        c.set(at(ada, 0));
        c.set(at(bob, 5_000));
        assert_eq!(c.visible(1_000, |_| true).len(), 2);
        assert_eq!(c.visible(12_000, |_| true).len(), 1, "Ada idle for 12 s");
        assert!(c
            .visible(1_000, |u| u != ada)
            .iter()
            .all(|x| x.user_id == bob));
        assert!(c.remove(bob) && !c.remove(bob));
    }

    #[test]
    fn a_position_round_trips_and_anchors_are_plain_ids() {
        let p = CursorPosition {
            a: Some("call-6f1f".into()),
            x: 0.25,
            y: 0.5,
            gone: false,
        };
        let s = serde_json::to_string(&p).unwrap();
        assert_eq!(s, r#"{"a":"call-6f1f","x":0.25,"y":0.5}"#);
        assert_eq!(serde_json::from_str::<CursorPosition>(&s).unwrap(), p);
        assert!(valid_anchor("6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7c"));
        for bad in ["", "a\"]", "a b", "x'"] {
            assert!(!valid_anchor(bad), "{bad}");
        }
    }
}
