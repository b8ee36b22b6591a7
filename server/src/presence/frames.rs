//! The SSE events presence and broadcast send. None carries an `id`: they never move a
//! stream's resume cursor and are never replayed.

use bytes::Bytes;
use serde::Serialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::realtime::change::sse_frame;

/// A user in a room (one entry however many tabs or browsers they have).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
}

/// `event: presence`: everyone in the room now.
pub fn state(room: &str, users: &[&Member]) -> Bytes {
    #[derive(Serialize)]
    struct State<'a> {
        room: &'a str,
        users: &'a [&'a Member],
    }
    let data = serde_json::to_vec(&State { room, users }).expect("presence serializes");
    sse_frame("presence", None, &data)
}

/// `event: presence_diff`: who joined and who left the room since the last state or diff.
pub fn diff(room: &str, joins: &[&Member], leaves: &[&Member]) -> Bytes {
    #[derive(Serialize)]
    struct Diff<'a> {
        room: &'a str,
        joins: &'a [&'a Member],
        leaves: &'a [&'a Member],
    }
    let data = serde_json::to_vec(&Diff {
        room,
        joins,
        leaves,
    })
    .expect("diff serializes");
    sse_frame("presence_diff", None, &data)
}

/// One broadcast message, as instances pass it to each other and streams deliver it.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Message {
    pub room: String,
    pub event: String,
    pub payload: Box<RawValue>,
    pub user_id: Uuid,
    pub name: String,
    /// Delivered to the sender's own connections too.
    #[serde(rename = "self", default, skip_serializing_if = "std::ops::Not::not")]
    pub to_self: bool,
}

/// `event: broadcast`.
pub fn broadcast(m: &Message) -> Bytes {
    #[derive(Serialize)]
    struct Out<'a> {
        room: &'a str,
        event: &'a str,
        payload: &'a RawValue,
        user_id: Uuid,
        name: &'a str,
    }
    let data = serde_json::to_vec(&Out {
        room: &m.room,
        event: &m.event,
        payload: &m.payload,
        user_id: m.user_id,
        name: &m.name,
    })
    .expect("a broadcast serializes");
    sse_frame("broadcast", None, &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_and_broadcast_frames_carry_no_id() {
        let m = Member {
            user_id: Uuid::nil(),
            name: "Ada".into(),
        };
        let s = String::from_utf8(state("org", &[&m]).to_vec()).unwrap();
        assert!(
            s.starts_with("event: presence\ndata: {\"room\":\"org\",\"users\":[{"),
            "{s}"
        );
        let d = String::from_utf8(diff("org", &[], &[&m]).to_vec()).unwrap();
        assert!(d.starts_with("event: presence_diff\ndata: "), "{d}");
        let b = broadcast(&Message {
            room: "campaign:1".into(),
            event: "cursor".into(),
            payload: RawValue::from_string("{\"x\":1}".into()).unwrap(),
            user_id: Uuid::nil(),
            name: "Ada".into(),
            to_self: false,
        });
        let b = String::from_utf8(b.to_vec()).unwrap();
        assert!(b.contains("\"payload\":{\"x\":1}"), "{b}");
        for frame in [s, d, b] {
            assert!(!frame.contains("\nid:"), "{frame}");
        }
    }
}
