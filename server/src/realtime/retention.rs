//! Retention: changes older than the window are deleted; clients with older cursors get
//! `event: reset` and reload.

use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

/// Commits deleted per statement, so pruning never holds long locks.
const PRUNE_BATCH: i64 = 5_000;

/// Delete changes committed before `now - retention`; returns how many commits went.
pub async fn prune(pool: &PgPool, retention: Duration) -> Result<u64, sqlx::Error> {
    let mut total = 0;
    loop {
        let mut tx = pool.begin().await?;
        let cutoff: Option<i64> = sqlx::query_scalar(
            // committed_at never decreases along seq (migration capture_cost), so the old
            // commits are the first ones by seq: read at most a batch of those.
            "SELECT max(seq) FROM (SELECT seq, committed_at FROM realtime.commits \
             ORDER BY seq LIMIT $2) s WHERE committed_at < now() - make_interval(secs => $1)",
        )
        .bind(retention.as_secs_f64())
        .bind(PRUNE_BATCH)
        .fetch_one(&mut *tx)
        .await?;
        let Some(cutoff) = cutoff else {
            tx.commit().await?;
            return Ok(total);
        };
        // The horizon moves first, in the same transaction: readers either see the old rows
        // or the new horizon, never neither.
        sqlx::query("UPDATE realtime.horizon SET pruned_through = GREATEST(pruned_through, $1)")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM realtime.changes ch USING realtime.commits c \
             WHERE ch.txid = c.txid AND c.seq <= $1",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        let gone = sqlx::query("DELETE FROM realtime.commits WHERE seq <= $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        total += gone;
        if (gone as i64) < PRUNE_BATCH {
            return Ok(total);
        }
    }
}

/// Prune every `interval` until cancelled.
pub async fn run(pool: PgPool, retention: Duration, interval: Duration, cancel: CancellationToken) {
    loop {
        match prune(&pool, retention).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(commits = n, "pruned realtime changes past retention"),
            Err(e) => tracing::warn!(error = %e, "realtime retention job failed"),
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}
