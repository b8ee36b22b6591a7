//! The streams this instance holds open: how many per user, per organization and in all (each
//! capped), and which credential each was opened with, so that ending a credential (a revoked
//! token, a logout, an expired session) ends its streams at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Caps on open streams (429 beyond). Per instance: they bound this process's memory and
/// sockets; behind a load balancer each instance applies them to what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    /// `SWITCHBOARD_STREAMS_PER_USER` (default 10: a browser holds one, a script a few).
    pub per_user: usize,
    /// `SWITCHBOARD_STREAMS_PER_ORGANIZATION` (default 5,000).
    pub per_organization: usize,
    /// `SWITCHBOARD_STREAMS_PER_INSTANCE` (default 10,000).
    pub per_instance: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits {
            per_user: 10,
            per_organization: 5_000,
            per_instance: 10_000,
        }
    }
}

/// Who a stream belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Owner {
    pub user: Uuid,
    pub organization: Uuid,
    /// The credential (session) it was opened with.
    pub credential: Uuid,
}

/// Why a stream was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("you already have {0} open streams: close one first (one per browser is enough)")]
    User(usize),
    #[error("your organization has {0} open streams, the most this server allows")]
    Organization(usize),
    #[error("this server holds {0} streams, the most it allows; retry shortly")]
    Instance(usize),
}

#[derive(Default)]
struct Inner {
    total: usize,
    per_user: HashMap<Uuid, usize>,
    per_org: HashMap<Uuid, usize>,
    by_credential: HashMap<Uuid, HashMap<u64, CancellationToken>>,
    next_id: u64,
}

pub struct Connections {
    limits: StreamLimits,
    inner: Mutex<Inner>,
}

/// An open stream, counted until dropped. `ended` is cancelled when its credential ends.
pub struct Connection {
    registry: Arc<Connections>,
    owner: Owner,
    id: u64,
    pub ended: CancellationToken,
}

fn decrement(map: &mut HashMap<Uuid, usize>, key: Uuid) {
    if let Some(n) = map.get_mut(&key) {
        *n -= 1;
        if *n == 0 {
            map.remove(&key);
        }
    }
}

impl Connection {
    pub fn owner(&self) -> Owner {
        self.owner
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut inner = self.registry.inner.lock().expect("connections lock");
        inner.total -= 1;
        decrement(&mut inner.per_user, self.owner.user);
        decrement(&mut inner.per_org, self.owner.organization);
        if let Some(streams) = inner.by_credential.get_mut(&self.owner.credential) {
            streams.remove(&self.id);
            if streams.is_empty() {
                inner.by_credential.remove(&self.owner.credential);
            }
        }
    }
}

impl Connections {
    pub fn new(limits: StreamLimits) -> Self {
        Connections {
            limits,
            inner: Mutex::default(),
        }
    }

    /// Count a new stream, or refuse it when a cap is reached.
    pub fn open(self: &Arc<Self>, owner: Owner) -> Result<Connection, Refused> {
        let mut inner = self.inner.lock().expect("connections lock");
        let l = self.limits;
        if inner.per_user.get(&owner.user).copied().unwrap_or(0) >= l.per_user {
            return Err(Refused::User(l.per_user));
        }
        if inner.per_org.get(&owner.organization).copied().unwrap_or(0) >= l.per_organization {
            return Err(Refused::Organization(l.per_organization));
        }
        if inner.total >= l.per_instance {
            return Err(Refused::Instance(l.per_instance));
        }
        inner.total += 1;
        *inner.per_user.entry(owner.user).or_default() += 1;
        *inner.per_org.entry(owner.organization).or_default() += 1;
        inner.next_id += 1;
        let id = inner.next_id;
        let ended = CancellationToken::new();
        inner
            .by_credential
            .entry(owner.credential)
            .or_default()
            .insert(id, ended.clone());
        Ok(Connection {
            registry: self.clone(),
            owner,
            id,
            ended,
        })
    }

    /// End every stream opened with this credential; returns how many there were.
    pub fn end_credential(&self, credential: Uuid) -> usize {
        let inner = self.inner.lock().expect("connections lock");
        inner.by_credential.get(&credential).map_or(0, |streams| {
            streams.values().for_each(CancellationToken::cancel);
            streams.len()
        })
    }

    /// The credentials open streams were opened with (for the periodic re-check).
    pub fn credentials(&self) -> Vec<Uuid> {
        let inner = self.inner.lock().expect("connections lock");
        inner.by_credential.keys().copied().collect()
    }

    pub fn total(&self) -> usize {
        self.inner.lock().expect("connections lock").total
    }

    pub fn in_organization(&self, org: Uuid) -> usize {
        let inner = self.inner.lock().expect("connections lock");
        inner.per_org.get(&org).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(user: Uuid, organization: Uuid) -> Owner {
        Owner {
            user,
            organization,
            credential: Uuid::new_v4(),
        }
    }

    #[test]
    fn each_cap_refuses_the_stream_past_it_and_a_closed_stream_frees_its_place() {
        let reg = Arc::new(Connections::new(StreamLimits {
            per_user: 2,
            per_organization: 3,
            per_instance: 4,
        }));
        let (org, other_org) = (Uuid::new_v4(), Uuid::new_v4());
        let user = Uuid::new_v4();
        let a = reg.open(owner(user, org)).unwrap();
        let _b = reg.open(owner(user, org)).unwrap();
        assert_eq!(reg.open(owner(user, org)).err(), Some(Refused::User(2)));
        let _c = reg.open(owner(Uuid::new_v4(), org)).unwrap();
        assert_eq!(
            reg.open(owner(Uuid::new_v4(), org)).err(),
            Some(Refused::Organization(3))
        );
        let _d = reg.open(owner(Uuid::new_v4(), other_org)).unwrap();
        assert_eq!(
            reg.open(owner(Uuid::new_v4(), other_org)).err(),
            Some(Refused::Instance(4))
        );
        drop(a);
        assert_eq!(reg.total(), 3);
        assert!(reg.open(owner(user, org)).is_ok());
    }

    #[test]
    fn ending_a_credential_ends_only_its_own_streams() {
        let reg = Arc::new(Connections::new(StreamLimits::default()));
        let (user, org) = (Uuid::new_v4(), Uuid::new_v4());
        let mine = owner(user, org);
        let first = reg.open(mine).unwrap();
        let second = reg.open(mine).unwrap();
        let other = reg.open(owner(user, org)).unwrap();
        assert_eq!(reg.end_credential(mine.credential), 2);
        assert!(first.ended.is_cancelled() && second.ended.is_cancelled());
        assert!(!other.ended.is_cancelled());
        drop((first, second));
        assert_eq!(reg.credentials(), vec![other.owner.credential]);
        assert_eq!(reg.end_credential(mine.credential), 0);
    }
}
