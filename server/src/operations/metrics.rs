//! Prometheus metrics (`GET /metrics`), recorded with the `metrics` crate and rendered by
//! `metrics-exporter-prometheus`. Counters and histograms are recorded where things happen;
//! gauges (streams, listener, lag, pool) are read from the instance's state at scrape time.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use hmac::{Hmac, Mac};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha1::Sha1;

use app::model::CurrentUser;

use crate::auth::extract::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

pub const HTTP_REQUESTS: &str = "switchboard_http_requests_total";
pub const HTTP_DURATION: &str = "switchboard_http_request_duration_seconds";
pub const PUBLISH_DELAY: &str = "switchboard_realtime_publish_delay_seconds";
pub const WEBHOOKS_RECEIVED: &str = "switchboard_webhooks_received_total";
pub const WEBHOOKS_REJECTED: &str = "switchboard_webhooks_rejected_total";
pub const CALL_TIMEOUTS: &str = "switchboard_call_timeouts_total";
pub const LATENCY_REPORTS: &str = "switchboard_browser_latency_reports_total";

/// Latency buckets, seconds: 1 ms to 30 s.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process-wide recorder, installed on first use (tests start many apps in one process).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
            .expect("non-empty buckets")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics may be empty");
        }
        handle
    })
}

/// Middleware: count every request by route template (never the raw path: ids would make
/// the label set unbounded) and status, and time it.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// `GET /metrics`: for an admin's bearer token or the configured scrape token; 401 otherwise.
pub async fn scrape(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let scraper = state
        .settings
        .operations
        .metrics_token
        .as_deref()
        .is_some_and(|token| bearer(&headers).is_some_and(|given| same_secret(given, token)));
    match user {
        _ if scraper => {}
        Some(Extension(user)) => AuthUser(user).require_admin()?,
        None => return Err(ApiError::unauthenticated()),
    }
    set_gauges(&state);
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle().render(),
    )
        .into_response())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compare two secrets in constant time (HMACs of both, checked with `verify_slice`).
fn same_secret(given: &str, expected: &str) -> bool {
    let tag = |s: &str| {
        let mut m = Hmac::<Sha1>::new_from_slice(b"switchboard-metrics").expect("any key");
        m.update(s.as_bytes());
        m
    };
    let expected = tag(expected).finalize().into_bytes();
    tag(given).verify_slice(&expected).is_ok()
}

fn set_gauges(state: &AppState) {
    let rt = &state.realtime;
    let s = &rt.stats;
    gauge!("switchboard_realtime_open_streams").set(rt.connections.total() as f64);
    gauge!("switchboard_realtime_subscriptions").set(s.subscriptions_total() as f64);
    gauge!("switchboard_realtime_listener_up").set(if s.listener_connected.load(Relaxed) {
        1.0
    } else {
        0.0
    });
    gauge!("switchboard_realtime_tailer_lag_commits")
        .set((s.head_seq.load(Relaxed) - s.tailer_seq.load(Relaxed)).max(0) as f64);
    counter!("switchboard_realtime_events_published_total").absolute(s.published.load(Relaxed));
    counter!("switchboard_realtime_deliveries_total").absolute(s.deliveries.load(Relaxed));
    counter!("switchboard_realtime_listener_reconnects_total")
        .absolute(s.listener_reconnects.load(Relaxed));
    counter!("switchboard_realtime_replays_total").absolute(s.replays.load(Relaxed));
    counter!("switchboard_realtime_resets_total").absolute(s.resets.load(Relaxed));
    let pool = &state.pool;
    gauge!("switchboard_db_pool_connections", "state" => "idle").set(pool.num_idle() as f64);
    gauge!("switchboard_db_pool_connections", "state" => "in_use")
        .set(pool.size().saturating_sub(pool.num_idle() as u32) as f64);
    gauge!("switchboard_db_pool_max_connections").set(state.settings.max_connections as f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("s3cret-token", "s3cret-token"));
        assert!(!same_secret("s3cret-tokem", "s3cret-token"));
        assert!(!same_secret("s3cret", "s3cret-token"));
        assert!(!same_secret("", "s3cret-token"));
    }
}
