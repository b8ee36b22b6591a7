//! The timeout sweeper: calls the provider stopped reporting on are failed with
//! `failure_reason = 'timeout'`. Every instance runs it; a transaction-scoped advisory lock
//! makes one sweep at a time across instances. The same leader prunes day-old figures.

use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use app::data::{health, telephony};

use super::OperationsConfig;

/// Advisory lock key of the sweep.
pub const SWEEP_LOCK_KEY: i64 = 0x5357_4254_494d_4500; // "SWBTIME\0"
const PRUNE_INTERVAL: Duration = Duration::from_secs(60);

pub async fn run(pool: PgPool, cfg: OperationsConfig, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(cfg.sweep_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune: Option<Instant> = None;
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        match sweep(&pool, &cfg).await {
            Ok(Some(n)) if n > 0 => tracing::info!(calls = n, "calls timed out"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "timeout sweep failed; retrying"),
        }
        if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_INTERVAL) {
            last_prune = Some(Instant::now());
            if let Err(e) = health::prune(&pool).await {
                tracing::warn!(error = %e, "pruning operations figures failed");
            }
        }
    }
}

/// One sweep, if no other instance is sweeping: `None` when another one is.
pub async fn sweep(pool: &PgPool, cfg: &OperationsConfig) -> anyhow::Result<Option<u64>> {
    let mut tx = pool.begin().await?;
    let leader: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(SWEEP_LOCK_KEY)
        .fetch_one(&mut *tx)
        .await?;
    if !leader {
        return Ok(None);
    }
    let n = telephony::fail_timed_out_calls(&mut tx, cfg.timeouts).await?;
    tx.commit().await?;
    metrics::counter!(super::metrics::CALL_TIMEOUTS).increment(n);
    Ok(Some(n))
}
