//! Bad input is the caller's mistake: a 4xx that says what was wrong, never a 500.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{call, draft, follow_up, hours_from_now, raw, row, setup};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn malformed_ids_unknown_values_and_unknown_parameters_are_a_400_and_other_methods_a_405() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let token = app.token("admin@acme.example").await;
    let assign = Some(json!({ "agent_id": acme.agent, "kind": "draft_email" }));
    for (method, path, body) in [
        (Method::GET, "/api/agents/not-a-uuid", None),
        (Method::POST, "/api/contacts/123/tasks", assign.clone()),
        (Method::POST, "/api/drafts/%27;drop/approve", None),
        (Method::POST, "/api/drafts/x/reject", None),
        (
            Method::PATCH,
            "/api/drafts/x",
            Some(json!({ "body": "Hi" })),
        ),
        (Method::POST, "/api/follow-ups/x/cancel", None),
        (
            Method::PATCH,
            "/api/follow-ups/x",
            Some(json!({ "scheduled_for": hours_from_now(2) })),
        ),
    ] {
        let (status, res) = call(&app, &token, method.clone(), path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}: {res}");
        assert!(
            res["error"]["message"].as_str().unwrap().contains("UUID"),
            "{res}"
        );
    }

    for (path, mentions) in [
        ("/api/agent-tasks?status=done", "unknown variant"),
        ("/api/agent-tasks?status=", "unknown variant"),
        ("/api/agent-tasks?contact_id=zzz", "contact_id"),
        ("/api/agent-tasks?agent_id=1", "agent_id"),
        ("/api/agent-tasks?limit=0", "between 1 and 200"),
        ("/api/agent-tasks?limit=201", "between 1 and 200"),
        ("/api/agent-tasks?limit=abc", "limit"),
        ("/api/agent-tasks?offset=10", "unknown field"),
        ("/api/drafts?status=approve", "unknown variant"),
        ("/api/drafts?limit=-1", "between 1 and 200"),
        ("/api/drafts?contact_id=x", "unknown field"),
        ("/api/follow-ups?status=overdue", "unknown variant"),
        ("/api/follow-ups?contact_id=x", "contact_id"),
        ("/api/follow-ups?limit=9999999999999999999999", "limit"),
        ("/api/follow-ups?organization_id=x", "unknown field"),
    ] {
        let (status, res) = app.get_json(&token, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {res}");
        assert_eq!(res["error"]["code"], "bad_request");
        let message = res["error"]["message"].as_str().unwrap();
        assert!(message.contains(mentions), "{path}: {message:?}");
    }
    for path in [
        "/api/agent-tasks?status=in_progress&limit=200",
        "/api/drafts?status=pending_approval&limit=1",
        "/api/follow-ups?status=executed",
    ] {
        assert_eq!(app.get_json(&token, path).await.0, StatusCode::OK, "{path}");
    }

    let id = uuid::Uuid::new_v4();
    for (method, path) in [
        (Method::DELETE, format!("/api/drafts/{id}")),
        (Method::GET, format!("/api/drafts/{id}/approve")),
        (Method::PUT, format!("/api/drafts/{id}/reject")),
        (Method::DELETE, format!("/api/follow-ups/{id}")),
        (Method::GET, format!("/api/follow-ups/{id}/cancel")),
        (Method::GET, format!("/api/contacts/{id}/tasks")),
        (Method::POST, "/api/agents".to_owned()),
        (Method::DELETE, format!("/api/agents/{id}")),
        (Method::POST, "/api/drafts".to_owned()),
    ] {
        let (status, res) = call(&app, &token, method.clone(), &path, None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(res["error"]["code"], "method_not_allowed");
    }
}

#[tokio::test]
async fn bad_bodies_are_a_4xx_naming_the_problem_and_never_a_500() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let email = draft(&app, &acme, "email").await;
    let sms = draft(&app, &acme, "sms").await;
    let f = follow_up(&app, &acme, acme.contacts[0], "1 day").await;
    let token = app.token("organizer@acme.example").await;
    let before = (
        row(&app, "drafts", email).await,
        row(&app, "drafts", sms).await,
        row(&app, "follow_ups", f).await,
    );

    let edit = format!("/api/drafts/{email}");
    let sms_edit = format!("/api/drafts/{sms}");
    let reject = format!("/api/drafts/{email}/reject");
    let reschedule = format!("/api/follow-ups/{f}");
    let assign = format!("/api/contacts/{}/tasks", acme.contacts[0]);
    let unprocessable: Vec<(Method, &str, Value, &str)> = vec![
        (
            Method::PATCH,
            &edit,
            json!({ "body": "Hi", "tone": "warm" }),
            "unknown field `tone`",
        ),
        (
            Method::PATCH,
            &edit,
            json!({}),
            "send a new subject or body",
        ),
        (
            Method::PATCH,
            &edit,
            json!({ "body": "   " }),
            "body: 1 to 5000",
        ),
        (
            Method::PATCH,
            &edit,
            json!({ "body": "x".repeat(5001) }),
            "body: 1 to 5000",
        ),
        (
            Method::PATCH,
            &edit,
            json!({ "subject": "s".repeat(201) }),
            "subject: 1 to 200",
        ),
        (
            Method::PATCH,
            &edit,
            json!({ "body": "nul\u{0}byte" }),
            "body",
        ),
        (
            Method::PATCH,
            &edit,
            json!({ "subject": "\u{0}" }),
            "subject",
        ),
        (Method::PATCH, &edit, json!({ "body": 5 }), "body"),
        (
            Method::PATCH,
            &sms_edit,
            json!({ "subject": "Hi" }),
            "text messages have no subject",
        ),
        (
            Method::POST,
            &reject,
            json!({ "reason": "r".repeat(501) }),
            "at most 500",
        ),
        (
            Method::POST,
            &reject,
            json!({ "reason": "nul\u{0}" }),
            "reason",
        ),
        (Method::POST, &reject, json!({ "reason": ["a"] }), "reason"),
        (
            Method::POST,
            &reject,
            json!({ "why": "no" }),
            "unknown field `why`",
        ),
        (
            Method::PATCH,
            &reschedule,
            json!({ "scheduled_for": hours_from_now(-1) }),
            "must be in the future",
        ),
        (
            Method::PATCH,
            &reschedule,
            json!({ "scheduled_for": hours_from_now(24 * 400) }),
            "at most 365 days",
        ),
        (
            Method::PATCH,
            &reschedule,
            json!({ "scheduled_for": "tomorrow" }),
            "scheduled_for",
        ),
        (
            Method::PATCH,
            &reschedule,
            json!({}),
            "missing field `scheduled_for`",
        ),
        (
            Method::POST,
            &assign,
            json!({ "agent_id": acme.agent, "kind": "draft_fax" }),
            "unknown variant",
        ),
        (
            Method::POST,
            &assign,
            json!({ "agent_id": "x", "kind": "draft_sms" }),
            "agent_id",
        ),
        (
            Method::POST,
            &assign,
            json!({ "kind": "draft_sms" }),
            "missing field `agent_id`",
        ),
    ];
    for (method, path, body, mentions) in unprocessable {
        let (status, res) = call(&app, &token, method.clone(), path, Some(body.clone())).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path} {body}: {res}"
        );
        let message = res["error"]["message"].as_str().unwrap();
        assert!(message.contains(mentions), "{body}: {message:?}");
    }

    let json = Some("application/json");
    let huge = format!(r#"{{"body":"{}"}}"#, "x".repeat(70 * 1024));
    for (method, path, content_type, body, expected) in [
        (
            Method::PATCH,
            &edit,
            json,
            huge.clone(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::POST,
            &reject,
            json,
            huge.clone(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::POST,
            &assign,
            json,
            huge,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::PATCH,
            &edit,
            Some("text/plain"),
            r#"{"body":"Hi"}"#.into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::PATCH,
            &edit,
            None,
            r#"{"body":"Hi"}"#.into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::POST,
            &reject,
            Some("text/plain"),
            "not today".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::POST,
            &assign,
            Some("application/x-www-form-urlencoded"),
            "kind=draft_sms".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::PATCH,
            &reschedule,
            Some("text/plain"),
            "{}".into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::PATCH,
            &edit,
            json,
            r#"{"body":"#.into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            &reject,
            json,
            "reason".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::PATCH,
            &reschedule,
            json,
            "".into(),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, res) = raw(&app, &token, method.clone(), path, content_type, body).await;
        assert_eq!(status, expected, "{method} {path} {content_type:?}: {res}");
    }

    // A huge body sent without a length (chunked) is a 413 too.
    for (method, path) in [(Method::PATCH, &edit), (Method::POST, &reject)] {
        let chunks = (0..70).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b' '; 1024])));
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
        let (status, res) = raw(&app, &token, method, path, json, body).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: {res}");
        assert_eq!(res["error"]["code"], "payload_too_large");
    }

    assert_eq!(
        (
            row(&app, "drafts", email).await,
            row(&app, "drafts", sms).await,
            row(&app, "follow_ups", f).await,
        ),
        before,
        "nothing changed"
    );
}
