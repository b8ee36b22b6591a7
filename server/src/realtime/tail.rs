//! The tailer: one per server instance. It follows the change log in commit order and
//! publishes every change to the hub. LISTEN/NOTIFY (one notification per sequencer batch)
//! wakes it; a periodic read catches anything a notification missed (e.g. while the listening
//! connection was down). It reconnects by itself when the listener is killed or Postgres
//! restarts. Batches this instance's own sequencer numbered arrive ready to publish
//! ([`super::handoff`]); the log is read for the rest.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use app::cursor::Cursor;

use super::change::Change;
use super::handoff::{Intake, Numbered};
use super::log::{current, read_page, PageRead, Scope};
use super::Realtime;

/// Notification channel the sequencer signals once per batch it numbered.
pub const CHANNEL: &str = "realtime_changes";
/// Changes read per query.
pub const TAIL_PAGE: i64 = 1000;
/// Polling interval while the listener is down.
const DEGRADED_POLL: Duration = Duration::from_millis(250);
const RETRY_BACKOFF: Duration = Duration::from_millis(500);

/// Connections of the tailer's own pool: it must never wait behind request traffic.
const TAILER_CONNECTIONS: u32 = 2;
/// How long a notification waits for the hand-off of a batch this instance is running before
/// the log is read instead.
const HANDOFF_WAIT: Duration = Duration::from_millis(20);

pub async fn run(rt: Realtime, app_pool: PgPool, mut intake: Intake, cancel: CancellationToken) {
    let pool = PgPoolOptions::new()
        .max_connections(TAILER_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(5))
        // Its read runs hundreds of times a second with new parameters each time: planned
        // once (the plan does not depend on them), not on every read.
        .connect_lazy_with(
            (*app_pool.connect_options())
                .clone()
                .options([("plan_cache_mode", "force_generic_plan")]),
        );
    // Start at the head: history is replayed by each stream from its own cursor.
    let mut cursor = loop {
        match current(&pool).await {
            Ok(c) => break c,
            Err(e) => {
                tracing::warn!(error = %e, "tailer cannot read the log head; retrying");
                if sleep_or_cancel(&cancel, RETRY_BACKOFF).await {
                    return;
                }
            }
        }
    };
    tracing::info!(%cursor, "realtime tailer started");
    let mut listener: Option<PgListener> = None;
    let mut hub_prune = tokio::time::interval(Duration::from_secs(30));
    // Read the log on this turn (first turn, a notification nothing handed over, the
    // safety poll, a reconnect).
    let mut read = true;
    let mut poll_at = tokio::time::Instant::now();
    loop {
        if listener.is_none() {
            listener = listen(&pool, &rt).await;
            read = true;
        }
        if read {
            read = match drain(&rt, &pool, &mut cursor).await {
                Ok(()) => false,
                Err(e) => {
                    tracing::warn!(error = %e, "tailer read failed; retrying");
                    true
                }
            };
            // The log is read at least this often, whatever arrives meanwhile.
            poll_at = tokio::time::Instant::now()
                + if listener.is_some() {
                    rt.config.safety_poll
                } else {
                    DEGRADED_POLL
                };
        }
        tokio::select! {
            () = cancel.cancelled() => break,
            _ = hub_prune.tick() => { rt.hub.prune(); rt.permits.prune(); }
            () = tokio::time::sleep_until(poll_at) => read = true,
            Some(batch) = intake.rx.recv() => read = !take(&rt, &mut cursor, batch),
            woke = async { listener.as_mut().expect("checked").try_recv().await }, if listener.is_some() => {
                match woke {
                    Ok(Some(n)) => {
                        // Coalesce a burst of notifications into one read; each carries the
                        // head its batch reached (an older instance's carries nothing: read).
                        let head_of = |n: &sqlx::postgres::PgNotification| {
                            n.payload().parse::<i64>().unwrap_or(i64::MAX)
                        };
                        let mut head = head_of(&n);
                        if let Some(l) = listener.as_mut() {
                            while let Some(n) = l.next_buffered() {
                                head = head.max(head_of(&n));
                            }
                        }
                        read = !caught_up(&rt, &mut intake, &mut cursor, head).await;
                    }
                    Ok(None) => {
                        // The connection dropped. Notifications sent meanwhile are gone; the
                        // drain on the next turn reads the log, and a fresh listener follows.
                        rt.stats.listener_connected.store(false, Relaxed);
                        rt.stats.listener_reconnects.fetch_add(1, Relaxed);
                        tracing::warn!("realtime listener lost its connection; reconnecting");
                        listener = None;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "realtime listener failed; reconnecting");
                        rt.stats.listener_connected.store(false, Relaxed);
                        rt.stats.listener_reconnects.fetch_add(1, Relaxed);
                        listener = None;
                        if sleep_or_cancel(&cancel, RETRY_BACKOFF).await {
                            break;
                        }
                    }
                }
            }
        }
    }
    tracing::info!("realtime tailer stopped");
}

