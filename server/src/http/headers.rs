//! Security headers on every response: a Content-Security-Policy (pages get one with the
//! nonce of their inline hydration scripts, everything else a locked-down default), no
//! framing, no MIME sniffing, no referrer leaving the site, and HSTS with secure cookies.

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// The policy of a server-rendered page. Hydration needs its inline module scripts (allowed by
/// `nonce`), the WASM module (`'wasm-unsafe-eval'`) and inline `style` attributes for widths
/// and positions (`style-src-attr`); everything else comes from this origin.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// For everything that is not a hydrated page (JSON, files, short HTML notices).
const DEFAULT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn secure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    apply(res.headers_mut(), state.settings.secure_cookies);
    res
}

/// Add the security headers to a response's (keeping a policy it already has).
pub fn apply(h: &mut HeaderMap, secure_cookies: bool) {
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        h.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_POLICY),
        );
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if secure_cookies {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_policy_allows_only_its_own_inline_scripts() {
        let p = page_policy("abc123");
        assert!(p.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc123'"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(!p.contains(" 'unsafe-eval'"));
        assert!(!p.contains("script-src 'unsafe-inline'"));
    }
}
