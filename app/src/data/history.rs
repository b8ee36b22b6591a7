//! Each editable record's history: who changed which fields, when (`record_history`, written
//! by a trigger on every write, the app's and anyone else's).

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::editing::{Editable, HistoryEntry};

/// Most entries a history read returns.
pub const MAX_HISTORY: i64 = 200;

const ENTRY: &str = "jsonb_build_object('id', h.id, 'table_name', h.table_name, \
    'record_id', h.record_id, 'op', h.op, 'actor', h.actor, 'actor_id', h.actor_id, \
    'mutation_id', h.mutation_id, 'version', h.version, 'changes', h.changes, \
    'created_at', h.created_at)";

/// The record's history, newest first; 404 unless the record is the organization's.
pub async fn of_record(
    db: &mut Snapshot,
    what: &Editable,
    org: Uuid,
    id: Uuid,
    limit: i64,
) -> Result<Vec<HistoryEntry>, DataError> {
    // A deleted record is gone for readers too (its history stays, for the organization).
    let exists: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE organization_id = $1 AND id = $2)",
        what.table
    ))
    .bind(org)
    .bind(id)
    .fetch_one(db.conn())
    .await?;
    if !exists {
        return Err(DataError::NotFound(what.record));
    }
    let rows: Vec<Json<HistoryEntry>> = sqlx::query_scalar(&format!(
        "SELECT {ENTRY} FROM record_history h WHERE h.record_id = $1 AND h.organization_id = $2 \
         AND h.table_name = $3 ORDER BY h.id DESC LIMIT $4"
    ))
    .bind(id)
    .bind(org)
    .bind(what.table)
    .bind(limit.clamp(1, MAX_HISTORY))
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

/// Who last changed `field` of the record, and when.
pub async fn last_change(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    id: Uuid,
    field: &str,
) -> Result<Option<(String, DateTime<Utc>)>, DataError> {
    Ok(sqlx::query_as(
        "SELECT actor, created_at FROM record_history \
         WHERE record_id = $1 AND organization_id = $2 AND changes ? $3 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .bind(org)
    .bind(field)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Why a record is not there: `Gone` (who deleted it, when) if it was the organization's,
/// else `NotFound`.
pub async fn why_missing(
    conn: &mut PgConnection,
    what: &Editable,
    org: Uuid,
    id: Uuid,
) -> Result<DataError, DataError> {
    let deleted: Option<(String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT actor, created_at FROM record_history \
         WHERE record_id = $1 AND organization_id = $2 AND op = 'DELETE' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(conn)
    .await?;
    Ok(match deleted {
        Some((by, at)) => DataError::Gone(format!(
            "This {} was deleted by {by} at {} UTC.",
            what.record,
            at.format("%Y-%m-%d %H:%M")
        )),
        None => DataError::NotFound(what.record),
    })
}
