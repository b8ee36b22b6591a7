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
}

impl AppState {
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
