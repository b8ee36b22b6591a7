use server::demo::seed::{seed, SeedOutcome};

use crate::helpers::spawn_app;

async fn count(app: &crate::helpers::TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_data_loads_once_and_a_second_run_changes_nothing() {
    let app = spawn_app().await;
    assert_eq!(seed(&app.pool).await.unwrap(), SeedOutcome::Loaded);
    let before: Vec<i64> = {
        let mut v = Vec::new();
        for t in ["organizations", "users", "campaigns", "contacts", "calls"] {
            v.push(count(&app, t).await);
        }
        v
    };
    assert_eq!(before[0], 2);
    assert_eq!(before[1], 6);
    assert_eq!(seed(&app.pool).await.unwrap(), SeedOutcome::AlreadyPresent);
    for (i, t) in ["organizations", "users", "campaigns", "contacts", "calls"]
        .iter()
        .enumerate()
    {
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

#[tokio::test]
async fn two_instances_seeding_at_once_load_the_demo_data_once() {
    let app = spawn_app().await;
    let (a, b) = tokio::join!(seed(&app.pool), seed(&app.pool));
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| *o == SeedOutcome::AlreadyPresent);
    assert_eq!(outcomes, [SeedOutcome::Loaded, SeedOutcome::AlreadyPresent]);
    assert_eq!(count(&app, "organizations").await, 2);
}
