//! In-process fan-out: one broadcast channel per organization. The tailer publishes each
//! change once (an `Arc`, serialized by the first stream that sends it); every stream of that
//! organization receives it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tokio::sync::broadcast;
use uuid::Uuid;

use super::change::Change;

/// Changes an organization's channel holds for its slowest stream before that stream lags
/// (and is caught up from the change log instead).
pub const ORG_CHANNEL_CAPACITY: usize = 4096;

pub struct Hub {
    capacity: usize,
    orgs: RwLock<HashMap<Uuid, broadcast::Sender<Arc<Change>>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new(ORG_CHANNEL_CAPACITY)
    }
}

impl Hub {
    pub fn new(capacity: usize) -> Self {
        Hub {
            capacity,
            orgs: RwLock::default(),
        }
    }

    pub fn subscribe(&self, org: Uuid) -> broadcast::Receiver<Arc<Change>> {
        if let Some(tx) = self.orgs.read().expect("hub lock").get(&org) {
            return tx.subscribe();
        }
        self.orgs
            .write()
            .expect("hub lock")
            .entry(org)
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe()
    }

    /// Hand a change to its organization's streams (if any are open).
    pub fn publish(&self, change: Arc<Change>) {
        let orgs = self.orgs.read().expect("hub lock");
        if let Some(tx) = orgs.get(&change.organization_id) {
            // An error only means nobody is listening right now.
            let _ = tx.send(change);
        }
    }

    /// Drop the channels of organizations with no open stream.
    pub fn prune(&self) {
        self.orgs
            .write()
            .expect("hub lock")
            .retain(|_, tx| tx.receiver_count() > 0);
    }
}
