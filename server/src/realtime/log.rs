//! Reading the change log: after a cursor, in commit order.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use app::cursor::Cursor;

use super::change::{Change, Op, RawRow};

/// What to read: all changes (the tailer) or one organization's, optionally only some tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope<'a> {
    pub organization: Option<Uuid>,
    pub tables: Option<&'a [String]>,
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

/// One page of the log, for the tailer, replays and polling.
#[derive(Debug)]
pub enum PageRead {
    /// The cursor is older than the retention window (or not from this database): the client
    /// must reload; the stream goes on from `head`. Everything after `horizon` is still in the
    /// log (the tailer, which must publish every change, goes on from there).
    Reset { head: Cursor, horizon: Cursor },
    Changes {
        changes: Vec<Change>,
        /// Position scanned through: the last change, or the head when the page is not full.
        end: Cursor,
        /// Fewer than `limit` changes: the reader is caught up with `end`.
        complete: bool,
    },
}

/// (head, pruned_through, commits scanned, last commit scanned, then the change's columns,
/// null when the page is empty)
type PageRow = (
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Json<RawRow>>,
    Option<Json<RawRow>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// Up to `limit` changes after `after`, in commit order — one statement, so one snapshot
/// and one round trip: the head and retention horizon it reports match the rows it returns.
pub async fn read_page(
    pool: &PgPool,
    after: Cursor,
    scope: Scope<'_>,
    limit: i64,
) -> Result<PageRead, sqlx::Error> {
    // Commits in seq order (primary key), then each one's changes in id order (index on
    // (txid, id)): cheap for the tailer's "what is new" and for big replays alike.
    let rows: Vec<PageRow> = sqlx::query_as(
        "WITH cs AS (SELECT seq, txid, committed_at FROM realtime.commits \
                     WHERE seq >= $1 ORDER BY seq LIMIT $5) \
         SELECT h.head, h.pruned, s.n, s.last, x.* \
         FROM (SELECT realtime.current_seq() AS head, \
                      (SELECT pruned_through FROM realtime.horizon) AS pruned) h \
         CROSS JOIN (SELECT count(*) AS n, max(seq) AS last FROM cs) s \
         LEFT JOIN LATERAL ( \
             SELECT cs.seq, ch.id, ch.organization_id, ch.table_schema, ch.table_name, ch.op, \
                    ch.new_row, ch.old_row, cs.committed_at, ch.actor \
             FROM cs CROSS JOIN LATERAL ( \
                 SELECT * FROM realtime.changes ch \
                 WHERE ch.txid = cs.txid AND (cs.seq > $1 OR ch.id > $2) \
                   AND ($3::uuid IS NULL OR ch.organization_id = $3) \
                   AND ($4::text[] IS NULL OR ch.table_name = ANY($4)) \
                 ORDER BY ch.txid, ch.id LIMIT $5) ch \
             ORDER BY cs.seq, ch.id LIMIT $5) x ON true",
    )
    .bind(after.seq)
    .bind(after.id)
    .bind(scope.organization)
    .bind(scope.tables)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let Some(&(head, pruned, scanned, last_scanned, ..)) = rows.first() else {
        return Err(sqlx::Error::RowNotFound);
    };
    let head = Cursor::after_commit(head);
    let horizon = Cursor::after_commit(pruned);
    if after < horizon || after > head {
        return Ok(PageRead::Reset { head, horizon });
    }
    let changes: Vec<Change> = rows.into_iter().filter_map(change_of).collect();
    let (end, complete) = if changes.len() as i64 >= limit {
        // Full page: more may follow this very change.
        (changes.last().map_or(after, |c| c.cursor), false)
    } else if scanned >= limit {
        // The commits looked at filled the page's budget but the filters kept fewer changes.
        (last_scanned.map_or(after, Cursor::after_commit), false)
    } else {
        (head, true)
    };
    Ok(PageRead::Changes {
        changes,
        end,
        complete,
    })
}

fn change_of(row: PageRow) -> Option<Change> {
    let (_, _, _, _, seq, id, org, schema, table, op, new, old, at, actor) = row;
    change_from((seq?, id?, org?, schema?, table?, op?, new, old, at?, actor))
}

/// A change row as `realtime.sequence_changes` returns it: seq, id, organization, schema,
/// table, op, new row, old row, commit time, actor.
pub type ChangeRow = (
    i64,
    i64,
    Uuid,
    String,
    String,
    String,
    Option<Json<RawRow>>,
    Option<Json<RawRow>>,
    DateTime<Utc>,
    Option<String>,
);

pub fn change_from(row: ChangeRow) -> Option<Change> {
    let (seq, id, org, schema, table, op, new, old, at, actor) = row;
    Some(Change::new(
        Cursor::at(seq, id),
        org,
        &schema,
        table,
        Op::parse(&op)?,
        new.map(|j| j.0),
        old.map(|j| j.0),
        at,
        actor,
    ))
}
