//! Reading the change log: after a cursor, in commit order.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use app::cursor::Cursor;

use super::change::{Change, Op, Row};

/// What to read: all changes (the tailer) or one organization's, optionally only some tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope<'a> {
    pub organization: Option<Uuid>,
    pub tables: Option<&'a [String]>,
}

type LogRow = (
    i64,
    i64,
    Uuid,
    String,
    String,
    String,
    Option<Json<Row>>,
    Option<Json<Row>>,
    DateTime<Utc>,
);

/// Up to `limit` changes after `after`, in commit order.
pub async fn read_after(
    conn: &mut PgConnection,
    after: Cursor,
    scope: Scope<'_>,
    limit: i64,
) -> Result<Vec<Change>, sqlx::Error> {
    let rows: Vec<LogRow> = sqlx::query_as(
        "SELECT c.seq, ch.id, ch.organization_id, ch.table_schema, ch.table_name, ch.op, \
                ch.new_row, ch.old_row, c.committed_at \
         FROM realtime.commits c JOIN realtime.changes ch ON ch.txid = c.txid \
         WHERE c.seq >= $1 AND (c.seq > $1 OR ch.id > $2) \
           AND ($3::uuid IS NULL OR ch.organization_id = $3) \
           AND ($4::text[] IS NULL OR ch.table_name = ANY($4)) \
         ORDER BY c.seq, ch.id LIMIT $5",
    )
    .bind(after.seq)
    .bind(after.id)
    .bind(scope.organization)
    .bind(scope.tables)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(seq, id, org, schema, table, op, new, old, at)| {
            let op = Op::parse(&op)?;
            Some(Change::new(
                Cursor::at(seq, id),
                org,
                &schema,
                table,
                op,
                new.map(|j| j.0),
                old.map(|j| j.0),
                at,
            ))
        })
        .collect())
}

/// The newest position: every commit up to it is visible to this connection's snapshot.
pub async fn head(conn: &mut PgConnection) -> Result<Cursor, sqlx::Error> {
    let seq: i64 = sqlx::query_scalar("SELECT realtime.current_seq()")
        .fetch_one(conn)
        .await?;
    Ok(Cursor::after_commit(seq))
}

/// The newest position, on a connection of the pool.
pub async fn current(pool: &PgPool) -> Result<Cursor, sqlx::Error> {
    head(&mut *pool.acquire().await?).await
}

/// Changes up to and including this commit have been pruned.
pub async fn pruned_through(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT pruned_through FROM realtime.horizon")
        .fetch_one(conn)
        .await
}

/// One page of the log read in one snapshot, for replays and polling.
#[derive(Debug)]
pub enum PageRead {
    Reset {
        head: Cursor,
    },
    Changes {
        changes: Vec<Change>,
        /// Position scanned through: the last change, or the head when the page is not full.
        end: Cursor,
        /// Fewer than `limit` changes: the reader is caught up with `end`.
        complete: bool,
    },
}

pub async fn read_page(
    pool: &PgPool,
    after: Cursor,
    scope: Scope<'_>,
    limit: i64,
) -> Result<PageRead, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let pruned = pruned_through(&mut tx).await?;
    let head = head(&mut tx).await?;
    if after < Cursor::after_commit(pruned) || after > head {
        return Ok(PageRead::Reset { head });
    }
    let changes = read_after(&mut tx, after, scope, limit).await?;
    tx.commit().await?;
    let complete = (changes.len() as i64) < limit;
    let end = match changes.last() {
        Some(last) if !complete => last.cursor,
        _ => head,
    };
    Ok(PageRead::Changes {
        changes,
        end,
        complete,
    })
}
