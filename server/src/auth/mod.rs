//! Who is calling: resolves the session cookie or bearer token once per request and puts the
//! `CurrentUser` (and the session's id) in the request's extensions, where pages, server
//! functions and API handlers find them. Also: sign-in limits, cross-site form checks, and
//! ending the streams of sessions that end.

pub mod client;
pub mod extract;
pub mod handlers;
pub mod origin;
mod refusal;
pub mod revocation;
pub mod sign_in;

pub use handlers::{issue_token, login_form, logout, revoke_token};

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::data::auth::user_for_token;

use crate::error::ApiError;
use crate::state::AppState;

/// The bearer token, or else the session cookie (named `cookie`), of a request.
pub fn request_token(headers: &HeaderMap, cookie: &str) -> Option<String> {
    if let Some(auth) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let mut parts = auth.splitn(2, ' ');
        if let (Some(scheme), Some(token)) = (parts.next(), parts.next()) {
            if scheme.eq_ignore_ascii_case("bearer") {
                return Some(token.trim().to_owned());
            }
        }
        return None;
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == cookie)
        .map(|(_, v)| v.to_owned())
}

/// Percent-encode a path for use in a query parameter (keeps `/`).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Middleware: attach the signed-in user (if any) and their session's id to the request.
pub async fn resolve_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(token) = request_token(req.headers(), state.cookie_name()) {
        match user_for_token(&state.pool, &token).await {
            Ok(Some((user, session))) => {
                tracing::Span::current().record("user", tracing::field::display(&user.email));
                req.extensions_mut().insert(user);
                req.extensions_mut().insert(session);
            }
            Ok(None) => {}
            Err(e) => return ApiError::from(e).into_response(),
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_bearer_token_wins_over_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=b; sb_session=cookie-token"),
        );
        assert_eq!(
            request_token(&h, "sb_session").as_deref(),
            Some("cookie-token")
        );
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer api-token"));
        assert_eq!(
            request_token(&h, "sb_session").as_deref(),
            Some("api-token")
        );
    }

    #[test]
    fn only_the_configured_cookie_name_counts() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("sb_session=plain"));
        assert_eq!(request_token(&h, "__Host-sb_session"), None);
        h.insert(COOKIE, HeaderValue::from_static("__Host-sb_session=secure"));
        assert_eq!(
            request_token(&h, "__Host-sb_session").as_deref(),
            Some("secure")
        );
    }

    #[test]
    fn other_authorization_schemes_are_not_tokens() {
        let mut h = HeaderMap::new();
        h.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Basic dXNlcjpwYXNz"),
        );
        h.insert(COOKIE, HeaderValue::from_static("sb_session=cookie-token"));
        assert_eq!(request_token(&h, "sb_session"), None);
    }
}