async fn listen(pool: &PgPool, rt: &Realtime) -> Option<PgListener> {
    let attempt = super::listener::connect(pool, &[CHANNEL]);
    match attempt.await {
        Ok(l) => {
            rt.stats.listener_connected.store(true, Relaxed);
            Some(l)
        }
        Err(e) => {
            tracing::warn!(error = %e, "realtime listener cannot connect; polling meanwhile");
            rt.stats.listener_connected.store(false, Relaxed);
            None
        }
    }
}

/// Whether hand-offs bring the tailer to `head`: those already queued, and the one a batch
/// still running here will send (waited for briefly: its notification may come first).
async fn caught_up(rt: &Realtime, intake: &mut Intake, cursor: &mut Cursor, head: i64) -> bool {
    let deadline = tokio::time::Instant::now() + HANDOFF_WAIT;
    while cursor.seq < head && intake.expected() {
        let Ok(Some(batch)) = tokio::time::timeout_at(deadline, intake.rx.recv()).await else {
            return false;
        };
        if !take(rt, cursor, batch) {
            return false;
        }
    }
    cursor.seq >= head
}

/// A hand-off: published if it continues the cursor, ignored if the log already brought it;
/// false when it leaves a gap (a batch numbered elsewhere came first): read the log.
fn take(rt: &Realtime, cursor: &mut Cursor, batch: Numbered) -> bool {
    if batch.last <= cursor.seq {
        return true;
    }
    if !batch.follows(*cursor) {
        return false;
    }
    *cursor = publish_handed_over(rt, batch);
    true
}

/// Publish everything after `cursor`.
async fn drain(rt: &Realtime, pool: &PgPool, cursor: &mut Cursor) -> Result<(), sqlx::Error> {
    loop {
        match read_page(pool, *cursor, Scope::default(), TAIL_PAGE).await? {
            PageRead::Reset { head, horizon } => {
                // Behind the retention window (stalled longer than it, or pruned mid-read):
                // what was pruned is gone, but everything after the horizon is still in the
                // log and must reach the hub. A cursor from the future (the database was
                // replaced) starts over at the head.
                let to = if *cursor < horizon { horizon } else { head };
                tracing::warn!(from = %cursor, %to, "tailer jumped over pruned changes");
                *cursor = to;
            }
            PageRead::Changes {
                changes,
                end,
                complete,
            } => {
                publish(rt, changes, end);
                *cursor = end;
                if complete {
                    return Ok(());
                }
            }
        }
    }
}

/// Publish a batch that follows the tailer's cursor; returns the cursor after it.
fn publish_handed_over(rt: &Realtime, batch: Numbered) -> Cursor {
    let end = Cursor::after_commit(batch.last);
    rt.stats
        .handed_over
        .fetch_add(batch.changes.len() as u64, Relaxed);
    publish(rt, batch.changes, end);
    end
}

/// Hand changes in commit order to the hub; the tailer then stands at `end`.
fn publish(rt: &Realtime, changes: Vec<Change>, end: Cursor) {
    let now = Utc::now();
    let mut per_org: Vec<(uuid::Uuid, u64)> = Vec::new();
    for change in &changes {
        let delay = (now - change.committed_at).num_microseconds().unwrap_or(0);
        rt.stats.publish_delay(delay.max(0) as u64);
        metrics::histogram!(crate::operations::metrics::PUBLISH_DELAY)
            .record(delay.max(0) as f64 / 1e6);
        match per_org
            .iter_mut()
            .find(|(o, _)| *o == change.organization_id)
        {
            Some((_, n)) => *n += 1,
            None => per_org.push((change.organization_id, 1)),
        }
    }
    for (org, n) in per_org {
        rt.stats.org(org).published.fetch_add(n, Relaxed);
    }
    rt.stats.published.fetch_add(changes.len() as u64, Relaxed);
    for change in changes {
        rt.hub.publish(Arc::new(change));
    }
    rt.stats.tailer_seq.store(end.seq, Relaxed);
    rt.stats.head_seq.store(end.seq, Relaxed);
}

/// Sleep; true if cancelled meanwhile.
async fn sleep_or_cancel(cancel: &CancellationToken, d: Duration) -> bool {
    tokio::select! {
        () = cancel.cancelled() => true,
        () = tokio::time::sleep(d) => false,
    }
}
