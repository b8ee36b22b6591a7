use std::time::Duration;

use reqwest::StatusCode;

use super::{insert_call, stream_url};
use crate::helpers::{spawn_seeded, spawn_with};
use crate::sse::Sse;

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_psql_update_arrives_as_a_change_event_after_ready() {
    let app = spawn_seeded().await;
    let call = insert_call(&app, "acme").await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls"), &token, None).await;
    sse.ready().await;
    app.psql(&format!(
        "UPDATE calls SET status = 'RINGING', started_at = now() WHERE id = '{call}'"
    ));
    let ev = sse
        .changes(1, WAIT)
        .await
        .pop()
        .expect("the update arrives");
    let p = ev.json();
    assert_eq!(p["schema"], "public");
    assert_eq!(p["table"], "calls");
    assert_eq!(p["eventType"], "UPDATE");
    assert_eq!(p["new"]["id"], call.to_string());
    assert_eq!(p["new"]["status"], "RINGING");
    assert_eq!(p["old"]["status"], "QUEUED");
    assert!(p["commit_timestamp"].is_string());
    assert_eq!(ev.id.as_deref(), p["cursor"].as_str());
}

/// The idle sequencer's cheap look must not miss a transaction that was in progress, with
/// the newest xid, when the last batch ran (such an xid is in neither the batch snapshot's
/// xip list nor below its xmax) and commits while nothing else happens.
#[tokio::test]
async fn a_write_open_across_a_sequencer_batch_arrives_when_it_commits_alone() {
    let app = spawn_seeded().await;
    let call = insert_call(&app, "acme").await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls:UPDATE"), &token, None).await;
    sse.ready().await;
    let mut open = app.pool.begin().await.unwrap();
    sqlx::query("UPDATE calls SET failure_reason = 'open' WHERE id = $1")
        .bind(call)
        .execute(&mut *open)
        .await
        .unwrap();
    // The sequencer sees the change id move and runs batches while the write is open.
    tokio::time::sleep(Duration::from_millis(300)).await;
    open.commit().await.unwrap();
    let ev = sse
        .changes(1, WAIT)
        .await
        .pop()
        .expect("the commit arrives");
    assert_eq!(ev.json()["new"]["failure_reason"], "open");
}

#[tokio::test]
async fn inserts_carry_only_new_and_deletes_only_old() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(
        &stream_url(&app, "sub=calls:INSERT&sub=calls:DELETE"),
        &token,
        None,
    )
    .await;
    sse.ready().await;
    let call = insert_call(&app, "acme").await;
    app.psql(&format!(
        "UPDATE calls SET status = 'RINGING' WHERE id = '{call}'"
    ));
    app.psql(&format!("DELETE FROM calls WHERE id = '{call}'"));
    let evs = sse.changes(2, WAIT).await;
    assert_eq!(evs.len(), 2, "the UPDATE is not subscribed to");
    let (ins, del) = (evs[0].json(), evs[1].json());
    assert_eq!(ins["eventType"], "INSERT");
    assert!(ins["old"].is_null());
    assert_eq!(ins["new"]["id"], call.to_string());
    assert_eq!(del["eventType"], "DELETE");
    assert!(del["new"].is_null());
    assert_eq!(del["old"]["id"], call.to_string());
    assert_eq!(del["old"]["status"], "RINGING");
}

#[tokio::test]
async fn a_client_that_reconnects_with_its_last_event_id_gets_exactly_what_it_missed() {
    let app = spawn_seeded().await;
    let call = insert_call(&app, "acme").await;
    let token = app.token("operator@acme.example").await;
    let url = stream_url(&app, "sub=calls:UPDATE");
    let mut sse = Sse::open(&url, &token, None).await;
    sse.ready().await;
    for reason in ["a", "b", "c"] {
        app.psql(&format!(
            "UPDATE calls SET failure_reason = '{reason}' WHERE id = '{call}'"
        ));
    }
    let first = sse.changes(1, WAIT).await.pop().unwrap();
    assert_eq!(first.json()["new"]["failure_reason"], "a");
    drop(sse); // the connection goes away with b and c unread
    for reason in ["d", "e"] {
        app.psql(&format!(
            "UPDATE calls SET failure_reason = '{reason}' WHERE id = '{call}'"
        ));
    }
    // d and e in the log before the reconnect (a quiet sequencer may take up to its idle
    // pause), so all four are replay, not live.
    app.sequenced().await;
    let mut sse = Sse::open(&url, &token, first.id.as_deref()).await;
    let mut seen: Vec<String> = Vec::new();
    loop {
        let ev = sse.next(WAIT).await.expect("replay, then ready");
        if ev.event == "ready" {
            break;
        }
        seen.push(ev.json()["new"]["failure_reason"].as_str().unwrap().into());
    }
    assert_eq!(seen, ["b", "c", "d", "e"]);
    app.psql(&format!(
        "UPDATE calls SET failure_reason = 'f' WHERE id = '{call}'"
    ));
    let live = sse.changes(1, WAIT).await;
    assert_eq!(live[0].json()["new"]["failure_reason"], "f");
    assert!(
        sse.changes(1, Duration::from_millis(300)).await.is_empty(),
        "no duplicates follow"
    );
}

