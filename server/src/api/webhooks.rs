//! `POST /api/webhooks/twilio/{organization_id}`: Twilio voice status callbacks. Signed with
//! the organization's auth token (checked in constant time before anything is read from the
//! body), applied idempotently and never backwards, and every one counted — accepted or
//! rejected, with its reason — for the health figures.

use axum::body::{to_bytes, Body};
use axum::extract::{OriginalUri, Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use uuid::Uuid;

use app::data::telephony::{self, Account};
use app::data::DataError;

use crate::config::MAX_REQUEST_BODY;
use crate::error::ApiError;
use crate::operations::metrics::{WEBHOOKS_RECEIVED, WEBHOOKS_REJECTED};
use crate::state::AppState;
use crate::telephony::{callback, parse_params, signature};

/// Why a callback was refused (a fixed list: these are stored as counts).
#[derive(Clone, Copy)]
enum Rejected {
    UnknownOrganization,
    UnsupportedMediaType,
    TooLarge,
    MissingSignature,
    BadSignature,
    Malformed,
    UnknownCall,
    /// Our fault (the database), not the caller's: a 5xx the provider retries.
    Internal,
}

impl Rejected {
    fn reason(self) -> &'static str {
        match self {
            Rejected::UnknownOrganization => "unknown_organization",
            Rejected::UnsupportedMediaType => "unsupported_media_type",
            Rejected::TooLarge => "too_large",
            Rejected::MissingSignature => "missing_signature",
            Rejected::BadSignature => "bad_signature",
            Rejected::Malformed => "malformed",
            Rejected::UnknownCall => "unknown_call",
            Rejected::Internal => "internal",
        }
    }
}

/// The form Twilio posts (for the OpenAPI document; the handler reads the raw form, because
/// the signature covers every parameter, known or not).
#[derive(utoipa::ToSchema)]
#[allow(dead_code, non_snake_case)]
pub struct StatusCallbackForm {
    /// The provider's id of the call (`calls.provider_call_id`).
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    CallSid: String,
    #[schema(
        pattern = "^(queued|initiated|ringing|in-progress|completed|busy|no-answer|failed|canceled)$"
    )]
    CallStatus: String,
    /// Increases with every callback of the call.
    #[schema(minimum = 0, maximum = 2147483647)]
    SequenceNumber: Option<i32>,
    Timestamp: Option<String>,
    CallDuration: Option<String>,
    SipResponseCode: Option<String>,
    AccountSid: Option<String>,
    From: Option<String>,
    To: Option<String>,
}

/// Receive a status callback.
#[utoipa::path(
    post, path = "/api/webhooks/twilio/{organization_id}", tag = "telephony",
    params(
        ("organization_id" = Uuid, Path, description = "The organization the callback is for"),
        ("X-Twilio-Signature" = String, Header, description = "base64(HMAC-SHA1(auth token, URL + sorted parameters))"),
    ),
    request_body(content = StatusCallbackForm, content_type = "application/x-www-form-urlencoded",
        description = "Twilio's status-callback parameters: CallSid, CallStatus, SequenceNumber, …"),
    responses(
        (status = 204, description = "Applied, or a replayed or late callback that changed nothing"),
        (status = 400, description = "Malformed parameters", body = crate::error::ErrorBody),
        (status = 403, description = "Missing or wrong signature", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown organization or CallSid", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Not a form post", body = crate::error::ErrorBody),
    ),
    security(())
)]
pub async fn twilio(
    State(state): State<AppState>,
    Path(org): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let Ok(org) = org.parse::<Uuid>() else {
        return Err(reject_unknown_org());
    };
    let Some(account) = telephony::account(&state.pool, org).await? else {
        return Err(reject_unknown_org());
    };
    let result = receive(&state, org, &account, &uri, &headers, body).await;
    let (outcome, reason) = match &result {
        Ok(outcome) => (outcome.as_str(), ""),
        Err((why, _)) => ("rejected", why.reason()),
    };
    match &result {
        Ok(_) => metrics::counter!(WEBHOOKS_RECEIVED, "outcome" => outcome).increment(1),
        Err(_) => metrics::counter!(WEBHOOKS_REJECTED, "reason" => reason).increment(1),
    }
    let ours = matches!(result, Err((Rejected::Internal, _)));
    if !ours {
        if let Err(e) = telephony::record_receipt(&state.pool, org, outcome, reason).await {
            tracing::warn!(error = %e, "counting a status callback failed");
        }
    }
    result.map(|_| StatusCode::NO_CONTENT).map_err(|(_, e)| e)
}

fn reject_unknown_org() -> ApiError {
    metrics::counter!(WEBHOOKS_REJECTED, "reason" => Rejected::UnknownOrganization.reason())
        .increment(1);
    ApiError::NotFound("no such organization".into())
}

async fn receive(
    state: &AppState,
    org: Uuid,
    account: &Account,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<telephony::Outcome, (Rejected, ApiError)> {
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form {
        return Err((
            Rejected::UnsupportedMediaType,
            ApiError::UnsupportedMediaType(
                "status callbacks are application/x-www-form-urlencoded".into(),
            ),
        ));
    }
    let bytes = to_bytes(body, MAX_REQUEST_BODY).await.map_err(|_| {
        (
            Rejected::TooLarge,
            ApiError::PayloadTooLarge(format!("bodies are at most {MAX_REQUEST_BODY} bytes")),
        )
    })?;
    let malformed =
        |e: crate::telephony::Malformed| (Rejected::Malformed, ApiError::BadRequest(e.to_string()));
    let params = parse_params(&bytes).map_err(malformed)?;
    let Some(given) = headers.get(signature::HEADER).and_then(|v| v.to_str().ok()) else {
        return Err((
            Rejected::MissingSignature,
            ApiError::Forbidden("X-Twilio-Signature is missing".into()),
        ));
    };
    let url = signed_url(state, headers, uri);
    let now = chrono::Utc::now();
    if !account
        .valid_tokens(now)
        .into_iter()
        .any(|token| signature::verify(token, &url, &params, given))
    {
        return Err((
            Rejected::BadSignature,
            ApiError::Forbidden(
                "the signature does not match this organization's auth token".into(),
            ),
        ));
    }
    let cb = callback(&params).map_err(malformed)?;
    match telephony::apply_callback(&state.pool, org, &cb).await {
        Ok(outcome) => Ok(outcome),
        Err(DataError::NotFound(_)) => Err((
            Rejected::UnknownCall,
            ApiError::NotFound(format!("no call has CallSid {}", cb.call_sid)),
        )),
        Err(e) => Err((Rejected::Internal, ApiError::from(e))),
    }
}

/// The URL the provider signed: `SWITCHBOARD_PUBLIC_URL` + path and query when set, else the
/// request's own `Host`.
fn signed_url(state: &AppState, headers: &HeaderMap, uri: &axum::http::Uri) -> String {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    format!("{}{path}", state.public_origin(headers))
}
