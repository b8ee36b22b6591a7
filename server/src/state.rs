use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use crate::auth::sign_in::SignInGate;
use crate::config::Settings;
use crate::realtime::Realtime;

/// Shared by every handler: one pool for the whole process.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos: LeptosOptions,
    pub settings: Arc<Settings>,
    pub realtime: Realtime,
    pub sign_in: Arc<SignInGate>,
    /// Who is in which room, and broadcasts between them.
    pub presence: Arc<crate::presence::Presence>,
}

impl AppState {
    /// Our origin as users (and the telephony provider) reach it: `SWITCHBOARD_PUBLIC_URL`
    /// when set, else built from the request's `Host`.
    pub fn public_origin(&self, headers: &axum::http::HeaderMap) -> String {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let s = &self.settings;
        app::data::telephony::public_origin(s.public_url.as_deref(), host, s.secure_cookies)
    }

    /// The session cookie's name (`__Host-` prefixed with secure cookies).
    pub fn cookie_name(&self) -> &'static str {
        app::data::auth::session_cookie_name(self.settings.secure_cookies)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}
