//! A draft is decided once; a follow-up is cancelled or moved only while it is scheduled.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{call, draft, follow_up, hours_from_now, my_id, raw, row, setup, time};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn a_second_decision_is_a_409_naming_who_decided_and_how_and_changes_nothing() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let admin = app.token("admin@acme.example").await;
    let organizer = app.token("organizer@acme.example").await;
    let admin_id = my_id(&app, &admin).await;

    let approved = draft(&app, &acme, "email").await;
    let (status, first) = call(
        &app,
        &admin,
        Method::POST,
        &format!("/api/drafts/{approved}/approve"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let stored = row(&app, "drafts", approved).await;
    for (method, path, body) in [
        (
            Method::POST,
            "reject",
            Some(json!({ "reason": "Too late" })),
        ),
        (Method::POST, "approve", None),
        (Method::PATCH, "", Some(json!({ "body": "Rewritten" }))),
    ] {
        let path = format!("/api/drafts/{approved}/{path}");
        let path = path.trim_end_matches('/');
        let (status, res) = call(&app, &organizer, method, path, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {res}");
        let error = &res["error"];
        assert_eq!(error["code"], "conflict");
        assert_eq!(
            error["message"],
            "This draft was already approved by Acme Admin."
        );
        let decision = &error["details"]["decision"];
        assert_eq!(decision["status"], "approved");
        assert_eq!(decision["decided_by"], admin_id.as_str());
        assert_eq!(decision["decided_by_name"], "Acme Admin");
        assert_eq!(decision["decided_at"], first["decided_at"]);
        assert_eq!(decision["reject_reason"], Value::Null);
    }
    assert_eq!(row(&app, "drafts", approved).await, stored, "unchanged");

    // And the other way round: a rejection stands against a later approval.
    let rejected = draft(&app, &acme, "sms").await;
    let (status, _) = call(
        &app,
        &organizer,
        Method::POST,
        &format!("/api/drafts/{rejected}/reject"),
        Some(json!({ "reason": "Too pushy" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let stored = row(&app, "drafts", rejected).await;
    let (status, res) = call(
        &app,
        &admin,
        Method::POST,
        &format!("/api/drafts/{rejected}/approve"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(
        res["error"]["message"],
        "This draft was already rejected by Acme Organizer."
    );
    let decision = &res["error"]["details"]["decision"];
    assert_eq!(decision["status"], "rejected");
    assert_eq!(decision["decided_by_name"], "Acme Organizer");
    assert_eq!(decision["reject_reason"], "Too pushy");
    assert_eq!(row(&app, "drafts", rejected).await, stored, "unchanged");
}

#[tokio::test]
async fn an_approval_and_a_rejection_at_once_let_exactly_one_win() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let admin = app.token("admin@acme.example").await;
    let organizer = app.token("organizer@acme.example").await;
    for _ in 0..8 {
        let d = draft(&app, &acme, "email").await;
        let approve = format!("/api/drafts/{d}/approve");
        let reject = format!("/api/drafts/{d}/reject");
        let ((a_status, a), (r_status, r)) = tokio::join!(
            call(&app, &admin, Method::POST, &approve, None),
            call(
                &app,
                &organizer,
                Method::POST,
                &reject,
                Some(json!({ "reason": "No" }))
            ),
        );
        let (winner, loser) = match (a_status, r_status) {
            (StatusCode::OK, StatusCode::CONFLICT) => (a, r),
            (StatusCode::CONFLICT, StatusCode::OK) => (r, a),
            other => panic!("exactly one decision wins, got {other:?}: {a} / {r}"),
        };
        let decision = &loser["error"]["details"]["decision"];
        assert_eq!(decision["status"], winner["status"]);
        assert_eq!(decision["decided_by"], winner["decided_by"]);
        assert_eq!(decision["decided_by_name"], winner["decided_by_name"]);
        let stored = row(&app, "drafts", d).await;
        assert_eq!(stored["status"], winner["status"]);
        assert_eq!(stored["decided_by_name"], winner["decided_by_name"]);
        assert_eq!(stored["reject_reason"], winner["reject_reason"]);
    }
}

#[tokio::test]
async fn a_rejection_takes_an_optional_reason_and_an_approval_needs_no_body() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let token = app.token("organizer@acme.example").await;
    let reject = |d| format!("/api/drafts/{d}/reject");
    let json = Some("application/json");
    for (content_type, body, reason) in [
        (None, "", Value::Null),
        (json, "", Value::Null),
        (json, "{}", Value::Null),
        (json, "null", Value::Null),
        (json, r#"{"reason":null}"#, Value::Null),
        (json, r#"{"reason":"   "}"#, Value::Null),
        (json, r#"{"reason":"  too pushy  "}"#, json!("too pushy")),
    ] {
        let d = draft(&app, &acme, "email").await;
        let (status, res) = raw(&app, &token, Method::POST, &reject(d), content_type, body).await;
        assert_eq!(status, StatusCode::OK, "{content_type:?} {body:?}: {res}");
        assert_eq!(res["status"], "rejected");
        assert_eq!(res["reject_reason"], reason, "{body:?}");
    }
    for (content_type, body) in [(None, ""), (json, ""), (json, "{}")] {
        let d = draft(&app, &acme, "sms").await;
        let path = format!("/api/drafts/{d}/approve");
        let (status, res) = raw(&app, &token, Method::POST, &path, content_type, body).await;
        assert_eq!(status, StatusCode::OK, "{content_type:?} {body:?}: {res}");
        assert_eq!(res["status"], "approved");
        assert_eq!(res["reject_reason"], Value::Null);
    }
}

#[tokio::test]
async fn a_follow_up_cancelled_or_executed_cannot_be_cancelled_or_moved_again() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let token = app.token("admin@acme.example").await;
    let later = Some(json!({ "scheduled_for": hours_from_now(30) }));

    let cancelled = follow_up(&app, &acme, acme.contacts[0], "3 hours").await;
    let cancel = format!("/api/follow-ups/{cancelled}/cancel");
    let (status, first) = call(&app, &token, Method::POST, &cancel, None).await;
    assert_eq!(status, StatusCode::OK, "{first}");

    let executed = follow_up(&app, &acme, acme.contacts[1], "3 hours").await;
    app.psql(&format!(
        "UPDATE follow_ups SET status = 'executed', executed_at = now(), result = 'Called back' \
         WHERE id = '{executed}'"
    ));

    for (id, how) in [(cancelled, "cancelled"), (executed, "executed")] {
        let stored = row(&app, "follow_ups", id).await;
        for (method, path, body) in [
            (Method::POST, format!("/api/follow-ups/{id}/cancel"), None),
            (
                Method::PATCH,
                format!("/api/follow-ups/{id}"),
                later.clone(),
            ),
        ] {
            let (status, res) = call(&app, &token, method, &path, body).await;
            assert_eq!(status, StatusCode::CONFLICT, "{path}: {res}");
            assert_eq!(res["error"]["code"], "conflict");
            assert_eq!(
                res["error"]["message"],
                format!("This follow-up was already {how}.")
            );
            let now = &res["error"]["details"]["follow_up"];
            assert_eq!(now["id"], id.to_string());
            assert_eq!(now["status"], how);
            assert_eq!(time(&now["scheduled_for"]), time(&stored["scheduled_for"]));
        }
        assert_eq!(row(&app, "follow_ups", id).await, stored, "unchanged");
    }
    let (_, again) = call(&app, &token, Method::POST, &cancel, None).await;
    assert_eq!(
        again["error"]["details"]["follow_up"]["cancelled_at"],
        first["cancelled_at"]
    );
}
