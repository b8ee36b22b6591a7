//! Every couple of seconds each instance writes what it measured — per organization it
//! served: changes published, deliveries, open streams, subscriptions; plus its listener
//! state and commit → publish percentiles — to `instance_samples`. The admin health page sums
//! the instances, so its figures are right whichever instance serves it.

use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use app::data::samples::{record_samples, InstanceSample};

use crate::realtime::Realtime;

pub async fn run(rt: Realtime, pool: PgPool, interval: Duration, cancel: CancellationToken) {
    let instance = Uuid::new_v4();
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    let mut last = Instant::now();
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        let window_ms = last.elapsed().as_millis().clamp(1, i32::MAX as u128) as i32;
        last = Instant::now();
        let samples = collect(&rt);
        let stats = &rt.stats;
        if let Err(e) = record_samples(
            &pool,
            instance,
            window_ms,
            stats.listener_connected.load(Relaxed),
            stats.listener_reconnects.load(Relaxed),
            &samples,
        )
        .await
        {
            tracing::warn!(error = %e, "recording this instance's figures failed");
        }
    }
}

/// This window's figures for every organization with streams or changes.
fn collect(rt: &Realtime) -> Vec<InstanceSample> {
    let (p50, p99) = rt
        .stats
        .take_delay_percentiles()
        .map_or((None, None), |(a, b)| (Some(a), Some(b)));
    rt.stats
        .take_org_counts()
        .into_iter()
        .filter_map(|(org, published, deliveries, subscriptions)| {
            let streams = rt.connections.in_organization(org) as u32;
            (published > 0 || deliveries > 0 || streams > 0).then_some(InstanceSample {
                organization_id: org,
                published,
                deliveries,
                streams,
                subscriptions: subscriptions.max(0) as u32,
                publish_p50_ms: p50,
                publish_p99_ms: p99,
            })
        })
        .collect()
}
