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

use super::handoff::{Handoff, Numbered};
use super::log::{change_from, ChangeRow};
use super::tail::TAIL_PAGE;
use super::Realtime;

/// Its own connection: a batch must never queue behind request traffic.
const SEQUENCER_CONNECTIONS: u32 = 1;
const RETRY_BACKOFF: Duration = Duration::from_millis(500);

/// One batch, and the changes it numbered when there are at most `max` of them (more, and
/// the tailer reads them from the log in pages); `None` when it numbered nothing (or another
/// instance was running one).
pub async fn batch(pool: &PgPool, max: i64) -> Result<Option<Numbered>, sqlx::Error> {
    let rows: Vec<ChangeRow> = sqlx::query_as("SELECT * FROM realtime.sequence_changes($1::int)")
        .bind(max)
        .fetch_all(pool)
        .await?;
    if rows.len() as i64 > max {
        return Ok(None);
    }
    Ok(Numbered::new(
        rows.into_iter().filter_map(change_from).collect(),
    ))
}

pub async fn run(rt: Realtime, app_pool: PgPool, handoff: Handoff, cancel: CancellationToken) {
    let pool = PgPoolOptions::new()
        .max_connections(SEQUENCER_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with((*app_pool.connect_options()).clone());
    let interval = rt.config.sequence_interval;
    tracing::info!(?interval, "realtime sequencer started");
    loop {
        handoff.running(true);
        // The rows come back once the batch has committed (the statement's implicit
        // transaction ends before the server says it is ready), so they are visible to all.
        let wait = match batch(&pool, TAIL_PAGE).await {
            Ok(numbered) => {
                if let Some(n) = numbered {
                    handoff.send(n);
                }
                interval
            }
            Err(e) => {
                tracing::warn!(error = %e, "realtime sequencer batch failed; retrying");
                RETRY_BACKOFF
            }
        };
        handoff.running(false);
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(wait) => {}
        }
    }
    tracing::info!("realtime sequencer stopped");
}
