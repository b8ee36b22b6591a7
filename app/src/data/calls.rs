use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{campaigns, DataError, Snapshot};
use crate::model::{Call, CallStatus, Page};

#[derive(sqlx::FromRow)]
struct CallRow {
    id: Uuid,
    campaign_id: Uuid,
    contact_id: Uuid,
    contact_name: String,
    contact_phone: String,
    status: String,
    started_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    failure_reason: Option<String>,
    provider_call_id: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<CallRow> for Call {
    type Error = DataError;

    fn try_from(r: CallRow) -> Result<Self, DataError> {
        let status = CallStatus::parse(&r.status)
            .ok_or_else(|| DataError::Corrupt(format!("call status {:?}", r.status)))?;
        Ok(Call {
            id: r.id,
            campaign_id: r.campaign_id,
            contact_id: r.contact_id,
            contact_name: r.contact_name,
            contact_phone: r.contact_phone,
            status,
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            failure_reason: r.failure_reason,
            provider_call_id: r.provider_call_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const CALL_COLUMNS: &str = "k.id, k.campaign_id, k.contact_id, p.name AS contact_name, \
    p.phone AS contact_phone, k.status, k.started_at, k.answered_at, k.ended_at, \
    k.failure_reason, k.provider_call_id, k.created_at, k.updated_at";

fn convert(rows: Vec<CallRow>) -> Result<Vec<Call>, DataError> {
    rows.into_iter().map(Call::try_from).collect()
}

/// The call board of a campaign: every active call (oldest first), then the `recent` most
/// recently finished calls.
pub async fn board(
    db: &mut Snapshot,
    org: Uuid,
    campaign: Uuid,
    recent: i64,
) -> Result<Vec<Call>, DataError> {
    campaigns::ensure_exists(db, org, campaign).await?;
    let sql = format!(
        "(SELECT {CALL_COLUMNS} FROM calls k JOIN contacts p ON p.id = k.contact_id \
           WHERE k.organization_id = $1 AND k.campaign_id = $2 \
             AND k.status IN ('QUEUED','RINGING','IN_PROGRESS') \
           ORDER BY k.created_at, k.id) \
         UNION ALL \
         (SELECT {CALL_COLUMNS} FROM calls k JOIN contacts p ON p.id = k.contact_id \
           WHERE k.organization_id = $1 AND k.campaign_id = $2 \
             AND k.status IN ('ENDED','FAILED') \
           ORDER BY k.created_at DESC, k.id LIMIT $3)"
    );
    let rows: Vec<CallRow> = sqlx::query_as(&sql)
        .bind(org)
        .bind(campaign)
        .bind(recent)
        .fetch_all(db.conn())
        .await?;
    convert(rows)
}

/// Calls of a campaign, newest first, optionally only those in `status`.
pub async fn list(
    db: &mut Snapshot,
    org: Uuid,
    campaign: Uuid,
    status: Option<CallStatus>,
    limit: i64,
    offset: i64,
) -> Result<Page<Call>, DataError> {
    campaigns::ensure_exists(db, org, campaign).await?;
    let status = status.map(CallStatus::as_str);
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls k JOIN contacts p ON p.id = k.contact_id \
         WHERE k.organization_id = $1 AND k.campaign_id = $2 AND ($3::text IS NULL OR k.status = $3) \
         ORDER BY k.created_at DESC, k.id LIMIT $4 OFFSET $5"
    );
    let rows: Vec<CallRow> = sqlx::query_as(&sql)
        .bind(org)
        .bind(campaign)
        .bind(status)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.conn())
        .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM calls WHERE organization_id = $1 AND campaign_id = $2 \
         AND ($3::text IS NULL OR status = $3)",
    )
    .bind(org)
    .bind(campaign)
    .bind(status)
    .fetch_one(db.conn())
    .await?;
    Ok(Page {
        items: convert(rows)?,
        total,
        limit,
        offset,
        cursor: db.cursor().await?,
    })
}

/// One call of the organization, or `NotFound`.
pub async fn get(db: &mut Snapshot, org: Uuid, id: Uuid) -> Result<Call, DataError> {
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls k JOIN contacts p ON p.id = k.contact_id \
         WHERE k.organization_id = $1 AND k.id = $2"
    );
    let row: Option<CallRow> = sqlx::query_as(&sql)
        .bind(org)
        .bind(id)
        .fetch_optional(db.conn())
        .await?;
    row.ok_or(DataError::NotFound("call"))?.try_into()
}
