//! Every write says who made it: the record's history (field by field, from and to), the
//! row's `updated_by`, and the change log the stream is made of — app edits by the user's
//! name, anything else (psql) as `sql`.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::{edits, patch, stored, trip};
use crate::helpers::{spawn_seeded, TestApp};

async fn last_trip_change_actor(app: &TestApp) -> Option<String> {
    sqlx::query_scalar(
        "SELECT actor FROM realtime.changes WHERE table_name = 'trips' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_app_edit_is_in_the_history_with_who_made_it_and_each_fields_from_and_to() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let (_, me) = app.get_json(&organizer, "/api/me").await;
    let id = trip(&app, "Algarve golf week").await;
    let before = stored(&app, "trips", id).await;
    let key = Uuid::new_v4().to_string();
    let (status, res) = patch(
        &app,
        &organizer,
        &format!("/api/trips/{id}"),
        &edits(&[
            (
                "budget_cents",
                before["budget_cents"].clone(),
                json!(735_000),
            ),
            ("notes", before["notes"].clone(), json!("Add a caddie")),
        ]),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");

    let (status, history) = app
        .get_json(&organizer, &format!("/api/trips/{id}/history"))
        .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let entries = history["entries"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        2,
        "the seed's insert and this edit: {history}"
    );
    let e = &entries[0];
    assert_eq!(e["op"], "UPDATE");
    assert_eq!(e["actor"], "Acme Organizer");
    assert_eq!(e["actor_id"], me["id"]);
    assert_eq!(e["mutation_id"], key.as_str());
    assert_eq!(e["version"], res["version"]);
    assert_eq!(e["record_id"], id.to_string());
    assert_eq!(
        e["changes"],
        json!({
            "budget_cents": { "from": before["budget_cents"], "to": 735_000 },
            "notes": { "from": before["notes"], "to": "Add a caddie" },
        })
    );
    assert_eq!(entries[1]["op"], "INSERT");
    assert_eq!(entries[1]["actor"], "demo seed");

    let after = stored(&app, "trips", id).await;
    assert_eq!(after["updated_by"], "Acme Organizer");
    assert_eq!(after["mutation_id"], key.as_str());
    let (status, limited) = app
        .get_json(&organizer, &format!("/api/trips/{id}/history?limit=1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(limited["entries"].as_array().unwrap().len(), 1);
    assert_eq!(limited["entries"][0]["id"], e["id"]);
}

#[tokio::test]
async fn a_write_made_with_psql_is_recorded_as_sql() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let before = stored(&app, "trips", id).await;
    app.psql(&format!("UPDATE trips SET notes = 'x' WHERE id = '{id}'"));

    let (_, history) = app
        .get_json(&organizer, &format!("/api/trips/{id}/history"))
        .await;
    let e = &history["entries"][0];
    assert_eq!(e["actor"], "sql");
    assert_eq!(e["actor_id"], serde_json::Value::Null);
    assert_eq!(e["mutation_id"], serde_json::Value::Null);
    assert_eq!(
        e["changes"],
        json!({ "notes": { "from": before["notes"], "to": "x" } })
    );
    let after = stored(&app, "trips", id).await;
    assert_eq!(after["updated_by"], "sql");
    assert_eq!(after["mutation_id"], serde_json::Value::Null);
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);

    // A write that changes nothing is no history.
    let count = history["entries"].as_array().unwrap().len();
    app.psql(&format!("UPDATE trips SET notes = 'x' WHERE id = '{id}'"));
    let (_, again) = app
        .get_json(&organizer, &format!("/api/trips/{id}/history"))
        .await;
    assert_eq!(again["entries"].as_array().unwrap().len(), count);
}

#[tokio::test]
async fn a_campaign_bid_change_is_in_the_campaigns_history_and_its_progress_is_not() {
    let app = spawn_seeded().await;
    let admin = app.token("admin@acme.example").await;
    let campaign = app.campaign_id("Spring Renewals").await;
    let before = stored(&app, "campaigns", campaign).await;
    let path = format!("/api/campaigns/{campaign}");
    let (status, res) = patch(
        &app,
        &admin,
        &path,
        &edits(&[("bid_cents", before["bid_cents"].clone(), json!(62))]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["record"]["bid_cents"], 62);
    assert_eq!(stored(&app, "campaigns", campaign).await["bid_cents"], 62);
    // Not one of the editable settings: not history.
    app.psql(&format!(
        "UPDATE campaigns SET status = 'paused' WHERE id = '{campaign}'"
    ));

    let (status, history) = app.get_json(&admin, &format!("{path}/history")).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let entries = history["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{history}");
    assert_eq!(entries[0]["actor"], "Acme Admin");
    assert_eq!(entries[0]["table_name"], "campaigns");
    assert_eq!(
        entries[0]["changes"],
        json!({ "bid_cents": { "from": before["bid_cents"], "to": 62 } })
    );
}

#[tokio::test]
async fn the_change_log_and_the_poll_say_who_made_each_change() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let operator = app.token("operator@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let (_, start) = app
        .get_json(&operator, "/api/realtime/changes?sub=trips")
        .await;
    let cursor = start["cursor"].as_str().expect("a cursor").to_owned();

    let before = stored(&app, "trips", id).await;
    let key = Uuid::new_v4().to_string();
    let (status, _) = patch(
        &app,
        &organizer,
        &format!("/api/trips/{id}"),
        &edits(&[("notes", before["notes"].clone(), json!("Streamed"))]),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        last_trip_change_actor(&app).await.as_deref(),
        Some("Acme Organizer")
    );

    app.psql(&format!(
        "UPDATE trips SET notes = 'By hand' WHERE id = '{id}'"
    ));
    assert_eq!(last_trip_change_actor(&app).await.as_deref(), Some("sql"));

    app.sequenced().await;
    let (status, page) = app
        .get_json(
            &operator,
            &format!("/api/realtime/changes?sub=trips&after={cursor}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let changes: Vec<_> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["table"] == "trips")
        .collect();
    assert_eq!(changes.len(), 2, "{page}");
    assert_eq!(changes[0]["actor"], "Acme Organizer");
    assert_eq!(changes[0]["new"]["notes"], "Streamed");
    assert_eq!(changes[0]["new"]["mutation_id"], key.as_str());
    assert_eq!(changes[1]["actor"], "sql");
    assert_eq!(changes[1]["new"]["notes"], "By hand");
    assert_eq!(changes[1]["new"]["id"], id.to_string());
}
