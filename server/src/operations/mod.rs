//! Operations: the timeout sweeper, the per-instance figures the admin health page sums, the
//! Prometheus metrics, and the liveness / readiness probes.

pub mod metrics;
pub mod probes;
pub mod sampler;
pub mod timeouts;

use std::time::Duration;

use app::data::telephony::CallTimeouts;
use app::model::operations::HealthThresholds;

/// Tunables of operations (`SWITCHBOARD_CALL_TIMEOUT_*`, `SWITCHBOARD_HEALTH_*`,
/// `SWITCHBOARD_METRICS_TOKEN`, `SWITCHBOARD_READY_MAX_LAG`; see README "Operations").
#[derive(Clone, Debug)]
pub struct OperationsConfig {
    pub timeouts: CallTimeouts,
    /// How often the sweeper looks for timed-out calls (a call past its limit fails within
    /// this long).
    pub sweep_interval: Duration,
    pub thresholds: HealthThresholds,
    /// A scrape token for `/metrics` (besides an admin's bearer token).
    pub metrics_token: Option<String>,
    /// `/readyz` fails when the tailer is this many commits behind the log.
    pub ready_max_lag: i64,
    /// How often each instance records its figures.
    pub sample_interval: Duration,
}

impl Default for OperationsConfig {
    fn default() -> Self {
        OperationsConfig {
            timeouts: CallTimeouts::default(),
            sweep_interval: Duration::from_secs(10),
            thresholds: HealthThresholds::default(),
            metrics_token: None,
            ready_max_lag: 1000,
            sample_interval: Duration::from_secs(2),
        }
    }
}
