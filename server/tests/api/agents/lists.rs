//! Lists of agent work: assigning a task and finding it, filters, order, limits and cursors.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{call, draft, follow_up, ids, my_id, seq, setup, task};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn an_assigned_task_is_a_201_that_then_lists_under_its_contact() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let token = app.token("organizer@acme.example").await;
    let me = my_id(&app, &token).await;
    let contact = acme.contacts[1];
    let path = format!("/api/contacts/{contact}/tasks");
    let mut assigned = Vec::new();
    for kind in ["draft_email", "draft_sms"] {
        let body = json!({ "agent_id": acme.agent, "kind": kind });
        let (status, t) = call(&app, &token, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{t}");
        assert_eq!(t["contact_id"], contact.to_string());
        assert_eq!(t["agent_id"], acme.agent.to_string());
        assert_eq!(t["kind"], kind);
        assert_eq!(t["status"], "pending");
        assert_eq!(t["assigned_by"], me.as_str());
        for empty in ["error", "draft_id", "started_at", "completed_at"] {
            assert_eq!(t[empty], Value::Null, "{empty}");
        }
        assigned.insert(0, t["id"].as_str().unwrap().to_owned());
    }
    task(&app, &acme, acme.contacts[0], "completed").await;

    let (status, list) = app
        .get_json(&token, &format!("/api/agent-tasks?contact_id={contact}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ids(&list["tasks"]),
        assigned,
        "newest first, this contact only"
    );
    assert!(seq(&list["cursor"]) > 0);
    for (query, expected) in [
        (
            format!(
                "contact_id={contact}&status=pending&agent_id={}",
                acme.agent
            ),
            assigned.clone(),
        ),
        (format!("contact_id={contact}&status=completed"), vec![]),
        (
            format!("contact_id={contact}&limit=1"),
            assigned[..1].to_vec(),
        ),
        (format!("agent_id={}", Uuid::new_v4()), vec![]),
    ] {
        let (_, list) = app
            .get_json(&token, &format!("/api/agent-tasks?{query}"))
            .await;
        assert_eq!(ids(&list["tasks"]), expected, "{query}");
    }
    let (_, all) = app.get_json(&token, "/api/agent-tasks").await;
    assert_eq!(all["tasks"].as_array().unwrap().len(), 3);

    let (_, agents) = app.get_json(&token, "/api/agents").await;
    let metrics = &agents["agents"][0]["metrics"];
    assert_eq!(metrics["pending"], 2);
    assert_eq!(metrics["completed_today"], 1);

    let unknown_contact = format!("/api/contacts/{}/tasks", Uuid::new_v4());
    for (path, agent, message) in [
        (&path, Uuid::new_v4(), "agent not found"),
        (&unknown_contact, acme.agent, "contact not found"),
    ] {
        let body = json!({ "agent_id": agent, "kind": "draft_sms" });
        let (status, res) = call(&app, &token, Method::POST, path, Some(body)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{res}");
        assert_eq!(res["error"]["message"], message);
    }
}

#[tokio::test]
async fn draft_and_follow_up_lists_filter_order_limit_and_carry_a_cursor() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let token = app.token("organizer@acme.example").await;
    let mut drafts = Vec::new();
    for hours in [3, 2, 1] {
        let d = draft(&app, &acme, "email").await;
        app.psql(&format!(
            "UPDATE drafts SET created_at = now() - interval '{hours} hours' WHERE id = '{d}'"
        ));
        drafts.push(d.to_string());
    }
    let (_, before) = app.get_json(&token, "/api/drafts").await;
    let approve = format!("/api/drafts/{}/approve", drafts[1]);
    assert_eq!(
        call(&app, &token, Method::POST, &approve, None).await.0,
        StatusCode::OK
    );
    let (d1, d2, d3) = (&drafts[0], &drafts[1], &drafts[2]);
    let mut after = Value::Null;
    for (query, expected) in [
        ("", vec![d3, d2, d1]),
        ("?status=pending_approval", vec![d1, d3]),
        ("?status=approved", vec![d2]),
        ("?status=sent", vec![]),
        ("?limit=1", vec![d3]),
        ("?status=pending_approval&limit=1", vec![d1]),
    ] {
        let (status, list) = app.get_json(&token, &format!("/api/drafts{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(ids(&list["drafts"]), expected, "{query}");
        after = list["cursor"].clone();
    }
    assert!(
        seq(&after) > seq(&before["cursor"]),
        "the approval moved the cursor"
    );

    let (c0, c1) = (acme.contacts[0], acme.contacts[1]);
    let f1 = follow_up(&app, &acme, c0, "3 days").await.to_string();
    let f2 = follow_up(&app, &acme, c1, "1 day").await.to_string();
    let f3 = follow_up(&app, &acme, c0, "2 days").await.to_string();
    let cancel = format!("/api/follow-ups/{f3}/cancel");
    assert_eq!(
        call(&app, &token, Method::POST, &cancel, None).await.0,
        StatusCode::OK
    );
    for (query, expected) in [
        ("?status=scheduled".to_owned(), vec![&f2, &f1]),
        ("?status=scheduled&limit=1".to_owned(), vec![&f2]),
        ("?status=cancelled".to_owned(), vec![&f3]),
        ("?status=executed".to_owned(), vec![]),
        (format!("?contact_id={c0}"), vec![&f1, &f3]),
        (format!("?contact_id={c1}&status=scheduled"), vec![&f2]),
    ] {
        let (status, list) = app
            .get_json(&token, &format!("/api/follow-ups{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(ids(&list["follow_ups"]), expected, "{query}");
        assert!(seq(&list["cursor"]) >= seq(&after), "{query}");
    }
}
