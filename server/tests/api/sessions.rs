//! A stream must not outlive its credentials: a revoked token, a logout, an expired session or
//! a deleted user ends every stream opened with it, on every instance.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{spawn_second, spawn_seeded, spawn_with, TestApp};
use crate::realtime::{insert_call, stream_url};
use crate::sse::Sse;

/// Longest a revoked stream may live (the target is 15 s).
const TARGET: Duration = Duration::from_secs(15);

async fn open(app: &TestApp, token: &str) -> Sse {
    let mut sse = Sse::open(&stream_url(app, "sub=calls"), token, None).await;
    sse.ready().await;
    sse
}

/// Read until the stream ends: it must say `session_ended` first, within `within`.
async fn assert_ends(sse: &mut Sse, within: Duration) -> Duration {
    let started = Instant::now();
    let (events, ended) = sse.until_end(within).await;
    assert!(ended, "the stream is still open after {within:?}");
    assert!(
        events.iter().any(|e| e.event == "session_ended"),
        "the stream says why it ends: {events:?}"
    );
    let took = started.elapsed();
    println!("stream ended {took:?} after its session did");
    took
}

#[tokio::test]
async fn a_revoked_tokens_stream_ends_at_once_and_it_cannot_open_another() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let other = app.token("operator@acme.example").await;
    let mut sse = open(&app, &token).await;
    let mut unaffected = open(&app, &other).await;
    assert_eq!(app.revoke(&token).await, StatusCode::NO_CONTENT);
    let took = assert_ends(&mut sse, TARGET).await;
    assert!(
        took < Duration::from_secs(3),
        "ended by notification, took {took:?}"
    );
    let (status, _) = Sse::try_open(&stream_url(&app, "sub=calls"), &token, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The same user's other session keeps its stream, and it still gets changes.
    insert_call(&app, "acme").await;
    assert_eq!(unaffected.changes(1, Duration::from_secs(5)).await.len(), 1);
}

#[tokio::test]
async fn logging_out_ends_the_browser_sessions_stream() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("organizer@acme.example").await;
    let (status, sse) = Sse::send(browser.get(stream_url(&app, "sub=calls"))).await;
    assert_eq!(status, StatusCode::OK);
    let mut sse = sse.unwrap();
    sse.ready().await;
    let res = browser.post(app.url("/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_ends(&mut sse, TARGET).await;
}

#[tokio::test]
async fn an_expired_session_is_found_by_the_recheck_within_a_heartbeat() {
    // No notification when a session merely expires: the periodic re-check must catch it.
    let app = spawn_with(|s| s.realtime.heartbeat = Duration::from_secs(1)).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let token = app.token("operator@acme.example").await;
    let mut sse = open(&app, &token).await;
    app.psql("UPDATE sessions SET expires_at = now() - interval '1 second'");
    let took = assert_ends(&mut sse, TARGET).await;
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[tokio::test]
async fn a_deleted_users_streams_end() {
    let app = spawn_seeded().await;
    let token = app.token("organizer@globex.example").await;
    let mut sse = open(&app, &token).await;
    app.psql("DELETE FROM users WHERE email = 'organizer@globex.example'");
    assert_ends(&mut sse, TARGET).await;
}

#[tokio::test]
async fn a_token_revoked_on_one_instance_ends_its_stream_on_another() {
    let first = spawn_seeded().await;
    let second = spawn_second(&first).await;
    let token = first.token("admin@acme.example").await;
    let mut sse = open(&second, &token).await;
    assert_eq!(first.revoke(&token).await, StatusCode::NO_CONTENT);
    // Sooner than the 10 s re-check: the other instance heard the notification.
    let took = assert_ends(&mut sse, TARGET).await;
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[tokio::test]
async fn a_stream_says_whose_it_is_before_anything_else() {
    let app = spawn_seeded().await;
    let token = app.token("operator@globex.example").await;
    let mut sse = open(&app, &token).await;
    let welcome = sse.welcome.take().expect("a welcome event");
    assert_eq!(
        welcome["organization_id"],
        app.org_id("globex").await.to_string()
    );
    let user: String =
        sqlx::query_scalar("SELECT id::text FROM users WHERE email = 'operator@globex.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(welcome["user_id"], user);
}
