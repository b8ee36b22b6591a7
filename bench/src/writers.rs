//! Writers: commit changes at a steady rate, one UPDATE per transaction, through Postgres.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

/// Rows the writers update in turn (Acme's calls, which the streams subscribe to).
pub async fn target_calls(pool: &PgPool) -> anyhow::Result<Vec<Uuid>> {
    let calls: Vec<Uuid> = sqlx::query_scalar(
        "SELECT k.id FROM calls k JOIN organizations o ON o.id = k.organization_id \
         WHERE o.slug = 'acme' ORDER BY k.id LIMIT 500",
    )
    .fetch_all(pool)
    .await
    .context("finding calls to update (is the demo data loaded?)")?;
    anyhow::ensure!(!calls.is_empty(), "no Acme calls to update");
    Ok(calls)
}

/// Commit `rate` changes per second for `duration` (`None`: as fast as 16 writers can);
/// returns how many committed.
pub async fn run(
    pool: &PgPool,
    calls: &[Uuid],
    rate: Option<u64>,
    duration: Duration,
) -> anyhow::Result<u64> {
    let writers = match rate {
        Some(r) => r.div_ceil(100).clamp(1, 16) as usize,
        None => 16,
    };
    let committed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (pool, committed) = (pool.clone(), committed.clone());
        let calls: Vec<Uuid> = calls.iter().skip(w).step_by(writers).copied().collect();
        let period = rate.map(|r| Duration::from_secs_f64(writers as f64 / r as f64));
        tasks.push(tokio::spawn(async move {
            let mut tick = period.map(|p| {
                let mut t = tokio::time::interval(p);
                t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                t
            });
            let mut i = 0usize;
            while Instant::now() < deadline {
                if let Some(t) = tick.as_mut() {
                    t.tick().await;
                }
                let call = calls[i % calls.len()];
                i += 1;
                sqlx::query("UPDATE calls SET failure_reason = $2 WHERE id = $1")
                    .bind(call)
                    .bind(format!("bench-{i}"))
                    .execute(&pool)
                    .await?;
                committed.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, sqlx::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(committed.load(Ordering::Relaxed))
}
