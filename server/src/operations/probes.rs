//! `GET /healthz` (the process answers) and `GET /readyz` (it can do its job: the database
//! answers, the change listener is connected, the tailer keeps up). No authentication and no
//! tenant data: load balancers and orchestrators call these.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::realtime::log::current;
use crate::state::AppState;

/// How long the database may take to answer a readiness check.
const DB_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> &'static str {
    "ok"
}

#[derive(Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
}

#[derive(Serialize)]
struct Readiness {
    ready: bool,
    checks: Vec<Check>,
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    // The log's head, read from the database: answers both "reachable" and "how far behind".
    let head = tokio::time::timeout(DB_CHECK_TIMEOUT, current(&state.pool)).await;
    let db = match &head {
        Ok(Ok(_)) => Check {
            name: "database",
            ok: true,
            detail: "reachable".into(),
        },
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            Check {
                name: "database",
                ok: false,
                detail: "query failed".into(),
            }
        }
        Err(_) => Check {
            name: "database",
            ok: false,
            detail: "no answer within 2 s".into(),
        },
    };
    let stats = &state.realtime.stats;
    let listening = stats.listener_connected.load(Relaxed);
    let listener = Check {
        name: "change_listener",
        ok: listening,
        detail: if listening {
            "connected"
        } else {
            "disconnected"
        }
        .into(),
    };
    let lag = match head {
        Ok(Ok(head)) => (head.seq - stats.tailer_seq.load(Relaxed)).max(0),
        _ => 0,
    };
    let max = state.settings.operations.ready_max_lag;
    let tailer = Check {
        name: "tailer_lag",
        ok: lag <= max,
        detail: format!("{lag} commits behind (limit {max})"),
    };
    let checks = vec![db, listener, tailer];
    let ready = checks.iter().all(|c| c.ok);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(Readiness { ready, checks })).into_response()
}
