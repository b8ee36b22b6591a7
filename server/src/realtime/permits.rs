//! Who may read the change log for a replay right now. Replays (a stream resuming, or caught
//! up after falling behind) are bounded in all, and each organization may hold only part of
//! the permits, so one tenant resuming thousands of streams cannot starve another's resumes.
//! Permits are taken per page read, never while a page is being written to a slow client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// Replay pages read at once on this instance.
pub const CATCH_UP_CONCURRENCY: usize = 4;
/// Of those, the most one organization may hold.
pub const CATCH_UP_PER_ORGANIZATION: usize = 2;

pub struct ReplayPermits {
    global: Arc<Semaphore>,
    per_org_limit: usize,
    per_org: Mutex<HashMap<Uuid, Arc<Semaphore>>>,
}

/// Both permits, released together when dropped.
pub struct ReplayPermit {
    _org: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Default for ReplayPermits {
    fn default() -> Self {
        ReplayPermits::new(CATCH_UP_CONCURRENCY, CATCH_UP_PER_ORGANIZATION)
    }
}

impl ReplayPermits {
    pub fn new(total: usize, per_organization: usize) -> Self {
        ReplayPermits {
            global: Arc::new(Semaphore::new(total)),
            per_org_limit: per_organization.clamp(1, total),
            per_org: Mutex::default(),
        }
    }

    /// Wait at most `wait` for a turn (first the organization's, then the instance's; both
    /// queues are first come, first served). `None` when the turn did not come in time.
    pub async fn acquire(&self, org: Uuid, wait: Duration) -> Option<ReplayPermit> {
        let org_sem = self
            .per_org
            .lock()
            .expect("permits lock")
            .entry(org)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_org_limit)))
            .clone();
        tokio::time::timeout(wait, async {
            let org = org_sem.acquire_owned().await.ok()?;
            let global = self.global.clone().acquire_owned().await.ok()?;
            Some(ReplayPermit {
                _org: org,
                _global: global,
            })
        })
        .await
        .ok()
        .flatten()
    }

    /// Forget organizations nobody is replaying for.
    pub fn prune(&self) {
        let limit = self.per_org_limit;
        self.per_org
            .lock()
            .expect("permits lock")
            .retain(|_, s| Arc::strong_count(s) > 1 || s.available_permits() < limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_busy_organization_leaves_permits_for_the_others() {
        let permits = ReplayPermits::new(4, 2);
        let (busy, other) = (Uuid::new_v4(), Uuid::new_v4());
        let short = Duration::from_millis(20);
        let _a = permits.acquire(busy, short).await.unwrap();
        let _b = permits.acquire(busy, short).await.unwrap();
        assert!(
            permits.acquire(busy, short).await.is_none(),
            "a third permit for the same organization waits"
        );
        let _c = permits.acquire(other, short).await.unwrap();
        let _d = permits.acquire(other, short).await.unwrap();
        assert!(permits.acquire(Uuid::new_v4(), short).await.is_none());
        drop(_a);
        assert!(permits.acquire(busy, short).await.is_some());
        permits.prune();
    }
}
