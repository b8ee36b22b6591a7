use server::demo::seed::{seed, SeedOutcome};

use crate::helpers::{spawn_app, TestApp};

const TABLES: [&str; 10] = [
    "organizations",
    "users",
    "campaigns",
    "contacts",
    "calls",
    "agents",
    "agent_tasks",
    "drafts",
    "follow_ups",
    "agent_activity",
];

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_data_loads_once_and_a_second_run_changes_nothing() {
    let app = spawn_app().await;
    assert_eq!(seed(&app.pool).await.unwrap(), SeedOutcome::Loaded);
    let before = counts(&app).await;
    assert_eq!(before[0], 2);
    assert_eq!(before[1], 6);
    assert_eq!(before[5], 6, "three agents per organization");
    assert_eq!(seed(&app.pool).await.unwrap(), SeedOutcome::AlreadyPresent);
    for (i, t) in TABLES.iter().enumerate() {
        assert_eq!(
            count(&app, t).await,
            before[i],
            "{t} changed on the second run"
        );
    }
    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM users ORDER BY email")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        emails,
        [
            "admin@acme.example",
            "admin@globex.example",
            "operator@acme.example",
            "operator@globex.example",
            "organizer@acme.example",
            "organizer@globex.example"
        ]
    );
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM campaigns ORDER BY status")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(statuses, ["active", "completed", "draft", "paused"]);
}

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut v = Vec::new();
    for t in TABLES {
        v.push(count(app, t).await);
    }
    v
}

/// `status` values of `table` for one organization, with their counts, sorted.
async fn statuses(app: &TestApp, table: &str, slug: &str, by: &str) -> Vec<(String, i64)> {
    sqlx::query_as(&format!(
        "SELECT {by}, count(*) FROM {table} x JOIN organizations o ON o.id = x.organization_id \
         WHERE o.slug = $1 GROUP BY 1 ORDER BY 1"
    ))
    .bind(slug)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

fn owned(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    v.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
}

#[tokio::test]
async fn each_demo_organization_gets_agents_with_work_in_every_state() {
    let app = spawn_app().await;
    seed(&app.pool).await.unwrap();
    for slug in ["acme", "globex"] {
        let agents = statuses(&app, "agents", slug, "kind || ':' || status").await;
        assert_eq!(
            agents,
            owned(&[
                ("follow_up:idle", 1),
                ("outreach:active", 1),
                ("outreach:error", 1)
            ]),
            "{slug}"
        );
        let tasks = statuses(&app, "agent_tasks", slug, "status").await;
        assert_eq!(
            tasks,
            owned(&[
                ("completed", 13),
                ("failed", 1),
                ("in_progress", 1),
                ("pending", 2)
            ]),
            "{slug}"
        );
        let drafts = statuses(&app, "drafts", slug, "status || ':' || channel").await;
        assert_eq!(
            drafts,
            owned(&[
                ("approved:email", 1),
                ("pending_approval:email", 4),
                ("pending_approval:sms", 2),
                ("rejected:email", 1),
                ("sent:email", 3),
                ("sent:sms", 2),
            ]),
            "{slug}"
        );
        let follow_ups = statuses(&app, "follow_ups", slug, "status").await;
        assert_eq!(
            follow_ups,
            owned(&[("cancelled", 1), ("executed", 1), ("scheduled", 3)]),
            "{slug}"
        );
    }
    // Everything points where it should: real contacts of active campaigns, the task's own
    // draft, a rejection by a named organizer, follow-ups ahead and behind, a working task
    // about to finish.
    let (odd, reasons, ahead, behind, finishing, feeds): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT \
               (SELECT count(*) FROM agent_tasks t JOIN contacts c ON c.id = t.contact_id \
                  JOIN campaigns k ON k.id = c.campaign_id LEFT JOIN drafts d ON d.id = t.draft_id \
                  WHERE k.status <> 'active' OR (t.status = 'completed') <> (d.task_id IS NOT NULL) \
                     OR d.task_id <> t.id), \
               (SELECT count(*) FROM drafts d JOIN users u ON u.id = d.decided_by \
                  WHERE d.status = 'rejected' AND u.role = 'organizer' AND d.reject_reason <> '' \
                  AND d.decided_by_name = u.name), \
               (SELECT count(*) FROM follow_ups WHERE status = 'scheduled' AND scheduled_for > now()), \
               (SELECT count(*) FROM follow_ups WHERE status <> 'scheduled' AND scheduled_for < now()), \
               (SELECT count(*) FROM agent_tasks WHERE status = 'in_progress' \
                  AND finish_at >= started_at + interval '5 seconds' \
                  AND finish_at < now() + interval '1 minute'), \
               (SELECT count(DISTINCT agent_id) FROM agent_activity)",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(odd, 0);
    assert_eq!((reasons, ahead, behind, finishing, feeds), (2, 6, 4, 2, 6));
}

#[tokio::test]
async fn a_database_seeded_before_agents_existed_gets_them_on_the_next_start() {
    let app = spawn_app().await;
    seed(&app.pool).await.unwrap();
    let full = counts(&app).await;
    app.psql("DELETE FROM agents"); // as if seeded by an older version: no agent data at all
    assert_eq!(count(&app, "agent_tasks").await, 0);
    assert_eq!(seed(&app.pool).await.unwrap(), SeedOutcome::AlreadyPresent);
    assert_eq!(
        counts(&app).await,
        full,
        "the agent data is back, nothing else changed"
    );
    assert_eq!(seed(&app.pool).await.unwrap(), SeedOutcome::AlreadyPresent);
    assert_eq!(counts(&app).await, full);
}

#[tokio::test]
async fn two_instances_seeding_at_once_load_the_demo_data_once() {
    let app = spawn_app().await;
    let (a, b) = tokio::join!(seed(&app.pool), seed(&app.pool));
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| *o == SeedOutcome::AlreadyPresent);
    assert_eq!(outcomes, [SeedOutcome::Loaded, SeedOutcome::AlreadyPresent]);
    assert_eq!(count(&app, "organizations").await, 2);
}