#[tokio::test]
async fn after_resumes_like_last_event_id_and_the_header_wins() {
    let app = spawn_seeded().await;
    let call = insert_call(&app, "acme").await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls:UPDATE"), &token, None).await;
    let start = sse.ready().await;
    for reason in ["a", "b"] {
        app.psql(&format!(
            "UPDATE calls SET failure_reason = '{reason}' WHERE id = '{call}'"
        ));
    }
    let evs = sse.changes(2, WAIT).await;
    drop(sse);
    let mut by_query = Sse::open(
        &stream_url(&app, &format!("sub=calls:UPDATE&after={start}")),
        &token,
        None,
    )
    .await;
    assert_eq!(by_query.changes(2, WAIT).await.len(), 2);
    let mut header_wins = Sse::open(
        &stream_url(&app, &format!("sub=calls:UPDATE&after={start}")),
        &token,
        evs[0].id.as_deref(),
    )
    .await;
    let replay = header_wins.next(WAIT).await.unwrap();
    assert_eq!(replay.json()["new"]["failure_reason"], "b");
}

#[tokio::test]
async fn filters_select_events_and_column_values_and_deletes_match_the_old_row() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let a = insert_call(&app, "acme").await;
    let b = insert_call(&app, "acme").await;
    let campaign = app.psql(&format!("SELECT campaign_id FROM calls WHERE id = '{a}'"));
    let q = format!(
        "sub=calls:UPDATE:status=in.(FAILED,ENDED)&sub=calls:DELETE:campaign_id=eq.{campaign}"
    );
    let mut sse = Sse::open(&stream_url(&app, &q), &token, None).await;
    sse.ready().await;
    app.psql(&format!(
        "UPDATE calls SET status = 'RINGING' WHERE id = '{a}'"
    ));
    app.psql(&format!(
        "UPDATE calls SET status = 'FAILED', failure_reason = 'busy' WHERE id = '{a}'"
    ));
    app.psql(&format!("DELETE FROM calls WHERE id = '{b}'"));
    let evs = sse.changes(3, Duration::from_secs(2)).await;
    let kinds: Vec<(String, String)> = evs
        .iter()
        .map(|e| {
            let p = e.json();
            let row = if p["new"].is_null() {
                &p["old"]
            } else {
                &p["new"]
            };
            (
                p["eventType"].as_str().unwrap().into(),
                row["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("UPDATE".into(), a.to_string()),
            ("DELETE".into(), b.to_string())
        ]
    );
}

#[tokio::test]
async fn malformed_subscriptions_and_cursors_are_a_400_that_says_why() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    for (query, says) in [
        ("", "subscribe to at least one table"),
        ("sub=users", "unknown table \"users\""),
        ("sub=calls:UPSERT", "unknown event"),
        ("sub=calls:*:nope=eq.1", "no column \"nope\""),
        ("sub=calls:*:status=like.x", "unknown operator"),
        ("sub=calls:*:campaign_id=eq.123", "not a valid uuid"),
        ("sub=calls&after=abc", "malformed cursor"),
        ("sub=calls&limit=5", "unknown parameter \"limit\""),
    ] {
        let res = reqwest::Client::new()
            .get(stream_url(&app, query))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: serde_json::Value = res.json().await.unwrap();
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(msg.contains(says), "{query}: {msg}");
    }
    let (status, _) = Sse::try_open(&stream_url(&app, "sub=calls"), &token, Some("1.x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = Sse::try_open(&stream_url(&app, "sub=calls"), "bad-token", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_cursor_older_than_the_retention_window_gets_reset_then_live_changes() {
    let app = spawn_seeded().await;
    let call = insert_call(&app, "acme").await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls"), &token, None).await;
    let old = sse.ready().await;
    drop(sse);
    app.psql(&format!(
        "UPDATE calls SET status = 'RINGING' WHERE id = '{call}'"
    ));
    app.sequenced().await;
    let pruned = server::realtime::retention::prune(&app.pool, Duration::ZERO)
        .await
        .unwrap();
    assert!(pruned > 0);
    let mut sse = Sse::open(
        &stream_url(&app, &format!("sub=calls&after={old}")),
        &token,
        None,
    )
    .await;
    let first = sse.next(WAIT).await.unwrap();
    assert_eq!(first.event, "reset");
    assert_eq!(sse.next(WAIT).await.unwrap().event, "ready");
    app.psql(&format!(
        "UPDATE calls SET status = 'IN_PROGRESS' WHERE id = '{call}'"
    ));
    let live = sse.changes(1, WAIT).await;
    assert_eq!(live[0].json()["new"]["status"], "IN_PROGRESS");
}

#[tokio::test]
async fn loading_then_subscribing_after_the_loads_cursor_misses_nothing() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let call = insert_call(&app, "acme").await;
    let (_, list) = app.get_json(&token, "/api/campaigns").await;
    let cursor = list["cursor"].as_str().unwrap().to_owned();
    // Written after the load, before the subscription.
    app.psql(&format!(
        "UPDATE calls SET status = 'RINGING' WHERE id = '{call}'"
    ));
    let mut sse = Sse::open(
        &stream_url(&app, &format!("sub=calls&after={cursor}")),
        &token,
        None,
    )
    .await;
    let evs = sse.changes(1, WAIT).await;
    assert_eq!(evs[0].json()["new"]["status"], "RINGING");
    // Single objects carry their cursor in a header.
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/calls/{call}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let header = res.headers()["realtime-cursor"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        header,
        evs[0].id.as_deref().unwrap().split('.').next().unwrap()
    );
}

#[tokio::test]
async fn idle_streams_get_a_heartbeat_event_a_browser_can_see() {
    let app = spawn_with(|s| s.realtime.heartbeat = Duration::from_millis(200)).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls"), &token, None).await;
    sse.ready().await;
    assert!(
        sse.next(Duration::from_secs(2)).await.is_none(),
        "no changes, only heartbeats"
    );
    assert!(sse.heartbeats >= 2, "heartbeats seen: {}", sse.heartbeats);
}

#[tokio::test]
async fn a_stream_that_falls_behind_the_hub_is_caught_up_from_the_log() {
    // A tiny hub buffer: a burst of 300 changes overruns it at once.
    let app = spawn_with(|s| s.realtime.hub_capacity = 4).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let call = insert_call(&app, "acme").await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls:UPDATE"), &token, None).await;
    sse.ready().await;
    update_in_one_commit_and_see_each_in_order(&app, &mut sse, call, 300).await;
    assert!(sse.changes(1, Duration::from_millis(300)).await.is_empty());
    let admin = app.token("admin@acme.example").await;
    let (_, status) = app.get_json(&admin, "/api/realtime/status").await;
    assert!(
        status["replays"].as_u64().unwrap() >= 1,
        "caught up from the log: {status}"
    );
}

#[tokio::test]
async fn batches_are_handed_to_the_tailer_and_one_too_big_to_hand_over_comes_from_the_log() {
    let app = spawn_seeded().await;
    let call = insert_call(&app, "acme").await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls:UPDATE"), &token, None).await;
    sse.ready().await;
    // Small commits, one at a time (the first may find the tailer still publishing the seed).
    for i in 0..5 {
        app.psql(&format!(
            "UPDATE calls SET failure_reason = 'small {i}' WHERE id = '{call}'"
        ));
        let evs = sse.changes(1, WAIT).await;
        assert_eq!(evs[0].json()["new"]["failure_reason"], format!("small {i}"));
    }
    // More changes in one commit than a hand-off carries (a tailer page).
    let n = server::realtime::tail::TAIL_PAGE as usize + 200;
    update_in_one_commit_and_see_each_in_order(&app, &mut sse, call, n).await;
    assert!(sse.changes(1, Duration::from_millis(300)).await.is_empty());
    let admin = app.token("admin@acme.example").await;
    let (_, status) = app.get_json(&admin, "/api/realtime/status").await;
    let published = status["events_published"].as_u64().unwrap();
    let handed = status["events_handed_over"].as_u64().unwrap();
    assert!(handed >= 1, "the small commit was handed over: {status}");
    assert!(
        published >= handed + n as u64,
        "the big one was read from the log: {status}"
    );
}

/// `n` updates of one call in one transaction; the stream gets each of them once, in order.
async fn update_in_one_commit_and_see_each_in_order(
    app: &crate::helpers::TestApp,
    sse: &mut Sse,
    call: uuid::Uuid,
    n: usize,
) {
    app.psql(&format!(
        "BEGIN; {} COMMIT;",
        (0..n)
            .map(|i| format!("UPDATE calls SET failure_reason = '{i}' WHERE id = '{call}';"))
            .collect::<String>()
    ));
    let reasons: Vec<String> = sse
        .changes(n, WAIT)
        .await
        .iter()
        .map(|e| {
            e.json()["new"]["failure_reason"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let want: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    assert_eq!(reasons, want, "every change once, in order");
}
