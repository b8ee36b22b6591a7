//! Creating clients and trips, and deleting them: a deleted record is a 404 for reading (its
//! history included) and a 410 naming who deleted it for writing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{call, client, edits, message, patch, stored, trip};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn a_new_client_and_trip_are_created_and_credited_to_their_creator() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let (status, created) = call(
        &app,
        &organizer,
        Method::POST,
        "/api/clients",
        Some(json!({ "name": "  Zoe Quinn ", "email": "zoe@example.com", "tags": ["vip", "vip"] })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["name"], "Zoe Quinn");
    assert_eq!(created["tags"], json!(["vip"]));
    assert_eq!(created["version"], 1);
    assert_eq!(created["updated_by"], "Acme Organizer");
    let client_id: Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let row = stored(&app, "clients", client_id).await;
    assert_eq!(row["organization_id"], app.org_id("acme").await.to_string());

    let (status, t) = call(
        &app,
        &organizer,
        Method::POST,
        "/api/trips",
        Some(json!({
            "client_id": client_id, "title": "Patagonia", "start_date": "2030-01-05",
            "end_date": "2030-01-19", "budget_cents": 1_500_000
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    assert_eq!(t["status"], "planning");
    assert_eq!(t["client_id"], client_id.to_string());
    assert_eq!(t["updated_by"], "Acme Organizer");
    let (status, list) = app
        .get_json(&organizer, &format!("/api/trips?client_id={client_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["trips"].as_array().unwrap().len(), 1);
    assert_eq!(list["trips"][0]["id"], t["id"]);

    let (_, history) = app
        .get_json(
            &organizer,
            &format!("/api/trips/{}/history", t["id"].as_str().unwrap()),
        )
        .await;
    let entries = history["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{history}");
    assert_eq!(entries[0]["op"], "INSERT");
    assert_eq!(entries[0]["actor"], "Acme Organizer");
    assert_eq!(entries[0]["changes"]["title"]["to"], "Patagonia");
    assert_eq!(entries[0]["changes"]["title"]["from"], Value::Null);

    // Searching finds the new client.
    let (_, found) = app.get_json(&organizer, "/api/clients?q=quinn").await;
    assert_eq!(found["clients"].as_array().unwrap().len(), 1, "{found}");
}

#[tokio::test]
async fn a_trip_for_another_organizations_client_is_a_404_and_not_created() {
    let app = spawn_seeded().await;
    let globex = app.token("organizer@globex.example").await;
    let amelia = client(&app, "Amelia Hart").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM trips")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, res) = call(
        &app,
        &globex,
        Method::POST,
        "/api/trips",
        Some(json!({ "client_id": amelia, "title": "Stolen client" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{res}");
    assert_eq!(res["error"]["code"], "not_found");
    let (status, res) = call(
        &app,
        &globex,
        Method::POST,
        "/api/trips",
        Some(json!({ "client_id": Uuid::new_v4(), "title": "Nobody's" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{res}");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM trips")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, before);

    // Dates out of order on creation are the same 422 as on an edit.
    let grace = client(&app, "Grace Liu").await;
    let (status, res) = call(
        &app,
        &globex,
        Method::POST,
        "/api/trips",
        Some(json!({ "client_id": grace, "title": "Backwards", "start_date": "2030-02-10", "end_date": "2030-02-01" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert!(message(&res).starts_with("end_date:"), "{res}");
}

#[tokio::test]
async fn a_deleted_trip_is_not_found_to_read_and_gone_to_edit_naming_who_deleted_it() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let admin = app.token("admin@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    let before = stored(&app, "trips", id).await;

    let (status, _) = call(&app, &admin, Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get_json(&organizer, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let body = edits(&[("notes", before["notes"].clone(), json!("Too late"))]);
    let (status, res) = patch(&app, &organizer, &path, &body, None).await;
    assert_eq!(status, StatusCode::GONE, "{res}");
    assert_eq!(res["error"]["code"], "gone");
    assert!(message(&res).contains("deleted by Acme Admin"), "{res}");
    let (status, res) = call(&app, &organizer, Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::GONE, "{res}");
    assert!(message(&res).contains("deleted by Acme Admin"), "{res}");

    // Readers find it gone, history included; the history itself is kept, ending with the
    // deletion.
    let (status, history) = app.get_json(&organizer, &format!("{path}/history")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{history}");
    let (op, actor): (String, String) = sqlx::query_as(
        "SELECT op, actor FROM record_history WHERE record_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((op.as_str(), actor.as_str()), ("DELETE", "Acme Admin"));

    // Another organization still sees nothing at all.
    let globex = app.token("organizer@globex.example").await;
    let (status, _) = patch(&app, &globex, &path, &body, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deleting_a_client_deletes_their_trips_and_says_who_to_later_edits() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let amelia = client(&app, "Amelia Hart").await;
    let golf = trip(&app, "Scottish links tour").await;
    let (status, _) = call(
        &app,
        &organizer,
        Method::DELETE,
        &format!("/api/clients/{amelia}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = app
        .get_json(&organizer, &format!("/api/trips?client_id={amelia}"))
        .await;
    assert_eq!(list["trips"], json!([]));
    for path in [
        format!("/api/clients/{amelia}"),
        format!("/api/trips/{golf}"),
    ] {
        let body = edits(&[("notes", json!(""), json!("Hello?"))]);
        let (status, res) = patch(&app, &organizer, &path, &body, None).await;
        assert_eq!(status, StatusCode::GONE, "{path}: {res}");
        assert!(
            message(&res).contains("deleted by Acme Organizer"),
            "{path}: {res}"
        );
    }
}
