//! Operations: the calls health-check, the admin health page's figures, telephony settings,
//! and browser-reported latency.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Overall state of the system as the health-check sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Healthy,
    Degraded,
    Unhealthy,
}

impl HealthStatus {
    /// As in the JSON: `healthy`, `degraded`, `unhealthy`.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "healthy",
            HealthStatus::Degraded => "degraded",
            HealthStatus::Unhealthy => "unhealthy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "Healthy",
            HealthStatus::Degraded => "Degraded",
            HealthStatus::Unhealthy => "Unhealthy",
        }
    }
}

/// When the health-check turns `degraded` or `unhealthy` (each configurable, see README
/// "Operations"). A failure rate only counts once at least `min_calls_for_rate` calls finished
/// in its window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthThresholds {
    /// Active calls older than the grace that have had no status callback.
    pub silent_calls_degraded: i64,
    pub silent_calls_unhealthy: i64,
    /// Calls failed by the timeout sweeper in the last 15 minutes.
    pub timeouts_degraded: i64,
    pub timeouts_unhealthy: i64,
    /// Share of calls finished in the last 15 minutes that failed.
    pub failure_rate_degraded: f64,
    pub failure_rate_unhealthy: f64,
    pub min_calls_for_rate: i64,
    /// New calls are not expected to have had a callback for this long.
    pub grace_secs: i64,
}

impl Default for HealthThresholds {
    fn default() -> Self {
        HealthThresholds {
            silent_calls_degraded: 1,
            silent_calls_unhealthy: 10,
            timeouts_degraded: 1,
            timeouts_unhealthy: 10,
            failure_rate_degraded: 0.25,
            failure_rate_unhealthy: 0.5,
            min_calls_for_rate: 10,
            grace_secs: 30,
        }
    }
}

/// Calls finished in a window, and how many of them failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FailureRate {
    pub finished: i64,
    pub failed: i64,
    /// `failed / finished`, 0 when nothing finished.
    pub rate: f64,
}

impl FailureRate {
    pub fn new(finished: i64, failed: i64) -> Self {
        let rate = if finished > 0 {
            failed as f64 / finished as f64
        } else {
            0.0
        };
        FailureRate {
            finished,
            failed,
            rate,
        }
    }
}

/// What the database says about an organization's calls right now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallFigures {
    pub active_calls: i64,
    /// Calls failed by the timeout sweeper in the last 15 minutes / hour.
    pub timeouts_15m: i64,
    pub timeouts_1h: i64,
    /// The last status callback accepted for this organization, if any.
    pub last_callback_at: Option<DateTime<Utc>>,
    /// Callbacks refused (bad signature, malformed, unknown call) in the last 15 minutes.
    pub rejected_callbacks_15m: i64,
    /// Active calls past the grace that never had a callback.
    pub silent_calls: i64,
    pub failure_rate_15m: FailureRate,
    pub failure_rate_1h: FailureRate,
    /// Every call that ever finished.
    pub total_calls_processed: i64,
}

/// `GET /api/calls/health-check`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HealthCheck {
    pub status: HealthStatus,
    /// Why the status is not `healthy` (empty when it is).
    pub reasons: Vec<String>,
    #[serde(flatten)]
    pub calls: CallFigures,
    /// The change listener of the instance that answered is connected.
    pub live_updates: bool,
    pub checked_at: DateTime<Utc>,
}

