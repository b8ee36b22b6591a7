//! The sequencer: numbers committed transactions after the fact, so writers never wait for
//! each other at COMMIT (the ordering argument is in migration `sequencer`).
//!
//! Every instance runs this loop; a batch runs only where the database's sequencer lock is
//! free, so there is no leader to lose and nothing depends on this process: if every instance
//! stops, changes wait in the log and the first batch after a restart numbers them all. One
//! batch sends one wake-up to every tailer, however many transactions it numbered.
//!
//! A look that finds nothing to number is cheap (migration `sequencer_cost`), but on a quiet
//! system even that adds up: after a second without numbering anything the loop looks every
//! `sequence_idle_interval` (20 ms) instead of every `sequence_interval` (3 ms), and goes
//! back to the short pause as soon as a batch numbers something. The first change after a
//! quiet spell waits at most the longer pause; a steady stream of changes, however slow,
//! keeps the short one.

use std::time::{Duration, Instant};

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
/// Numbering nothing for this long makes the loop look less often.
const QUIET_AFTER: Duration = Duration::from_secs(1);

/// The pause before the next look, given when a batch last numbered something.
fn pause(last_numbered: Instant, now: Instant, busy: Duration, quiet: Duration) -> Duration {
    if now.saturating_duration_since(last_numbered) < QUIET_AFTER {
        busy
    } else {
        quiet.max(busy)
    }
}

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
    let (busy, quiet) = (
        rt.config.sequence_interval,
        rt.config.sequence_idle_interval,
    );
    tracing::info!(?busy, ?quiet, "realtime sequencer started");
    let mut last_numbered = Instant::now();
    loop {
        handoff.running(true);
        // The rows come back once the batch has committed (the statement's implicit
        // transaction ends before the server says it is ready), so they are visible to all.
        let wait = match batch(&pool, TAIL_PAGE).await {
            Ok(numbered) => {
                if let Some(n) = numbered {
                    handoff.send(n);
                    last_numbered = Instant::now();
                }
                pause(last_numbered, Instant::now(), busy, quiet)
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

#[cfg(test)]
mod tests {
    use super::*;

    const BUSY: Duration = Duration::from_millis(3);
    const QUIET: Duration = Duration::from_millis(20);

    #[test]
    fn the_loop_keeps_the_short_pause_while_batches_number_commits() {
        let t = Instant::now();
        assert_eq!(pause(t, t, BUSY, QUIET), BUSY);
        assert_eq!(pause(t, t + Duration::from_millis(999), BUSY, QUIET), BUSY);
    }

    #[test]
    fn after_a_quiet_second_the_loop_looks_less_often() {
        let t = Instant::now();
        assert_eq!(pause(t, t + QUIET_AFTER, BUSY, QUIET), QUIET);
        assert_eq!(pause(t, t + Duration::from_secs(60), BUSY, QUIET), QUIET);
    }

    #[test]
    fn the_quiet_pause_is_never_shorter_than_the_busy_one() {
        let t = Instant::now();
        let slow = Duration::from_millis(50);
        assert_eq!(pause(t, t + Duration::from_secs(5), slow, QUIET), slow);
    }
}
