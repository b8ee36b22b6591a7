//! Trips of the organization's clients: list, create, read, edit (per-field, conflicts
//! explicit, idempotent), delete, history. Reading is for everyone in the organization;
//! writing for organizers and admins.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use app::data::trips::{self as trip_data, MAX_TRIPS};
use app::data::Snapshot;
use app::model::clients::{NewTrip, Trip, TripList};
use app::model::editing::{EditConflict, EditOutcome, EditRequest, HistoryList, TRIP};

use super::editing::{self, HistoryQuery};
use crate::auth::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TripsQuery {
    /// Only this client's trips.
    client_id: Option<Uuid>,
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The organization's trips (or one client's), soonest first.
#[utoipa::path(
    get, path = "/api/trips", tag = "trips",
    params(TripsQuery),
    responses(
        (status = 200, body = TripList),
        (status = 400, description = "Malformed client id, limit out of range or unknown parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiQuery(q): ApiQuery<TripsQuery>,
) -> Result<Json<TripList>, ApiError> {
    let limit = super::limit(q.limit, MAX_TRIPS)?;
    let mut db = Snapshot::begin(&s.pool).await?;
    let trips = trip_data::list(&mut db, u.organization_id, q.client_id, limit).await?;
    let cursor = db.cursor().await?;
    Ok(Json(TripList { trips, cursor }))
}

/// Add a trip for one of your clients. Organizers and admins.
#[utoipa::path(
    post, path = "/api/trips", tag = "trips",
    request_body = NewTrip,
    responses(
        (status = 201, description = "Created", body = Trip),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not add trips", body = ErrorBody),
        (status = 404, description = "No such client in your organization", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A field out of bounds (named), dates out of order, or unknown fields", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiJson(new): ApiJson<NewTrip>,
) -> Result<(StatusCode, Json<Trip>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(trip_data::create(&s.pool, &u, &new).await?),
    ))
}

/// One trip.
#[utoipa::path(
    get, path = "/api/trips/{id}", tag = "trips",
    params(("id" = Uuid, Path, description = "Trip id")),
    responses(
        (status = 200, body = Trip),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such trip in your organization", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Trip>, ApiError> {
    let mut db = Snapshot::begin(&s.pool).await?;
    trip_data::get(&mut db, u.organization_id, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("trip not found".into()))
}

/// Edit a trip's fields: per field the value you started from (`base`) and the new one
/// (`value`). All or nothing: a field someone else changed meanwhile is a 409 naming it, and
/// nothing is applied. Send an `Idempotency-Key` (a UUID) to make retries safe: the same key
/// and body get the first answer again. Organizers and admins.
#[utoipa::path(
    patch, path = "/api/trips/{id}", tag = "trips",
    params(
        ("id" = Uuid, Path, description = "Trip id"),
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 100 visible ASCII characters; a UUID becomes the change's mutation id"),
    ),
    request_body = EditRequest,
    responses(
        (status = 200, description = "Applied (or nothing to do)", body = EditOutcome),
        (status = 400, description = "Malformed id, JSON or header", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not edit", body = ErrorBody),
        (status = 404, description = "No such trip in your organization", body = ErrorBody),
        (status = 409, description = "Changed by someone else meanwhile: `conflicts` per field", body = EditConflict),
        (status = 410, description = "The trip was deleted", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Unknown field, a value out of bounds (named), or the key reused for another request", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn edit(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EditRequest>,
) -> Result<Response, ApiError> {
    editing::patch(&s, &u, &TRIP, id, &headers, &req).await
}

/// Delete a trip. Organizers and admins.
#[utoipa::path(
    delete, path = "/api/trips/{id}", tag = "trips",
    params(("id" = Uuid, Path, description = "Trip id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not delete", body = ErrorBody),
        (status = 404, description = "No such trip in your organization", body = ErrorBody),
        (status = 410, description = "Already deleted", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    trip_data::delete(&s.pool, &u, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who changed what, when, newest first.
#[utoipa::path(
    get, path = "/api/trips/{id}/history", tag = "trips",
    params(("id" = Uuid, Path, description = "Trip id"), HistoryQuery),
    responses(
        (status = 200, body = HistoryList),
        (status = 400, description = "Malformed id, limit out of range or unknown parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such trip in your organization", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn history(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryList>, ApiError> {
    editing::history(&s, &u, &TRIP, id, q).await
}
