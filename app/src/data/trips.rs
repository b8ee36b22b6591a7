//! Trips: listing, reading, creating and deleting them (editing goes through
//! [`super::edits`]).

use serde_json::Value;
use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

use super::actor::{act_as, Actor};
use super::clients::checked_fields;
use super::{DataError, Snapshot};
use crate::model::clients::{NewTrip, Trip};
use crate::model::editing::TRIP;
use crate::model::CurrentUser;

/// Most trips a list returns.
pub const MAX_TRIPS: i64 = 500;

/// The organization's trips (of one client when given), soonest first, undated last.
pub async fn list(
    db: &mut Snapshot,
    org: Uuid,
    client: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Trip>, DataError> {
    let rows: Vec<Json<Trip>> = sqlx::query_scalar(
        "SELECT to_jsonb(t) FROM trips t WHERE organization_id = $1 \
         AND ($2::uuid IS NULL OR client_id = $2) \
         ORDER BY start_date NULLS LAST, created_at, id LIMIT $3",
    )
    .bind(org)
    .bind(client)
    .bind(limit.clamp(1, MAX_TRIPS))
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

pub async fn get(db: &mut Snapshot, org: Uuid, id: Uuid) -> Result<Option<Trip>, DataError> {
    let row: Option<Json<Trip>> = sqlx::query_scalar(
        "SELECT to_jsonb(t) FROM trips t WHERE organization_id = $1 AND id = $2",
    )
    .bind(org)
    .bind(id)
    .fetch_optional(db.conn())
    .await?;
    Ok(row.map(|j| j.0))
}

/// A new trip for a client of the user's organization (organizers and admins).
pub async fn create(pool: &PgPool, user: &CurrentUser, new: &NewTrip) -> Result<Trip, DataError> {
    DataError::require_actor(user)?;
    let values = checked_fields(
        &TRIP,
        &[
            ("title", Value::from(new.title.clone())),
            ("destination", new.destination.clone().into()),
            ("start_date", new.start_date.clone().into()),
            ("end_date", new.end_date.clone().into()),
            (
                "status",
                Value::from(
                    new.status
                        .unwrap_or(crate::model::clients::TripStatus::Planning)
                        .as_str(),
                ),
            ),
            ("budget_cents", Value::from(new.budget_cents.unwrap_or(0))),
            ("notes", new.notes.clone().into()),
        ],
    )?;
    let mut tx = pool.begin().await?;
    act_as(&mut tx, &Actor::user(user, None)).await?;
    let trip: Json<Trip> = sqlx::query_scalar(
        "INSERT INTO trips (organization_id, client_id, title, destination, start_date, end_date, \
                            status, budget_cents, notes) \
         SELECT $1, $2, r.title, r.destination, r.start_date, r.end_date, r.status, \
                r.budget_cents, r.notes \
         FROM jsonb_populate_record(NULL::trips, $3) r RETURNING to_jsonb(trips.*)",
    )
    .bind(user.organization_id)
    .bind(new.client_id)
    .bind(Value::Object(values))
    .fetch_one(&mut *tx)
    .await
    .map_err(super::constraint_error)?;
    tx.commit().await?;
    Ok(trip.0)
}

/// Delete a trip of the user's organization.
pub async fn delete(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<(), DataError> {
    super::edits::delete(pool, user, &TRIP, id).await
}
