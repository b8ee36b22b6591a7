//! Limits that hold under abuse: each a clear 4xx with a message, never a hang or a 5xx.

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use app::data::throttle::Rate;
use server::demo::seed::{seed, DEMO_PASSWORD};

use crate::helpers::{spawn_seeded, spawn_with, TestApp};
use crate::realtime::{insert_call, stream_url};
use crate::sse::Sse;

async fn seeded_with(configure: impl FnOnce(&mut server::config::Settings)) -> TestApp {
    let app = spawn_with(configure).await;
    seed(&app.pool).await.expect("seeding");
    app
}

/// `POST /api/auth/token` from `address` (sent as X-Forwarded-For: the tests trust it).
async fn sign_in(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> (StatusCode, Value, Option<String>) {
    let res = Client::new()
        .post(app.url("/api/auth/token"))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, res.json().await.unwrap_or(Value::Null), retry)
}

#[tokio::test]
async fn guessing_one_accounts_password_is_throttled_without_locking_out_others() {
    let app = seeded_with(|s| {
        s.limits.trust_forwarded_for = true;
        s.limits.sign_in_per_account = Rate {
            burst: 3,
            window_secs: 3600,
        };
    })
    .await;
    for i in 0..3 {
        let (status, _, _) =
            sign_in(&app, &format!("10.0.0.{i}"), "admin@acme.example", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // From a fresh address too: the account itself is what is limited.
    let (status, body, retry) =
        sign_in(&app, "10.0.9.9", "admin@acme.example", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("for this account"));
    let retry: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=1200).contains(&retry), "retry after {retry} s");
    // Another account from the guesser's own address is untouched.
    let (status, _, _) = sign_in(&app, "10.0.0.1", "operator@acme.example", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    // Case and spaces do not make a new account.
    let (status, _, _) = sign_in(&app, "10.0.9.8", " ADMIN@acme.example", "guess").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn signing_in_often_does_not_count_against_an_account() {
    let app = seeded_with(|s| {
        s.limits.trust_forwarded_for = true;
        s.limits.sign_in_per_account = Rate {
            burst: 2,
            window_secs: 3600,
        };
    })
    .await;
    for i in 0..5 {
        let (status, body, _) = sign_in(
            &app,
            &format!("10.1.0.{i}"),
            "organizer@acme.example",
            DEMO_PASSWORD,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "sign-in {i}: {body}");
    }
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled_and_other_addresses_are_not() {
    let app = seeded_with(|s| {
        s.limits.trust_forwarded_for = true;
        s.limits.sign_in_per_address = Rate {
            burst: 4,
            window_secs: 3600,
        };
    })
    .await;
    for i in 0..4 {
        let (status, _, _) =
            sign_in(&app, "203.0.113.7", &format!("nobody{i}@acme.example"), "x").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body, retry) =
        sign_in(&app, "203.0.113.7", "operator@acme.example", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("from your address"));
    assert!(retry.is_some());
    let (status, _, _) = sign_in(&app, "203.0.113.8", "operator@acme.example", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_limits_hold_across_instances() {
    let first = seeded_with(|s| {
        s.limits.sign_in_per_account = Rate {
            burst: 2,
            window_secs: 3600,
        };
    })
    .await;
    let second = crate::helpers::spawn_second_with(&first, |s| {
        s.limits.sign_in_per_account = Rate {
            burst: 2,
            window_secs: 3600,
        };
    })
    .await;
    let (a, _, _) = sign_in(&first, "1.1.1.1", "admin@globex.example", "guess").await;
    let (b, _, _) = sign_in(&second, "1.1.1.1", "admin@globex.example", "guess").await;
    assert_eq!((a, b), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    let (c, _, _) = sign_in(&first, "1.1.1.1", "admin@globex.example", DEMO_PASSWORD).await;
    assert_eq!(c, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn oversize_credentials_are_refused_before_any_password_check() {
    let app = spawn_seeded().await;
    let long_email = format!("{}@acme.example", "a".repeat(300));
    let long_password = "p".repeat(1025);
    for (email, password) in [
        (long_email.as_str(), DEMO_PASSWORD),
        ("operator@acme.example", long_password.as_str()),
    ] {
        let (status, body, _) = sign_in(&app, "1.2.3.4", email, password).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most"));
    }
}

#[tokio::test]
async fn a_flood_of_sign_ins_gets_429s_not_a_dead_server() {
    let app = seeded_with(|s| {
        s.limits.password_checks = 1;
        s.limits.password_check_wait = Duration::from_millis(1);
        s.limits.sign_in_per_address = Rate {
            burst: 1000,
            window_secs: 1,
        };
    })
    .await;
    let attempts = (0..24).map(|i| {
        let app = &app;
        async move { sign_in(app, "1.1.1.1", &format!("x{i}@acme.example"), "guess").await }
    });
    let results = futures_util::future::join_all(attempts).await;
    let busy = results
        .iter()
        .filter(|(s, b, _)| {
            *s == StatusCode::TOO_MANY_REQUESTS
                && b["error"]["message"].as_str().unwrap().contains("busy")
        })
        .count();
    assert!(busy > 0, "some attempts found every password check taken");
    for (status, body, _) in &results {
        assert!(
            *status == StatusCode::UNAUTHORIZED || *status == StatusCode::TOO_MANY_REQUESTS,
            "{status} {body}"
        );
    }
}

#[tokio::test]
async fn a_user_past_the_stream_cap_gets_a_429() {
    let app = seeded_with(|s| s.realtime.limits.per_user = 2).await;
    let token = app.token("operator@acme.example").await;
    let url = stream_url(&app, "sub=calls");
    let _a = Sse::open(&url, &token, None).await;
    let _b = Sse::open(&url, &token, None).await;
    let res = Client::new()
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("2 open streams"));
    // Another user of the same organization is not affected.
    let other = app.token("admin@acme.example").await;
    let _c = Sse::open(&url, &other, None).await;
    // A closed stream frees its place.
    drop(_a);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = Sse::try_open(&url, &token, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn in_lists_are_capped_at_a_hundred_values() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let ids: Vec<String> = (0..101).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let (status, body) = app
        .get_json(
            &token,
            &format!(
                "/api/realtime/changes?sub=calls:*:id=in.({})",
                ids.join(",")
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at most 100"));
    let (status, _) = app
        .get_json(
            &token,
            &format!(
                "/api/realtime/changes?sub=calls:*:id=in.({})",
                ids[..100].join(",")
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_replay_longer_than_the_cap_is_a_reset_then_live_changes() {
    let app = seeded_with(|s| s.realtime.max_replay_pages = 1).await;
    let token = app.token("operator@acme.example").await;
    let (_, start) = app
        .get_json(&token, "/api/realtime/changes?sub=contacts")
        .await;
    let start = start["cursor"].as_str().unwrap().to_owned();
    // 600 changes: more than one 500-change page.
    app.psql(
        "UPDATE contacts SET name = name || '.' WHERE id IN \
         (SELECT id FROM contacts WHERE organization_id = (SELECT id FROM organizations WHERE slug = 'acme') LIMIT 600)",
    );
    // Numbered after the fact: a stream opened before that has nothing to replay yet.
    app.sequenced().await;
    let mut sse = Sse::open(
        &stream_url(&app, "sub=contacts&sub=calls"),
        &token,
        Some(&start),
    )
    .await;
    let mut replayed = 0;
    loop {
        let ev = sse.next(Duration::from_secs(10)).await.expect("events");
        match ev.event.as_str() {
            "change" => replayed += 1,
            "reset" => break,
            other => panic!("expected changes then reset, got {other}"),
        }
    }
    assert_eq!(replayed, 500, "one page, then reset");
    sse.ready().await;
    let call = insert_call(&app, "acme").await;
    let live = sse.changes(1, Duration::from_secs(5)).await;
    assert_eq!(live[0].json()["new"]["id"], call.to_string());
}

#[tokio::test]
async fn an_unknown_table_does_not_read_the_catalog_on_every_request() {
    let app = crate::helpers::spawn_app().await;
    let registry = server::realtime::registry::Registry::default();
    registry.refresh(&app.pool).await.unwrap();
    let closed = app.pool.clone();
    closed.close().await;
    // The first unknown name may look in the catalog (and here fails: the pool is closed)...
    assert!(registry.table(&closed, "made_up").await.is_err());
    // ...the next ones within the window do not touch the database at all.
    for name in ["made_up", "other", "pg_authid"] {
        assert_eq!(
            registry.table(&closed, name).await.unwrap().map(|_| ()),
            None
        );
    }
    assert!(registry.table(&closed, "calls").await.unwrap().is_some());
}

#[tokio::test]
async fn an_oversize_body_is_a_413() {
    let app = spawn_seeded().await;
    let res = Client::new()
        .post(app.url("/api/auth/token"))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"email":"a@b.c","password":"{}"}}"#,
            "x".repeat(100_000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// Send raw bytes on a fresh connection; what the server answered before closing (or `wait`).
async fn raw(app: &TestApp, parts: &[(&[u8], Duration)], wait: Duration) -> (String, bool) {
    let mut tcp = TcpStream::connect(app.addr).await.unwrap();
    for (bytes, pause) in parts {
        if tcp.write_all(bytes).await.is_err() {
            break;
        }
        tokio::time::sleep(*pause).await;
    }
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn a_connection_that_trickles_its_headers_is_closed() {
    let app = spawn_with(|s| s.limits.header_read_timeout = Duration::from_secs(1)).await;
    let started = Instant::now();
    let mut tcp = TcpStream::connect(app.addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut closed = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if tcp.write_all(b"X-Slow: 1\r\n").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(1), tcp.read(&mut buf)).await
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "the server kept a trickling connection open");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_connection_that_never_sends_a_byte_is_closed() {
    let app = spawn_with(|s| s.limits.header_read_timeout = Duration::from_secs(1)).await;
    let (answer, closed) = raw(&app, &[], Duration::from_secs(5)).await;
    assert!(closed, "the server kept a silent connection open");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_times_out_with_a_408() {
    let app = spawn_with(|s| s.limits.request_timeout = Duration::from_secs(1)).await;
    let head = b"POST /api/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":";
    let (answer, _) = raw(&app, &[(head, Duration::ZERO)], Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("not complete within 1 s"), "{answer}");
}

#[tokio::test]
async fn past_the_connection_cap_a_new_connection_gets_a_429() {
    let app = spawn_with(|s| s.limits.max_connections = 2).await;
    let _a = TcpStream::connect(app.addr).await.unwrap();
    let _b = TcpStream::connect(app.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (answer, closed) = raw(
        &app,
        &[(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", Duration::ZERO)],
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(answer.contains("connections"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{answer}"
    );
    assert!(closed, "the refused connection is closed");
    drop((_a, _b));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (answer, _) = raw(
        &app,
        &[(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            Duration::ZERO,
        )],
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
