//! One error type for the JSON API. Clients get `{"error":{"code","message"}}` with a 4xx that
//! says what was wrong, or a bare 5xx; the cause of a 5xx is logged by `log_errors`, never sent.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use app::data::DataError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 410: the record was deleted.
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Conflict(String),
    /// 409 with what the record is now (`error.details`), e.g. who already decided a draft.
    #[error("{message}")]
    StateConflict {
        message: String,
        details: serde_json::Value,
    },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    RequestTimeout(String),
    /// 429, with `Retry-After` when it is known.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: Option<u64>,
    },
    #[error("the database is unavailable, retry shortly")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The JSON body of every API error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`.
    pub code: &'static str,
    /// What was wrong, for people.
    pub message: String,
    /// For a 409: what the record is now (e.g. `{"decision": {...}}` for a draft someone
    /// already decided).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// The internal cause of a 5xx, handed from `into_response` to the logging middleware.
#[derive(Clone)]
struct InternalCause(String);

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Gone(_) => (StatusCode::GONE, "gone"),
            ApiError::Conflict(_) | ApiError::StateConflict { .. } => {
                (StatusCode::CONFLICT, "conflict")
            }
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::Unprocessable(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable_entity")
            }
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::RequestTimeout(_) => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            ApiError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
            }
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status_and_code().0
    }

    pub fn forbidden_role(needed: &str) -> Self {
        ApiError::Forbidden(format!("only {needed} may do this"))
    }

    pub fn unauthenticated() -> Self {
        ApiError::Unauthorized(
            "sign in, or send `Authorization: Bearer <token>` (get one from POST /api/auth/token)"
                .into(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let cause = match &self {
            ApiError::Internal(e) | ApiError::Unavailable(e) => Some(format!("{e:?}")),
            _ => None,
        };
        let details = match &self {
            ApiError::StateConflict { details, .. } => Some(details.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.to_string(),
                details,
            },
        };
        let mut res = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests {
            retry_after: Some(secs),
            ..
        } = &self
        {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, (*secs).into());
        }
        if let Some(cause) = cause {
            res.extensions_mut().insert(InternalCause(cause));
        }
        res
    }
}

/// Logs the cause of every 5xx produced by an `ApiError`.
pub async fn log_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if let Some(InternalCause(cause)) = res.extensions().get::<InternalCause>() {
        tracing::error!(status = %res.status(), %cause, "request failed");
    }
    res
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl From<DataError> for ApiError {
    fn from(e: DataError) -> Self {
        match e {
            DataError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            DataError::Invalid(msg) => ApiError::Unprocessable(msg),
            DataError::Forbidden(msg) => ApiError::Forbidden(msg),
            DataError::Gone(msg) => ApiError::Gone(msg),
            DataError::Conflict { message, details } => {
                ApiError::StateConflict { message, details }
            }
            DataError::Database(db) if is_unique_violation(&db) => {
                ApiError::Conflict("a record with these values already exists".into())
            }
            DataError::Database(
                db @ (sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed),
            ) => ApiError::Unavailable(db.into()),
            other => ApiError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => ApiError::Unprocessable(e.body_text()),
            JsonRejection::MissingJsonContentType(e) => {
                ApiError::UnsupportedMediaType(e.body_text())
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge(format!(
                    "{} (the limit is {} KiB)",
                    other.body_text(),
                    crate::config::MAX_REQUEST_BODY / 1024
                ))
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::BadRequest(format!("{} (ids are UUIDs)", r.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(r.body_text())
    }
}

impl From<FormRejection> for ApiError {
    fn from(r: FormRejection) -> Self {
        match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(r.body_text()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(r.body_text()),
            _ => ApiError::BadRequest(r.body_text()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_data_errors_become_404_with_a_message() {
        let e: ApiError = DataError::NotFound("campaign").into();
        let (status, code) = e.status_and_code();
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(code, "not_found");
        assert_eq!(e.to_string(), "campaign not found");
    }

    #[test]
    fn too_many_requests_says_when_to_retry() {
        let res = ApiError::TooManyRequests {
            message: "slow down".into(),
            retry_after: Some(30),
        }
        .into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()["retry-after"], "30");
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let e = ApiError::Internal(anyhow::anyhow!("password=hunter2 connection refused"));
        assert_eq!(e.to_string(), "internal error");
    }
}
