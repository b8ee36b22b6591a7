//! Counters for the health page: listener, tailer position and lag, streams, deliveries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

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
    /// Of those, changes the sequencer handed over without a read of the log.
    pub handed_over: AtomicU64,
    pub deliveries: AtomicU64,
    pub replays: AtomicU64,
    pub resets: AtomicU64,
    rate: Mutex<Rate>,
    /// Per-organization counts since the last sample (see `operations::sampler`).
    orgs: Mutex<HashMap<Uuid, Arc<OrgCounters>>>,
    /// Commit → publish delays since the last sample, in µs (bounded).
    delays: Mutex<Vec<u64>>,
}

/// What one organization's streams and changes did since the last sample.
#[derive(Default)]
pub struct OrgCounters {
    pub published: AtomicU64,
    pub deliveries: AtomicU64,
    /// Subscriptions of this instance's open streams (a gauge, not reset by samples).
    pub subscriptions: AtomicI64,
}

/// Most delays kept per sample window (a window with more keeps a spread-out subset).
const MAX_DELAY_SAMPLES: usize = 4096;

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

    /// The organization's counters (kept until a sample finds them idle).
    pub fn org(&self, org: Uuid) -> Arc<OrgCounters> {
        self.orgs
            .lock()
            .expect("stats lock")
            .entry(org)
            .or_default()
            .clone()
    }

    /// Count deliveries to a stream of `counters`' organization.
    pub fn delivered(&self, counters: &OrgCounters, n: u64) {
        if n > 0 {
            self.deliveries.fetch_add(n, Relaxed);
            counters.deliveries.fetch_add(n, Relaxed);
        }
    }

    /// Subscriptions of every open stream of this instance.
    pub fn subscriptions_total(&self) -> i64 {
        let orgs = self.orgs.lock().expect("stats lock");
        orgs.values().map(|c| c.subscriptions.load(Relaxed)).sum()
    }

    /// Note one change's commit → publish delay.
    pub fn publish_delay(&self, us: u64) {
        self.publish_delay_us.store(us, Relaxed);
        let mut d = self.delays.lock().expect("stats lock");
        if d.len() < MAX_DELAY_SAMPLES {
            d.push(us);
        } else {
            // Keep a spread: overwrite a slot chosen by the value itself.
            let slot = (us as usize).wrapping_mul(2_654_435_761) % MAX_DELAY_SAMPLES;
            d[slot] = us;
        }
    }

    /// Take the delays noted since the last call: (p50, p99) in ms.
    pub fn take_delay_percentiles(&self) -> Option<(f64, f64)> {
        let mut d = std::mem::take(&mut *self.delays.lock().expect("stats lock"));
        if d.is_empty() {
            return None;
        }
        d.sort_unstable();
        let at = |q: f64| {
            d[((q * d.len() as f64).ceil() as usize).clamp(1, d.len()) - 1] as f64 / 1000.0
        };
        Some((at(0.5), at(0.99)))
    }

    /// Take every organization's counts since the last call (published, deliveries,
    /// subscriptions), forgetting organizations with nothing left to report.
    pub fn take_org_counts(&self) -> Vec<(Uuid, u64, u64, i64)> {
        let mut orgs = self.orgs.lock().expect("stats lock");
        let out: Vec<_> = orgs
            .iter()
            .map(|(org, c)| {
                (
                    *org,
                    c.published.swap(0, Relaxed),
                    c.deliveries.swap(0, Relaxed),
                    c.subscriptions.load(Relaxed),
                )
            })
            .collect();
        // Idle and held by no stream: drop it (a stream holds its own reference).
        orgs.retain(|_, c| Arc::strong_count(c) > 1 || c.subscriptions.load(Relaxed) != 0);
        out
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
            events_handed_over: self.handed_over.load(Relaxed),
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
    /// Of those, changes this instance's sequencer numbered and handed to the tailer at
    /// once (the rest were read from the log).
    pub events_handed_over: u64,
    pub deliveries: u64,
    pub deliveries_per_second: f64,
    pub replays: u64,
    pub resets: u64,
    pub streams_total: u64,
    pub streams_in_your_organization: u64,
}
