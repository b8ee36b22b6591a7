//! Clients: listing, reading, creating and deleting them (editing goes through
//! [`super::edits`]).

use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

use super::actor::{act_as, Actor};
use super::{DataError, Snapshot};
use crate::model::clients::{Client, NewClient};
use crate::model::editing::{Editable, CLIENT};
use crate::model::CurrentUser;

/// Most clients a list returns.
pub const MAX_CLIENTS: i64 = 500;

/// The organization's clients by name, those whose name, company, email or a tag contains
/// `search` (any case) when it is not empty.
pub async fn list(
    db: &mut Snapshot,
    org: Uuid,
    search: &str,
    limit: i64,
) -> Result<Vec<Client>, DataError> {
    let search = search.trim();
    if search.chars().count() > 100 || search.contains('\0') {
        return Err(DataError::Invalid("q: at most 100 characters".into()));
    }
    let pattern = format!(
        "%{}%",
        search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows: Vec<Json<Client>> = sqlx::query_scalar(
        "SELECT to_jsonb(c) FROM clients c WHERE organization_id = $1 \
         AND ($2 = '' OR name ILIKE $3 OR company ILIKE $3 OR email ILIKE $3 \
              OR EXISTS (SELECT 1 FROM unnest(tags) t WHERE t ILIKE $3)) \
         ORDER BY lower(name), id LIMIT $4",
    )
    .bind(org)
    .bind(search)
    .bind(pattern)
    .bind(limit.clamp(1, MAX_CLIENTS))
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

pub async fn get(db: &mut Snapshot, org: Uuid, id: Uuid) -> Result<Option<Client>, DataError> {
    let row: Option<Json<Client>> = sqlx::query_scalar(
        "SELECT to_jsonb(c) FROM clients c WHERE organization_id = $1 AND id = $2",
    )
    .bind(org)
    .bind(id)
    .fetch_optional(db.conn())
    .await?;
    Ok(row.map(|j| j.0))
}

/// How many trips each of the organization's clients has.
pub async fn trip_counts(db: &mut Snapshot, org: Uuid) -> Result<Vec<(Uuid, i64)>, DataError> {
    Ok(sqlx::query_as(
        "SELECT client_id, count(*) FROM trips WHERE organization_id = $1 GROUP BY client_id",
    )
    .bind(org)
    .fetch_all(db.conn())
    .await?)
}

/// `fields` checked against `what`'s rules, as stored (for creating a record).
pub fn checked_fields(
    what: &Editable,
    fields: &[(&str, Value)],
) -> Result<Map<String, Value>, DataError> {
    let mut out = Map::new();
    for (name, value) in fields {
        let field = what
            .field(name)
            .expect("creation sets editable fields only");
        out.insert(
            (*name).to_owned(),
            field.normalize(value).map_err(DataError::Invalid)?,
        );
    }
    Ok(out)
}

/// A new client of the user's organization (organizers and admins).
pub async fn create(
    pool: &PgPool,
    user: &CurrentUser,
    new: &NewClient,
) -> Result<Client, DataError> {
    DataError::require_actor(user)?;
    let values = checked_fields(
        &CLIENT,
        &[
            ("name", Value::from(new.name.clone())),
            ("email", new.email.clone().into()),
            ("phone", new.phone.clone().into()),
            ("company", new.company.clone().into()),
            ("notes", new.notes.clone().into()),
            ("tags", new.tags.clone().into()),
        ],
    )?;
    let mut tx = pool.begin().await?;
    act_as(&mut tx, &Actor::user(user, None)).await?;
    let client: Json<Client> = sqlx::query_scalar(
        "INSERT INTO clients (organization_id, name, email, phone, company, notes, tags) \
         SELECT $1, r.name, r.email, r.phone, r.company, r.notes, r.tags \
         FROM jsonb_populate_record(NULL::clients, $2) r RETURNING to_jsonb(clients.*)",
    )
    .bind(user.organization_id)
    .bind(Value::Object(values))
    .fetch_one(&mut *tx)
    .await
    .map_err(super::constraint_error)?;
    tx.commit().await?;
    Ok(client.0)
}

/// Delete a client (and their trips) of the user's organization.
pub async fn delete(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<(), DataError> {
    super::edits::delete(pool, user, &CLIENT, id).await
}
