use std::time::Duration;

use super::{insert_call, stream_url};
use crate::cluster::TempCluster;
use crate::helpers::{spawn_in, spawn_seeded};
use crate::sse::Sse;

#[tokio::test]
async fn killing_the_listening_connection_loses_nothing() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let call = insert_call(&app, "acme").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls:UPDATE"), &token, None).await;
    sse.ready().await;
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND query ILIKE 'LISTEN%realtime_changes%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(killed, 1, "one listener per instance");
    for reason in ["a", "b", "c"] {
        app.psql(&format!(
            "UPDATE calls SET failure_reason = '{reason}' WHERE id = '{call}'"
        ));
    }
    let evs = sse.changes(3, Duration::from_secs(5)).await;
    let reasons: Vec<_> = evs
        .iter()
        .map(|e| e.json()["new"]["failure_reason"].clone())
        .collect();
    assert_eq!(reasons, ["a", "b", "c"]);
    // The listener comes back by itself (within a bounded wait, generous for a loaded machine).
    let token2 = app.token("admin@acme.example").await;
    let mut back = false;
    let mut status = serde_json::Value::Null;
    for _ in 0..100 {
        status = app.get_json(&token2, "/api/realtime/status").await.1;
        if status["listener_connected"] == true && status["listener_reconnects"].as_u64() >= Some(1)
        {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "the listener reconnected: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_loses_nothing() {
    let cluster = TempCluster::start();
    let app = spawn_in(cluster.server_url(), |_| {}).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let token = app.token("operator@acme.example").await;
    let call = insert_call(&app, "acme").await;
    let url = stream_url(&app, "sub=calls:UPDATE");
    let mut sse = Sse::open(&url, &token, None).await;
    sse.ready().await;
    app.psql(&format!(
        "UPDATE calls SET failure_reason = 'before' WHERE id = '{call}'"
    ));
    let before = sse.changes(1, Duration::from_secs(5)).await.pop().unwrap();

    cluster.restart();
    // Write as soon as Postgres accepts connections again.
    let mut written = false;
    for _ in 0..50 {
        let ok = std::process::Command::new("psql")
            .args([
                &app.database_url(),
                "-qAtc",
                &format!("UPDATE calls SET failure_reason = 'after' WHERE id = '{call}'"),
            ])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            written = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(written, "Postgres came back");

    // The open stream may survive the restart or end; either way nothing is lost.
    let mut evs = sse.changes(1, Duration::from_secs(10)).await;
    if evs.is_empty() {
        let mut again = Sse::open(&url, &token, before.id.as_deref()).await;
        evs = again.changes(1, Duration::from_secs(10)).await;
    }
    assert_eq!(evs.len(), 1, "the change written after the restart arrives");
    assert_eq!(evs[0].json()["new"]["failure_reason"], "after");
    drop(app);
}
