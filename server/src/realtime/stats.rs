//! Counters for the health page: listener, tailer position and lag, streams, deliveries.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::connections::Connections;

#[derive(Default)]
pub struct Stats {
    pub listener_connected: AtomicBool,
    pub listener_reconnects: AtomicU64,
    /// Commit seq of the last change the tailer published.
    pub tailer_seq: AtomicI64,
    /// Head of the log when the tailer last looked.
    pub head_seq: AtomicI64,
    /// Commit → publish delay of the latest published change, in microseconds.
    pub publish_delay_us: AtomicU64,
    pub published: AtomicU64,
    pub deliveries: AtomicU64,
    pub replays: AtomicU64,
    pub resets: AtomicU64,
    rate: Mutex<Rate>,
}

#[derive(Default)]
struct Rate {
    last_total: u64,
    per_second: f64,
}

impl Stats {
    /// Called once a second: turns the delivery counter into a rate.
    pub fn sample(&self) {
        let total = self.deliveries.load(Relaxed);
        let mut rate = self.rate.lock().expect("stats lock");
        rate.per_second = total.saturating_sub(rate.last_total) as f64;
        rate.last_total = total;
    }

    pub fn snapshot(&self, org: Uuid, connections: &Connections) -> StatsSnapshot {
        let tailer = self.tailer_seq.load(Relaxed);
        let head = self.head_seq.load(Relaxed);
        StatsSnapshot {
            listener_connected: self.listener_connected.load(Relaxed),
            listener_reconnects: self.listener_reconnects.load(Relaxed),
            tailer_cursor: tailer.to_string(),
            tailer_lag_commits: (head - tailer).max(0),
            publish_delay_ms: self.publish_delay_us.load(Relaxed) as f64 / 1000.0,
            events_published: self.published.load(Relaxed),
            deliveries: self.deliveries.load(Relaxed),
            deliveries_per_second: self.rate.lock().expect("stats lock").per_second,
            replays: self.replays.load(Relaxed),
            resets: self.resets.load(Relaxed),
            streams_total: connections.total() as u64,
            streams_in_your_organization: connections.in_organization(org) as u64,
        }
    }
}

/// This instance's realtime health.
#[derive(Serialize, ToSchema)]
pub struct StatsSnapshot {
    pub listener_connected: bool,
    pub listener_reconnects: u64,
    /// Last commit published to streams.
    pub tailer_cursor: String,
    /// Commits in the log the tailer has not published yet.
    pub tailer_lag_commits: i64,
    /// Commit → publish delay of the latest change.
    pub publish_delay_ms: f64,
    pub events_published: u64,
    pub deliveries: u64,
    pub deliveries_per_second: f64,
    pub replays: u64,
    pub resets: u64,
    pub streams_total: u64,
    pub streams_in_your_organization: u64,
}
