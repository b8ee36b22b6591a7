//! One agent: its figures, newest tasks and activity, and the contacts they mention.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use uuid::Uuid;

use super::{agent, ids, seq, setup, task};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn an_agents_detail_has_its_newest_tasks_and_activity_and_the_contacts_they_mention() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let (c0, c1, c2) = (acme.contacts[0], acme.contacts[1], acme.contacts[2]);
    let elsewhere: Uuid = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE organization_id = $1 ORDER BY name, id OFFSET 3 LIMIT 1",
    )
    .bind(acme.id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let closer = agent(&app, acme.id, "acme Closer").await;
    sqlx::query(
        "INSERT INTO agent_tasks (organization_id, contact_id, agent_id, kind, status, \
         started_at, completed_at, created_at) \
         SELECT $1, CASE WHEN i % 2 = 0 THEN $2 ELSE $3 END, $4, 'draft_email', 'completed', \
         now() - interval '30 seconds', now(), now() - i * interval '1 minute' \
         FROM generate_series(1, 55) i",
    )
    .bind(acme.id)
    .bind(c0)
    .bind(c1)
    .bind(acme.agent)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO agent_tasks (organization_id, contact_id, agent_id, kind) \
         VALUES ($1, $2, $3, 'draft_sms')",
    )
    .bind(acme.id)
    .bind(elsewhere)
    .bind(closer)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut newest = BTreeSet::new();
    for status in ["pending", "in_progress", "failed"] {
        newest.insert(task(&app, &acme, c1, status).await.to_string());
    }
    sqlx::query(
        "INSERT INTO agent_activity (organization_id, agent_id, contact_id, kind, message) \
         SELECT $1, $2, CASE WHEN i = 55 THEN $3 WHEN i <= 5 THEN $4 END, 'task_completed', \
         'Draft ready #' || i FROM generate_series(1, 55) i",
    )
    .bind(acme.id)
    .bind(acme.agent)
    .bind(c2)
    .bind(elsewhere)
    .execute(&app.pool)
    .await
    .unwrap();

    let token = app.token("operator@acme.example").await;
    let (status, detail) = app
        .get_json(&token, &format!("/api/agents/{}", acme.agent))
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["agent"]["agent"]["id"], acme.agent.to_string());
    assert_eq!(detail["agent"]["agent"]["name"], "acme Writer");
    let metrics = &detail["agent"]["metrics"];
    assert_eq!(metrics["completed_today"], 55);
    assert_eq!(metrics["failed_today"], 1);
    assert_eq!(metrics["pending"], 1);
    assert_eq!(metrics["in_progress"], 1);
    let work = metrics["work_seconds_today"].as_f64().unwrap();
    assert!((work - 55.0 * 30.0).abs() < 1.0, "{work}");

    let tasks = detail["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 50);
    assert!(tasks
        .iter()
        .all(|t| t["agent_id"] == acme.agent.to_string()));
    let first: BTreeSet<_> = ids(&detail["tasks"])[..3]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(first, newest, "the newest tasks come first");
    let created: Vec<_> = tasks
        .iter()
        .map(|t| super::time(&t["created_at"]))
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let activity = detail["activity"].as_array().unwrap();
    assert_eq!(activity.len(), 50);
    assert_eq!(activity[0]["message"], "Draft ready #55");
    assert_eq!(activity[0]["kind"], "task_completed");
    assert_eq!(activity[49]["message"], "Draft ready #6");

    let contacts: BTreeSet<_> = ids(&detail["contacts"])
        .into_iter()
        .map(str::to_owned)
        .collect();
    let expected: BTreeSet<_> = [c0, c1, c2].iter().map(Uuid::to_string).collect();
    assert_eq!(
        contacts, expected,
        "only the contacts the 50 newest entries mention"
    );
    for c in detail["contacts"].as_array().unwrap() {
        for field in ["name", "phone", "campaign_name"] {
            assert!(!c[field].as_str().unwrap().is_empty(), "{c}");
        }
    }
    assert!(seq(&detail["cursor"]) > 0);

    let (_, list) = app.get_json(&token, "/api/agents").await;
    let names: Vec<_> = list["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acme Closer", "acme Writer"]);
    assert_eq!(&list["agents"][1]["metrics"], metrics);
    assert_eq!(list["agents"][0]["metrics"]["pending"], 1);
}