impl HealthCheck {
    /// Judge `calls` (and the live-update listener) against `t`.
    pub fn evaluate(
        calls: CallFigures,
        live_updates: bool,
        t: &HealthThresholds,
        now: DateTime<Utc>,
    ) -> Self {
        let mut status = HealthStatus::Healthy;
        let mut reasons = Vec::new();
        let mut flag = |level: HealthStatus, why: String| {
            status = status.max(level);
            reasons.push(why);
        };
        let level = |n: i64, degraded: i64, unhealthy: i64| {
            if n >= unhealthy {
                Some(HealthStatus::Unhealthy)
            } else if n >= degraded {
                Some(HealthStatus::Degraded)
            } else {
                None
            }
        };
        if let Some(l) = level(
            calls.silent_calls,
            t.silent_calls_degraded,
            t.silent_calls_unhealthy,
        ) {
            flag(
                l,
                format!(
                    "{} active call(s) have had no status callback for over {} s: are webhooks arriving?",
                    calls.silent_calls, t.grace_secs
                ),
            );
        }
        if let Some(l) = level(
            calls.timeouts_15m,
            t.timeouts_degraded,
            t.timeouts_unhealthy,
        ) {
            flag(
                l,
                format!(
                    "{} call(s) timed out in the last 15 minutes",
                    calls.timeouts_15m
                ),
            );
        }
        let r = calls.failure_rate_15m;
        if r.finished >= t.min_calls_for_rate {
            let l = if r.rate >= t.failure_rate_unhealthy {
                Some(HealthStatus::Unhealthy)
            } else if r.rate >= t.failure_rate_degraded {
                Some(HealthStatus::Degraded)
            } else {
                None
            };
            if let Some(l) = l {
                flag(
                    l,
                    format!(
                        "{:.0} % of calls failed in the last 15 minutes ({} of {})",
                        r.rate * 100.0,
                        r.failed,
                        r.finished
                    ),
                );
            }
        }
        if !live_updates {
            flag(
                HealthStatus::Degraded,
                "live updates are delayed: the change listener is reconnecting".into(),
            );
        }
        HealthCheck {
            status,
            reasons,
            calls,
            live_updates,
            checked_at: now,
        }
    }
}

/// Upper bounds (ms) of the buckets browsers sort commit → render latencies into; a last,
/// open bucket holds everything slower.
pub const LATENCY_BUCKETS_MS: [u32; 11] =
    [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
/// Counts per report: one per bucket of [`LATENCY_BUCKETS_MS`] plus the open one.
pub const LATENCY_COUNTS: usize = LATENCY_BUCKETS_MS.len() + 1;
/// Most samples one report may carry (browsers sample; more is a bug or abuse).
pub const MAX_LATENCY_SAMPLES: u64 = 10_000;

/// Bucket index of a latency in ms.
pub fn latency_bucket(ms: f64) -> usize {
    LATENCY_BUCKETS_MS
        .iter()
        .position(|&b| ms <= b as f64)
        .unwrap_or(LATENCY_BUCKETS_MS.len())
}

/// The `q` quantile (0..1) of a bucketed histogram, as the bucket's upper bound in ms
/// (the open bucket reports twice the last bound). `None` when empty.
pub fn latency_quantile(counts: &[i64], q: f64) -> Option<f64> {
    let total: i64 = counts.iter().sum();
    if total <= 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as i64).clamp(1, total);
    let mut seen = 0;
    for (i, c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(LATENCY_BUCKETS_MS.get(i).map_or(
                LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.len() - 1] as f64 * 2.0,
                |b| *b as f64,
            ));
        }
    }
    None
}

/// `POST /api/telemetry/latency`: commit → render latencies a browser measured since its last
/// report, counted into [`LATENCY_BUCKETS_MS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LatencyReport {
    /// [`LATENCY_COUNTS`] counts, one per bucket.
    pub counts: Vec<u64>,
}

impl LatencyReport {
    /// Why the report cannot be accepted, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.counts.len() != LATENCY_COUNTS {
            return Some(format!(
                "counts must have {LATENCY_COUNTS} entries (one per bucket), not {}",
                self.counts.len()
            ));
        }
        let total: u64 = self.counts.iter().fold(0u64, |a, c| a.saturating_add(*c));
        if total == 0 || total > MAX_LATENCY_SAMPLES {
            return Some(format!(
                "a report carries 1 to {MAX_LATENCY_SAMPLES} samples, not {total}"
            ));
        }
        None
    }
}

/// `GET /api/telemetry/clock`: the server's clock, so a browser can measure latencies against
/// commit times whatever its own clock says.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServerClock {
    pub now_ms: i64,
}

/// `GET /api/admin/telephony`: where the provider must send status callbacks, and the token
/// they are signed with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TelephonySettings {
    pub webhook_url: String,
    pub auth_token: String,
    pub rotated_at: DateTime<Utc>,
}

/// One minute of the admin page's sparklines (minutes since the epoch, oldest first).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MinutePoint {
    pub minute: i64,
    pub value: f64,
}

