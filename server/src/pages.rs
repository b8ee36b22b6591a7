//! The server-rendered Leptos pages, their server functions (under `/sf/`), static files, and the rule that
//! every page but the login page needs a signed-in user.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_SECURITY_POLICY;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;

use app::api::operations::OpsContext;
use app::model::CurrentUser;
use app::{shell, App};

use crate::http::headers::page_policy;
use crate::state::AppState;

/// What every render gets: the pool, and — for a page — a Content-Security-Policy that
/// allows the inline hydration scripts carrying this response's nonce.
fn page_context(pool: PgPool, ops: OpsContext) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(pool.clone());
        provide_context(ops.clone());
        if let (Some(nonce), Some(res)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            if let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce)) {
                res.insert_header(CONTENT_SECURITY_POLICY, policy);
            }
        }
    }
}

pub fn router(state: &AppState) -> Router<AppState> {
    let routes = generate_route_list(App);
    let options = state.leptos.clone();
    Router::new()
        .leptos_routes_with_context(
            state,
            routes,
            page_context(state.pool.clone(), ops_context(state)),
            move || shell(options.clone()),
        )
        .route_layer(middleware::from_fn(require_login))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_cross_site_calls,
        ))
        .route_layer(middleware::from_fn(server_fn_errors))
        .fallback(static_or_not_found)
}

/// What the operations server functions need to know about this server.
fn ops_context(state: &AppState) -> OpsContext {
    let stats = state.realtime.stats.clone();
    OpsContext {
        thresholds: state.settings.operations.thresholds.clone(),
        live_updates: std::sync::Arc::new(move || {
            stats
                .listener_connected
                .load(std::sync::atomic::Ordering::Relaxed)
        }),
        public_url: state.settings.public_url.clone(),
        secure: state.settings.secure_cookies,
    }
}

/// Server functions are called by this site's own pages: one posted from another site (a
/// cross-site form or fetch riding on the session cookie) is refused with 403.
async fn refuse_cross_site_calls(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/sf/") && req.method() != axum::http::Method::GET {
        if let Some(why) =
            crate::auth::origin::cross_site(req.headers(), state.settings.public_url.as_deref())
        {
            return crate::error::ApiError::Forbidden(format!("refused: {why}")).into_response();
        }
    }
    next.run(req).await
}

/// Server functions (registered by `leptos_routes_with_context` under `/sf/`): Leptos answers
/// arguments it cannot decode with a 500; those are the caller's mistake, so they become a
/// 400 with the same message.
async fn server_fn_errors(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/sf/");
    let res = next.run(req).await;
    if !is_server_fn
        || res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if [&b"Args|"[..], b"Deserialization|", b"MissingArg|"]
        .iter()
        .any(|p| bytes.starts_with(p))
    {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Signed-out visitors of a page are sent to the login page (and back after signing in);
/// signed-in visitors of the login page go to their campaigns.
async fn require_login(req: Request, next: Next) -> Response {
    let signed_in = req.extensions().get::<CurrentUser>().is_some();
    let path = req.uri().path();
    if path.starts_with("/sf/") {
        // Server functions answer for themselves (401 when signed out).
        return next.run(req).await;
    }
    match (path == "/login", signed_in) {
        (true, true) => Redirect::to("/").into_response(),
        (false, false) => Redirect::to(&login_url(req.uri())).into_response(),
        _ => next.run(req).await,
    }
}

fn login_url(uri: &Uri) -> String {
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    if target == "/" {
        "/login".into()
    } else {
        format!("/login?next={}", crate::auth::urlencode(target))
    }
}

/// Files of the built site (`/pkg/...`, `/favicon.svg`), else the app's "not found" page for
/// signed-in users, else the login page.
async fn static_or_not_found(
    uri: Uri,
    State(state): State<AppState>,
    req: Request<Body>,
) -> Response {
    let looks_like_file = uri.path().starts_with("/pkg/")
        || uri
            .path()
            .rsplit('/')
            .next()
            .is_some_and(|s| s.contains('.'));
    if !looks_like_file && req.extensions().get::<CurrentUser>().is_none() {
        return Redirect::to(&login_url(&uri)).into_response();
    }
    let handler = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        page_context(state.pool.clone(), ops_context(&state)),
        shell,
    );
    handler(uri, State(state), req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_url_remembers_where_the_visitor_was_going() {
        assert_eq!(login_url(&Uri::from_static("/")), "/login");
        assert_eq!(
            login_url(&Uri::from_static("/campaigns/abc?contacts_page=2")),
            "/login?next=/campaigns/abc%3Fcontacts_page%3D2"
        );
    }
}
