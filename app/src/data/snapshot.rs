//! Consistent reads for live views: every query of a view runs in one REPEATABLE READ
//! snapshot, and the realtime cursor of that snapshot says exactly which changes the data
//! already contains. "Load, then subscribe after that cursor" has no race and no gap.
//!
//! Commits are numbered after the fact by the sequencer (migration `sequencer`), so a snapshot
//! may see transactions not numbered yet. To make its cursor exact, opening a snapshot takes
//! the sequencer lock, exports the snapshot and runs one sequencer batch *in that snapshot*
//! on a second connection: the batch numbers exactly the transactions the snapshot sees and
//! no others, and the cursor is the last number it gave. The batch's own rows are not visible
//! to the snapshot (they were written after it), so readers of the log inside a snapshot add
//! [`Snapshot::numbered`].

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, Row, Transaction};
use tokio::sync::Mutex;

use super::DataError;
use crate::cursor::Cursor;

/// The database's sequencer lock (shared with `realtime.sequence_changes()`).
const SEQUENCER_LOCK: i64 = 8_315_169_437_162_210_304;

/// One opening at a time per process: an opening holds two connections for a moment, and
/// never waiting for the second while holding the first (with others doing the same) is
/// what keeps the pool from deadlocking.
static OPENING: Mutex<()> = Mutex::const_new(());

/// A commit numbered for this snapshot, invisible to it: `(seq, txid, committed_at)`.
pub type Numbered = (i64, String, DateTime<Utc>);

pub struct Snapshot {
    tx: Transaction<'static, Postgres>,
    numbered: Vec<Numbered>,
}

impl Snapshot {
    pub async fn begin(pool: &PgPool) -> Result<Self, DataError> {
        let _turn = OPENING.lock().await;
        let mut seq_conn = pool.acquire().await?;
        // Boxed as `Send` here, where the lifetimes are concrete (the server functions that
        // await this need their futures to be `Send` for every lifetime otherwise).
        let opening: Pin<Box<dyn Future<Output = Result<Snapshot, sqlx::Error>> + Send + '_>> =
            Box::pin(open(pool, &mut seq_conn));
        match opening.await {
            Ok(snapshot) => Ok(snapshot),
            Err(e) => {
                // The lock is a session lock and a transaction may be half done: drop the
                // connection rather than hand it back to the pool.
                let _ = seq_conn.detach();
                Err(e.into())
            }
        }
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Commits numbered when this snapshot was opened: part of its data, but their rows in
    /// `realtime.commits` are not visible to it.
    pub fn numbered(&self) -> &[Numbered] {
        &self.numbered
    }

    /// The change-log position this snapshot's data is consistent with.
    pub async fn cursor(&mut self) -> Result<Cursor, DataError> {
        let seq: i64 = sqlx::query_scalar("SELECT realtime.current_seq()")
            .fetch_one(self.conn())
            .await?;
        let numbered = self.numbered.iter().map(|n| n.0).max().unwrap_or(0);
        Ok(Cursor::after_commit(seq.max(numbered)))
    }
}

async fn open(pool: &PgPool, seq_conn: &mut PgConnection) -> Result<Snapshot, sqlx::Error> {
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(SEQUENCER_LOCK)
        .execute(&mut *seq_conn)
        .await?;
    let mut tx = pool
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let numbered = number_in(seq_conn, &id).await?;
    Ok(Snapshot { tx, numbered })
}

/// Run one sequencer batch in the exported snapshot `id`, then release the lock: one round
/// trip. The snapshot's commits are visible (and the lock free) before this returns.
async fn number_in(conn: &mut PgConnection, id: &str) -> Result<Vec<Numbered>, sqlx::Error> {
    // Snapshot ids are hex digits and dashes (e.g. `00000003-0000001B-1`), and this one came
    // from the server; checked anyway, since it is spliced into the statement.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(sqlx::Error::Protocol(format!(
            "unexpected snapshot id {id:?}"
        )));
    }
    let sql = format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '{id}'; \
         SELECT seq, txid::text, committed_at FROM realtime.sequence_batch(); COMMIT; \
         SELECT pg_advisory_unlock({SEQUENCER_LOCK})"
    );
    let rows = sqlx::Executor::fetch_all(&mut *conn, sqlx::raw_sql(&sql)).await?;
    let numbered = rows
        .iter()
        .filter(|r| r.columns().len() == 3)
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<Numbered>, sqlx::Error>>()?;
    Ok(numbered)
}
