//! Commit → render latency as browsers report it, summed per organization and minute.

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use super::DataError;
use crate::model::operations::{latency_quantile, MinutePoint, Series, LATENCY_COUNTS};

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
