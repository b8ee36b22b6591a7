//! A small HTML page for a sign-in form that was refused (too many attempts, a cross-site
//! post, an oversize field): the browser shows what happened and a way back.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::error::ApiError;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The refusal as an HTML page (with `Retry-After` for a 429 that knows when).
pub fn page(err: ApiError) -> Response {
    let retry_after = match &err {
        ApiError::TooManyRequests { retry_after, .. } => *retry_after,
        _ => None,
    };
    let status = err.status();
    let title = match status {
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::FORBIDDEN => "Request refused",
        _ => "Cannot sign in",
    };
    let body = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · Switchboard</title><link rel="stylesheet" href="{css}"></head><body class="bg-slate-50 antialiased"><div class="flex min-h-screen items-center justify-center bg-slate-50 px-4"><main class="w-full max-w-sm space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"><h1 class="text-lg font-semibold text-slate-900">{title}</h1><p role="alert" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{}</p><a class="text-sm font-semibold text-indigo-600" href="/login">Back to sign in</a></main></div></body></html>"#,
        escape(&err.to_string()),
        css = crate::http::assets::stylesheet_href(),
    );
    let mut res = (status, Html(body)).into_response();
    if let Some(secs) = retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}