/// A figure now and over the last hour.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// `None` when there is nothing to show yet (e.g. no browser has reported).
    pub now: Option<f64>,
    /// One point per minute of the last hour that has data.
    pub minutes: Vec<MinutePoint>,
}

/// Everything the admin health page shows, for the admin's organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminHealth {
    pub health: HealthCheck,
    /// Commit → publish on the server, ms.
    pub publish_p50_ms: Series,
    pub publish_p99_ms: Series,
    /// Commit → render, as browsers measured it, ms.
    pub render_p50_ms: Series,
    pub render_p99_ms: Series,
    pub messages_per_second: Series,
    pub deliveries_per_second: Series,
    pub open_streams: Series,
    pub subscriptions: Series,
    /// Share of samples in which the change listener was connected, %.
    pub listener_uptime_pct: Series,
    pub listener_reconnects: i64,
    /// Instances that reported in the last 10 s, and how many of them are listening.
    pub instances: i64,
    pub instances_listening: i64,
    pub active_calls: Series,
    pub timeouts: Series,
    pub failure_rate_pct: Series,
    /// Seconds since the last accepted callback.
    pub webhook_staleness_secs: Series,
    pub generated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> CallFigures {
        CallFigures::default()
    }

    #[test]
    fn quiet_figures_are_healthy_and_each_threshold_names_its_reason() {
        let t = HealthThresholds::default();
        let now = Utc::now();
        let ok = HealthCheck::evaluate(figures(), true, &t, now);
        assert_eq!(ok.status, HealthStatus::Healthy);
        assert!(ok.reasons.is_empty());

        let silent = HealthCheck::evaluate(
            CallFigures {
                silent_calls: 2,
                ..figures()
            },
            true,
            &t,
            now,
        );
        assert_eq!(silent.status, HealthStatus::Degraded);
        assert!(silent.reasons[0].contains("no status callback"));

        let failing = HealthCheck::evaluate(
            CallFigures {
                failure_rate_15m: FailureRate::new(20, 12),
                timeouts_15m: 1,
                ..figures()
            },
            true,
            &t,
            now,
        );
        assert_eq!(failing.status, HealthStatus::Unhealthy);
        assert_eq!(failing.reasons.len(), 2);

        // Too few calls for a rate to mean anything.
        let few = HealthCheck::evaluate(
            CallFigures {
                failure_rate_15m: FailureRate::new(3, 3),
                ..figures()
            },
            true,
            &t,
            now,
        );
        assert_eq!(few.status, HealthStatus::Healthy);

        let deaf = HealthCheck::evaluate(figures(), false, &t, now);
        assert_eq!(deaf.status, HealthStatus::Degraded);
    }

    #[test]
    fn latency_buckets_and_quantiles_agree() {
        assert_eq!(latency_bucket(3.0), 0);
        assert_eq!(latency_bucket(10.0), 0);
        assert_eq!(latency_bucket(11.0), 1);
        assert_eq!(latency_bucket(1e9), LATENCY_BUCKETS_MS.len());
        let mut counts = vec![0i64; LATENCY_COUNTS];
        counts[latency_bucket(40.0)] = 98;
        counts[latency_bucket(800.0)] = 2;
        assert_eq!(latency_quantile(&counts, 0.5), Some(50.0));
        assert_eq!(latency_quantile(&counts, 0.99), Some(1000.0));
        assert_eq!(latency_quantile(&[0; LATENCY_COUNTS], 0.5), None);
    }

    #[test]
    fn latency_reports_are_bounded() {
        let ok = LatencyReport {
            counts: vec![1; LATENCY_COUNTS],
        };
        assert_eq!(ok.problem(), None);
        let short = LatencyReport { counts: vec![1; 3] };
        assert!(short.problem().unwrap().contains("entries"));
        let mut huge = vec![0; LATENCY_COUNTS];
        huge[0] = u64::MAX;
        huge[1] = 5;
        assert!(LatencyReport { counts: huge }.problem().is_some());
        let empty = LatencyReport {
            counts: vec![0; LATENCY_COUNTS],
        };
        assert!(empty.problem().is_some());
    }
}
