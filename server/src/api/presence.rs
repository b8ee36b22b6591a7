//! `PUT/GET /api/presence` and `POST /api/broadcast`: who is in a room, and messages to the
//! others in it. Rooms are always the caller's organization's.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use app::data::DataError;

use crate::auth::extract::{ApiJson, ApiQuery, AuthUser};
use crate::error::{ApiError, ErrorBody};
use crate::presence::frames::{Member, Message};
use crate::presence::names::{check_event, check_room, MAX_ROOMS, ORG_ROOM};
use crate::presence::store::{self, ReportError};
use crate::state::AppState;

/// Largest broadcast payload (serialized JSON).
pub const MAX_PAYLOAD_BYTES: usize = 4096;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceReport {
    /// The `connection` of your stream's `ready` event.
    connection: Uuid,
    /// Every room your tabs are in (up to 20); the organization's room `org` is added.
    #[schema(max_items = 20)]
    rooms: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PresenceReported {
    connection: Uuid,
    /// The rooms the connection is in now.
    rooms: Vec<String>,
}

/// Say which rooms a stream's browser is in: rooms not named are left (after a short
/// grace). Repeat every ~15 s: a connection that stops reporting leaves its rooms after
/// ~45 s. Members of those rooms get `presence` / `presence_diff` events on their streams.
#[utoipa::path(
    put, path = "/api/presence", tag = "presence",
    request_body = PresenceReport,
    responses(
        (status = 200, body = PresenceReported),
        (status = 400, description = "A room that is not `kind` or `kind:key`, or too many rooms", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No open stream of yours has this connection id", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Missing or unknown fields", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn report(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiJson(body): ApiJson<PresenceReport>,
) -> Result<Json<PresenceReported>, ApiError> {
    if body.rooms.len() > MAX_ROOMS {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_ROOMS} rooms, not {}",
            body.rooms.len()
        )));
    }
    let mut rooms = vec![ORG_ROOM.to_owned()];
    for room in body.rooms {
        check_room(&room).map_err(ApiError::BadRequest)?;
        if !rooms.contains(&room) {
            rooms.push(room);
        }
    }
    let cfg = &s.presence.config;
    store::report(
        &s.pool,
        body.connection,
        u.organization_id,
        u.id,
        &rooms,
        cfg.ttl,
        cfg.grace,
    )
    .await
    .map_err(|e| match e {
        ReportError::UnknownConnection(_) => ApiError::NotFound(e.to_string()),
        ReportError::Database(e) => DataError::from(e).into(),
    })?;
    Ok(Json(PresenceReported {
        connection: body.connection,
        rooms,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RoomQuery {
    /// `kind` or `kind:key`, e.g. `campaign:<id>`; `org` is the whole organization.
    #[param(pattern = r"^[a-z][a-z_]{0,31}(:[A-Za-z0-9_-]{1,64})?$")]
    room: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoomPresence {
    room: String,
    /// One entry per user (however many tabs or browsers they have), by name.
    users: Vec<Member>,
}

/// Who is in a room of your organization now (for polling clients; streams get events).
#[utoipa::path(
    get, path = "/api/presence", tag = "presence",
    params(RoomQuery),
    responses(
        (status = 200, body = RoomPresence),
        (status = 400, description = "Not a room name, or an unknown parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn room(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiQuery(q): ApiQuery<RoomQuery>,
) -> Result<Json<RoomPresence>, ApiError> {
    check_room(&q.room).map_err(ApiError::BadRequest)?;
    let key = (u.organization_id, q.room);
    let mut members = store::members(&s.pool, std::slice::from_ref(&key))
        .await
        .map_err(DataError::from)?;
    let mut users: Vec<Member> = members
        .remove(&key)
        .unwrap_or_default()
        .into_values()
        .collect();
    users.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.cmp(&b.user_id)));
    Ok(Json(RoomPresence { room: key.1, users }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastRequest {
    room: String,
    /// A lowercase name such as `cursor` (up to 32 characters).
    event: String,
    /// Any JSON, at most 4 KB serialized.
    #[schema(value_type = serde_json::Value)]
    payload: Box<RawValue>,
    /// Also deliver to your own other connections (default: only to others).
    #[serde(rename = "self", default)]
    to_self: bool,
}

#[derive(Serialize, ToSchema)]
pub struct BroadcastSent {
    /// Streams on this instance it was delivered to (other instances' follow).
    delivered_here: u64,
}

/// Send a message to the others in a room: they get `event: broadcast` on their streams
/// (on any instance). Never stored; a stream too far behind misses it.
#[utoipa::path(
    post, path = "/api/broadcast", tag = "presence",
    request_body = BroadcastRequest,
    responses(
        (status = 202, body = BroadcastSent),
        (status = 400, description = "Bad room or event name, or a payload over 4 KB", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Missing or unknown fields", body = ErrorBody),
        (status = 429, description = "Over the per-user rate", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn broadcast(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiJson(body): ApiJson<BroadcastRequest>,
) -> Result<(axum::http::StatusCode, Json<BroadcastSent>), ApiError> {
    check_room(&body.room).map_err(ApiError::BadRequest)?;
    check_event(&body.event).map_err(ApiError::BadRequest)?;
    let size = body.payload.get().len();
    if size > MAX_PAYLOAD_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the payload is {size} bytes: at most {MAX_PAYLOAD_BYTES}"
        )));
    }
    let message = Message {
        room: body.room,
        event: body.event,
        payload: compact(body.payload)?,
        user_id: u.id,
        name: u.name,
        to_self: body.to_self,
    };
    let delivered_here = s
        .presence
        .broadcast(u.organization_id, message)
        .map_err(|e| ApiError::TooManyRequests {
            message: e.to_string(),
            retry_after: Some(1),
        })?;
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(BroadcastSent { delivered_here }),
    ))
}

/// The payload without insignificant whitespace (SSE data must be one line).
fn compact(raw: Box<RawValue>) -> Result<Box<RawValue>, ApiError> {
    if !raw.get().contains(['\n', '\r']) {
        return Ok(raw);
    }
    // Valid JSON may still hold what a `Value` cannot (a number beyond f64).
    serde_json::from_str::<serde_json::Value>(raw.get())
        .and_then(|v| serde_json::value::to_raw_value(&v))
        .map_err(|e| ApiError::BadRequest(format!("the payload cannot be relayed: {e}")))
}
