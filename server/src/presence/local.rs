//! This instance's side of presence: the streams it holds, the rooms each is in, and the
//! members it last told them about (so it can send diffs). A cache of what Postgres holds —
//! every instance computes its own from the same tables, and a restart loses nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::frames::{self, Member};

/// Presence and broadcast frames a stream may have waiting before newer ones are dropped.
pub const STREAM_CAPACITY: usize = 128;

/// A room is named inside an organization: the same name in two organizations is two rooms.
pub type RoomKey = (Uuid, String);

struct Conn {
    org: Uuid,
    user: Uuid,
    rooms: HashSet<String>,
    tx: mpsc::Sender<Bytes>,
    /// A presence frame could not be queued: the stream resends full states.
    lost: Arc<AtomicBool>,
}

#[derive(Default)]
struct Room {
    /// Members as last sent to this room's streams (`None`: not read yet).
    members: Option<BTreeMap<Uuid, Member>>,
    conns: HashSet<Uuid>,
}

#[derive(Default)]
pub struct Local {
    conns: HashMap<Uuid, Conn>,
    rooms: HashMap<RoomKey, Room>,
}

/// What the stream side of a registration holds.
pub struct Receiver {
    pub rx: mpsc::Receiver<Bytes>,
    pub lost: Arc<AtomicBool>,
}

impl Local {
    pub fn register(&mut self, id: Uuid, org: Uuid, user: Uuid) -> Receiver {
        let (tx, rx) = mpsc::channel(STREAM_CAPACITY);
        let lost = Arc::new(AtomicBool::new(false));
        self.conns.insert(
            id,
            Conn {
                org,
                user,
                rooms: HashSet::new(),
                tx,
                lost: lost.clone(),
            },
        );
        Receiver { rx, lost }
    }

    pub fn remove(&mut self, id: Uuid) {
        if let Some(conn) = self.conns.remove(&id) {
            for room in conn.rooms {
                self.leave_room(id, (conn.org, room));
            }
        }
    }

    fn leave_room(&mut self, id: Uuid, key: RoomKey) {
        if let Some(room) = self.rooms.get_mut(&key) {
            room.conns.remove(&id);
            if room.conns.is_empty() {
                self.rooms.remove(&key);
            }
        }
    }

    pub fn ids(&self) -> Vec<Uuid> {
        self.conns.keys().copied().collect()
    }

    pub fn holds(&self, id: Uuid) -> bool {
        self.conns.contains_key(&id)
    }

    /// Set a connection's rooms; returns the rooms it newly joined (they need a full state).
    pub fn set_rooms(&mut self, id: Uuid, rooms: HashSet<String>) -> Vec<RoomKey> {
        let Some(conn) = self.conns.get_mut(&id) else {
            return Vec::new();
        };
        let org = conn.org;
        let left: Vec<String> = conn.rooms.difference(&rooms).cloned().collect();
        let joined: Vec<String> = rooms.difference(&conn.rooms).cloned().collect();
        conn.rooms = rooms;
        for room in left {
            self.leave_room(id, (org, room));
        }
        joined
            .into_iter()
            .map(|room| {
                let key = (org, room);
                self.rooms.entry(key.clone()).or_default().conns.insert(id);
                key
            })
            .collect()
    }

    /// Of `keys`, the rooms some stream of this instance is in.
    pub fn watched(&self, keys: impl IntoIterator<Item = RoomKey>) -> Vec<RoomKey> {
        keys.into_iter()
            .filter(|k| self.rooms.contains_key(k))
            .collect()
    }

    /// Every room some stream of this instance is in.
    pub fn all_rooms(&self) -> Vec<RoomKey> {
        self.rooms.keys().cloned().collect()
    }

    /// The room's members are now `now`: a diff to the streams that had been told, a full
    /// state to `fresh` streams (just joined) and to any stream of a room read for the first
    /// time.
    pub fn update_members(
        &mut self,
        key: &RoomKey,
        now: BTreeMap<Uuid, Member>,
        fresh: &HashSet<Uuid>,
    ) -> u64 {
        let Some(room) = self.rooms.get_mut(key) else {
            return 0;
        };
        let state = frames::state(&key.1, &now.values().collect::<Vec<_>>());
        let diff = room.members.as_ref().and_then(|before| {
            let joins: Vec<&Member> = now
                .iter()
                .filter(|(u, m)| before.get(u) != Some(m))
                .map(|(_, m)| m)
                .collect();
            let leaves: Vec<&Member> = before
                .iter()
                .filter(|(u, _)| !now.contains_key(u))
                .map(|(_, m)| m)
                .collect();
            (!joins.is_empty() || !leaves.is_empty()).then(|| frames::diff(&key.1, &joins, &leaves))
        });
        let told = room.members.is_some();
        let mut sent = 0;
        for id in &room.conns {
            let Some(conn) = self.conns.get(id) else {
                continue;
            };
            let frame = if !told || fresh.contains(id) {
                Some(&state)
            } else {
                diff.as_ref()
            };
            if let Some(f) = frame {
                sent += 1;
                if conn.tx.try_send(f.clone()).is_err() {
                    conn.lost.store(true, Relaxed);
                }
            }
        }
        room.members = Some(now);
        sent
    }

