//! Operations endpoints: the calls health-check, the organization's telephony settings
//! (admins), and what browsers report about the latency they see.

use std::sync::atomic::Ordering::Relaxed;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

use app::data::throttle::{self, Rate};
use app::data::{health, latency, telephony};
use app::model::operations::{HealthCheck, LatencyReport, ServerClock, TelephonySettings};

use crate::auth::extract::{ApiJson, AuthUser};
use crate::error::ApiError;
use crate::operations::metrics::LATENCY_REPORTS;
use crate::state::AppState;

/// Latency reports a user may send: a browser sends one per tab every 30 s.
const LATENCY_REPORTS_PER_USER: Rate = Rate {
    burst: 30,
    window_secs: 60,
};

/// The health of your organization's calls and of the live updates: `healthy`, `degraded` or
/// `unhealthy`, with the reasons and the figures behind them (thresholds in the README).
#[utoipa::path(
    get, path = "/api/calls/health-check", tag = "operations",
    responses(
        (status = 200, body = HealthCheck),
        (status = 401, body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn health_check(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<HealthCheck>, ApiError> {
    let live = state.realtime.stats.listener_connected.load(Relaxed);
    let t = &state.settings.operations.thresholds;
    Ok(Json(
        health::health_check(&state.pool, user.organization_id, t, live).await?,
    ))
}

/// Where your telephony provider must send status callbacks, and the auth token they are
/// signed with. Admins only.
#[utoipa::path(
    get, path = "/api/admin/telephony", tag = "operations",
    responses(
        (status = 200, body = TelephonySettings),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn telephony_settings(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
) -> Result<Json<TelephonySettings>, ApiError> {
    user.require_admin()?;
    let org = user.0.organization_id;
    let account = telephony::account(&state.pool, org)
        .await?
        .ok_or_else(|| ApiError::NotFound("this organization has no telephony account".into()))?;
    Ok(Json(telephony::settings(
        org,
        &state.public_origin(&headers),
        account,
    )))
}

/// Replace the auth token; the previous one keeps verifying callbacks for ten minutes, while
/// the provider's console is updated. Admins only.
#[utoipa::path(
    post, path = "/api/admin/telephony/rotate", tag = "operations",
    responses(
        (status = 200, body = TelephonySettings),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn rotate_token(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
) -> Result<Json<TelephonySettings>, ApiError> {
    user.require_admin()?;
    let org = user.0.organization_id;
    let account = telephony::rotate(&state.pool, org).await?;
    tracing::info!(user = %user.0.email, "telephony auth token rotated");
    Ok(Json(telephony::settings(
        org,
        &state.public_origin(&headers),
        account,
    )))
}

/// The server's clock, so a browser can time changes against their commit timestamps.
#[utoipa::path(
    get, path = "/api/telemetry/clock", tag = "operations",
    responses(
        (status = 200, body = ServerClock),
        (status = 401, body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn clock(_user: AuthUser) -> Json<ServerClock> {
    Json(ServerClock {
        now_ms: chrono::Utc::now().timestamp_millis(),
    })
}

/// Commit → render latencies a browser measured, counted into fixed buckets; summed per
/// organization and minute for the admin health page.
#[utoipa::path(
    post, path = "/api/telemetry/latency", tag = "operations",
    request_body = LatencyReport,
    responses(
        (status = 204, description = "Counted"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn latency(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(report): ApiJson<LatencyReport>,
) -> Result<StatusCode, ApiError> {
    if let Some(problem) = report.problem() {
        return Err(ApiError::Unprocessable(problem));
    }
    let key = format!("latency:{}", user.id);
    if let Some(wait) = throttle::take(&state.pool, &key, LATENCY_REPORTS_PER_USER).await? {
        return Err(ApiError::TooManyRequests {
            message: "too many latency reports; send one every 30 s".into(),
            retry_after: Some(wait),
        });
    }
    if report.is_empty() {
        return Ok(StatusCode::NO_CONTENT);
    }
    latency::record_latency(&state.pool, user.organization_id, &report.counts).await?;
    metrics::counter!(LATENCY_REPORTS).increment(1);
    Ok(StatusCode::NO_CONTENT)
}
