//! Presence as a tab knows it: the members of each room its connection is in, kept from the
//! stream's `presence` (full state) and `presence_diff` events. Pure, so it is tested here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user in a room (one entry however many tabs or browsers they have).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
}

#[derive(Deserialize)]
struct FullState {
    room: String,
    users: Vec<Member>,
}

#[derive(Deserialize)]
struct Diff {
    room: String,
    joins: Vec<Member>,
    leaves: Vec<Member>,
}

/// Members by room.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rooms(BTreeMap<String, BTreeMap<Uuid, Member>>);

impl Rooms {
    /// Apply a `presence` or `presence_diff` event; false for anything else.
    pub fn apply(&mut self, event: &str, data: &str) -> bool {
        match event {
            "presence" => match serde_json::from_str::<FullState>(data) {
                Ok(s) => {
                    self.replace(s.room, s.users);
                    true
                }
                Err(_) => false,
            },
            "presence_diff" => match serde_json::from_str::<Diff>(data) {
                Ok(d) => {
                    let room = self.0.entry(d.room).or_default();
                    for m in d.leaves {
                        room.remove(&m.user_id);
                    }
                    for m in d.joins {
                        room.insert(m.user_id, m);
                    }
                    true
                }
                Err(_) => false,
            },
            _ => false,
        }
    }

    /// Everyone in `room` is now `users`.
    pub fn replace(&mut self, room: String, users: Vec<Member>) {
        self.0
            .insert(room, users.into_iter().map(|m| (m.user_id, m)).collect());
    }

    /// Members of `room` by name.
    pub fn members(&self, room: &str) -> Vec<Member> {
        let mut out: Vec<Member> = self
            .0
            .get(room)
            .map(|r| r.values().cloned().collect())
            .unwrap_or_default();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.cmp(&b.user_id)));
        out
    }

    /// Members of `room` other than `me`, by name.
    pub fn others(&self, room: &str, me: Option<Uuid>) -> Vec<Member> {
        let mut all = self.members(room);
        all.retain(|m| Some(m.user_id) != me);
        all
    }

    pub fn contains(&self, room: &str, user: Uuid) -> bool {
        self.0.get(room).is_some_and(|r| r.contains_key(&user))
    }
}

/// The room of a page, from its path: `/approvals` → `approvals`, `/contacts/<id>` →
/// `contacts:<id>`, `/` → `campaigns` (`None` for a path that names no room).
pub fn room_for_path(path: &str) -> Option<String> {
    let mut parts = path.trim_matches('/').split('/');
    let kind = match parts.next().unwrap_or_default() {
        "" => "campaigns".to_owned(),
        k => k.replace('-', "_"),
    };
    let room = match (parts.next(), parts.next()) {
        (None, _) => kind,
        (Some(key), None) => format!("{kind}:{key}"),
        (Some(_), Some(_)) => return None,
    };
    super::names::check_room(&room).ok().map(|()| room)
}

/// Up to two initials: "Ada Lovelace" → "AL", "cher" → "C".
pub fn initials(name: &str) -> String {
    let mut words = name.split_whitespace();
    let first = words.next().and_then(|w| w.chars().next());
    let last = words.last().and_then(|w| w.chars().next());
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The avatars to show (at most `max`) and how many more there are.
pub fn avatar_stack(mut others: Vec<Member>, max: usize) -> (Vec<Member>, usize) {
    let more = others.len().saturating_sub(max);
    others.truncate(max);
    (others, more)
}

/// A user's colour, the same in every browser: the background class (white text reads on
/// each) and the matching text class (for a cursor).
pub fn avatar_colour(user: Uuid) -> (&'static str, &'static str) {
    const COLOURS: [(&str, &str); 6] = [
        ("bg-indigo-600", "text-indigo-600"),
        ("bg-emerald-700", "text-emerald-700"),
        ("bg-rose-700", "text-rose-700"),
        ("bg-amber-700", "text-amber-700"),
        ("bg-sky-700", "text-sky-700"),
        ("bg-violet-700", "text-violet-700"),
    ];
    COLOURS[(user.as_u128() % COLOURS.len() as u128) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str) -> Member {
        Member {
            user_id: Uuid::new_v4(),
            name: name.into(),
        }
    }

    #[test]
    fn a_full_state_then_diffs_give_the_rooms_members() {
        let (ada, bob, cy) = (m("Ada"), m("Bob"), m("Cy"));
        let mut rooms = Rooms::default();
        let state = serde_json::json!({"room": "campaign:1", "users": [bob, ada]}).to_string();
        assert!(rooms.apply("presence", &state));
        assert_eq!(rooms.members("campaign:1"), vec![ada.clone(), bob.clone()]);
        let diff = serde_json::json!({"room": "campaign:1", "joins": [cy], "leaves": [ada]});
        assert!(rooms.apply("presence_diff", &diff.to_string()));
        assert_eq!(rooms.members("campaign:1"), vec![bob.clone(), cy.clone()]);
        assert_eq!(
            rooms.others("campaign:1", Some(bob.user_id)),
            vec![cy.clone()]
        );
        assert!(!rooms.apply("broadcast", "{}"));
        assert!(!rooms.apply("presence", "not json"));
        assert!(rooms.members("elsewhere").is_empty());
    }

    #[test]
    fn a_pages_room_comes_from_its_path() {
        assert_eq!(room_for_path("/").as_deref(), Some("campaigns"));
        assert_eq!(room_for_path("/approvals").as_deref(), Some("approvals"));
        assert_eq!(room_for_path("/follow-ups").as_deref(), Some("follow_ups"));
        assert_eq!(
            room_for_path("/contacts/ab-12").as_deref(),
            Some("contacts:ab-12")
        );
        assert_eq!(room_for_path("/a/b/c"), None);
        assert_eq!(room_for_path("/contacts/a%20b"), None);
        assert_eq!(room_for_path("/Admin"), None);
    }

    #[test]
    fn avatars_show_three_then_a_count_with_initials() {
        let people: Vec<Member> = ["Ada Lovelace", "Bob", "Cy Young", "Di"].map(m).to_vec();
        let (shown, more) = avatar_stack(people.clone(), 3);
        assert_eq!((shown.len(), more), (3, 1));
        assert_eq!(avatar_stack(people[..2].to_vec(), 3).1, 0);
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("  bob  "), "B");
        assert_eq!(initials("Jean Paul Sartre"), "JS");
        assert_eq!(initials(""), "");
    }
}
