use std::time::Duration;

use super::{insert_call, stream_url};
use crate::helpers::{spawn_second, spawn_seeded};
use crate::sse::Sse;

/// Two server processes on one database: a change written through one instance's connection
/// pool, or with psql, reaches a subscriber of the other.
#[tokio::test]
async fn every_instance_serves_every_change() {
    let a = spawn_seeded().await;
    let b = spawn_second(&a).await;
    let token = a.token("operator@acme.example").await;
    let mut on_b = Sse::open(&stream_url(&b, "sub=calls"), &token, None).await;
    on_b.ready().await;
    let through_a = insert_call(&a, "acme").await;
    a.psql(&format!(
        "UPDATE calls SET status = 'RINGING' WHERE id = '{through_a}'"
    ));
    let evs = on_b.changes(2, Duration::from_secs(5)).await;
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[0].json()["eventType"], "INSERT");
    assert_eq!(evs[1].json()["new"]["status"], "RINGING");
    // Cursors mean the same on every instance: resume on A where B left off.
    a.psql(&format!(
        "UPDATE calls SET status = 'IN_PROGRESS' WHERE id = '{through_a}'"
    ));
    let mut on_a = Sse::open(&stream_url(&a, "sub=calls"), &token, evs[1].id.as_deref()).await;
    let resumed = on_a.changes(1, Duration::from_secs(5)).await;
    assert_eq!(resumed[0].json()["new"]["status"], "IN_PROGRESS");
}
