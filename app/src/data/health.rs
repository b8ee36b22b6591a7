//! The figures behind the health-check and the admin health page: calls, callbacks,
//! per-instance engine samples and browser-reported latency, all read from Postgres so every
//! instance gives the same answer.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::DataError;
use crate::model::operations::{
    latency_quantile, AdminHealth, CallFigures, FailureRate, HealthCheck, HealthThresholds,
    MinutePoint, Series, LATENCY_COUNTS,
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
    let engine = engine_series(pool, org).await?;
    let (render_p50_ms, render_p99_ms) = render_latency(pool, org).await?;
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

/// What one instance measured for one organization over `window_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceSample {
    pub organization_id: Uuid,
    pub published: u64,
    pub deliveries: u64,
    pub streams: u32,
    pub subscriptions: u32,
    pub publish_p50_ms: Option<f64>,
    pub publish_p99_ms: Option<f64>,
}

/// Store one instance's samples (one row per organization) and forget samples older than an
/// hour and five minutes.
pub async fn record_samples(
    pool: &PgPool,
    instance: Uuid,
    window_ms: i32,
    listener_connected: bool,
    listener_reconnects: u64,
    samples: &[InstanceSample],
) -> Result<(), DataError> {
    if !samples.is_empty() {
        let orgs: Vec<Uuid> = samples.iter().map(|s| s.organization_id).collect();
        let num = |f: fn(&InstanceSample) -> u64| {
            samples.iter().map(|s| f(s) as i64).collect::<Vec<i64>>()
        };
        let p = |f: fn(&InstanceSample) -> Option<f64>| {
            samples.iter().map(f).collect::<Vec<Option<f64>>>()
        };
        sqlx::query(
            "INSERT INTO instance_samples (instance_id, organization_id, sampled_at, window_ms, \
                 published, deliveries, streams, subscriptions, listener_connected, \
                 listener_reconnects, publish_p50_ms, publish_p99_ms) \
             SELECT $1, o, now(), $2, p, d, s, u, $3, $4, p50, p99 \
             FROM unnest($5::uuid[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], \
                         $10::float8[], $11::float8[]) AS t(o, p, d, s, u, p50, p99) \
             WHERE EXISTS (SELECT 1 FROM organizations WHERE id = o)",
        )
        .bind(instance)
        .bind(window_ms)
        .bind(listener_connected)
        .bind(listener_reconnects as i64)
        .bind(&orgs)
        .bind(num(|s| s.published))
        .bind(num(|s| s.deliveries))
        .bind(num(|s| u64::from(s.streams)))
        .bind(num(|s| u64::from(s.subscriptions)))
        .bind(p(|s| s.publish_p50_ms))
        .bind(p(|s| s.publish_p99_ms))
        .execute(pool)
        .await?;
    }
    sqlx::query("DELETE FROM instance_samples WHERE sampled_at < now() - interval '65 minutes'")
        .execute(pool)
        .await?;
    Ok(())
}

