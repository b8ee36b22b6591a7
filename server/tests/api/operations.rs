//! Operations: the timeout sweeper, the health-check, readiness, metrics and browser latency
//! reports — each also tried without the right to see it.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use server::operations::{timeouts, OperationsConfig};

use crate::database::role_url;
use crate::helpers::{spawn_second_with, spawn_seeded, spawn_with, TestApp};
use crate::realtime::{campaign_and_contact, stream_url};
use crate::sse::Sse;

/// An active call of `org` in `status`, created `age_secs` ago, with or without a callback.
async fn active_call(
    app: &TestApp,
    org: &str,
    status: &str,
    age_secs: i64,
    callback: bool,
) -> Uuid {
    let (org_id, campaign, contact) = campaign_and_contact(app, org).await;
    app.psql(&format!(
        "UPDATE contacts SET status = 'calling' WHERE id = '{contact}'"
    ));
    sqlx::query_scalar(
        "INSERT INTO calls (organization_id, campaign_id, contact_id, status, created_at, started_at, \
                            last_callback_at) \
         VALUES ($1, $2, $3, $4, now() - make_interval(secs => $5), \
                 CASE WHEN $4 <> 'QUEUED' THEN now() - make_interval(secs => $5) END, \
                 CASE WHEN $6 THEN now() - make_interval(secs => $5) END) RETURNING id",
    )
    .bind(org_id)
    .bind(campaign)
    .bind(contact)
    .bind(status)
    .bind(age_secs as f64)
    .bind(callback)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn status_of(app: &TestApp, call: Uuid) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, failure_reason FROM calls WHERE id = $1")
        .bind(call)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_sweeper_fails_silent_calls_past_their_limit_one_instance_at_a_time() {
    let app = spawn_seeded().await;
    let silent_ringing = active_call(&app, "acme", "RINGING", 61, false).await;
    let fresh_ringing = active_call(&app, "acme", "RINGING", 20, false).await;
    let queued_with_news = active_call(&app, "globex", "QUEUED", 100, true).await;
    let old_queued = active_call(&app, "globex", "QUEUED", 121, false).await;
    let long_call = active_call(&app, "acme", "IN_PROGRESS", 3600, true).await;
    let cfg = OperationsConfig::default();
    // Another instance is sweeping: this one stands aside.
    let mut holder = app.pool.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(timeouts::SWEEP_LOCK_KEY)
        .execute(&mut *holder)
        .await
        .unwrap();
    assert_eq!(timeouts::sweep(&app.pool, &cfg).await.unwrap(), None);
    holder.rollback().await.unwrap();

    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls:UPDATE"), &token, None).await;
    sse.ready().await;
    assert_eq!(timeouts::sweep(&app.pool, &cfg).await.unwrap(), Some(2));
    let timeout = (String::from("FAILED"), Some(String::from("timeout")));
    assert_eq!(status_of(&app, silent_ringing).await, timeout);
    assert_eq!(status_of(&app, old_queued).await, timeout);
    for alive in [fresh_ringing, queued_with_news, long_call] {
        assert_ne!(status_of(&app, alive).await.0, "FAILED");
    }
    // Seen live like any change, and the contact failed with the call.
    let ev = sse
        .changes(1, Duration::from_secs(5))
        .await
        .pop()
        .expect("a change");
    assert_eq!(ev.json()["new"]["id"], silent_ringing.to_string());
    assert_eq!(ev.json()["new"]["failure_reason"], "timeout");
    let contact: String = sqlx::query_scalar(
        "SELECT status FROM contacts WHERE id = (SELECT contact_id FROM calls WHERE id = $1)",
    )
    .bind(silent_ringing)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(contact, "failed");
}

#[tokio::test]
async fn a_running_server_times_out_a_silent_ringing_call_by_itself() {
    let app = spawn_with(|s| {
        s.operations.sweep_interval = Duration::from_millis(200);
        s.operations.timeouts.ringing_secs = 2;
        s.operations.timeouts.grace_secs = 1;
    })
    .await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let call = active_call(&app, "acme", "RINGING", 0, false).await;
    let mut failed = false;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if status_of(&app, call).await.1.as_deref() == Some("timeout") {
            failed = true;
            break;
        }
    }
    assert!(failed, "the call timed out within its limit plus one sweep");
}

