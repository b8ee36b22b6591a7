//! The calls health-check: its thresholds, figures and verdict.

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
}
