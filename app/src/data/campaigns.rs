use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::{CampaignStatus, CampaignSummary, StatusCounts};

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    name: String,
    status: String,
    bid_cents: i32,
    contacts_total: i64,
    contacts_done: i64,
    queued: i64,
    ringing: i64,
    in_progress: i64,
    ended: i64,
    failed: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<SummaryRow> for CampaignSummary {
    type Error = DataError;

    fn try_from(r: SummaryRow) -> Result<Self, DataError> {
        let status = CampaignStatus::parse(&r.status)
            .ok_or_else(|| DataError::Corrupt(format!("campaign status {:?}", r.status)))?;
        let calls = StatusCounts {
            queued: r.queued,
            ringing: r.ringing,
            in_progress: r.in_progress,
            ended: r.ended,
            failed: r.failed,
        };
        Ok(CampaignSummary {
            id: r.id,
            name: r.name,
            status,
            bid_cents: r.bid_cents,
            contacts_total: r.contacts_total,
            contacts_done: r.contacts_done,
            active_calls: calls.active(),
            calls,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const SUMMARY_SQL: &str = r#"
SELECT c.id, c.name, c.status, c.bid_cents, c.created_at, c.updated_at,
       ct.total AS contacts_total, ct.done AS contacts_done,
       cl.queued, cl.ringing, cl.in_progress, cl.ended, cl.failed
FROM campaigns c
CROSS JOIN LATERAL (
    SELECT count(*) AS total,
           count(*) FILTER (WHERE status IN ('completed', 'failed')) AS done
    FROM contacts WHERE campaign_id = c.id
) ct
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE status = 'QUEUED')      AS queued,
           count(*) FILTER (WHERE status = 'RINGING')     AS ringing,
           count(*) FILTER (WHERE status = 'IN_PROGRESS') AS in_progress,
           count(*) FILTER (WHERE status = 'ENDED')       AS ended,
           count(*) FILTER (WHERE status = 'FAILED')      AS failed
    FROM calls WHERE campaign_id = c.id
) cl
WHERE c.organization_id = $1
"#;

/// Every campaign of the organization: active first, then paused, draft, completed; newest first.
pub async fn list(db: &mut Snapshot, org: Uuid) -> Result<Vec<CampaignSummary>, DataError> {
    let sql = format!(
        "{SUMMARY_SQL} ORDER BY array_position(ARRAY['active','paused','draft','completed'], c.status), \
         c.created_at DESC, c.id"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(org).fetch_all(db.conn()).await?;
    rows.into_iter().map(CampaignSummary::try_from).collect()
}

/// One campaign of the organization, or `NotFound` (also for another organization's id).
pub async fn get(db: &mut Snapshot, org: Uuid, id: Uuid) -> Result<CampaignSummary, DataError> {
    let sql = format!("{SUMMARY_SQL} AND c.id = $2");
    let row: Option<SummaryRow> = sqlx::query_as(&sql)
        .bind(org)
        .bind(id)
        .fetch_optional(db.conn())
        .await?;
    row.ok_or(DataError::NotFound("campaign"))?.try_into()
}

/// `NotFound` unless the campaign exists in the organization.
pub async fn ensure_exists(db: &mut Snapshot, org: Uuid, id: Uuid) -> Result<(), DataError> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM campaigns WHERE organization_id = $1 AND id = $2")
            .bind(org)
            .bind(id)
            .fetch_optional(db.conn())
            .await?;
    found.map(|_| ()).ok_or(DataError::NotFound("campaign"))
}

/// The campaign's row as JSON (what its settings' edits are based on).
pub async fn row(
    db: &mut Snapshot,
    org: Uuid,
    id: Uuid,
) -> Result<Option<serde_json::Value>, DataError> {
    let row: Option<sqlx::types::Json<serde_json::Map<String, serde_json::Value>>> =
        sqlx::query_scalar(
            "SELECT to_jsonb(c) FROM campaigns c WHERE organization_id = $1 AND id = $2",
        )
        .bind(org)
        .bind(id)
        .fetch_optional(db.conn())
        .await?;
    Ok(row.map(|r| super::edits::public(r.0)))
}