    /// Hand a broadcast to this instance's streams in its room: not to the sender's own
    /// connections unless it asked. A stream too far behind misses it (stale by then).
    pub fn deliver(&self, org: Uuid, m: &frames::Message) -> u64 {
        let Some(room) = self.rooms.get(&(org, m.room.clone())) else {
            return 0;
        };
        let frame = frames::broadcast(m);
        let mut sent = 0;
        for id in &room.conns {
            let Some(conn) = self.conns.get(id) else {
                continue;
            };
            if (m.to_self || conn.user != m.user_id) && conn.tx.try_send(frame.clone()).is_ok() {
                sent += 1;
            }
        }
        sent
    }

    /// Full states of every room `id` is in (after it lost a frame).
    pub fn states_of(&self, id: Uuid) -> Vec<Bytes> {
        let Some(conn) = self.conns.get(&id) else {
            return Vec::new();
        };
        conn.rooms
            .iter()
            .filter_map(|room| {
                let members = self
                    .rooms
                    .get(&(conn.org, room.clone()))?
                    .members
                    .as_ref()?;
                Some(frames::state(room, &members.values().collect::<Vec<_>>()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str) -> (Uuid, Member) {
        let user_id = Uuid::new_v4();
        (
            user_id,
            Member {
                user_id,
                name: name.into(),
            },
        )
    }

    fn text(rx: &mut mpsc::Receiver<Bytes>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(b) = rx.try_recv() {
            out.push(String::from_utf8(b.to_vec()).unwrap());
        }
        out
    }

    #[test]
    fn a_stream_gets_the_full_state_when_it_joins_then_diffs() {
        let mut local = Local::default();
        let (org, conn) = (Uuid::new_v4(), Uuid::new_v4());
        let (ada_id, ada) = member("Ada");
        let mut r = local.register(conn, org, ada_id);
        let joined = local.set_rooms(conn, HashSet::from(["org".to_string()]));
        assert_eq!(joined, vec![(org, "org".to_string())]);
        let key = joined[0].clone();
        let fresh = HashSet::from([conn]);
        local.update_members(&key, BTreeMap::from([(ada_id, ada.clone())]), &fresh);
        let got = text(&mut r.rx);
        assert!(
            got[0].starts_with("event: presence\n") && got[0].contains("Ada"),
            "{got:?}"
        );
        let (bob_id, bob) = member("Bob");
        let both = BTreeMap::from([(ada_id, ada.clone()), (bob_id, bob)]);
        local.update_members(&key, both.clone(), &HashSet::new());
        let got = text(&mut r.rx);
        assert!(
            got[0].starts_with("event: presence_diff\n") && got[0].contains("\"joins\":[{"),
            "{got:?}"
        );
        assert!(!got[0].contains("Ada"), "Ada did not change: {got:?}");
        // Nothing changed: nothing is sent.
        local.update_members(&key, both, &HashSet::new());
        assert!(text(&mut r.rx).is_empty());
        local.remove(conn);
        assert!(local.all_rooms().is_empty());
    }

    #[test]
    fn a_broadcast_skips_the_senders_own_connections_unless_asked() {
        let mut local = Local::default();
        let org = Uuid::new_v4();
        let (ada, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let (c1, c2) = (Uuid::new_v4(), Uuid::new_v4());
        let mut r1 = local.register(c1, org, ada);
        let mut r2 = local.register(c2, org, bob);
        let room = HashSet::from(["campaign:1".to_string()]);
        local.set_rooms(c1, room.clone());
        local.set_rooms(c2, room);
        let mut m = frames::Message {
            room: "campaign:1".into(),
            event: "cursor".into(),
            payload: serde_json::value::RawValue::from_string("{}".into()).unwrap(),
            user_id: ada,
            name: "Ada".into(),
            to_self: false,
        };
        assert_eq!(local.deliver(org, &m), 1);
        assert!(text(&mut r1.rx).is_empty());
        assert_eq!(text(&mut r2.rx).len(), 1);
        m.to_self = true;
        assert_eq!(local.deliver(org, &m), 2);
        assert_eq!(
            local.deliver(Uuid::new_v4(), &m),
            0,
            "another organization's room"
        );
    }
}
