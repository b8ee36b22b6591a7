//! Follow-ups agents scheduled after a message went out: listing, cancelling and moving them.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use app::data::follow_ups::{self as follow_up_data, MAX_FOLLOW_UPS};
use app::data::Snapshot;
use app::model::agents::{FollowUp, FollowUpList, FollowUpStatus, RescheduleFollowUp};

use crate::auth::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FollowUpsQuery {
    /// Only follow-ups in this status (`scheduled` lists soonest first).
    status: Option<FollowUpStatus>,
    /// Only follow-ups of this contact.
    contact_id: Option<Uuid>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// The organization's follow-ups, optionally of one status or contact: scheduled ones
/// soonest first, others latest first.
#[utoipa::path(
    get, path = "/api/follow-ups", tag = "follow-ups",
    params(FollowUpsQuery),
    responses(
        (status = 200, body = FollowUpList),
        (status = 400, description = "Unknown status, malformed id, limit out of range or unknown parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiQuery(q): ApiQuery<FollowUpsQuery>,
) -> Result<Json<FollowUpList>, ApiError> {
    let limit = super::limit(q.limit, MAX_FOLLOW_UPS)?;
    let mut db = Snapshot::begin(&s.pool).await?;
    let follow_ups =
        follow_up_data::list(&mut db, u.organization_id, q.status, q.contact_id, limit).await?;
    let cursor = db.cursor().await?;
    Ok(Json(FollowUpList { follow_ups, cursor }))
}

/// Cancel a scheduled follow-up. Organizers and admins. Any body is ignored.
#[utoipa::path(
    post, path = "/api/follow-ups/{id}/cancel", tag = "follow-ups",
    params(("id" = Uuid, Path, description = "Follow-up id")),
    responses(
        (status = 200, description = "Cancelled", body = FollowUp),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not cancel follow-ups", body = ErrorBody),
        (status = 404, description = "No such follow-up in your organization", body = ErrorBody),
        (status = 409, description = "Already executed or cancelled: `error.details.follow_up` is the follow-up now", body = ErrorBody),
        (status = 413, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn cancel(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<FollowUp>, ApiError> {
    Ok(Json(follow_up_data::cancel(&s.pool, &u, id).await?))
}

/// Move a scheduled follow-up to another time: in the future, at most a year ahead.
/// Organizers and admins.
#[utoipa::path(
    patch, path = "/api/follow-ups/{id}", tag = "follow-ups",
    params(("id" = Uuid, Path, description = "Follow-up id")),
    request_body = RescheduleFollowUp,
    responses(
        (status = 200, description = "Rescheduled", body = FollowUp),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not reschedule follow-ups", body = ErrorBody),
        (status = 404, description = "No such follow-up in your organization", body = ErrorBody),
        (status = 409, description = "Already executed or cancelled: `error.details.follow_up` is the follow-up now", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Not in the future, over a year ahead, or unknown fields", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn reschedule(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<RescheduleFollowUp>,
) -> Result<Json<FollowUp>, ApiError> {
    Ok(Json(
        follow_up_data::reschedule(&s.pool, &u, id, &req).await?,
    ))
}
