//! The figures behind the health-check and the admin health page: calls and callbacks,
//! read from Postgres so every instance gives the same answer. The engine's figures are in
//! [`super::samples`], browsers' latency in [`super::latency`].

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{latency, samples, DataError};
use crate::model::operations::{
    AdminHealth, CallFigures, FailureRate, HealthCheck, HealthThresholds, MinutePoint, Series,
};

/// The health-check of `org`: its call figures judged against `t`; `live_updates` is whether
/// the answering instance's change listener is connected.
pub async fn health_check(
    pool: &PgPool,
    org: Uuid,
    t: &HealthThresholds,
    live_updates: bool,
) -> Result<HealthCheck, DataError> {
    let calls = call_figures(pool, org, t.grace_secs).await?;
    Ok(HealthCheck::evaluate(calls, live_updates, t, Utc::now()))
}

/// Everything the admin health page shows for `org`.
pub async fn admin_health(
    pool: &PgPool,
    org: Uuid,
    t: &HealthThresholds,
    live_updates: bool,
) -> Result<AdminHealth, DataError> {
    let health = health_check(pool, org, t, live_updates).await?;
    let engine = samples::engine_series(pool, org).await?;
    let (render_p50_ms, render_p99_ms) = latency::render_latency(pool, org).await?;
    let [active, timeouts, failure, staleness] =
        call_series(pool, org, health.calls.active_calls).await?;
    let calls = &health.calls;
    let now = Utc::now();
    let series = |now: Option<f64>, minutes: Vec<MinutePoint>| Series { now, minutes };
    Ok(AdminHealth {
        publish_p50_ms: engine.publish_p50_ms,
        publish_p99_ms: engine.publish_p99_ms,
        render_p50_ms,
        render_p99_ms,
        messages_per_second: engine.messages_per_second,
        deliveries_per_second: engine.deliveries_per_second,
        open_streams: engine.open_streams,
        subscriptions: engine.subscriptions,
        listener_uptime_pct: engine.listener_uptime_pct,
        listener_reconnects: engine.listener_reconnects,
        instances: engine.instances,
        instances_listening: engine.instances_listening,
        active_calls: series(Some(calls.active_calls as f64), active),
        timeouts: series(Some(calls.timeouts_15m as f64), timeouts),
        failure_rate_pct: series(
            (calls.failure_rate_15m.finished > 0).then_some(calls.failure_rate_15m.rate * 100.0),
            failure,
        ),
        webhook_staleness_secs: series(
            calls
                .last_callback_at
                .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0),
            staleness,
        ),
        health,
        generated_at: now,
    })
}

/// The organization's calls and callbacks right now. `grace_secs`: how old an active call
/// must be before a missing callback counts.
pub async fn call_figures(
    pool: &PgPool,
    org: Uuid,
    grace_secs: i64,
) -> Result<CallFigures, DataError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        active: i64,
        silent: i64,
        timeouts_15m: i64,
        timeouts_1h: i64,
        finished_15m: i64,
        failed_15m: i64,
        finished_1h: i64,
        failed_1h: i64,
        total: i64,
        last_callback_at: Option<DateTime<Utc>>,
        rejected_15m: i64,
    }
    let r: Row = sqlx::query_as(
        "WITH active AS ( \
             SELECT count(*) AS active, \
                    count(*) FILTER (WHERE created_at < now() - make_interval(secs => $2) \
                                       AND last_callback_at IS NULL) AS silent \
             FROM calls WHERE organization_id = $1 AND status IN ('QUEUED', 'RINGING', 'IN_PROGRESS')), \
         recent AS ( \
             SELECT count(*) FILTER (WHERE failure_reason = 'timeout' AND ended_at > now() - interval '15 minutes') AS timeouts_15m, \
                    count(*) FILTER (WHERE failure_reason = 'timeout') AS timeouts_1h, \
                    count(*) FILTER (WHERE ended_at > now() - interval '15 minutes') AS finished_15m, \
                    count(*) FILTER (WHERE status = 'FAILED' AND ended_at > now() - interval '15 minutes') AS failed_15m, \
                    count(*) AS finished_1h, \
                    count(*) FILTER (WHERE status = 'FAILED') AS failed_1h \
             FROM calls WHERE organization_id = $1 AND ended_at > now() - interval '1 hour'), \
         receipts AS ( \
             SELECT max(last_at) FILTER (WHERE outcome <> 'rejected') AS last_callback_at, \
                    COALESCE(sum(received) FILTER (WHERE outcome = 'rejected' \
                                                     AND minute >= date_trunc('minute', now() - interval '15 minutes')), 0)::bigint AS rejected_15m \
             FROM webhook_receipts WHERE organization_id = $1) \
         SELECT active.*, recent.*, receipts.*, \
                (SELECT count(*) FROM calls WHERE organization_id = $1 AND ended_at IS NOT NULL) AS total \
         FROM active, recent, receipts",
    )
    .bind(org)
    .bind(grace_secs as f64)
    .fetch_one(pool)
    .await?;
    Ok(CallFigures {
        active_calls: r.active,
        timeouts_15m: r.timeouts_15m,
        timeouts_1h: r.timeouts_1h,
        last_callback_at: r.last_callback_at,
        rejected_callbacks_15m: r.rejected_15m,
        silent_calls: r.silent,
        failure_rate_15m: FailureRate::new(r.finished_15m, r.failed_15m),
        failure_rate_1h: FailureRate::new(r.finished_1h, r.failed_1h),
        total_calls_processed: r.total,
    })
}

