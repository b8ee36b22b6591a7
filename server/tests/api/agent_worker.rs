//! The demo agent worker against real Postgres: tasks are started and finished, every step
//! streams, several instances never work a row twice, approved drafts go out and follow-ups
//! come due, failures show, the activity log stays bounded.

use std::time::Duration;

use app::model::agents::{AssignTask, TaskKind};
use app::model::{CurrentUser, Role};
use serde_json::Value;
use server::demo::agent_copy::FAILURE_REASONS;
use server::demo::agent_worker::{run, AgentWorkerConfig, ACTIVITY_KEPT};
use sqlx::postgres::PgPoolOptions;
use tokio::time::{sleep, Instant};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::helpers::{spawn_second_with, spawn_with, TestApp};
use crate::sse::Sse;

/// Realistic pacing 200× faster: drafting takes 15–50 ms, sending 7.5 ms after approval, a
/// follow-up comes due 0.6–3 s after a send.
fn fast() -> AgentWorkerConfig {
    AgentWorkerConfig {
        tick: Duration::from_millis(50),
        failure_rate: 0.0,
        time_scale: 0.005,
        ..AgentWorkerConfig::default()
    }
}

/// A seeded app whose agent worker runs with `cfg`.
async fn seeded_with(cfg: AgentWorkerConfig) -> TestApp {
    let app = spawn_with(|s| s.agent_worker = Some(cfg)).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    app
}

