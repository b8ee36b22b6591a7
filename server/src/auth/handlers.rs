use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::data::auth::{create_session, delete_session, SessionKind};
use app::navigation::safe_next;

use super::client::client_ip;
use super::{extract::ApiJson, origin, refusal, request_token, urlencode};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

fn session_cookie(name: &str, token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Refuse a form posted from another site (403).
fn refuse_cross_site(state: &AppState, parts: &Parts) -> Result<(), ApiError> {
    match origin::cross_site(&parts.headers, state.settings.public_url.as_deref()) {
        None => Ok(()),
        Some(why) => {
            tracing::warn!(why, "cross-site form post refused");
            Err(ApiError::Forbidden(format!(
                "{why}: sign in from Switchboard's own page"
            )))
        }
    }
}

/// `POST /auth/login` (HTML form): sets the session cookie and redirects to `next`, or back to
/// the login page with `?error=invalid`. Cross-site posts (403), too many attempts (429) and
/// oversize fields (422) get a short page saying so.
pub async fn login_form(
    State(state): State<AppState>,
    parts: Parts,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    match sign_in_form(&state, &parts, form).await {
        Ok(res) => res,
        Err(e @ ApiError::Internal(_)) | Err(e @ ApiError::Unavailable(_)) => e.into_response(),
        Err(e) => refusal::page(e),
    }
}

async fn sign_in_form(
    state: &AppState,
    parts: &Parts,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, ApiError> {
    refuse_cross_site(state, parts)?;
    let form = match form {
        Ok(Form(form)) => form,
        Err(r)
            if r.status() == StatusCode::BAD_REQUEST
                || r.status() == StatusCode::UNPROCESSABLE_ENTITY =>
        {
            return Ok(Redirect::to("/login?error=invalid").into_response())
        }
        Err(r) => return Err(r.into()),
    };
    let next = safe_next(form.next.as_deref());
    let client = client_ip(parts, state.settings.limits.trust_forwarded_for);
    let user = match state
        .sign_in
        .sign_in(&state.pool, client, &form.email, &form.password)
        .await
    {
        Ok(user) => user,
        Err(ApiError::Unauthorized(_)) => {
            tracing::info!("login refused");
            let back = format!("/login?error=invalid&next={}", urlencode(next));
            return Ok(Redirect::to(&back).into_response());
        }
        Err(e) => return Err(e),
    };
    let (token, _) = create_session(&state.pool, user.id, SessionKind::Cookie).await?;
    tracing::info!(user = %user.email, "signed in");
    let cookie = session_cookie(
        state.cookie_name(),
        &token,
        SessionKind::Cookie.ttl().num_seconds(),
        state.settings.secure_cookies,
    );
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), Redirect::to(next)).into_response())
}

/// `POST /auth/logout`: ends the session (its open streams end too) and clears the cookie.
pub async fn logout(State(state): State<AppState>, parts: Parts) -> Response {
    if let Err(e) = refuse_cross_site(&state, &parts) {
        return refusal::page(e);
    }
    if let Some(token) = request_token(&parts.headers, state.cookie_name()) {
        if let Err(e) = delete_session(&state.pool, &token).await {
            return ApiError::from(e).into_response();
        }
    }
    let cookie = session_cookie(state.cookie_name(), "", 0, state.settings.secure_cookies);
    (
        AppendHeaders([(SET_COOKIE, cookie)]),
        Redirect::to("/login"),
    )
        .into_response()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    token_type: &'static str,
    expires_at: DateTime<Utc>,
}

/// Exchange an email and password for a bearer token.
#[utoipa::path(
    post, path = "/api/auth/token", tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A new bearer token", body = TokenResponse),
        (status = 400, description = "A body that is not JSON", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 413, description = "A body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Not `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "Missing or unknown fields, or an email or password that is too long", body = ErrorBody),
        (status = 429, description = "Too many attempts for this account or from this address (see `Retry-After`), or too many sign-ins being checked at once", body = ErrorBody),
    )
)]
pub async fn issue_token(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let client = client_ip(&parts, state.settings.limits.trust_forwarded_for);
    let user = state
        .sign_in
        .sign_in(&state.pool, client, &req.email, &req.password)
        .await?;
    let (token, expires_at) = create_session(&state.pool, user.id, SessionKind::Bearer).await?;
    Ok(Json(TokenResponse {
        token,
        token_type: "Bearer",
        expires_at,
    }))
}

/// Revoke the bearer token (or session) the request is made with.
#[utoipa::path(
    delete, path = "/api/auth/token", tag = "auth",
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    _user: super::extract::AuthUser,
    parts: Parts,
) -> Result<StatusCode, ApiError> {
    if let Some(token) = request_token(&parts.headers, state.cookie_name()) {
        delete_session(&state.pool, &token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
