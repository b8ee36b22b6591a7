//! Realtime: Postgres change capture → server-sent events.
//!
//! - `capture` lives in the database (migration `realtime_capture`): triggers record every
//!   change in `realtime.changes`, and each transaction gets a commit-ordered `seq` at COMMIT.
//! - [`log`] reads that change log after a [`Cursor`](app::cursor::Cursor).
//! - [`tail`]: one tailer per server instance follows the log (woken by LISTEN/NOTIFY, with a
//!   polling safety net) and publishes each change, serialized once, to the [`hub`].
//! - [`stream`]: `GET /api/realtime/stream`, SSE per subscriber: replay after the client's
//!   cursor, then live changes, de-duplicated by cursor; [`poll`] is the fallback endpoint.
//! - [`filter`] + [`registry`]: subscriptions `table[:event[:column=op.value]]`, validated
//!   against the captured tables' columns; the organization is always enforced first.
//! - [`retention`] prunes the log; [`stats`] is what the health page reads.

pub mod change;
pub mod filter;
pub mod hub;
pub mod log;
pub mod params;
pub mod poll;
pub mod registry;
pub mod retention;
pub mod stats;
pub mod stream;
pub mod tail;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use hub::Hub;
use registry::Registry;
use stats::Stats;

/// Tunables of the realtime engine.
#[derive(Clone, Debug)]
pub struct RealtimeConfig {
    /// How long changes stay replayable (`SWITCHBOARD_REALTIME_RETENTION_SECS`, default 24 h).
    pub retention: Duration,
    /// How often the retention job runs.
    pub prune_interval: Duration,
    /// `heartbeat` event on idle streams (at most 15 s apart), so browsers (which never see SSE
    /// comments) can tell a quiet stream from a dead one.
    pub heartbeat: Duration,
    /// How often the tailer reads the log even without a notification.
    pub safety_poll: Duration,
    /// Per-organization hub buffer ([`hub::ORG_CHANNEL_CAPACITY`]).
    pub hub_capacity: usize,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        RealtimeConfig {
            retention: Duration::from_secs(24 * 3600),
            prune_interval: Duration::from_secs(60),
            heartbeat: Duration::from_secs(10),
            safety_poll: Duration::from_secs(1),
            hub_capacity: hub::ORG_CHANNEL_CAPACITY,
        }
    }
}

/// Streams replaying from the log at once (on connect or after falling behind). When a burst
/// overruns every stream's buffer together, they queue here instead of all hitting Postgres
/// at once and starving the pool.
pub const CATCH_UP_CONCURRENCY: usize = 4;

/// The engine's shared parts, cloned into every handler.
#[derive(Clone)]
pub struct Realtime {
    pub hub: Arc<Hub>,
    pub stats: Arc<Stats>,
    pub registry: Arc<Registry>,
    pub config: RealtimeConfig,
    /// Cancelled at shutdown: open streams end so the server can stop.
    pub shutdown: CancellationToken,
    pub catch_up_permits: Arc<Semaphore>,
}

impl Realtime {
    pub fn new(config: RealtimeConfig) -> Self {
        Realtime {
            hub: Arc::new(Hub::new(config.hub_capacity)),
            stats: Arc::new(Stats::default()),
            registry: Arc::new(Registry::default()),
            config,
            shutdown: CancellationToken::new(),
            catch_up_permits: Arc::new(Semaphore::new(CATCH_UP_CONCURRENCY)),
        }
    }
}