/// Drop day-old callback counts and latency reports.
pub async fn prune(pool: &PgPool) -> Result<(), DataError> {
    sqlx::query("DELETE FROM webhook_receipts WHERE minute < now() - interval '1 day'")
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM browser_latency WHERE minute < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(())
}

/// Call health per minute over the last hour (oldest first): calls active at the end of each
/// minute, timeouts, failure rate (%) and seconds since the last accepted callback.
/// `active_now` anchors the active-call counts, which are walked back from it.
pub async fn call_series(
    pool: &PgPool,
    org: Uuid,
    active_now: i64,
) -> Result<[Vec<MinutePoint>; 4], DataError> {
    let now_minute = Utc::now().timestamp().div_euclid(60);
    let first = now_minute - 59;
    let created: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT extract(epoch FROM created_at)::bigint / 60 AS m, count(*) FROM calls \
         WHERE organization_id = $1 AND created_at >= to_timestamp($2 * 60) GROUP BY 1",
    )
    .bind(org)
    .bind(first)
    .fetch_all(pool)
    .await?;
    let ended: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT extract(epoch FROM ended_at)::bigint / 60 AS m, count(*), \
                count(*) FILTER (WHERE status = 'FAILED'), \
                count(*) FILTER (WHERE failure_reason = 'timeout') \
         FROM calls WHERE organization_id = $1 AND ended_at >= to_timestamp($2 * 60) GROUP BY 1",
    )
    .bind(org)
    .bind(first)
    .fetch_all(pool)
    .await?;
    let callbacks: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
        "SELECT GREATEST(extract(epoch FROM minute)::bigint / 60, $2 - 1), max(last_at) \
         FROM webhook_receipts WHERE organization_id = $1 AND outcome <> 'rejected' GROUP BY 1",
    )
    .bind(org)
    .bind(first)
    .fetch_all(pool)
    .await?;
    let at = |v: &[(i64, i64)], m: i64| v.iter().filter(|r| r.0 == m).map(|r| r.1).sum::<i64>();
    let mut out: [Vec<MinutePoint>; 4] = Default::default();
    // Active at the end of minute m = active now − created after m + ended after m.
    let mut active = active_now;
    let ended_counts: Vec<(i64, i64)> = ended.iter().map(|e| (e.0, e.1)).collect();
    for m in (first..=now_minute).rev() {
        out[0].push(MinutePoint {
            minute: m,
            value: active.max(0) as f64,
        });
        active = active - at(&ended_counts, m) + at(&created, m);
    }
    out[0].reverse();
    let now = Utc::now();
    for m in first..=now_minute {
        let row = ended.iter().find(|e| e.0 == m);
        let (finished, failed, timeouts) = row.map_or((0, 0, 0), |e| (e.1, e.2, e.3));
        out[1].push(MinutePoint {
            minute: m,
            value: timeouts as f64,
        });
        if finished > 0 {
            out[2].push(MinutePoint {
                minute: m,
                value: 100.0 * failed as f64 / finished as f64,
            });
        }
        let end = DateTime::from_timestamp((m + 1) * 60, 0)
            .unwrap_or(now)
            .min(now);
        if let Some(last) = callbacks
            .iter()
            .filter(|c| c.0 <= m)
            .map(|c| c.1)
            .filter(|t| *t <= end)
            .max()
        {
            out[3].push(MinutePoint {
                minute: m,
                value: (end - last).num_milliseconds().max(0) as f64 / 1000.0,
            });
        }
    }
    Ok(out)
}
