use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::data::auth::{
    create_session, delete_session, verify_credentials, SessionKind, SESSION_COOKIE,
};

use super::{extract::ApiJson, request_token, urlencode};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// Only local paths may be redirect targets (no open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `POST /auth/login` (HTML form): sets the session cookie and redirects to `next`, or back to
/// the login page with `?error=invalid`.
pub async fn login_form(
    State(state): State<AppState>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let Ok(Form(form)) = form else {
        return Ok(Redirect::to("/login?error=invalid").into_response());
    };
    let Some(user) = verify_credentials(&state.pool, &form.email, &form.password).await? else {
        tracing::info!("login refused");
        let next = safe_next(form.next.as_deref());
        let back = format!("/login?error=invalid&next={}", urlencode(next));
        return Ok(Redirect::to(&back).into_response());
    };
    let (token, _) = create_session(&state.pool, user.id, SessionKind::Cookie).await?;
    tracing::info!(user = %user.email, "signed in");
    let cookie = session_cookie(
        &token,
        SessionKind::Cookie.ttl().num_seconds(),
        state.settings.secure_cookies,
    );
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Redirect::to(safe_next(form.next.as_deref())),
    )
        .into_response())
}

/// `POST /auth/logout`: ends the session and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = request_token(&headers) {
        delete_session(&state.pool, &token).await?;
    }
    let cookie = session_cookie("", 0, state.settings.secure_cookies);
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Redirect::to("/login"),
    )
        .into_response())
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
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 422, description = "Missing or unknown fields", body = ErrorBody),
    )
)]
pub async fn issue_token(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let user = verify_credentials(&state.pool, &req.email, &req.password)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("wrong email or password".into()))?;
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
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    if let Some(token) = request_token(&headers) {
        delete_session(&state.pool, &token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_next(Some("/campaigns/1")), "/campaigns/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
