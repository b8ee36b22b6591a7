//! What users actually see: for the changes this tab applies to its pages, the time from the
//! change's commit (server clock) to the next frame painted after it was applied, sorted into
//! fixed buckets and reported every 30 s (the first report a few seconds after the first
//! sample) (`POST /api/telemetry/latency`). The browser's clock
//! is corrected with the server's (`GET /api/telemetry/clock`, half the round trip as error).

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::js;
use crate::cursor::Cursor;
use crate::live::protocol::Change;
use crate::model::operations::{
    latency_bucket, LatencyReport, ServerClock, LATENCY_COUNTS, MAX_LATENCY_SAMPLES,
};

/// A report at most this often; the first goes out a few seconds after the first sample.
const REPORT_EVERY_MS: f64 = 30_000.0;
const CHECK_EVERY: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Meter {
    started: bool,
    /// Server clock − browser clock, ms; `None` until measured (nothing is recorded before).
    offset_ms: Option<f64>,
    counts: Vec<u64>,
    total: u64,
    /// The newest change measured: several views applying one change count it once.
    last: Option<Cursor>,
    /// When the last report went out (ms since the epoch).
    last_report: Option<f64>,
}

thread_local! {
    static METER: RefCell<Meter> = RefCell::new(Meter::default());
}

/// Start measuring and reporting (once per tab).
pub fn start() {
    let first = METER.with(|m| !std::mem::replace(&mut m.borrow_mut().started, true));
    if !first {
        return;
    }
    METER.with(|m| m.borrow_mut().counts = vec![0; LATENCY_COUNTS]);
    spawn_local(sync_clock());
    let _ = set_interval_with_handle(|| spawn_local(report()), CHECK_EVERY);
}

async fn sync_clock() {
    let before = js_sys::Date::now();
    if let Ok(clock) = js::get_json::<ServerClock>("/api/telemetry/clock").await {
        let after = js_sys::Date::now();
        let offset = clock.now_ms as f64 - (before + after) / 2.0;
        METER.with(|m| m.borrow_mut().offset_ms = Some(offset));
    }
}

/// `changes` were just applied to this tab's data: time them at the next painted frame.
pub fn applied(changes: &[Change]) {
    let fresh: Vec<(Cursor, f64)> = METER.with(|m| {
        let m = m.borrow();
        if m.offset_ms.is_none() || m.total >= MAX_LATENCY_SAMPLES {
            return Vec::new();
        }
        changes
            .iter()
            .filter(|c| m.last.is_none_or(|last| c.cursor > last))
            .map(|c| {
                (
                    c.cursor,
                    c.commit_timestamp.timestamp_micros() as f64 / 1000.0,
                )
            })
            .collect()
    });
    let Some(newest) = fresh.last().map(|f| f.0) else {
        return;
    };
    METER.with(|m| m.borrow_mut().last = Some(newest));
    request_animation_frame(move || {
        let now = js_sys::Date::now();
        METER.with(|m| {
            let mut m = m.borrow_mut();
            let offset = m.offset_ms.unwrap_or(0.0);
            for (_, committed) in fresh {
                if m.total >= MAX_LATENCY_SAMPLES {
                    break;
                }
                let ms = (now + offset - committed).max(0.0);
                m.counts[latency_bucket(ms)] += 1;
                m.total += 1;
            }
        });
    });
}

async fn report() {
    let counts = METER.with(|m| {
        let mut m = m.borrow_mut();
        let now = js_sys::Date::now();
        if m.total == 0 || m.last_report.is_some_and(|t| now - t < REPORT_EVERY_MS) {
            return None;
        }
        m.last_report = Some(now);
        m.total = 0;
        Some(std::mem::replace(&mut m.counts, vec![0; LATENCY_COUNTS]))
    });
    let Some(counts) = counts else {
        return;
    };
    let body = serde_json::to_string(&LatencyReport { counts }).unwrap_or_default();
    if let Err(js::FetchError::Other(e)) = js::post_json("/api/telemetry/latency", &body).await {
        leptos::logging::warn!("latency report not sent: {e}");
    }
    // Clocks drift: measure the offset again now and then.
    sync_clock().await;
}
