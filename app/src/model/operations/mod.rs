//! Operations: the calls health-check, the admin health page's figures, telephony settings,
//! and browser-reported latency.

mod health;
mod latency;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use health::{CallFigures, FailureRate, HealthCheck, HealthStatus, HealthThresholds};
pub use latency::{
    latency_bucket, latency_quantile, LatencyReport, ServerClock, LATENCY_BUCKETS_MS,
    LATENCY_COUNTS, MAX_LATENCY_SAMPLES,
};

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