/// Poll `sql` (one boolean) every 50 ms until it is true; false after `secs`.
async fn eventually(app: &TestApp, secs: u64, sql: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if sqlx::query_scalar::<_, bool>(sql)
            .fetch_one(&app.pool)
            .await
            .unwrap()
        {
            return true;
        }
        sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Acme's organizer, as the data layer sees a signed-in user.
async fn organizer(app: &TestApp) -> CurrentUser {
    let (id, organization_id, name): (Uuid, Uuid, String) = sqlx::query_as(
        "SELECT id, organization_id, name FROM users WHERE email = 'organizer@acme.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    CurrentUser {
        id,
        email: "organizer@acme.example".into(),
        name,
        role: Role::Organizer,
        organization_id,
        organization_name: "Acme".into(),
    }
}

/// A new outreach agent of Acme with no work yet, and a contact of an active campaign.
async fn fresh_agent_and_contact(app: &TestApp) -> (Uuid, Uuid) {
    sqlx::query_as(
        "WITH a AS (INSERT INTO agents (organization_id, name, kind) \
             SELECT id, 'Test (outreach)', 'outreach' FROM organizations WHERE slug = 'acme' RETURNING id, organization_id) \
         SELECT a.id, c.id FROM a JOIN contacts c ON c.organization_id = a.organization_id \
         JOIN campaigns k ON k.id = c.campaign_id WHERE k.status = 'active' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_task_assigned_through_the_api_is_picked_up_and_every_step_to_its_draft_streams() {
    let app = seeded_with(AgentWorkerConfig {
        tick: Duration::from_millis(250), // the real pace of picking up
        ..fast()
    })
    .await;
    let (agent, contact) = fresh_agent_and_contact(&app).await;
    let token = app.token("operator@acme.example").await;
    let url =
        app.url("/api/realtime/stream?sub=agent_tasks&sub=drafts&sub=agents&sub=agent_activity");
    let mut sse = Sse::open(&url, &token, None).await;
    sse.ready().await;

    // Assigned through the API, as the contact panel does.
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/contacts/{contact}/tasks")))
        .bearer_auth(app.token("organizer@acme.example").await)
        .json(&serde_json::json!({ "agent_id": agent, "kind": "draft_email" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let task: Value = res.json().await.unwrap();
    let task_id = task["id"].as_str().unwrap().to_owned();
    // What this task and this agent did, in stream order: (table, op, status or kind).
    let mut seen: Vec<(String, String, String)> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    let is_done = |seen: &Vec<(String, String, String)>| {
        [
            "agent_tasks completed",
            "agents idle",
            "agent_activity task_completed",
        ]
        .iter()
        .all(|want| seen.iter().any(|(t, _, s)| format!("{t} {s}") == *want))
    };
    while !is_done(&seen) && Instant::now() < deadline {
        let Some(ev) = sse.next(Duration::from_millis(500)).await else {
            continue;
        };
        if ev.event != "change" {
            continue;
        }
        let p = ev.json();
        let (table, row) = (p["table"].as_str().unwrap().to_owned(), &p["new"]);
        let ours = match table.as_str() {
            "agents" => row["id"] == agent.to_string(),
            _ => row["task_id"] == task_id || (table == "agent_tasks" && row["id"] == task_id),
        };
        if ours {
            let what = row
                .get("status")
                .or(row.get("kind"))
                .and_then(Value::as_str)
                .unwrap_or("");
            seen.push((
                table,
                p["eventType"].as_str().unwrap().to_owned(),
                what.to_owned(),
            ));
        }
    }
    let steps: Vec<String> = seen
        .iter()
        .map(|(t, op, s)| format!("{t} {op} {s}"))
        .collect();
    let at = |step: &str| {
        steps
            .iter()
            .position(|s| s == step)
            .unwrap_or_else(|| panic!("{step} missing from {steps:#?}"))
    };
    assert!(at("agent_tasks INSERT pending") < at("agent_tasks UPDATE in_progress"));
    assert!(at("agent_tasks UPDATE in_progress") < at("agent_activity INSERT task_started"));
    assert!(at("agents UPDATE active") < at("drafts INSERT pending_approval"));
    assert!(at("drafts INSERT pending_approval") < at("agent_tasks UPDATE completed"));
    assert!(at("agent_tasks UPDATE completed") < at("agents UPDATE idle"));
    assert!(at("agent_activity INSERT task_started") < at("agent_activity INSERT task_completed"));

    let (picked_up_in, draft_channel, has_subject): (f64, String, bool) = sqlx::query_as(
        "SELECT extract(epoch FROM t.started_at - t.created_at)::float8, d.channel, d.subject IS NOT NULL \
         FROM agent_tasks t JOIN drafts d ON d.id = t.draft_id WHERE t.id = $1",
    )
    .bind(Uuid::parse_str(&task_id).unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Ticks are 250 ms apart: a pickup is prompt (a generous bound on this noisy machine; the
    // 15 s above is the whole-flow bound).
    assert!(picked_up_in < 5.0, "picked up after {picked_up_in} s");
    assert_eq!((draft_channel.as_str(), has_subject), ("email", true));
}

#[tokio::test]
async fn two_instances_on_one_database_start_each_of_40_tasks_exactly_once() {
    // Small batches: the two instances compete for rows tick after tick.
    let cfg = AgentWorkerConfig { batch: 3, ..fast() };
    let app = seeded_with(cfg.clone()).await;
    let second = spawn_second_with(&app, |s| s.agent_worker = Some(cfg)).await;
    let (agent, _) = fresh_agent_and_contact(&app).await;
    app.psql(&format!(
        "INSERT INTO agent_tasks (organization_id, contact_id, agent_id, kind) \
         SELECT c.organization_id, c.id, '{agent}', CASE WHEN n % 2 = 0 THEN 'draft_email' ELSE 'draft_sms' END \
         FROM (SELECT c.*, row_number() OVER (ORDER BY c.id) AS n FROM contacts c \
               JOIN organizations o ON o.id = c.organization_id WHERE o.slug = 'acme' LIMIT 40) c"
    ));
    let all_done = format!(
        "SELECT count(*) FILTER (WHERE status = 'completed') = 40 FROM agent_tasks WHERE agent_id = '{agent}'"
    );
    assert!(
        eventually(&app, 20, &all_done).await,
        "all 40 tasks completed within 20 s"
    );
    let (tasks, started_once, one_draft, idle): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT count(*), \
                count(*) FILTER (WHERE (SELECT count(*) FROM agent_activity v \
                                        WHERE v.task_id = t.id AND v.kind = 'task_started') = 1), \
                count(*) FILTER (WHERE (SELECT count(*) FROM drafts d WHERE d.task_id = t.id) = 1 \
                                   AND t.draft_id = (SELECT d.id FROM drafts d WHERE d.task_id = t.id)), \
                (SELECT status FROM agents WHERE id = $1) \
         FROM agent_tasks t WHERE t.agent_id = $1",
    )
    .bind(agent)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((tasks, started_once, one_draft), (40, 40, 40));
    assert_eq!(idle, "idle");
    // And across the whole database (the seeded tasks were worked by both instances too).
    let doubled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT task_id FROM agent_activity WHERE kind = 'task_started' \
         GROUP BY task_id HAVING count(*) > 1) x",
    )
    .fetch_one(&second.pool)
    .await
    .unwrap();
    assert_eq!(doubled, 0);
}

#[tokio::test]
async fn an_approved_draft_is_sent_and_followed_up_and_the_follow_up_becomes_a_new_task() {
    let app = seeded_with(fast()).await;
    let (draft, contact): (Uuid, Uuid) = sqlx::query_as(
        "SELECT d.id, d.contact_id FROM drafts d JOIN organizations o ON o.id = d.organization_id \
         WHERE o.slug = 'acme' AND d.status = 'pending_approval' AND d.channel = 'email' \
         AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.contact_id = d.contact_id) ORDER BY d.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app::data::drafts::approve(&app.pool, &organizer(&app).await, draft)
        .await
        .unwrap();
    let sent_and_scheduled = format!(
        "SELECT EXISTS (SELECT 1 FROM drafts d JOIN follow_ups f ON f.draft_id = d.id \
             JOIN agents a ON a.id = f.agent_id AND a.kind = 'follow_up' \
             WHERE d.id = '{draft}' AND d.status = 'sent' AND d.sent_at >= d.decided_at \
             AND f.scheduled_for > d.sent_at)"
    );
    assert!(
        eventually(&app, 5, &sent_and_scheduled).await,
        "sent, with a follow-up scheduled"
    );
    let executed = format!(
        "SELECT EXISTS (SELECT 1 FROM follow_ups f JOIN agent_tasks t ON t.contact_id = f.contact_id \
             AND t.agent_id = f.agent_id AND t.assigned_by IS NULL AND t.created_at >= f.executed_at \
             WHERE f.draft_id = '{draft}' AND f.status = 'executed' AND f.result LIKE 'No reply yet%')"
    );
    assert!(
        eventually(&app, 10, &executed).await,
        "the follow-up came due and made a task"
    );
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT kind FROM agent_activity WHERE contact_id = $1 AND created_at > now() - interval '1 minute' \
         ORDER BY kind",
    )
    .bind(contact)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for kind in ["draft_sent", "follow_up_scheduled", "follow_up_executed"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    // The new task is worked like any other: a follow-up draft for the contact.
    let follow_up_draft = format!(
        "SELECT EXISTS (SELECT 1 FROM drafts d JOIN agents a ON a.id = d.agent_id AND a.kind = 'follow_up' \
         WHERE d.contact_id = '{contact}' AND d.status = 'pending_approval' AND d.created_at > now() - interval '1 minute')"
    );
    assert!(eventually(&app, 5, &follow_up_draft).await);
}

#[tokio::test]
async fn a_failing_task_is_marked_failed_with_a_reason_and_its_agent_needs_attention() {
    let app = seeded_with(AgentWorkerConfig {
        failure_rate: 1.0,
        ..fast()
    })
    .await;
    let (agent, contact) = fresh_agent_and_contact(&app).await;
    let req = AssignTask {
        agent_id: agent,
        kind: TaskKind::DraftSms,
    };
    let task = app::data::tasks::assign(&app.pool, &organizer(&app).await, contact, &req)
        .await
        .unwrap();
    let failed = format!(
        "SELECT status = 'failed' FROM agent_tasks WHERE id = '{}'",
        task.id
    );
    assert!(eventually(&app, 5, &failed).await);
    let (error, finished, draft, agent_status, logged): (String, bool, Option<Uuid>, String, i64) =
        sqlx::query_as(
            "SELECT t.error, t.completed_at IS NOT NULL, t.draft_id, a.status, \
                    (SELECT count(*) FROM agent_activity v WHERE v.task_id = t.id AND v.kind = 'task_failed') \
             FROM agent_tasks t JOIN agents a ON a.id = t.agent_id WHERE t.id = $1",
        )
        .bind(task.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(FAILURE_REASONS.contains(&error.as_str()), "{error}");
    assert!(finished && draft.is_none());
    assert_eq!((agent_status.as_str(), logged), ("error", 1));
}

#[tokio::test]
async fn the_activity_log_keeps_the_newest_entries_of_each_agent() {
    let app = seeded_with(fast()).await;
    let (agent, contact) = fresh_agent_and_contact(&app).await;
    app.psql(&format!(
        "INSERT INTO agent_activity (organization_id, agent_id, contact_id, kind, message) \
         SELECT organization_id, id, '{contact}', 'draft_sent', 'entry ' || n \
         FROM agents, generate_series(1, 260) n WHERE id = '{agent}'"
    ));
    let trimmed = format!(
        "SELECT count(*) = {ACTIVITY_KEPT} AND min(substr(message, 7)::int) = 61 \
         FROM agent_activity WHERE agent_id = '{agent}'"
    );
    assert!(
        eventually(&app, 5, &trimmed).await,
        "kept the newest {ACTIVITY_KEPT}"
    );
}

#[tokio::test]
async fn the_worker_outlives_an_unreachable_database_and_stops_promptly_when_cancelled() {
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(200))
        .connect_lazy("postgres://switchboard@127.0.0.1:1/none")
        .unwrap();
    let cancel = CancellationToken::new();
    let worker = tokio::spawn(run(pool, fast(), cancel.clone()));
    sleep(Duration::from_secs(1)).await;
    assert!(
        !worker.is_finished(),
        "a database outage does not end the worker"
    );
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(1), worker)
        .await
        .expect("stopped within a second of being cancelled")
        .unwrap();
}
