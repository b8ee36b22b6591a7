//! Every request but an event stream must be answered within the configured time (408 with a
//! message otherwise), so a slow body or a stuck handler cannot hold a connection forever.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() == crate::realtime::stream::PATH {
        return next.run(req).await;
    }
    let limit = state.settings.limits.request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::RequestTimeout(format!(
            "the request was not complete within {} s",
            limit.as_secs()
        ))
        .into_response(),
    }
}
