//! What every editable record's endpoints share: the PATCH (per-field base and value, an
//! optional Idempotency-Key) and the history read.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use uuid::Uuid;

use app::data::history::{self, MAX_HISTORY};
use app::data::{edits, Snapshot};
use app::model::editing::{EditRequest, Editable, HistoryList};
use app::model::CurrentUser;

use crate::error::ApiError;
use crate::state::AppState;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The request's Idempotency-Key, if it sent one.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim().to_owned()))
            .map_err(|_| ApiError::BadRequest("Idempotency-Key: visible ASCII only".into())),
    }
}

/// Apply a PATCH and answer it: 200 with the outcome, or 409 with the conflicts (top-level
/// `conflicts` and `record`, and the usual `error`).
pub async fn patch(
    s: &AppState,
    user: &CurrentUser,
    what: &'static Editable,
    id: Uuid,
    headers: &HeaderMap,
    req: &EditRequest,
) -> Result<Response, ApiError> {
    let key = idempotency_key(headers)?;
    let answer = edits::edit(&s.pool, user, what, id, req, key.as_deref()).await?;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    if status != StatusCode::CONFLICT {
        return Ok((status, Json(answer.body)).into_response());
    }
    let fields: Vec<&str> = answer.body["conflicts"]
        .as_array()
        .map(|cs| cs.iter().filter_map(|c| c["field"].as_str()).collect())
        .unwrap_or_default();
    let mut body = json!({
        "error": {
            "code": "conflict",
            "message": format!(
                "Someone else changed {} since you loaded this {}: nothing was saved.",
                fields.join(", "),
                what.record
            ),
        },
    });
    if let (Value::Object(out), Value::Object(answer)) = (&mut body, answer.body) {
        out.extend(answer);
    }
    Ok((status, Json(body)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

pub async fn history(
    s: &AppState,
    user: &CurrentUser,
    what: &'static Editable,
    id: Uuid,
    q: HistoryQuery,
) -> Result<Json<HistoryList>, ApiError> {
    let limit = super::limit(q.limit, MAX_HISTORY)?;
    let mut db = Snapshot::begin(&s.pool).await?;
    let entries = history::of_record(&mut db, what, user.organization_id, id, limit).await?;
    Ok(Json(HistoryList { entries }))
}
