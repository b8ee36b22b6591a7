//! What each server instance measured (per organization it served: changes published,
//! deliveries, streams, subscriptions; its listener and commit → publish percentiles), stored
//! every couple of seconds in `instance_samples` and summed over instances for the admin page.

use sqlx::PgPool;
use uuid::Uuid;

use super::DataError;
use crate::model::operations::{MinutePoint, Series};

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
