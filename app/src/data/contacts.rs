use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{campaigns, DataError, Snapshot};
use crate::model::{Contact, ContactStatus, Page};

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: Uuid,
    campaign_id: Uuid,
    name: String,
    phone: String,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ContactRow> for Contact {
    type Error = DataError;

    fn try_from(r: ContactRow) -> Result<Self, DataError> {
        let status = ContactStatus::parse(&r.status)
            .ok_or_else(|| DataError::Corrupt(format!("contact status {:?}", r.status)))?;
        Ok(Contact {
            id: r.id,
            campaign_id: r.campaign_id,
            name: r.name,
            phone: r.phone,
            status,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Contacts of a campaign in a stable order (name, then id).
pub async fn list(
    db: &mut Snapshot,
    org: Uuid,
    campaign: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Page<Contact>, DataError> {
    campaigns::ensure_exists(db, org, campaign).await?;
    let rows: Vec<ContactRow> = sqlx::query_as(
        "SELECT id, campaign_id, name, phone, status, created_at, updated_at FROM contacts \
         WHERE organization_id = $1 AND campaign_id = $2 ORDER BY name, id LIMIT $3 OFFSET $4",
    )
    .bind(org)
    .bind(campaign)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.conn())
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM contacts WHERE organization_id = $1 AND campaign_id = $2",
    )
    .bind(org)
    .bind(campaign)
    .fetch_one(db.conn())
    .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(Contact::try_from)
            .collect::<Result<_, _>>()?,
        total,
        limit,
        offset,
        cursor: db.cursor().await?,
    })
}

/// Contacts of the organization with these ids (unknown ids are left out); at most
/// `MAX_PAGE_SIZE` ids per call.
pub async fn by_ids(db: &mut Snapshot, org: Uuid, ids: &[Uuid]) -> Result<Vec<Contact>, DataError> {
    super::check_id_count(ids, "contacts")?;
    let rows: Vec<ContactRow> = sqlx::query_as(
        "SELECT id, campaign_id, name, phone, status, created_at, updated_at FROM contacts \
         WHERE organization_id = $1 AND id = ANY($2)",
    )
    .bind(org)
    .bind(ids)
    .fetch_all(db.conn())
    .await?;
    rows.into_iter().map(Contact::try_from).collect()
}