#[tokio::test]
async fn the_health_check_reports_each_figure_for_the_callers_organization_only() {
    let app = spawn_seeded().await;
    let operator = app.token("operator@acme.example").await;
    let (status, quiet) = app.get_json(&operator, "/api/calls/health-check").await;
    assert_eq!(status, StatusCode::OK, "{quiet}");
    assert_eq!(quiet["status"], "healthy", "{quiet}");
    assert_eq!(quiet["reasons"], json!([]));
    assert_eq!(quiet["active_calls"], 0);
    let processed = quiet["total_calls_processed"].as_i64().unwrap();
    assert!(processed > 0, "the demo's finished calls count");

    // Two silent calls past the grace, one that had a callback, one too new to judge.
    active_call(&app, "acme", "RINGING", 45, false).await;
    active_call(&app, "acme", "QUEUED", 40, false).await;
    active_call(&app, "acme", "IN_PROGRESS", 45, true).await;
    active_call(&app, "acme", "QUEUED", 5, false).await;
    app.psql(
        "INSERT INTO webhook_receipts (organization_id, minute, outcome, reason, received, last_at) \
         SELECT id, date_trunc('minute', now()), 'rejected', 'bad_signature', 4, now() \
         FROM organizations WHERE slug = 'acme'",
    );
    let (_, h) = app.get_json(&operator, "/api/calls/health-check").await;
    assert_eq!(h["status"], "degraded", "{h}");
    assert_eq!(h["active_calls"], 4);
    assert_eq!(h["silent_calls"], 2);
    assert_eq!(h["rejected_callbacks_15m"], 4);
    assert!(h["reasons"][0]
        .as_str()
        .unwrap()
        .contains("no status callback"));

    // Ten timeouts in the last 15 minutes make it unhealthy, and count in the failure rate.
    for _ in 0..10 {
        let call = active_call(&app, "acme", "RINGING", 200, false).await;
        app.psql(&format!(
            "UPDATE calls SET status = 'FAILED', failure_reason = 'timeout', ended_at = now() - interval '1 minute' WHERE id = '{call}'"
        ));
    }
    let (_, h) = app.get_json(&operator, "/api/calls/health-check").await;
    assert_eq!(h["status"], "unhealthy", "{h}");
    assert_eq!(h["timeouts_15m"], 10);
    assert_eq!(h["timeouts_1h"], 10);
    assert_eq!(h["total_calls_processed"], processed + 10);
    assert!(h["failure_rate_15m"]["failed"].as_i64().unwrap() >= 10);
    assert_eq!(h["live_updates"], true);

    // Globex sees none of it; signed out sees nothing.
    let globex = app.token("operator@globex.example").await;
    let (_, g) = app.get_json(&globex, "/api/calls/health-check").await;
    assert_eq!(g["status"], "healthy", "{g}");
    assert_eq!(g["active_calls"], 0);
    let (status, _) = app.get_json("nobody", "/api/calls/health-check").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn readyz_fails_while_the_change_listener_cannot_connect_and_recovers() {
    let owner = spawn_seeded().await;
    let role = format!(
        "switchboard_ready_{}",
        &Uuid::new_v4().simple().to_string()[..8]
    );
    let url = role_url(&owner, &role, true);
    let migrations = owner.database_url();
    let app = spawn_second_with(&owner, |s| {
        s.database_url = url.clone();
        s.migration_url = Some(migrations);
    })
    .await;
    let ready = |app: &TestApp| {
        let url = app.url("/readyz");
        async move {
            let res = Client::new().get(url).send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        }
    };
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = ready(&app).await.0;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, StatusCode::OK, "ready once listening");
    assert_eq!(
        Client::new()
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // Its connections die (the listener's among them: a pooled spare would otherwise let it
    // come straight back) and it may not log in again.
    owner.psql(&format!("ALTER ROLE {role} NOLOGIN"));
    owner.psql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
    ));
    let listener_failing = |body: &Value| {
        body["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "change_listener" && c["ok"] == false)
    };
    let mut down = None;
    for _ in 0..50 {
        let (status, body) = ready(&app).await;
        if listener_failing(&body) {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
            down = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = down.expect("503 naming the listener while it is down");
    assert!(!body.to_string().contains("acme"), "no tenant data: {body}");
    owner.psql(&format!("ALTER ROLE {role} LOGIN"));
    let mut back = false;
    for _ in 0..100 {
        if ready(&app).await.0 == StatusCode::OK {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "ready again once the listener reconnects");
    drop(app);
    owner.psql(&format!("DROP OWNED BY {role}; DROP ROLE {role}"));
}

fn parse_metrics(text: &str) -> prometheus_parse::Scrape {
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .expect("Prometheus text exposition")
}

#[tokio::test]
async fn metrics_need_an_admin_or_the_scrape_token_and_count_requests() {
    let scrape_token = "scrape-token-0123456789";
    let app = spawn_with(|s| s.operations.metrics_token = Some(scrape_token.into())).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let get = |token: Option<&str>| {
        let mut req = Client::new().get(app.url("/metrics"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move { req.send().await.unwrap() }
    };
    assert_eq!(get(None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(Some("scrape-token-0123456788")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let operator = app.token("operator@acme.example").await;
    assert_eq!(get(Some(&operator)).await.status(), StatusCode::FORBIDDEN);

    let admin = app.token("admin@acme.example").await;
    let org = app.org_id("acme").await.to_string();
    let (status, _) = app.get_json(&admin, &format!("/api/campaigns/{org}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get_json(&admin, "/api/me").await;
    assert_eq!(status, StatusCode::OK);
    for token in [admin.as_str(), scrape_token] {
        let res = get(Some(token)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        let text = res.text().await.unwrap();
        let scrape = parse_metrics(&text);
        let me = scrape
            .samples
            .iter()
            .find(|s| {
                s.metric == "switchboard_http_requests_total"
                    && s.labels.get("route") == Some("/api/me")
                    && s.labels.get("status") == Some("200")
            })
            .expect("the request to /api/me is counted by route and status");
        assert!(matches!(me.value, prometheus_parse::Value::Counter(n) if n >= 1.0));
        for name in [
            "switchboard_http_request_duration_seconds",
            "switchboard_realtime_open_streams",
            "switchboard_realtime_listener_up",
            "switchboard_realtime_tailer_lag_commits",
            "switchboard_db_pool_connections",
        ] {
            assert!(
                scrape.samples.iter().any(|s| s.metric == name),
                "{name} is exported"
            );
        }
        // Route templates, never raw ids (checked on the text: the parser stops at a `}` inside
        // a label value).
        assert!(!text.contains(&org));
        assert!(
            text.contains(r#"route="/api/campaigns/{id}",status="404""#),
            "{text}"
        );
    }
}

#[tokio::test]
async fn browsers_report_latency_histograms_bounded_and_per_organization() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let post = |body: Value| {
        let req = Client::new()
            .post(app.url("/api/telemetry/latency"))
            .bearer_auth(&token)
            .json(&body);
        async move { req.send().await.unwrap().status() }
    };
    let mut counts = vec![0u64; app::model::operations::LATENCY_COUNTS];
    counts[2] = 40;
    counts[6] = 2;
    assert_eq!(
        post(json!({ "counts": counts })).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post(json!({ "counts": counts })).await,
        StatusCode::NO_CONTENT
    );
    let stored: Vec<i64> = sqlx::query_scalar(
        "SELECT counts FROM browser_latency b JOIN organizations o ON o.id = b.organization_id \
         WHERE o.slug = 'acme'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored[2], 80);
    assert_eq!(stored[6], 4);
    for bad in [
        json!({ "counts": [1, 2, 3] }),
        json!({ "counts": vec![1_000_000; app::model::operations::LATENCY_COUNTS] }),
        json!({ "counts": counts, "extra": 1 }),
    ] {
        assert_eq!(post(bad).await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = Client::new()
        .post(app.url("/api/telemetry/latency"))
        .json(&json!({ "counts": counts }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A flood is cut off per user.
    let mut limited = false;
    for _ in 0..40 {
        if post(json!({ "counts": counts })).await == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "429 beyond the per-user rate");
    let (status, clock) = app.get_json(&token, "/api/telemetry/clock").await;
    assert_eq!(status, StatusCode::OK);
    let skew = clock["now_ms"].as_i64().unwrap() - chrono::Utc::now().timestamp_millis();
    assert!(skew.abs() < 5_000);
}
