//! Server functions of the operations pages: the health-check behind the header's indicator,
//! the admin health page's figures, and the organization's telephony settings.

use leptos::prelude::*;

use crate::model::operations::{AdminHealth, HealthCheck, TelephonySettings};

/// What the server tells operations server functions about itself (provided as context).
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct OpsContext {
    pub thresholds: crate::model::operations::HealthThresholds,
    /// Whether this instance's change listener is connected right now.
    pub live_updates: std::sync::Arc<dyn Fn() -> bool + Send + Sync>,
    pub public_url: Option<String>,
    pub secure: bool,
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::*;

    use super::OpsContext;
    use crate::model::{CurrentUser, Role};

    pub fn ops() -> Result<OpsContext, ServerFnError> {
        use_context::<OpsContext>()
            .ok_or_else(|| ServerFnError::new("operations are not configured"))
    }

    /// The signed-in user if an admin; 403 otherwise.
    pub async fn admin() -> Result<CurrentUser, ServerFnError> {
        let user = crate::api::ssr::current_user().await?;
        if user.role != Role::Admin {
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(axum::http::StatusCode::FORBIDDEN);
            }
            return Err(ServerFnError::new("Only admins can see this page."));
        }
        Ok(user)
    }

    /// What the admin is shown, with the webhook URL on our public origin.
    pub async fn telephony(
        user: &CurrentUser,
        account: crate::data::telephony::Account,
    ) -> super::TelephonySettings {
        use crate::data::telephony::{public_origin, settings};
        let ops = ops().ok();
        let host = leptos_axum::extract::<axum::http::HeaderMap>()
            .await
            .ok()
            .and_then(|h| {
                h.get(axum::http::header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let origin = public_origin(
            ops.as_ref().and_then(|o| o.public_url.as_deref()),
            &host,
            ops.as_ref().is_some_and(|o| o.secure),
        );
        settings(user.organization_id, &origin, account)
    }
}

/// The signed-in user's organization's health-check.
#[server(prefix = "/sf", endpoint = "health_check")]
pub async fn load_health_check() -> Result<HealthCheck, ServerFnError> {
    let user = crate::api::ssr::current_user().await?;
    let ops = ssr::ops()?;
    let pool = crate::api::ssr::pool()?;
    crate::data::health::health_check(
        &pool,
        user.organization_id,
        &ops.thresholds,
        (ops.live_updates)(),
    )
    .await
    .map_err(crate::api::ssr::user_error)
}

/// The admin health page's figures (admins only).
#[server(prefix = "/sf", endpoint = "admin_health")]
pub async fn load_admin_health() -> Result<AdminHealth, ServerFnError> {
    let user = ssr::admin().await?;
    let ops = ssr::ops()?;
    let pool = crate::api::ssr::pool()?;
    crate::data::health::admin_health(
        &pool,
        user.organization_id,
        &ops.thresholds,
        (ops.live_updates)(),
    )
    .await
    .map_err(crate::api::ssr::user_error)
}

/// Where the telephony provider sends status callbacks, and the token it signs them with
/// (admins only).
#[server(prefix = "/sf", endpoint = "telephony_settings")]
pub async fn load_telephony_settings() -> Result<TelephonySettings, ServerFnError> {
    let user = ssr::admin().await?;
    let pool = crate::api::ssr::pool()?;
    let account = crate::data::telephony::account(&pool, user.organization_id)
        .await
        .map_err(crate::api::ssr::user_error)?
        .ok_or_else(|| ServerFnError::new("This organization has no telephony account."))?;
    Ok(ssr::telephony(&user, account).await)
}

/// Replace the auth token (admins only); the previous one keeps working for ten minutes.
#[server(prefix = "/sf", endpoint = "rotate_telephony_token")]
pub async fn rotate_telephony_token() -> Result<TelephonySettings, ServerFnError> {
    let user = ssr::admin().await?;
    let pool = crate::api::ssr::pool()?;
    let account = crate::data::telephony::rotate(&pool, user.organization_id)
        .await
        .map_err(crate::api::ssr::user_error)?;
    tracing::info!(user = %user.email, "telephony auth token rotated");
    Ok(ssr::telephony(&user, account).await)
}
