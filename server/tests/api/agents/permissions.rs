//! Operators read agent work; organizers and admins act on it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{assigned_tasks, call, draft, follow_up, hours_from_now, my_id, row, setup};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn operators_read_everything_but_every_action_is_a_403_that_changes_nothing() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let d = draft(&app, &acme, "email").await;
    let f = follow_up(&app, &acme, acme.contacts[0], "2 days").await;
    let token = app.token("operator@acme.example").await;

    for (path, list) in [
        ("/api/agents".to_owned(), "agents"),
        (format!("/api/agents/{}", acme.agent), "tasks"),
        ("/api/agent-tasks".to_owned(), "tasks"),
        ("/api/drafts".to_owned(), "drafts"),
        ("/api/follow-ups".to_owned(), "follow_ups"),
    ] {
        let (status, body) = app.get_json(&token, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(!body[list].as_array().unwrap().is_empty(), "{path}: {body}");
        assert!(body["cursor"].is_string(), "{path}: {body}");
    }

    let (draft_before, follow_up_before) = (
        row(&app, "drafts", d).await,
        row(&app, "follow_ups", f).await,
    );
    let actions = [
        (
            Method::POST,
            format!("/api/contacts/{}/tasks", acme.contacts[1]),
            Some(json!({ "agent_id": acme.agent, "kind": "draft_email" })),
        ),
        (Method::POST, format!("/api/drafts/{d}/approve"), None),
        (
            Method::POST,
            format!("/api/drafts/{d}/reject"),
            Some(json!({ "reason": "too pushy" })),
        ),
        (Method::POST, format!("/api/drafts/{d}/reject"), None),
        // The role is checked before the input: no hints from validation.
        (
            Method::POST,
            format!("/api/drafts/{d}/reject"),
            Some(json!({ "reason": "x".repeat(501) })),
        ),
        (
            Method::PATCH,
            format!("/api/drafts/{d}"),
            Some(json!({ "body": "Hi there" })),
        ),
        (Method::PATCH, format!("/api/drafts/{d}"), Some(json!({}))),
        (Method::POST, format!("/api/follow-ups/{f}/cancel"), None),
        (
            Method::PATCH,
            format!("/api/follow-ups/{f}"),
            Some(json!({ "scheduled_for": hours_from_now(5) })),
        ),
        (
            Method::PATCH,
            format!("/api/follow-ups/{f}"),
            Some(json!({ "scheduled_for": hours_from_now(-5) })),
        ),
    ];
    for (method, path, body) in actions {
        let (status, res) = call(&app, &token, method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {res}");
        assert_eq!(res["error"]["code"], "forbidden");
        assert_eq!(
            res["error"]["message"],
            "only organizers and admins may do this"
        );
    }
    assert_eq!(row(&app, "drafts", d).await, draft_before);
    assert_eq!(row(&app, "follow_ups", f).await, follow_up_before);
    assert_eq!(assigned_tasks(&app, &acme).await, 0);
}

#[tokio::test]
async fn organizers_and_admins_assign_edit_decide_cancel_and_reschedule() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    for (email, name) in [
        ("organizer@acme.example", "Acme Organizer"),
        ("admin@acme.example", "Acme Admin"),
    ] {
        let token = app.token(email).await;
        let me = my_id(&app, &token).await;

        let (status, task) = call(
            &app,
            &token,
            Method::POST,
            &format!("/api/contacts/{}/tasks", acme.contacts[1]),
            Some(json!({ "agent_id": acme.agent, "kind": "draft_sms" })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{email}: {task}");
        assert_eq!(task["assigned_by"], me.as_str());
        assert_eq!(task["status"], "pending");

        let edited = draft(&app, &acme, "email").await;
        let (status, d) = call(
            &app,
            &token,
            Method::PATCH,
            &format!("/api/drafts/{edited}"),
            Some(json!({ "subject": "  A better subject ", "body": "A better body." })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{email}: {d}");
        assert_eq!(d["subject"], "A better subject");
        assert_eq!(d["body"], "A better body.");
        assert_eq!(d["edited_by"], me.as_str());
        assert!(d["edited_at"].is_string());
        assert_eq!(d["status"], "pending_approval");

        let (status, d) = call(
            &app,
            &token,
            Method::POST,
            &format!("/api/drafts/{edited}/approve"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{email}: {d}");
        assert_eq!(d["status"], "approved");
        assert_eq!(d["decided_by"], me.as_str());
        assert_eq!(d["decided_by_name"], name);
        assert!(d["decided_at"].is_string());
        assert_eq!(d["body"], "A better body.", "approval keeps the edit");

        let rejected = draft(&app, &acme, "sms").await;
        let (status, d) = call(
            &app,
            &token,
            Method::POST,
            &format!("/api/drafts/{rejected}/reject"),
            Some(json!({ "reason": "Wrong tone" })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{email}: {d}");
        assert_eq!(d["status"], "rejected");
        assert_eq!(d["reject_reason"], "Wrong tone");
        assert_eq!(d["decided_by_name"], name);

        let cancelled = follow_up(&app, &acme, acme.contacts[0], "1 day").await;
        let (status, f) = call(
            &app,
            &token,
            Method::POST,
            &format!("/api/follow-ups/{cancelled}/cancel"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{email}: {f}");
        assert_eq!(f["status"], "cancelled");
        assert_eq!(f["cancelled_by"], me.as_str());
        assert!(f["cancelled_at"].is_string());

        let moved = follow_up(&app, &acme, acme.contacts[0], "1 day").await;
        let when = chrono::Utc::now() + chrono::Duration::hours(50);
        let (status, f) = call(
            &app,
            &token,
            Method::PATCH,
            &format!("/api/follow-ups/{moved}"),
            Some(json!({ "scheduled_for": when })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{email}: {f}");
        assert_eq!(f["status"], "scheduled");
        let stored = super::time(&f["scheduled_for"]);
        assert!(
            (stored - when).num_milliseconds().abs() < 1,
            "{stored} vs {when}"
        );
    }
    assert_eq!(assigned_tasks(&app, &acme).await, 2);
}
