//! The clients pages' live state: the list (with trip counts), a client with their trips and
//! history, a trip with its history — each kept current from the stream.

use std::collections::HashMap;

use uuid::Uuid;

use crate::live::Change;
use crate::model::clients::{Client, ClientPage, ClientsPage, Trip, TripPage};
use crate::model::editing::HistoryEntry;

/// History entries a page keeps.
pub const HISTORY_LENGTH: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct ClientsView {
    /// By name.
    pub clients: Vec<Client>,
    pub trip_counts: HashMap<Uuid, i64>,
}

impl ClientsView {
    pub fn new(page: ClientsPage) -> Self {
        ClientsView {
            clients: page.clients,
            trip_counts: page.trip_counts.into_iter().collect(),
        }
    }

    pub fn apply(&mut self, change: &Change) -> bool {
        if let Some((old, new)) = change.decode::<Client>("clients") {
            self.clients.retain(|c| {
                Some(c.id) != old.as_ref().map(|o| o.id) && Some(c.id) != new.as_ref().map(|n| n.id)
            });
            if let Some(c) = new {
                let at = self
                    .clients
                    .partition_point(|x| x.name.to_lowercase() < c.name.to_lowercase());
                self.clients.insert(at, c);
            }
            return true;
        }
        if let Some((old, new)) = change.decode::<Trip>("trips") {
            let mut count = |client: Uuid, by: i64| {
                *self.trip_counts.entry(client).or_default() += by;
            };
            match (old, new) {
                (None, Some(t)) => count(t.client_id, 1),
                (Some(t), None) => count(t.client_id, -1),
                (Some(a), Some(b)) if a.client_id != b.client_id => {
                    count(a.client_id, -1);
                    count(b.client_id, 1);
                }
                _ => return false,
            }
            return true;
        }
        false
    }

    /// Clients matching `search` (name, company, email or a tag; any case).
    pub fn matching(&self, search: &str) -> Vec<Client> {
        let s = search.trim().to_lowercase();
        self.clients
            .iter()
            .filter(|c| {
                s.is_empty()
                    || c.name.to_lowercase().contains(&s)
                    || c.company
                        .as_deref()
                        .is_some_and(|x| x.to_lowercase().contains(&s))
                    || c.email
                        .as_deref()
                        .is_some_and(|x| x.to_lowercase().contains(&s))
                    || c.tags.iter().any(|t| t.to_lowercase().contains(&s))
            })
            .cloned()
            .collect()
    }
}

/// A history entry about record `id`, if `change` brings one.
pub fn history_of(change: &Change, id: Uuid) -> Option<HistoryEntry> {
    let (_, new) = change.decode::<HistoryEntry>("record_history")?;
    new.filter(|h| h.record_id == id)
}

fn push_history(history: &mut Vec<HistoryEntry>, entry: HistoryEntry) -> bool {
    if history.iter().any(|h| h.id == entry.id) {
        return false;
    }
    history.insert(0, entry);
    history.truncate(HISTORY_LENGTH);
    true
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    pub client: Client,
    /// Deleted meanwhile.
    pub deleted: bool,
    pub trips: Vec<Trip>,
    pub history: Vec<HistoryEntry>,
}

impl ClientView {
    pub fn new(page: ClientPage) -> Self {
        ClientView {
            client: page.client,
            deleted: false,
            trips: page.trips,
            history: page.history,
        }
    }

    pub fn apply(&mut self, change: &Change) -> bool {
        let id = self.client.id;
        if let Some((old, new)) = change.decode::<Client>("clients") {
            return match (old, new) {
                (_, Some(c)) if c.id == id => {
                    self.client = c;
                    true
                }
                (Some(c), None) if c.id == id => {
                    self.deleted = true;
                    true
                }
                _ => false,
            };
        }
        if let Some((old, new)) = change.decode::<Trip>("trips") {
            let before = self.trips.len();
            let gone = old.as_ref().map(|t| t.id);
            self.trips
                .retain(|t| Some(t.id) != gone && Some(t.id) != new.as_ref().map(|n| n.id));
            if let Some(t) = new.filter(|t| t.client_id == id) {
                self.trips.push(t);
                self.trips
                    .sort_by_key(|t| (t.start_date.is_none(), t.start_date, t.created_at));
                return true;
            }
            return self.trips.len() != before;
        }
        history_of(change, id).is_some_and(|h| push_history(&mut self.history, h))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TripView {
    pub trip: Trip,
    pub client: Client,
    pub deleted: bool,
    pub history: Vec<HistoryEntry>,
}

impl TripView {
    pub fn new(page: TripPage) -> Self {
        TripView {
            trip: page.trip,
            client: page.client,
            deleted: false,
            history: page.history,
        }
    }

    pub fn apply(&mut self, change: &Change) -> bool {
        let id = self.trip.id;
        if let Some((old, new)) = change.decode::<Trip>("trips") {
            return match (old, new) {
                (_, Some(t)) if t.id == id => {
                    self.trip = t;
                    true
                }
                (Some(t), None) if t.id == id => {
                    self.deleted = true;
                    true
                }
                _ => false,
            };
        }
        if let Some((_, Some(c))) = change.decode::<Client>("clients") {
            if c.id == self.client.id {
                self.client = c;
                return true;
            }
            return false;
        }
        history_of(change, id).is_some_and(|h| push_history(&mut self.history, h))
    }
}
