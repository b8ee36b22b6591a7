//! Names of the contacts a page has heard of, for the sentences its feed tells about their
//! calls: from the recent activity it loaded with, from contact rows that arrive live (the
//! dialer marks a contact `calling` as it places the call, so the name usually comes before
//! the call is answered) and from the server for the rest. Bounded: the oldest go first.

use std::collections::{HashMap, VecDeque};

use uuid::Uuid;

/// Names kept; far more than the feed can mention at once.
pub const NAMES_KEPT: usize = 2_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactNames {
    names: HashMap<Uuid, String>,
    /// Insertion order, for evicting the oldest.
    order: VecDeque<Uuid>,
}

impl ContactNames {
    pub fn insert(&mut self, id: Uuid, name: String) {
        if name.is_empty() {
            return;
        }
        if self.names.insert(id, name).is_none() {
            self.order.push_back(id);
            if self.order.len() > NAMES_KEPT {
                if let Some(oldest) = self.order.pop_front() {
                    self.names.remove(&oldest);
                }
            }
        }
    }

    pub fn get(&self, id: Uuid) -> Option<String> {
        self.names.get(&id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_up_to_the_bound_and_the_oldest_go_first() {
        let mut names = ContactNames::default();
        let first = Uuid::from_u128(0);
        names.insert(first, "Ada".into());
        assert_eq!(names.get(first).as_deref(), Some("Ada"));
        for i in 1..=NAMES_KEPT as u128 {
            names.insert(Uuid::from_u128(i), format!("Contact {i}"));
        }
        assert_eq!(names.get(first), None);
        assert_eq!(names.names.len(), NAMES_KEPT);
        names.insert(Uuid::from_u128(5), String::new());
        assert_eq!(names.get(Uuid::from_u128(5)).as_deref(), Some("Contact 5"));
    }
}
