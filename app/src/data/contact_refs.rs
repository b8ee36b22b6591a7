//! Contacts as the agent pages show them: name, phone and campaign, and where each one's
//! agent work stands.

use sqlx::types::Json;
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::agents::{AgentTask, ContactCard, ContactRef, Draft};

/// Longest contact search, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

const REF_SQL: &str = "SELECT c.id, c.name, c.phone, c.campaign_id, k.name AS campaign_name \
    FROM contacts c JOIN campaigns k ON k.id = c.campaign_id WHERE c.organization_id = $1";

#[derive(sqlx::FromRow)]
struct RefRow {
    id: Uuid,
    name: String,
    phone: String,
    campaign_id: Uuid,
    campaign_name: String,
}

impl From<RefRow> for ContactRef {
    fn from(r: RefRow) -> Self {
        ContactRef {
            id: r.id,
            name: r.name,
            phone: r.phone,
            campaign_id: r.campaign_id,
            campaign_name: r.campaign_name,
        }
    }
}

/// One contact of the organization; `NotFound` for another organization's id.
pub async fn get(db: &mut Snapshot, org: Uuid, id: Uuid) -> Result<ContactRef, DataError> {
    let row: Option<RefRow> = sqlx::query_as(&format!("{REF_SQL} AND c.id = $2"))
        .bind(org)
        .bind(id)
        .fetch_optional(db.conn())
        .await?;
    row.map(ContactRef::from)
        .ok_or(DataError::NotFound("contact"))
}

/// The organization's contacts among `ids` (others are left out); at most `MAX_PAGE_SIZE`.
pub async fn by_ids(
    db: &mut Snapshot,
    org: Uuid,
    ids: &[Uuid],
) -> Result<Vec<ContactRef>, DataError> {
    super::check_id_count(ids, "contacts")?;
    let rows: Vec<RefRow> = sqlx::query_as(&format!("{REF_SQL} AND c.id = ANY($2)"))
        .bind(org)
        .bind(ids)
        .fetch_all(db.conn())
        .await?;
    Ok(rows.into_iter().map(ContactRef::from).collect())
}

#[derive(sqlx::FromRow)]
struct CardRow {
    #[sqlx(flatten)]
    contact: RefRow,
    task: Option<Json<AgentTask>>,
    draft: Option<Json<Draft>>,
}

/// `query` as an ILIKE pattern matching it anywhere, its wildcards taken literally.
fn contains_pattern(query: &str) -> String {
    let escaped = query
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of contact cards whose name contains `query` (all when empty): contacts with agent
/// work first (latest first), then by name. Returns the cards and how many match.
pub async fn cards(
    db: &mut Snapshot,
    org: Uuid,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ContactCard>, i64), DataError> {
    let query = query.trim();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(DataError::Invalid(format!(
            "search: at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let pattern = contains_pattern(query);
    let rows: Vec<CardRow> = sqlx::query_as(
        r#"WITH latest AS (
               SELECT DISTINCT ON (contact_id) contact_id, t.draft_id, t.created_at, to_jsonb(t) AS task
               FROM agent_tasks t WHERE organization_id = $1
               ORDER BY contact_id, created_at DESC, id DESC
           )
           SELECT c.id, c.name, c.phone, c.campaign_id, k.name AS campaign_name, l.task, to_jsonb(d) AS draft
           FROM contacts c
           JOIN campaigns k ON k.id = c.campaign_id
           LEFT JOIN latest l ON l.contact_id = c.id
           LEFT JOIN drafts d ON d.id = l.draft_id
           WHERE c.organization_id = $1 AND c.name ILIKE $2
           ORDER BY (l.task IS NULL), l.created_at DESC, c.name, c.id
           LIMIT $3 OFFSET $4"#,
    )
    .bind(org)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.conn())
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM contacts WHERE organization_id = $1 AND name ILIKE $2",
    )
    .bind(org)
    .bind(&pattern)
    .fetch_one(db.conn())
    .await?;
    let cards = rows
        .into_iter()
        .map(|r| ContactCard {
            contact: r.contact.into(),
            latest_task: r.task.map(|j| j.0),
            latest_draft: r.draft.map(|j| j.0),
        })
        .collect();
    Ok((cards, total))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_takes_wildcards_literally() {
        assert_eq!(super::contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