/// Add a browser's latency counts to its organization's current minute.
pub async fn record_latency(pool: &PgPool, org: Uuid, counts: &[u64]) -> Result<(), DataError> {
    let counts: Vec<i64> = counts
        .iter()
        .map(|c| (*c).min(i64::MAX as u64) as i64)
        .collect();
    sqlx::query(
        "INSERT INTO browser_latency (organization_id, minute, counts) \
         VALUES ($1, date_trunc('minute', now()), $2) \
         ON CONFLICT (organization_id, minute) DO UPDATE SET counts = \
             ARRAY(SELECT a + b FROM unnest(browser_latency.counts, EXCLUDED.counts) AS t(a, b))",
    )
    .bind(org)
    .bind(&counts)
    .execute(pool)
    .await?;
    Ok(())
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

/// Engine figures of the organization for the admin page.
pub struct EngineSeries {
    pub publish_p50_ms: Series,
    pub publish_p99_ms: Series,
    pub messages_per_second: Series,
    pub deliveries_per_second: Series,
    pub open_streams: Series,
    pub subscriptions: Series,
    pub listener_uptime_pct: Series,
    pub listener_reconnects: i64,
    pub instances: i64,
    pub instances_listening: i64,
}

/// Per-minute engine figures over the last hour, summed over instances, and "now" from the
/// samples of the last 10 seconds.
pub async fn engine_series(pool: &PgPool, org: Uuid) -> Result<EngineSeries, DataError> {
    #[derive(sqlx::FromRow)]
    struct Minute {
        minute: i64,
        p50: Option<f64>,
        p99: Option<f64>,
        msgs: f64,
        deliveries: f64,
        streams: f64,
        subs: f64,
        uptime: f64,
    }
    // Rates are sums over the window divided by its length; stream counts are averaged per
    // instance and sample time, then summed over instances.
    let minutes: Vec<Minute> = sqlx::query_as(
        "WITH s AS (SELECT * FROM instance_samples \
                    WHERE organization_id = $1 AND sampled_at > now() - interval '1 hour'), \
         per_instance AS ( \
             SELECT (extract(epoch FROM sampled_at)::bigint / 60) AS minute, instance_id, \
                    max(publish_p50_ms) AS p50, max(publish_p99_ms) AS p99, \
                    sum(published)::float8 AS published, sum(deliveries)::float8 AS deliveries, \
                    sum(window_ms)::float8 / 1000 AS secs, avg(streams)::float8 AS streams, \
                    avg(subscriptions)::float8 AS subs, \
                    avg(CASE WHEN listener_connected THEN 100.0 ELSE 0.0 END)::float8 AS uptime \
             FROM s GROUP BY 1, 2) \
         SELECT minute, max(p50) AS p50, max(p99) AS p99, \
                sum(published / secs) AS msgs, sum(deliveries / secs) AS deliveries, \
                sum(streams) AS streams, sum(subs) AS subs, avg(uptime) AS uptime \
         FROM per_instance GROUP BY minute ORDER BY minute",
    )
    .bind(org)
    .fetch_all(pool)
    .await?;
    #[derive(sqlx::FromRow)]
    struct Now {
        instances: i64,
        listening: i64,
        p50: Option<f64>,
        p99: Option<f64>,
        msgs: Option<f64>,
        deliveries: Option<f64>,
        streams: Option<i64>,
        subs: Option<i64>,
        reconnects: Option<i64>,
    }
    let now: Now = sqlx::query_as(
        "WITH latest AS ( \
             SELECT DISTINCT ON (instance_id) * FROM instance_samples \
             WHERE organization_id = $1 AND sampled_at > now() - interval '10 seconds' \
             ORDER BY instance_id, sampled_at DESC), \
         window_rates AS ( \
             SELECT sum(published)::float8 / greatest(sum(window_ms), 1) * 1000 AS msgs, \
                    sum(deliveries)::float8 / greatest(sum(window_ms), 1) * 1000 AS deliveries \
             FROM instance_samples \
             WHERE organization_id = $1 AND sampled_at > now() - interval '10 seconds') \
         SELECT count(*) AS instances, count(*) FILTER (WHERE listener_connected) AS listening, \
                max(publish_p50_ms) AS p50, max(publish_p99_ms) AS p99, \
                (SELECT msgs FROM window_rates) AS msgs, \
                (SELECT deliveries FROM window_rates) AS deliveries, \
                sum(streams)::bigint AS streams, sum(subscriptions)::bigint AS subs, \
                sum(listener_reconnects)::bigint AS reconnects \
         FROM latest",
    )
    .bind(org)
    .fetch_one(pool)
    .await?;
    let series = |now: Option<f64>, f: fn(&Minute) -> Option<f64>| Series {
        now,
        minutes: minutes
            .iter()
            .filter_map(|m| {
                f(m).map(|value| MinutePoint {
                    minute: m.minute,
                    value,
                })
            })
            .collect(),
    };
    let uptime_now =
        (now.instances > 0).then(|| 100.0 * now.listening as f64 / now.instances as f64);
    Ok(EngineSeries {
        publish_p50_ms: series(now.p50, |m| m.p50),
        publish_p99_ms: series(now.p99, |m| m.p99),
        messages_per_second: series(now.msgs, |m| Some(m.msgs)),
        deliveries_per_second: series(now.deliveries, |m| Some(m.deliveries)),
        open_streams: series(now.streams.map(|s| s as f64), |m| Some(m.streams)),
        subscriptions: series(now.subs.map(|s| s as f64), |m| Some(m.subs)),
        listener_uptime_pct: series(uptime_now, |m| Some(m.uptime)),
        listener_reconnects: now.reconnects.unwrap_or(0),
        instances: now.instances,
        instances_listening: now.listening,
    })
}

/// Commit → render latency as browsers reported it: p50 and p99 per minute over the last hour,
/// and over the last five minutes as "now".
pub async fn render_latency(pool: &PgPool, org: Uuid) -> Result<(Series, Series), DataError> {
    let rows: Vec<(i64, Vec<i64>)> = sqlx::query_as(
        "SELECT (extract(epoch FROM minute)::bigint / 60), counts FROM browser_latency \
         WHERE organization_id = $1 AND minute > now() - interval '1 hour' ORDER BY minute",
    )
    .bind(org)
    .fetch_all(pool)
    .await?;
    let newest = rows.last().map_or(0, |r| r.0);
    let mut recent = vec![0i64; LATENCY_COUNTS];
    let (mut p50, mut p99) = (Series::default(), Series::default());
    for (minute, counts) in &rows {
        if *minute > newest - 5 {
            for (acc, c) in recent.iter_mut().zip(counts) {
                *acc += c;
            }
        }
        if let Some(v) = latency_quantile(counts, 0.5) {
            p50.minutes.push(MinutePoint {
                minute: *minute,
                value: v,
            });
        }
        if let Some(v) = latency_quantile(counts, 0.99) {
            p99.minutes.push(MinutePoint {
                minute: *minute,
                value: v,
            });
        }
    }
    let current_minute = Utc::now().timestamp().div_euclid(60);
    if newest > current_minute - 5 {
        p50.now = latency_quantile(&recent, 0.5);
        p99.now = latency_quantile(&recent, 0.99);
    }
    Ok((p50, p99))
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
