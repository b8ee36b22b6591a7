use std::time::Duration;

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use server::demo::simulator::{run, SimulatorConfig};

use crate::helpers::{spawn_seeded, spawn_with};

fn fast() -> SimulatorConfig {
    SimulatorConfig {
        calls_per_second: 15.0,
        failure_rate: 0.2,
        tick: Duration::from_millis(50),
        // Every call phase 50× faster: a whole call takes at most ~1.4 s.
        time_scale: 0.02,
        ..SimulatorConfig::default()
    }
}

#[tokio::test]
async fn the_simulator_moves_calls_through_every_status_and_completes_campaigns() {
    let app = spawn_seeded().await;
    // A small active campaign that the dialer can finish.
    let org = app.org_id("acme").await;
    let small: Uuid = sqlx::query_scalar(
        "INSERT INTO campaigns (organization_id, name, status) VALUES ($1, 'Tiny', 'active') RETURNING id",
    )
    .bind(org)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO contacts (organization_id, campaign_id, name, phone) \
         SELECT $1, $2, 'Tiny ' || i, '+1 555 000 ' || i FROM generate_series(1, 3) i",
    )
    .bind(org)
    .bind(small)
    .execute(&app.pool)
    .await
    .unwrap();

    let cancel = CancellationToken::new();
    let task = tokio::spawn(run(app.pool.clone(), fast(), cancel.clone()));
    let mut finished = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (ended, failed, status): (i64, i64, String) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE k.status = 'ENDED' AND k.provider_call_id LIKE 'sim-%' AND k.answered_at IS NOT NULL AND k.created_at > now() - interval '1 minute'), \
                    count(*) FILTER (WHERE k.status = 'FAILED' AND k.created_at > now() - interval '1 minute'), \
                    (SELECT status FROM campaigns WHERE id = $1) \
             FROM calls k",
        )
        .bind(small)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if ended > 0 && failed > 0 && status == "completed" {
            finished = true;
            break;
        }
    }
    cancel.cancel();
    task.await.unwrap();
    assert!(
        finished,
        "within 10 s the dialer ended and failed calls and completed the small campaign"
    );

    // Every finished simulated call left its contact with the matching outcome.
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM calls k JOIN contacts p ON p.id = k.contact_id \
         WHERE (k.status = 'ENDED' AND p.status <> 'completed') OR (k.status = 'FAILED' AND p.status <> 'failed')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(mismatched, 0);
    let tiny_contacts_done: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM contacts WHERE campaign_id = $1 AND status IN ('completed', 'failed')",
    )
    .bind(small)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(tiny_contacts_done, 3);
}

#[tokio::test]
async fn only_one_of_several_instances_dials_at_a_time() {
    let app = spawn_seeded().await;
    let cancel = CancellationToken::new();
    let a = tokio::spawn(run(app.pool.clone(), fast(), cancel.clone()));
    let b = tokio::spawn(run(app.pool.clone(), fast(), cancel.clone()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Only the dialer's lock: commits of captured tables briefly hold an advisory lock too.
    let key = server::demo::simulator::LEADER_LOCK_KEY;
    let holders: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = \
         (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND classid::bigint = $1 AND objid::bigint = $2",
    )
    .bind(key >> 32)
    .bind(key & 0xffff_ffff)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    cancel.cancel();
    a.await.unwrap();
    b.await.unwrap();
    assert_eq!(holders, 1);
}

#[tokio::test]
async fn in_make_run_the_dialer_moves_calls_through_the_signed_webhook() {
    let app = spawn_with(|s| {
        s.simulator = Some(SimulatorConfig {
            webhooks: true,
            ..fast()
        });
    })
    .await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let mut moved = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (applied, rejected, ended): (i64, i64, i64) = sqlx::query_as(
            "SELECT COALESCE(sum(received) FILTER (WHERE outcome = 'applied'), 0)::bigint, \
                    COALESCE(sum(received) FILTER (WHERE outcome = 'rejected'), 0)::bigint, \
                    (SELECT count(*) FROM calls WHERE status = 'ENDED' AND last_callback_at IS NOT NULL \
                       AND provider_sequence >= 3) \
             FROM webhook_receipts",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(rejected, 0, "every callback the dialer signs is accepted");
        if applied >= 10 && ended >= 1 {
            moved = true;
            break;
        }
    }
    assert!(moved, "calls ended through callbacks received over HTTP");
}
