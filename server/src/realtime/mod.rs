//! Realtime: Postgres change capture → server-sent events.
//!
//! - `capture` lives in the database (migration `realtime_capture`): triggers record every
//!   change in `realtime.changes`; the [`sequencer`] numbers committed transactions in commit
//!   order after the fact, in batches (migration `sequencer`), with no lock on the write path.
//! - [`log`] reads that change log after a [`Cursor`](app::cursor::Cursor).
//! - [`tail`]: one tailer per server instance follows the log (woken by LISTEN/NOTIFY, with a
//!   polling safety net) and publishes each change to the [`hub`] (serialized once, when a
//!   subscriber first sends it).
//! - [`stream`]: `GET /api/realtime/stream`, SSE per subscriber: replay after the client's
//!   cursor, then live changes, de-duplicated by cursor; [`poll`] is the fallback endpoint.
//! - [`filter`] + [`registry`]: subscriptions `table[:event[:column=op.value]]`, validated
//!   against the captured tables' columns; the organization is always enforced first.
//! - [`retention`] prunes the log; [`stats`] is what the health page reads.

pub mod change;
pub mod connections;
pub mod filter;
pub mod handoff;
pub mod hub;
pub mod listener;
pub mod log;
pub mod params;
pub mod permits;
pub mod poll;
pub mod registry;
pub mod retention;
pub mod schema;
pub mod sequencer;
pub mod stats;
pub mod stream;
pub mod tail;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use connections::{Connections, StreamLimits};
use hub::Hub;
use permits::ReplayPermits;
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
    /// Pause between sequencer batches (`SWITCHBOARD_REALTIME_SEQUENCE_INTERVAL_MS`, default
    /// 3 ms): a commit waits half of it on average before it is numbered and sent.
    pub sequence_interval: Duration,
    /// The pause once the sequencer has numbered nothing for a second
    /// (`SWITCHBOARD_REALTIME_SEQUENCE_IDLE_INTERVAL_MS`, default 20 ms).
    pub sequence_idle_interval: Duration,
    /// How often the tailer reads the log even without a notification.
    pub safety_poll: Duration,
    /// Per-organization hub buffer ([`hub::ORG_CHANNEL_CAPACITY`]).
    pub hub_capacity: usize,
    /// Caps on open streams.
    pub limits: StreamLimits,
    /// Longest replay a stream may ask for, in pages of [`stream::REPLAY_PAGE`] changes
    /// (`SWITCHBOARD_REALTIME_MAX_REPLAY_PAGES`, default 20); past it the client gets `reset`
    /// and reloads instead of holding a reader for a whole day of log.
    pub max_replay_pages: usize,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        RealtimeConfig {
            retention: Duration::from_secs(24 * 3600),
            prune_interval: Duration::from_secs(60),
            heartbeat: Duration::from_secs(10),
            sequence_interval: Duration::from_millis(3),
            sequence_idle_interval: Duration::from_millis(20),
            safety_poll: Duration::from_secs(1),
            hub_capacity: hub::ORG_CHANNEL_CAPACITY,
            limits: StreamLimits::default(),
            max_replay_pages: 20,
        }
    }
}

/// The engine's shared parts, cloned into every handler.
#[derive(Clone)]
pub struct Realtime {
    pub hub: Arc<Hub>,
    pub stats: Arc<Stats>,
    pub registry: Arc<Registry>,
    pub config: RealtimeConfig,
    /// Cancelled at shutdown: open streams end so the server can stop.
    pub shutdown: CancellationToken,
    /// Turns to read the log for replays: when a burst overruns every stream's buffer
    /// together, they queue here instead of all hitting Postgres at once.
    pub permits: Arc<ReplayPermits>,
    /// Open streams, with their caps and credentials.
    pub connections: Arc<Connections>,
}

impl Realtime {
    pub fn new(config: RealtimeConfig) -> Self {
        Realtime {
            hub: Arc::new(Hub::new(config.hub_capacity)),
            stats: Arc::new(Stats::default()),
            registry: Arc::new(Registry::default()),
            shutdown: CancellationToken::new(),
            permits: Arc::new(ReplayPermits::default()),
            connections: Arc::new(Connections::new(config.limits)),
            config,
        }
    }
}
