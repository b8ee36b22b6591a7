//! Presence and broadcast: who is looking at what, and short-lived messages (live cursors)
//! between the people in a room. Ephemeral — never in the change log, never replayed — but
//! shared by every instance:
//!
//! - A stream's `ready` event carries a `connection` id ([`Presence::attach`] registers it in
//!   `presence.connections`). The browser reports which rooms its tabs are in with
//!   `PUT /api/presence` ([`store::report`], any instance), every ~15 s and on navigation.
//! - Every change notifies [`store::CHANNEL`]; each instance's [`bus`] re-reads the rooms its
//!   own streams are in and sends them a full `presence` state on joining, then
//!   `presence_diff`s (computed per instance by [`local::Local`] from what Postgres holds).
//! - A closed stream or a room left is kept for a short grace (no flicker between pages);
//!   a browser that stops reporting expires after the TTL; [`store::sweep`] removes both.
//! - `POST /api/broadcast` delivers to this instance's streams in the room at once and
//!   queues the message for the others: one NOTIFY per room per tick on
//!   [`bus::BROADCAST_CHANNEL`], split to stay under 8,000 bytes.

pub mod bus;
pub mod frames;
pub mod local;
pub mod store;

pub use app::presence::names;

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sqlx::PgPool;
use tokio::sync::{mpsc, Notify};
use uuid::Uuid;

use frames::Message;
use local::Local;

/// Tunables of presence and broadcast.
#[derive(Clone, Debug)]
pub struct PresenceConfig {
    /// How long a report keeps a browser in its rooms (`SWITCHBOARD_PRESENCE_TTL_SECS`,
    /// default 45): a crashed browser disappears this long after its last report.
    pub ttl: Duration,
    /// How long a closed stream or a room left still counts (default 3 s): enough for a
    /// reload or the next page to report, so moving between pages does not flicker.
    pub grace: Duration,
    /// How often expired entries are removed (every instance does it; default 1 s).
    pub sweep_every: Duration,
    /// How often this instance keeps its streams' connections alive and re-reads its rooms
    /// (a safety net for a missed notification; default 15 s).
    pub refresh_every: Duration,
    /// Broadcasts for other instances are sent once per tick, one NOTIFY per room.
    pub broadcast_tick: Duration,
    /// Broadcasts one user may post per second (429 beyond), and the burst allowed.
    pub broadcast_rate: NonZeroU32,
    pub broadcast_burst: NonZeroU32,
}

impl Default for PresenceConfig {
    fn default() -> Self {
        PresenceConfig {
            ttl: Duration::from_secs(45),
            grace: Duration::from_secs(3),
            sweep_every: Duration::from_secs(1),
            refresh_every: Duration::from_secs(15),
            broadcast_tick: Duration::from_millis(10),
            broadcast_rate: NonZeroU32::new(60).expect("non-zero"),
            broadcast_burst: NonZeroU32::new(120).expect("non-zero"),
        }
    }
}

/// Counters for the benchmark and the metrics endpoint.
#[derive(Default)]
pub struct PresenceStats {
    pub broadcasts: AtomicU64,
    pub deliveries: AtomicU64,
    pub notifies: AtomicU64,
    pub presence_frames: AtomicU64,
}

pub struct Presence {
    pub config: PresenceConfig,
    /// Tells this instance's own broadcast notifications apart from the others'.
    instance: Uuid,
    local: Mutex<Local>,
    outgoing: Mutex<Vec<(Uuid, Message)>>,
    wake: Notify,
    limiter: DefaultKeyedRateLimiter<Uuid>,
    pub stats: PresenceStats,
}

/// A broadcast beyond the sender's rate.
#[derive(Debug, thiserror::Error)]
#[error("too many broadcasts: at most {0} a second per user")]
pub struct RateLimited(pub u32);

/// A stream's registration: its connection id, the frames for it, and (when dropped) the
/// end of its presence after the grace.
pub struct Attachment {
    pub id: Uuid,
    pub rx: mpsc::Receiver<Bytes>,
    lost: Arc<AtomicBool>,
    _detach: Detach,
}

impl Attachment {
    /// Whether a presence frame was dropped for want of room since the last call.
    pub fn take_lost(&self) -> bool {
        self.lost.swap(false, Relaxed)
    }
}

struct Detach {
    presence: Arc<Presence>,
    pool: PgPool,
    id: Uuid,
}

impl Drop for Detach {
    fn drop(&mut self) {
        self.presence.local().remove(self.id);
        let (pool, id, grace) = (self.pool.clone(), self.id, self.presence.config.grace);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = store::close(&pool, id, grace).await {
                    // It expires by itself after the TTL.
                    tracing::warn!(error = %e, "cannot end a stream's presence");
                }
            });
        }
    }
}

impl Presence {
    pub fn new(config: PresenceConfig) -> Self {
        let quota = Quota::per_second(config.broadcast_rate).allow_burst(config.broadcast_burst);
        Presence {
            config,
            instance: Uuid::new_v4(),
            local: Mutex::default(),
            outgoing: Mutex::default(),
            wake: Notify::new(),
            limiter: RateLimiter::keyed(quota),
            stats: PresenceStats::default(),
        }
    }

    pub(crate) fn local(&self) -> MutexGuard<'_, Local> {
        self.local.lock().expect("presence lock")
    }

    /// Register a new stream of `user` (named `name`) in `org`. If Postgres cannot record it,
    /// the stream still works; its reports are refused until it reconnects.
    pub async fn attach(
        self: &Arc<Self>,
        pool: &PgPool,
        org: Uuid,
        user: Uuid,
        name: &str,
    ) -> Attachment {
        let id = Uuid::new_v4();
        let receiver = self.local().register(id, org, user);
        if let Err(e) = store::open(pool, id, org, user, name, self.config.ttl).await {
            tracing::warn!(error = %e, "cannot record a stream's presence connection");
        }
        Attachment {
            id,
            rx: receiver.rx,
            lost: receiver.lost,
            _detach: Detach {
                presence: self.clone(),
                pool: pool.clone(),
                id,
            },
        }
    }

    /// Full states of every room connection `id` is in (after it lost a frame).
    pub fn states_of(&self, id: Uuid) -> Vec<Bytes> {
        self.local().states_of(id)
    }

    /// Deliver `m` to this instance's streams in its room now, and to the other instances'
    /// on the next tick. Returns how many streams of this instance got it.
    pub fn broadcast(&self, org: Uuid, m: Message) -> Result<u64, RateLimited> {
        if self.limiter.check_key(&m.user_id).is_err() {
            return Err(RateLimited(self.config.broadcast_rate.get()));
        }
        self.stats.broadcasts.fetch_add(1, Relaxed);
        let sent = self.local().deliver(org, &m);
        self.stats.deliveries.fetch_add(sent, Relaxed);
        self.outgoing.lock().expect("outgoing lock").push((org, m));
        self.wake.notify_one();
        Ok(sent)
    }

    fn take_outgoing(&self) -> Vec<(Uuid, Message)> {
        std::mem::take(&mut *self.outgoing.lock().expect("outgoing lock"))
    }

    /// Forget rate-limit state of users who have not posted lately.
    pub fn prune(&self) {
        self.limiter.retain_recent();
    }
}
