//! What just happened: the newest notable changes (a call answered, ended or failed; a campaign
//! changing status) read back from the change log, so a page's live feed opens with recent
//! activity instead of empty, and says the same as it would have said live.

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::cursor::Cursor;
use crate::live::rows::{CallRow, Row};
use crate::live::{Change, Op};
use crate::model::RecentActivity;

/// Newest commits looked at: bounds the read on a busy log (older activity is not "recent").
pub const RECENT_COMMITS: i64 = 5_000;
/// Most changes returned (a feed shows 50 entries).
pub const RECENT_CHANGES: i64 = 100;

type RecentRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
    Option<String>,
);

/// Notable changes of the organization (or one campaign) among the newest commits this
/// snapshot sees, oldest first, with the names of the contacts the calls were with.
pub async fn notable(
    db: &mut Snapshot,
    org: Uuid,
    campaign: Option<Uuid>,
) -> Result<RecentActivity, DataError> {
    // The planner's cost guess for the per-commit lookups is far above what they cost (one
    // index probe each): without this it would JIT-compile a ~20 ms query for ~100 ms.
    sqlx::query("SET LOCAL jit = off")
        .execute(db.conn())
        .await?;
    // Newest commits first (with those numbered for this snapshot, which it cannot see in
    // realtime.commits), each one's matching changes by index (the LIMIT keeps the lookup
    // per commit instead of a scan of the whole log); names only for the rows returned.
    let rows: Vec<RecentRow> = sqlx::query_as(
        "WITH cs AS (SELECT seq, txid, committed_at FROM ( \
                         SELECT seq, txid, committed_at FROM realtime.commits \
                         UNION ALL SELECT * FROM unnest($5::bigint[], $6::text[]::xid8[], \
                                                        $7::timestamptz[])) c \
                     ORDER BY seq DESC LIMIT $3) \
         SELECT cs.seq, ch.id, ch.table_name, ch.op, ch.new_row::text, ch.old_row::text, \
                cs.committed_at, \
                (SELECT k.name FROM contacts k WHERE ch.table_name = 'calls' \
                   AND k.id = (ch.new_row->>'contact_id')::uuid AND k.organization_id = $1) \
         FROM cs CROSS JOIN LATERAL ( \
             SELECT * FROM realtime.changes ch \
             WHERE ch.txid = cs.txid AND ch.organization_id = $1 AND ch.table_schema = 'public' \
               AND ch.table_name IN ('calls', 'campaigns') \
               AND ch.new_row->>'status' IS DISTINCT FROM ch.old_row->>'status' \
               AND ch.new_row->>'status' IN ('IN_PROGRESS', 'ENDED', 'FAILED', \
                                             'draft', 'active', 'paused', 'completed') \
               AND ($2::uuid IS NULL OR $2::text = CASE ch.table_name \
                     WHEN 'calls' THEN ch.new_row->>'campaign_id' ELSE ch.new_row->>'id' END) \
             ORDER BY ch.id DESC LIMIT $4) ch \
         ORDER BY cs.seq DESC, ch.id DESC LIMIT $4",
    )
    .bind(org)
    .bind(campaign)
    .bind(RECENT_COMMITS)
    .bind(RECENT_CHANGES)
    .bind(db.numbered().iter().map(|n| n.0).collect::<Vec<_>>())
    .bind(
        db.numbered()
            .iter()
            .map(|n| n.1.clone())
            .collect::<Vec<_>>(),
    )
    .bind(db.numbered().iter().map(|n| n.2).collect::<Vec<_>>())
    .fetch_all(db.conn())
    .await?;
    let mut recent = RecentActivity::default();
    for (seq, id, table, op, new, old, at, contact_name) in rows.into_iter().rev() {
        let row = |json: Option<String>| {
            json.and_then(|j| RawValue::from_string(j).ok())
                .and_then(|raw| Row::parse(&table, &raw))
        };
        let op = match op.as_str() {
            "INSERT" => Op::Insert,
            "DELETE" => Op::Delete,
            _ => Op::Update,
        };
        let change = Change {
            new: row(new),
            old: row(old),
            table,
            op,
            commit_timestamp: at,
            actor: None,
            cursor: Cursor::at(seq, id),
        };
        if let (Some(name), (_, Some(call))) = (contact_name, change.rows::<CallRow>()) {
            recent.contact_names.push((call.contact_id, name));
        }
        recent.changes.push(change);
    }
    recent.contact_names.sort();
    recent.contact_names.dedup();
    Ok(recent)
}
