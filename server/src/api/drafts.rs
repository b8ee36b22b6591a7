//! Drafts: the messages agents wrote, and deciding them (approve, reject, edit first). Of two
//! people deciding one draft at once, one wins; the other gets a 409 that says who did.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use app::data::drafts::{self as draft_data, MAX_DRAFTS};
use app::data::Snapshot;
use app::model::agents::{Draft, DraftList, DraftStatus, EditDraft, RejectDraft};

use crate::auth::extract::{ApiJson, ApiPath, ApiQuery, AuthUser, OptionalJson};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DraftsQuery {
    /// Only drafts in this status (`pending_approval` lists oldest first: the queue).
    status: Option<DraftStatus>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// The organization's drafts, optionally of one status: awaiting approval oldest first, any
/// other newest first.
#[utoipa::path(
    get, path = "/api/drafts", tag = "drafts",
    params(DraftsQuery),
    responses(
        (status = 200, body = DraftList),
        (status = 400, description = "Unknown status, limit out of range or unknown parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiQuery(q): ApiQuery<DraftsQuery>,
) -> Result<Json<DraftList>, ApiError> {
    let limit = super::limit(q.limit, MAX_DRAFTS)?;
    let mut db = Snapshot::begin(&s.pool).await?;
    let drafts = draft_data::list(&mut db, u.organization_id, q.status, limit).await?;
    let cursor = db.cursor().await?;
    Ok(Json(DraftList { drafts, cursor }))
}

/// Approve a draft awaiting approval; the agent sends it next. Organizers and admins. Any
/// body is ignored.
#[utoipa::path(
    post, path = "/api/drafts/{id}/approve", tag = "drafts",
    params(("id" = Uuid, Path, description = "Draft id")),
    responses(
        (status = 200, description = "Approved", body = Draft),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not decide drafts", body = ErrorBody),
        (status = 404, description = "No such draft in your organization", body = ErrorBody),
        (status = 409, description = "Already decided: `error.details.decision` says by whom and how", body = ErrorBody),
        (status = 413, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn approve(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Draft>, ApiError> {
    Ok(Json(draft_data::approve(&s.pool, &u, id).await?))
}

/// Reject a draft awaiting approval, with an optional reason (an empty body: no reason).
/// Organizers and admins.
#[utoipa::path(
    post, path = "/api/drafts/{id}/reject", tag = "drafts",
    params(("id" = Uuid, Path, description = "Draft id")),
    request_body(content = Option<RejectDraft>, description = "Optional: leave the body empty to reject without a reason"),
    responses(
        (status = 200, description = "Rejected", body = Draft),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not decide drafts", body = ErrorBody),
        (status = 404, description = "No such draft in your organization", body = ErrorBody),
        (status = 409, description = "Already decided: `error.details.decision` says by whom and how", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Reason over 500 characters, or unknown fields", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn reject(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(req): OptionalJson<RejectDraft>,
) -> Result<Json<Draft>, ApiError> {
    Ok(Json(draft_data::reject(&s.pool, &u, id, &req).await?))
}

/// Change the subject (emails only) and/or body of a draft still awaiting approval.
/// Organizers and admins.
#[utoipa::path(
    patch, path = "/api/drafts/{id}", tag = "drafts",
    params(("id" = Uuid, Path, description = "Draft id")),
    request_body = EditDraft,
    responses(
        (status = 200, description = "Edited", body = Draft),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not edit drafts", body = ErrorBody),
        (status = 404, description = "No such draft in your organization", body = ErrorBody),
        (status = 409, description = "Already decided: `error.details.decision` says by whom and how", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Neither subject nor body, a field out of bounds, a subject for a text message, or unknown fields", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn edit(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EditDraft>,
) -> Result<Json<Draft>, ApiError> {
    Ok(Json(draft_data::edit(&s.pool, &u, id, &req).await?))
}
