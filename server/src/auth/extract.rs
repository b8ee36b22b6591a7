//! Extractors for API handlers.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use serde::de::DeserializeOwned;

use app::data::auth::SessionId;
use app::model::{CurrentUser, Role};

use crate::error::ApiError;

/// The signed-in user; 401 JSON when there is none.
pub struct AuthUser(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .map(AuthUser)
            .ok_or_else(ApiError::unauthenticated)
    }
}

impl AuthUser {
    /// 403 unless the user is an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.0.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden_role("admins"))
        }
    }
}

/// The id of the session the request is made with (streams are tied to it); 401 without one.
pub struct Credential(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Credential {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<SessionId>()
            .map(|s| Credential(s.0))
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// `axum::Json` whose rejections are `ApiError`s (400 bad JSON, 422 wrong fields, 415).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Path` whose rejections are 400 `ApiError`s (e.g. a malformed id).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `axum::extract::Query` whose rejections are 400 `ApiError`s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// A JSON body that may be left out: an empty body (or JSON `null`) is `T::default()`; any
/// other body is read like `ApiJson` (400 bad JSON, 415 not JSON, 422 wrong fields, 413).
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::new(body), state)
            .await
            .map_err(|r| match r.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(format!(
                    "{} (the limit is {} KiB)",
                    r.body_text(),
                    crate::config::MAX_REQUEST_BODY / 1024
                )),
                _ => ApiError::BadRequest(r.body_text()),
            })?;
        if bytes.is_empty() {
            return Ok(OptionalJson(T::default()));
        }
        let req = Request::from_parts(parts, Body::from(bytes));
        let ApiJson(value) = ApiJson::<Option<T>>::from_request(req, state).await?;
        Ok(OptionalJson(value.unwrap_or_default()))
    }
}
