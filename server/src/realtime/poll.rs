//! `GET /api/realtime/changes`: the polling fallback, same subscriptions and payloads as the
//! stream, for clients that cannot hold one open.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::{BufMut, BytesMut};

use super::log::{current, read_page, PageRead, Scope};
use super::params::Params;
use crate::auth::extract::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Default page size of the polling endpoint.
pub const DEFAULT_POLL_LIMIT: i64 = 200;

/// Changes after a cursor (polling fallback).
#[utoipa::path(
    get, path = "/api/realtime/changes", tag = "realtime",
    params(
        ("sub" = Vec<String>, Query, description = "Repeatable: `table[:event[:column=op.value]]`"),
        ("after" = Option<String>, Query, pattern = r"^[0-9]{1,18}(\.[0-9]{1,18})?$", description = "Cursor from a data load, a stream or the previous poll; without it the answer is just the current cursor"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "1 to 1000 (default 200)"),
    ),
    responses(
        (status = 200, description = "`{\"changes\":[...],\"cursor\":\"...\",\"reset\":false,\"organization_id\":\"...\"}`; poll again with `after=cursor`. `reset: true` means the cursor is older than the retention window: reload the data."),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn changes(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(
        query.as_deref(),
        true,
        &state.realtime.registry,
        &state.pool,
    )
    .await?;
    let db = |e: sqlx::Error| ApiError::from(app::data::DataError::from(e));
    let Some(after) = params.after else {
        let head = current(&state.pool).await.map_err(db)?;
        return Ok(json(&[], head.to_string(), false, user.organization_id));
    };
    let tables = params.tables();
    let scope = Scope {
        organization: Some(user.organization_id),
        tables: Some(&tables),
    };
    let limit = params.limit.unwrap_or(DEFAULT_POLL_LIMIT);
    match read_page(&state.pool, after, scope, limit)
        .await
        .map_err(db)?
    {
        PageRead::Reset { head, .. } => {
            state
                .realtime
                .stats
                .resets
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(json(&[], head.to_string(), true, user.organization_id))
        }
        PageRead::Changes { changes, end, .. } => {
            let payloads: Vec<_> = changes
                .iter()
                .filter(|c| {
                    c.organization_id == user.organization_id
                        && params.subs.iter().any(|s| s.matches(c))
                })
                .map(|c| c.payload())
                .collect();
            Ok(json(
                &payloads,
                end.to_string(),
                false,
                user.organization_id,
            ))
        }
    }
}

/// `{"changes":[<payload>,...],"cursor":"...","reset":...,"organization_id":"..."}` from
/// pre-serialized payloads.
fn json(payloads: &[bytes::Bytes], cursor: String, reset: bool, org: uuid::Uuid) -> Response {
    let mut body =
        BytesMut::with_capacity(64 + payloads.iter().map(|p| p.len() + 1).sum::<usize>());
    body.put_slice(b"{\"changes\":[");
    for (i, p) in payloads.iter().enumerate() {
        if i > 0 {
            body.put_u8(b',');
        }
        body.put_slice(p);
    }
    body.put_slice(
        format!("],\"cursor\":\"{cursor}\",\"reset\":{reset},\"organization_id\":\"{org}\"}}")
            .as_bytes(),
    );
    let mut res = body.freeze().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}
