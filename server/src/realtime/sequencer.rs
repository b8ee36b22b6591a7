//! The sequencer: numbers committed transactions after the fact, so writers never wait for
//! each other at COMMIT (the ordering argument is in migration `sequencer`).
//!
//! Every instance runs this loop; a batch runs only where the database's sequencer lock is
//! free, so there is no leader to lose and nothing depends on this process: if every instance
//! stops, changes wait in the log and the first batch after a restart numbers them all. One
//! batch sends one wake-up to every tailer, however many transactions it numbered.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use super::Realtime;

/// Its own connection: a batch must never queue behind request traffic.
const SEQUENCER_CONNECTIONS: u32 = 1;
const RETRY_BACKOFF: Duration = Duration::from_millis(500);

/// One batch: how many commits it numbered, or `None` when another instance was running one.
pub async fn batch(pool: &PgPool) -> Result<Option<u64>, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT realtime.sequence()")
        .fetch_one(pool)
        .await?;
    Ok(u64::try_from(n).ok())
}

pub async fn run(rt: Realtime, app_pool: PgPool, cancel: CancellationToken) {
    let pool = PgPoolOptions::new()
        .max_connections(SEQUENCER_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with((*app_pool.connect_options()).clone());
    let interval = rt.config.sequence_interval;
    tracing::info!(?interval, "realtime sequencer started");
    loop {
        let wait = match batch(&pool).await {
            Ok(_) => interval,
            Err(e) => {
                tracing::warn!(error = %e, "realtime sequencer batch failed; retrying");
                RETRY_BACKOFF
            }
        };
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(wait) => {}
        }
    }
    tracing::info!("realtime sequencer stopped");
}
