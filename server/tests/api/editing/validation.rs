//! What a PATCH may say: known fields with valid values (the message names the field), dates
//! in order, at least one field, a body within the limit and a well-formed Idempotency-Key.

use reqwest::header::HeaderValue;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::{edits, message, patch, stored, trip};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn invalid_edits_are_422s_naming_the_field_and_change_nothing() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let campaign = app.campaign_id("Spring Renewals").await;
    let path = format!("/api/trips/{id}");
    let t = stored(&app, "trips", id).await;
    let k = stored(&app, "campaigns", campaign).await;
    let b = |f: &str| t[f].clone();

    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown field",
            edits(&[("version", b("version"), json!(99))]),
            "version: not an editable field",
        ),
        (
            "another org",
            edits(&[(
                "organization_id",
                Value::Null,
                json!(app.org_id("globex").await),
            )]),
            "organization_id:",
        ),
        (
            "negative budget",
            edits(&[("budget_cents", b("budget_cents"), json!(-1))]),
            "budget_cents:",
        ),
        (
            "fractional budget",
            edits(&[("budget_cents", b("budget_cents"), json!(12.5))]),
            "budget_cents:",
        ),
        (
            "impossible date",
            edits(&[("start_date", b("start_date"), json!("2027-02-30"))]),
            "start_date:",
        ),
        (
            "not a date",
            edits(&[("end_date", b("end_date"), json!("next week"))]),
            "end_date:",
        ),
        (
            "unknown status",
            edits(&[("status", b("status"), json!("lost"))]),
            "status:",
        ),
        (
            "empty title",
            edits(&[("title", b("title"), json!("   "))]),
            "title:",
        ),
        ("no fields", json!({ "fields": {} }), "fields:"),
        (
            "end before its start",
            edits(&[("end_date", b("end_date"), json!("2001-01-01"))]),
            "end_date:",
        ),
        (
            "end before the new start",
            edits(&[
                ("start_date", b("start_date"), json!("2030-06-10")),
                ("end_date", b("end_date"), json!("2030-06-01")),
            ]),
            "end_date:",
        ),
    ];
    for (what, body, starts) in cases {
        let (status, res) = patch(&app, &organizer, &path, &body, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {res}");
        assert!(message(&res).starts_with(starts), "{what}: {res}");
    }
    assert_eq!(stored(&app, "trips", id).await, t, "nothing applied");

    let (status, res) = patch(
        &app,
        &organizer,
        &format!("/api/campaigns/{campaign}"),
        &edits(&[("bid_cents", k["bid_cents"].clone(), json!(100_001))]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert!(message(&res).starts_with("bid_cents:"), "{res}");
    let (status, res) = patch(
        &app,
        &organizer,
        &format!("/api/campaigns/{campaign}"),
        &edits(&[("status", k["status"].clone(), json!("completed"))]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert!(
        message(&res).starts_with("status: not an editable field of a campaign"),
        "{res}"
    );
    assert_eq!(stored(&app, "campaigns", campaign).await, k);
}

#[tokio::test]
async fn values_are_stored_normalized() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = super::client(&app, "Amelia Hart").await;
    let c = stored(&app, "clients", id).await;
    let (status, res) = patch(
        &app,
        &organizer,
        &format!("/api/clients/{id}"),
        &edits(&[
            ("name", c["name"].clone(), json!("  Amelia Hart-Jones ")),
            ("company", c["company"].clone(), json!("   ")),
            (
                "tags",
                c["tags"].clone(),
                json!([" vip", "vip", "golf ", "ski"]),
            ),
        ]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let after = stored(&app, "clients", id).await;
    assert_eq!(after["name"], "Amelia Hart-Jones");
    assert_eq!(after["company"], Value::Null);
    assert_eq!(after["tags"], json!(["vip", "golf", "ski"]));
    assert_eq!(res["record"]["tags"], after["tags"]);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let before = stored(&app, "trips", id).await;
    let body = edits(&[("notes", before["notes"].clone(), json!("x".repeat(70_000)))]);
    let (status, res) = patch(&app, &organizer, &format!("/api/trips/{id}"), &body, None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{res}");
    assert_eq!(stored(&app, "trips", id).await, before);
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_refused_with_a_reason() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    let before = stored(&app, "trips", id).await;
    let body = edits(&[("notes", before["notes"].clone(), json!("Keyed"))]);
    let long = "k".repeat(101);
    for key in ["has space", long.as_str(), "   "] {
        let (status, res) = patch(&app, &organizer, &path, &body, Some(key)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key:?}: {res}");
        assert!(
            message(&res).starts_with("Idempotency-Key: 1 to 100 visible ASCII"),
            "{res}"
        );
    }
    // Not ASCII at all: the header itself is unreadable.
    let res = Client::new()
        .patch(app.url(&path))
        .bearer_auth(&organizer)
        .header(
            "idempotency-key",
            HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res: Value = res.json().await.unwrap();
    assert!(message(&res).starts_with("Idempotency-Key:"), "{res}");
    assert_eq!(stored(&app, "trips", id).await, before, "nothing applied");

    // 100 characters is fine.
    let (status, res) = patch(&app, &organizer, &path, &body, Some(&"k".repeat(100))).await;
    assert_eq!(status, StatusCode::OK, "{res}");
}
