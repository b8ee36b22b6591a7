//! Presence and broadcast against real Postgres: across instances, scoped to the organization,
//! expired when a browser goes silent, and never in the change log.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_second, spawn_seeded, spawn_with, TestApp};
use crate::sse::Sse;

const WAIT: Duration = Duration::from_secs(8);

async fn stream(app: &TestApp, token: &str) -> (Sse, String) {
    let mut sse = Sse::open(&app.url("/api/realtime/stream?sub=calls"), token, None).await;
    let connection = sse.connection().await;
    (sse, connection)
}

async fn put(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let res = Client::new()
        .put(app.url("/api/presence"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn join(app: &TestApp, token: &str, connection: &str, rooms: &[&str]) {
    let (status, body) = put(
        app,
        token,
        json!({ "connection": connection, "rooms": rooms }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn post_broadcast(app: &TestApp, token: &str, body: Value) -> StatusCode {
    Client::new()
        .post(app.url("/api/broadcast"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

fn names(users: &Value) -> Vec<String> {
    users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Waits for a `presence_diff` of `room` in which someone named `who` joins (or leaves).
async fn diff(sse: &mut Sse, room: &str, kind: &str, who: &str) -> bool {
    sse.next_matching("presence_diff", WAIT, |d| {
        d["room"] == room && names(&d[kind]).iter().any(|n| n.contains(who))
    })
    .await
    .is_some()
}

#[tokio::test]
async fn members_of_a_room_see_each_other_join_and_leave_across_two_instances() {
    let a = spawn_seeded().await;
    let b = spawn_second(&a).await;
    let (ada, bob) = (
        a.token("organizer@acme.example").await,
        a.token("operator@acme.example").await,
    );
    let (mut ada_sse, ada_conn) = stream(&a, &ada).await;
    join(&a, &ada, &ada_conn, &["campaign:one"]).await;
    let state = ada_sse
        .next_matching("presence", WAIT, |d| d["room"] == "campaign:one")
        .await
        .expect("a full state on joining");
    assert!(state.id.is_none(), "presence events carry no id");
    // Bob is served by the other instance, and reports there.
    let (bob_sse, bob_conn) = stream(&b, &bob).await;
    join(&b, &bob, &bob_conn, &["campaign:one", "clients"]).await;
    assert!(
        diff(&mut ada_sse, "campaign:one", "joins", "Operator").await,
        "Ada sees Bob join"
    );
    let (_, here) = a.get_json(&ada, "/api/presence?room=campaign:one").await;
    assert_eq!(here["users"].as_array().unwrap().len(), 2, "{here}");
    let (_, org) = b.get_json(&bob, "/api/presence?room=org").await;
    assert_eq!(
        org["users"].as_array().unwrap().len(),
        2,
        "everyone reporting is in `org`"
    );
    // Bob closes his browser: gone after the short grace, not at once.
    drop(bob_sse);
    let closed = tokio::time::Instant::now();
    assert!(
        diff(&mut ada_sse, "campaign:one", "leaves", "Operator").await,
        "Ada sees Bob leave"
    );
    let after = closed.elapsed();
    assert!(
        after >= Duration::from_secs(2),
        "left after the grace, not at once ({after:?})"
    );
    let (_, here) = a.get_json(&ada, "/api/presence?room=campaign:one").await;
    assert_eq!(names(&here["users"]).len(), 1);
}

#[tokio::test]
async fn a_browser_that_stops_reporting_is_expired_though_its_connection_stays_open() {
    let a = spawn_with(|s| s.presence.ttl = Duration::from_secs(2)).await;
    server::demo::seed::seed(&a.pool).await.unwrap();
    let (ada, bob) = (
        a.token("organizer@acme.example").await,
        a.token("admin@acme.example").await,
    );
    let (mut ada_sse, ada_conn) = stream(&a, &ada).await;
    let (_bob_sse, bob_conn) = stream(&a, &bob).await;
    join(&a, &bob, &bob_conn, &["trip:9"]).await;
    // Ada keeps reporting; Bob's browser "crashed": his stream is open but silent.
    join(&a, &ada, &ada_conn, &["trip:9"]).await;
    let state = ada_sse
        .next_matching("presence", WAIT, |d| d["room"] == "trip:9")
        .await
        .unwrap();
    assert_eq!(names(&state.json()["users"]).len(), 2);
    assert!(
        diff(&mut ada_sse, "trip:9", "leaves", "Admin").await,
        "expired after the TTL"
    );
}

#[tokio::test]
async fn broadcasts_reach_the_others_in_the_room_on_any_instance_but_not_the_sender() {
    let a = spawn_seeded().await;
    let b = spawn_second(&a).await;
    let (ada, bob, cy) = (
        a.token("organizer@acme.example").await,
        a.token("operator@acme.example").await,
        a.token("admin@acme.example").await,
    );
    let (mut ada_sse, ada_conn) = stream(&a, &ada).await;
    let (mut bob_sse, bob_conn) = stream(&b, &bob).await;
    let (mut cy_sse, cy_conn) = stream(&a, &cy).await;
    join(&a, &ada, &ada_conn, &["campaign:x"]).await;
    // Ada's state first, so Bob's arrival is a diff (not already in the state she gets).
    ada_sse
        .next_matching("presence", WAIT, |d| d["room"] == "campaign:x")
        .await
        .unwrap();
    join(&b, &bob, &bob_conn, &["campaign:x"]).await;
    join(&a, &cy, &cy_conn, &["campaign:y"]).await;
    assert!(diff(&mut ada_sse, "campaign:x", "joins", "Operator").await);
    let cursor = json!({"room": "campaign:x", "event": "cursor", "payload": {"x": 0.5, "y": 0.25}});
    assert_eq!(post_broadcast(&a, &ada, cursor).await, StatusCode::ACCEPTED);
    let got = bob_sse
        .next_matching("broadcast", WAIT, |_| true)
        .await
        .expect("Bob, on the other instance, gets it");
    assert!(got.id.is_none(), "broadcasts carry no id");
    let m = got.json();
    assert_eq!(m["event"], "cursor");
    assert_eq!(m["payload"], json!({"x": 0.5, "y": 0.25}));
    assert!(m["name"].as_str().unwrap().contains("Organizer"), "{m}");
    let quiet = Duration::from_millis(700);
    assert!(
        ada_sse
            .next_matching("broadcast", quiet, |_| true)
            .await
            .is_none(),
        "not to the sender"
    );
    assert!(
        cy_sse
            .next_matching("broadcast", quiet, |_| true)
            .await
            .is_none(),
        "not to another room"
    );
    // Asked for: the sender's own connections get it too.
    let echo = json!({"room": "campaign:x", "event": "ping", "payload": 1, "self": true});
    assert_eq!(post_broadcast(&b, &ada, echo).await, StatusCode::ACCEPTED);
    assert!(ada_sse
        .next_matching("broadcast", WAIT, |m| m["event"] == "ping")
        .await
        .is_some());
    // Never stored: the polling endpoint's change list has none of it.
    let (status, page) = a
        .get_json(&ada, "/api/realtime/changes?sub=calls&sub=campaigns")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["changes"], json!([]), "{page}");
}

#[tokio::test]
async fn another_organization_never_sees_presence_or_broadcasts_of_a_room_with_the_same_name() {
    let a = spawn_seeded().await;
    let (acme, globex) = (
        a.token("organizer@acme.example").await,
        a.token("organizer@globex.example").await,
    );
    let (mut acme_sse, acme_conn) = stream(&a, &acme).await;
    let (mut globex_sse, globex_conn) = stream(&a, &globex).await;
    join(&a, &acme, &acme_conn, &["campaign:shared"]).await;
    join(&a, &globex, &globex_conn, &["campaign:shared"]).await;
    let state = globex_sse
        .next_matching("presence", WAIT, |d| d["room"] == "campaign:shared")
        .await
        .unwrap();
    assert_eq!(names(&state.json()["users"]).len(), 1, "only Globex's own");
    let (_, seen) = a
        .get_json(&globex, "/api/presence?room=campaign:shared")
        .await;
    assert_eq!(names(&seen["users"]).len(), 1, "{seen}");
    let msg = json!({"room": "campaign:shared", "event": "cursor", "payload": {}});
    assert_eq!(post_broadcast(&a, &globex, msg).await, StatusCode::ACCEPTED);
    let quiet = Duration::from_millis(800);
    assert!(acme_sse
        .next_matching("broadcast", quiet, |_| true)
        .await
        .is_none());
    assert!(acme_sse
        .next_matching("presence_diff", quiet, |_| true)
        .await
        .is_none());
    // Nor may Globex report rooms for Acme's connection.
    let (status, _) = put(
        &a,
        &globex,
        json!({"connection": acme_conn, "rooms": ["x"]}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_rooms_events_and_payloads_are_refused_with_a_4xx() {
    let a = spawn_seeded().await;
    let token = a.token("organizer@acme.example").await;
    let (_sse, conn) = stream(&a, &token).await;
    let bad_room = put(
        &a,
        &token,
        json!({"connection": conn, "rooms": ["Campaign 1"]}),
    )
    .await;
    assert_eq!(bad_room.0, StatusCode::BAD_REQUEST);
    assert!(bad_room.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a room"));
    let many: Vec<String> = (0..21).map(|i| format!("trip:{i}")).collect();
    let too_many = put(&a, &token, json!({"connection": conn, "rooms": many})).await;
    assert_eq!(too_many.0, StatusCode::BAD_REQUEST);
    let unknown = put(
        &a,
        &token,
        json!({"connection": uuid::Uuid::new_v4(), "rooms": []}),
    )
    .await;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    let extra = put(
        &a,
        &token,
        json!({"connection": conn, "rooms": [], "user_id": "x"}),
    )
    .await;
    assert_eq!(extra.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = a.get_json(&token, "/api/presence?room=a%20b").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let send = |body: Value| post_broadcast(&a, &token, body);
    assert_eq!(
        send(json!({"room": "x y", "event": "cursor", "payload": 1})).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(json!({"room": "x", "event": "Cursor!", "payload": 1})).await,
        StatusCode::BAD_REQUEST
    );
    let big = "x".repeat(5000);
    assert_eq!(
        send(json!({"room": "x", "event": "cursor", "payload": big})).await,
        StatusCode::BAD_REQUEST
    );
    // Valid JSON that a JSON value cannot hold (beyond f64), spread over lines: 400, not a 500.
    let raw = "{\"room\": \"x\", \"event\": \"cursor\", \"payload\": {\n\"n\": 1e400}}";
    let res = Client::new()
        .post(a.url("/api/broadcast"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let huge = "x".repeat(100 * 1024);
    assert_eq!(
        send(json!({"room": "x", "event": "cursor", "payload": huge})).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let signed_out = Client::new()
        .post(a.url("/api/broadcast"))
        .json(&json!({"room": "x", "event": "cursor", "payload": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
    // A revoked token's stream ends, and its reports are refused.
    assert_eq!(a.revoke(&token).await, StatusCode::NO_CONTENT);
    let (status, _) = put(&a, &token, json!({"connection": conn, "rooms": []})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn one_user_posting_faster_than_the_rate_gets_429() {
    let a = spawn_with(|s| {
        s.presence.broadcast_rate = std::num::NonZeroU32::new(2).unwrap();
        s.presence.broadcast_burst = std::num::NonZeroU32::new(5).unwrap();
    })
    .await;
    server::demo::seed::seed(&a.pool).await.unwrap();
    let token = a.token("organizer@acme.example").await;
    let msg = json!({"room": "campaign:1", "event": "cursor", "payload": {"x": 1}});
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(post_broadcast(&a, &token, msg.clone()).await);
    }
    assert_eq!(statuses[0], StatusCode::ACCEPTED);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Another user is not held back by it.
    let other = a.token("admin@acme.example").await;
    assert_eq!(post_broadcast(&a, &other, msg).await, StatusCode::ACCEPTED);
}
