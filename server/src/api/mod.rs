//! The JSON API under `/api`, documented at `/api/openapi.json`.

mod agents;
mod campaigns;
mod clients;
mod drafts;
mod editing;
mod follow_ups;
mod openapi;
mod operations;
mod presence;
mod trips;
mod webhooks;

use axum::http::{Method, Uri};
use axum::routing::{get, patch, post};
use axum::{Json, Router};

use crate::auth::{self, extract::AuthUser};
use crate::error::ApiError;
use crate::state::AppState;

pub use openapi::ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/auth/token",
            post(auth::issue_token).delete(auth::revoke_token),
        )
        .route("/api/me", get(me))
        .route("/api/campaigns", get(campaigns::list))
        .route(
            "/api/campaigns/{id}",
            get(campaigns::get).patch(campaigns::edit),
        )
        .route("/api/campaigns/{id}/history", get(campaigns::history))
        .route("/api/clients", get(clients::list).post(clients::create))
        .route(
            "/api/clients/{id}",
            get(clients::get)
                .patch(clients::edit)
                .delete(clients::delete),
        )
        .route("/api/clients/{id}/history", get(clients::history))
        .route("/api/trips", get(trips::list).post(trips::create))
        .route(
            "/api/trips/{id}",
            get(trips::get).patch(trips::edit).delete(trips::delete),
        )
        .route("/api/trips/{id}/history", get(trips::history))
        .route("/api/campaigns/{id}/calls", get(campaigns::calls))
        .route("/api/campaigns/{id}/contacts", get(campaigns::contacts))
        .route("/api/agents", get(agents::list))
        .route("/api/agents/{id}", get(agents::get))
        .route("/api/agent-tasks", get(agents::tasks))
        .route("/api/contacts/{id}/tasks", post(agents::assign))
        .route("/api/drafts", get(drafts::list))
        .route("/api/drafts/{id}", patch(drafts::edit))
        .route("/api/drafts/{id}/approve", post(drafts::approve))
        .route("/api/drafts/{id}/reject", post(drafts::reject))
        .route("/api/follow-ups", get(follow_ups::list))
        .route("/api/follow-ups/{id}", patch(follow_ups::reschedule))
        .route("/api/follow-ups/{id}/cancel", post(follow_ups::cancel))
        .route("/api/presence", get(presence::room).put(presence::report))
        .route("/api/broadcast", post(presence::broadcast))
        .route("/api/calls/health-check", get(operations::health_check))
        .route("/api/calls/{id}", get(campaigns::call))
        .route("/api/admin/telephony", get(operations::telephony_settings))
        .route(
            "/api/admin/telephony/rotate",
            post(operations::rotate_token),
        )
        .route("/api/telemetry/clock", get(operations::clock))
        .route("/api/telemetry/latency", post(operations::latency))
        .route(
            crate::realtime::stream::PATH,
            get(crate::realtime::stream::stream),
        )
        .route("/api/realtime/changes", get(crate::realtime::poll::changes))
        .route("/api/realtime/status", get(realtime_status))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api", get(not_found).post(not_found))
        .route(
            "/api/{*rest}",
            get(not_found)
                .post(not_found)
                .put(not_found)
                .delete(not_found)
                .patch(not_found),
        )
        .method_not_allowed_fallback(method_not_allowed)
}

/// The telephony provider's webhook: served outside the app's body-size layer, because it
/// reads (and caps) its body itself, so even an oversize callback is counted with its reason.
pub fn webhook_router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/webhooks/twilio/{organization_id}",
            post(webhooks::twilio),
        )
        .method_not_allowed_fallback(method_not_allowed)
}

/// The signed-in user.
#[utoipa::path(
    get, path = "/api/me", tag = "auth",
    responses(
        (status = 200, body = app::model::CurrentUser),
        (status = 401, body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn me(AuthUser(user): AuthUser) -> Json<app::model::CurrentUser> {
    Json(user)
}

/// This instance's realtime health: listener, tailer lag, streams, deliveries. Admins only:
/// the figures are instance-wide.
#[utoipa::path(
    get, path = "/api/realtime/status", tag = "realtime",
    responses(
        (status = 200, body = crate::realtime::stats::StatsSnapshot),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn realtime_status(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
) -> Result<Json<crate::realtime::stats::StatsSnapshot>, ApiError> {
    user.require_admin()?;
    let rt = &state.realtime;
    Ok(Json(
        rt.stats.snapshot(user.0.organization_id, &rt.connections),
    ))
}

/// A list's `limit`: 50 when absent, else 1 to `max` (400 outside).
pub(crate) fn limit(limit: Option<i64>, max: i64) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=max).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {max}, not {limit}"
        )));
    }
    Ok(limit)
}

/// Rows a list returns when the request does not say.
pub(crate) const DEFAULT_LIMIT: i64 = 50;

async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no API endpoint at {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}
