//! Operations settings: call timeouts, health thresholds, the metrics scrape token.

use std::time::Duration;

use anyhow::bail;

use super::Source;
use crate::operations::OperationsConfig;

pub fn from_source(env: &Source) -> anyhow::Result<OperationsConfig> {
    let d = OperationsConfig::default();
    let secs = |name: &str, default: i64| -> anyhow::Result<i64> {
        let v: i64 = env.number(name, default)?;
        if !(1..=7 * 86_400).contains(&v) {
            bail!("{name} must be between 1 and 604800 seconds, not {v}");
        }
        Ok(v)
    };
    let mut ops = d.clone();
    ops.timeouts.queued_secs = secs(
        "SWITCHBOARD_CALL_TIMEOUT_QUEUED_SECS",
        d.timeouts.queued_secs,
    )?;
    ops.timeouts.ringing_secs = secs(
        "SWITCHBOARD_CALL_TIMEOUT_RINGING_SECS",
        d.timeouts.ringing_secs,
    )?;
    ops.timeouts.in_progress_secs = secs(
        "SWITCHBOARD_CALL_TIMEOUT_IN_PROGRESS_SECS",
        d.timeouts.in_progress_secs,
    )?;
    ops.sweep_interval = Duration::from_secs(secs(
        "SWITCHBOARD_CALL_TIMEOUT_SWEEP_SECS",
        d.sweep_interval.as_secs() as i64,
    )? as u64);
    let t = &mut ops.thresholds;
    t.silent_calls_degraded = env.number(
        "SWITCHBOARD_HEALTH_SILENT_CALLS_DEGRADED",
        t.silent_calls_degraded,
    )?;
    t.silent_calls_unhealthy = env.number(
        "SWITCHBOARD_HEALTH_SILENT_CALLS_UNHEALTHY",
        t.silent_calls_unhealthy,
    )?;
    t.timeouts_degraded =
        env.number("SWITCHBOARD_HEALTH_TIMEOUTS_DEGRADED", t.timeouts_degraded)?;
    t.timeouts_unhealthy = env.number(
        "SWITCHBOARD_HEALTH_TIMEOUTS_UNHEALTHY",
        t.timeouts_unhealthy,
    )?;
    t.failure_rate_degraded = env.number(
        "SWITCHBOARD_HEALTH_FAILURE_RATE_DEGRADED",
        t.failure_rate_degraded,
    )?;
    t.failure_rate_unhealthy = env.number(
        "SWITCHBOARD_HEALTH_FAILURE_RATE_UNHEALTHY",
        t.failure_rate_unhealthy,
    )?;
    t.min_calls_for_rate = env.number(
        "SWITCHBOARD_HEALTH_MIN_CALLS_FOR_RATE",
        t.min_calls_for_rate,
    )?;
    t.grace_secs = secs("SWITCHBOARD_HEALTH_GRACE_SECS", t.grace_secs)?;
    if t.silent_calls_degraded < 1
        || t.silent_calls_unhealthy < t.silent_calls_degraded
        || t.timeouts_degraded < 1
        || t.timeouts_unhealthy < t.timeouts_degraded
    {
        bail!("SWITCHBOARD_HEALTH_*: counts start at 1 and the unhealthy level is at least the degraded one");
    }
    if !(0.0..=1.0).contains(&t.failure_rate_degraded)
        || !(t.failure_rate_degraded..=1.0).contains(&t.failure_rate_unhealthy)
    {
        bail!("SWITCHBOARD_HEALTH_FAILURE_RATE_*: shares from 0 to 1, unhealthy at least degraded");
    }
    ops.timeouts.grace_secs = t.grace_secs;
    ops.metrics_token = env.var("SWITCHBOARD_METRICS_TOKEN");
    if ops.metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
        bail!("SWITCHBOARD_METRICS_TOKEN must be at least 16 characters");
    }
    ops.ready_max_lag = env.number("SWITCHBOARD_READY_MAX_LAG", d.ready_max_lag)?;
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_and_thresholds_are_read_and_checked() {
        let ops = from_source(&Source::from_pairs(&[
            ("SWITCHBOARD_CALL_TIMEOUT_RINGING_SECS", "90"),
            ("SWITCHBOARD_HEALTH_FAILURE_RATE_DEGRADED", "0.1"),
        ]))
        .unwrap();
        assert_eq!(ops.timeouts.ringing_secs, 90);
        assert_eq!(ops.timeouts.queued_secs, 120);
        assert_eq!(ops.thresholds.failure_rate_degraded, 0.1);
        for bad in [
            ("SWITCHBOARD_CALL_TIMEOUT_QUEUED_SECS", "0"),
            ("SWITCHBOARD_HEALTH_FAILURE_RATE_UNHEALTHY", "0.1"),
            ("SWITCHBOARD_METRICS_TOKEN", "short"),
            ("SWITCHBOARD_HEALTH_TIMEOUTS_DEGRADED", "0"),
        ] {
            assert!(from_source(&Source::from_pairs(&[bad])).is_err(), "{bad:?}");
        }
    }
}
