use axum::extract::State;
use axum::http::{HeaderName, HeaderValue};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use app::cursor::Cursor;
use app::data::{
    calls as call_data, campaigns as campaign_data, contacts as contact_data, Snapshot, MAX_OFFSET,
    MAX_PAGE_SIZE,
};
use app::model::{Call, CallStatus, CampaignList, CampaignSummary, Contact, Page};

use crate::auth::extract::{ApiPath, ApiQuery, AuthUser};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Header carrying the realtime cursor a single-object response is consistent with.
pub const CURSOR_HEADER: HeaderName = HeaderName::from_static("realtime-cursor");

/// A single object plus the `Realtime-Cursor` header.
type WithCursor<T> = ([(HeaderName, HeaderValue); 1], Json<T>);

fn with_cursor<T>(cursor: Cursor, body: T) -> WithCursor<T> {
    let value =
        HeaderValue::from_str(&cursor.to_string()).expect("a cursor is a valid header value");
    ([(CURSOR_HEADER, value)], Json(body))
}

/// Paging of list endpoints.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// Rows to skip: 0 (default) to 10,000.
    #[param(minimum = 0, maximum = 10_000)]
    offset: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CallsQuery {
    /// Only calls in this status.
    status: Option<CallStatus>,
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// Rows to skip: 0 (default) to 10,000.
    #[param(minimum = 0, maximum = 10_000)]
    offset: Option<i64>,
}

fn paging(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), ApiError> {
    let limit = super::limit(limit, MAX_PAGE_SIZE)?;
    let offset = offset.unwrap_or(0);
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(ApiError::BadRequest(format!(
            "offset must be between 0 and {MAX_OFFSET}, not {offset} (narrow the list with a filter instead)"
        )));
    }
    Ok((limit, offset))
}

/// Campaigns of the caller's organization, with progress and call counts.
#[utoipa::path(
    get, path = "/api/campaigns", tag = "campaigns",
    responses((status = 200, body = CampaignList), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
) -> Result<Json<CampaignList>, ApiError> {
    let mut db = Snapshot::begin(&s.pool).await?;
    let campaigns = campaign_data::list(&mut db, u.organization_id).await?;
    let cursor = db.cursor().await?;
    Ok(Json(CampaignList { campaigns, cursor }))
}

/// One campaign.
#[utoipa::path(
    get, path = "/api/campaigns/{id}", tag = "campaigns",
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 200, body = CampaignSummary, headers(("Realtime-Cursor" = String, description = "Realtime cursor this campaign is consistent with"))),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such campaign in your organization", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<WithCursor<CampaignSummary>, ApiError> {
    let mut db = Snapshot::begin(&s.pool).await?;
    let campaign = campaign_data::get(&mut db, u.organization_id, id).await?;
    Ok(with_cursor(db.cursor().await?, campaign))
}

/// Calls of a campaign, newest first.
#[utoipa::path(
    get, path = "/api/campaigns/{id}/calls", tag = "campaigns",
    params(("id" = Uuid, Path, description = "Campaign id"), CallsQuery),
    responses(
        (status = 200, body = Page<Call>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn calls(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<CallsQuery>,
) -> Result<Json<Page<Call>>, ApiError> {
    let (limit, offset) = paging(q.limit, q.offset)?;
    let mut db = Snapshot::begin(&s.pool).await?;
    let page = call_data::list(&mut db, u.organization_id, id, q.status, limit, offset).await?;
    Ok(Json(page))
}

/// Contacts of a campaign, by name.
#[utoipa::path(
    get, path = "/api/campaigns/{id}/contacts", tag = "campaigns",
    params(("id" = Uuid, Path, description = "Campaign id"), PageQuery),
    responses(
        (status = 200, body = Page<Contact>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn contacts(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<Contact>>, ApiError> {
    let (limit, offset) = paging(q.limit, q.offset)?;
    let mut db = Snapshot::begin(&s.pool).await?;
    let page = contact_data::list(&mut db, u.organization_id, id, limit, offset).await?;
    Ok(Json(page))
}

/// One call.
#[utoipa::path(
    get, path = "/api/calls/{id}", tag = "calls",
    params(("id" = Uuid, Path, description = "Call id")),
    responses(
        (status = 200, body = Call, headers(("Realtime-Cursor" = String, description = "Realtime cursor this call is consistent with"))),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn call(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<WithCursor<Call>, ApiError> {
    let mut db = Snapshot::begin(&s.pool).await?;
    let call = call_data::get(&mut db, u.organization_id, id).await?;
    Ok(with_cursor(db.cursor().await?, call))
}

/// Change a campaign's settings (`name`, `bid_cents` up to 100,000): per field the value you
/// started from (`base`) and the new one (`value`), all or nothing, a field changed by
/// someone else meanwhile is a 409. Every bid change is kept in the campaign's history.
/// Send an `Idempotency-Key` (a UUID) to make retries safe. Organizers and admins.
#[utoipa::path(
    patch, path = "/api/campaigns/{id}", tag = "campaigns",
    params(
        ("id" = Uuid, Path, description = "Campaign id"),
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 100 visible ASCII characters; a UUID becomes the change's mutation id"),
    ),
    request_body = app::model::editing::EditRequest,
    responses(
        (status = 200, description = "Applied (or nothing to do)", body = app::model::editing::EditOutcome),
        (status = 400, description = "Malformed id, JSON or header", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not change campaigns", body = ErrorBody),
        (status = 404, description = "No such campaign in your organization", body = ErrorBody),
        (status = 409, description = "Changed by someone else meanwhile: `conflicts` per field", body = app::model::editing::EditConflict),
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
    headers: axum::http::HeaderMap,
    crate::auth::extract::ApiJson(req): crate::auth::extract::ApiJson<
        app::model::editing::EditRequest,
    >,
) -> Result<axum::response::Response, ApiError> {
    super::editing::patch(&s, &u, &app::model::editing::CAMPAIGN, id, &headers, &req).await
}

/// Who changed the campaign's settings (name, bid), when, newest first: its bid history.
#[utoipa::path(
    get, path = "/api/campaigns/{id}/history", tag = "campaigns",
    params(("id" = Uuid, Path, description = "Campaign id"), super::editing::HistoryQuery),
    responses(
        (status = 200, body = app::model::editing::HistoryList),
        (status = 400, description = "Malformed id, limit out of range or unknown parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such campaign in your organization", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn history(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<super::editing::HistoryQuery>,
) -> Result<Json<app::model::editing::HistoryList>, ApiError> {
    super::editing::history(&s, &u, &app::model::editing::CAMPAIGN, id, q).await
}
