//! Server functions: what the pages load. They run on the server (directly during SSR, over
//! HTTP after hydration) and read through `crate::data`, scoped to the signed-in user's
//! organization.

use leptos::prelude::*;
use uuid::Uuid;

pub mod agents;
pub mod clients;
pub mod operations;

use crate::model::{CampaignDetail, CampaignsOverview, Contact, CurrentUser};

/// Contacts shown per page on the campaign detail page.
pub const CONTACTS_PAGE_SIZE: i64 = 50;
/// Finished calls kept on the call board below the active ones.
pub const BOARD_RECENT_CALLS: i64 = 50;

#[cfg(feature = "ssr")]
pub mod ssr {
    use leptos::prelude::*;
    use sqlx::PgPool;

    use crate::data::{DataError, Snapshot};
    use crate::model::CurrentUser;

    pub fn pool() -> Result<PgPool, ServerFnError> {
        use_context::<PgPool>().ok_or_else(|| ServerFnError::new("database pool is not configured"))
    }

    /// A consistent snapshot for loading a live view.
    pub async fn snapshot() -> Result<Snapshot, ServerFnError> {
        Snapshot::begin(&pool()?).await.map_err(user_error)
    }

    /// The signed-in user, put in the request by the server's auth middleware.
    pub async fn current_user() -> Result<CurrentUser, ServerFnError> {
        match leptos_axum::extract::<axum::Extension<CurrentUser>>().await {
            Ok(axum::Extension(user)) => Ok(user),
            Err(_) => {
                set_status(axum::http::StatusCode::UNAUTHORIZED);
                Err(ServerFnError::new(
                    "You are signed out. Please sign in again.",
                ))
            }
        }
    }

    fn set_status(status: axum::http::StatusCode) {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
    }

    /// Turn a data error into a message fit for the user; internal details are only logged.
    pub fn user_error(err: DataError) -> ServerFnError {
        match err {
            DataError::NotFound(what) => {
                set_status(axum::http::StatusCode::NOT_FOUND);
                ServerFnError::new(format!("This {what} does not exist or is not yours."))
            }
            DataError::Invalid(msg) => {
                set_status(axum::http::StatusCode::BAD_REQUEST);
                ServerFnError::new(msg)
            }
            DataError::Forbidden(msg) => {
                set_status(axum::http::StatusCode::FORBIDDEN);
                ServerFnError::new(msg)
            }
            DataError::Gone(msg) => {
                set_status(axum::http::StatusCode::GONE);
                ServerFnError::new(msg)
            }
            DataError::Conflict { message, .. } => {
                set_status(axum::http::StatusCode::CONFLICT);
                ServerFnError::new(message)
            }
            other => {
                tracing::error!(error = ?other, "server function failed");
                set_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
                ServerFnError::new("Something went wrong on our side. Please retry.")
            }
        }
    }
}

/// The signed-in user.
#[server(prefix = "/sf", endpoint = "me")]
pub async fn me() -> Result<CurrentUser, ServerFnError> {
    ssr::current_user().await
}

/// Campaigns of the signed-in user's organization, with progress and call counts, and the
/// organization's call activity over the last hour.
#[server(prefix = "/sf", endpoint = "campaigns")]
pub async fn list_campaigns() -> Result<CampaignsOverview, ServerFnError> {
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let campaigns = crate::data::campaigns::list(&mut db, org)
        .await
        .map_err(ssr::user_error)?;
    let activity = crate::data::activity::last_hour(&mut db, org, None)
        .await
        .map_err(ssr::user_error)?;
    let recent = crate::data::recent::notable(&mut db, org, None)
        .await
        .map_err(ssr::user_error)?;
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(CampaignsOverview {
        campaigns,
        activity,
        recent,
        cursor,
    })
}

/// Contacts by id (the call board names calls that appear live).
#[server(prefix = "/sf", endpoint = "contacts_by_id")]
pub async fn contacts_by_id(ids: Vec<Uuid>) -> Result<Vec<Contact>, ServerFnError> {
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    crate::data::contacts::by_ids(&mut db, user.organization_id, &ids)
        .await
        .map_err(ssr::user_error)
}

/// A campaign with its call board and one page of contacts.
#[server(prefix = "/sf", endpoint = "campaign_detail")]
pub async fn load_campaign_detail(
    id: Uuid,
    contacts_page: i64,
) -> Result<CampaignDetail, ServerFnError> {
    use crate::data::{activity, calls, campaigns, contacts, recent};
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let campaign = campaigns::get(&mut db, org, id)
        .await
        .map_err(ssr::user_error)?;
    let calls = calls::board(&mut db, org, id, BOARD_RECENT_CALLS)
        .await
        .map_err(ssr::user_error)?;
    let offset = contacts_page
        .max(0)
        .saturating_mul(CONTACTS_PAGE_SIZE)
        .min(crate::data::MAX_OFFSET);
    let contacts = contacts::list(&mut db, org, id, CONTACTS_PAGE_SIZE, offset)
        .await
        .map_err(ssr::user_error)?;
    let activity = activity::last_hour(&mut db, org, Some(id))
        .await
        .map_err(ssr::user_error)?;
    let recent = recent::notable(&mut db, org, Some(id))
        .await
        .map_err(ssr::user_error)?;
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(CampaignDetail {
        campaign,
        calls,
        contacts,
        activity,
        recent,
        cursor,
    })
}
