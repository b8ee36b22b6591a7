//! Operators read but do not write; another organization's records do not exist; a revoked
//! token is nobody.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{call, client, edits, patch, stored, trip};
use crate::helpers::spawn_seeded;

async fn count(app: &crate::helpers::TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn operators_may_read_but_not_create_edit_or_delete() {
    let app = spawn_seeded().await;
    let operator = app.token("operator@acme.example").await;
    let (trip_id, client_id) = (
        trip(&app, "Algarve golf week").await,
        client(&app, "Amelia Hart").await,
    );
    let campaign = app.campaign_id("Spring Renewals").await;
    let (t0, c0, k0) = (
        stored(&app, "trips", trip_id).await,
        stored(&app, "clients", client_id).await,
        stored(&app, "campaigns", campaign).await,
    );
    let (trips, clients) = (count(&app, "trips").await, count(&app, "clients").await);

    let writes: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PATCH,
            format!("/api/trips/{trip_id}"),
            Some(edits(&[("notes", t0["notes"].clone(), json!("Mine"))])),
        ),
        (
            Method::PATCH,
            format!("/api/clients/{client_id}"),
            Some(edits(&[("notes", c0["notes"].clone(), json!("Mine"))])),
        ),
        (
            Method::PATCH,
            format!("/api/campaigns/{campaign}"),
            Some(edits(&[("bid_cents", k0["bid_cents"].clone(), json!(99))])),
        ),
        (
            Method::POST,
            "/api/clients".into(),
            Some(json!({ "name": "Olga Operator" })),
        ),
        (
            Method::POST,
            "/api/trips".into(),
            Some(json!({ "client_id": client_id, "title": "Sneaky" })),
        ),
        (Method::DELETE, format!("/api/trips/{trip_id}"), None),
        (Method::DELETE, format!("/api/clients/{client_id}"), None),
    ];
    for (method, path, body) in writes {
        let (status, res) = call(&app, &operator, method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {res}");
        assert_eq!(res["error"]["code"], "forbidden", "{method} {path}: {res}");
    }
    assert_eq!(stored(&app, "trips", trip_id).await, t0);
    assert_eq!(stored(&app, "clients", client_id).await, c0);
    assert_eq!(stored(&app, "campaigns", campaign).await, k0);
    assert_eq!(count(&app, "trips").await, trips);
    assert_eq!(count(&app, "clients").await, clients);

    for path in [
        format!("/api/trips/{trip_id}"),
        format!("/api/trips/{trip_id}/history"),
        format!("/api/clients/{client_id}"),
        format!("/api/clients/{client_id}/history"),
        format!("/api/campaigns/{campaign}/history"),
    ] {
        let (status, res) = app.get_json(&operator, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {res}");
    }
    let (_, t) = app
        .get_json(&operator, &format!("/api/trips/{trip_id}"))
        .await;
    assert_eq!(t["title"], "Algarve golf week");
}

#[tokio::test]
async fn another_organizations_records_are_not_found_for_any_method() {
    let app = spawn_seeded().await;
    let globex = app.token("organizer@globex.example").await;
    let (trip_id, client_id) = (
        trip(&app, "Algarve golf week").await,
        client(&app, "Amelia Hart").await,
    );
    let campaign = app.campaign_id("Spring Renewals").await;
    let (t0, c0, k0) = (
        stored(&app, "trips", trip_id).await,
        stored(&app, "clients", client_id).await,
        stored(&app, "campaigns", campaign).await,
    );

    let mut requests: Vec<(Method, String, Option<Value>)> = vec![];
    for (path, field, base) in [
        (
            format!("/api/trips/{trip_id}"),
            "notes",
            t0["notes"].clone(),
        ),
        (
            format!("/api/clients/{client_id}"),
            "notes",
            c0["notes"].clone(),
        ),
        (
            format!("/api/campaigns/{campaign}"),
            "bid_cents",
            k0["bid_cents"].clone(),
        ),
    ] {
        let value = if field == "notes" {
            json!("Globex was here")
        } else {
            json!(1)
        };
        requests.push((Method::GET, path.clone(), None));
        requests.push((Method::GET, format!("{path}/history"), None));
        requests.push((
            Method::PATCH,
            path.clone(),
            Some(edits(&[(field, base, value)])),
        ));
        if !path.contains("campaigns") {
            requests.push((Method::DELETE, path, None));
        }
    }
    for (method, path, body) in requests {
        let (status, res) = call(&app, &globex, method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {res}");
        assert_eq!(res["error"]["code"], "not_found", "{method} {path}: {res}");
    }
    assert_eq!(stored(&app, "trips", trip_id).await, t0);
    assert_eq!(stored(&app, "clients", client_id).await, c0);
    assert_eq!(stored(&app, "campaigns", campaign).await, k0);

    // Lists show only their own.
    let (_, list) = app.get_json(&globex, "/api/clients").await;
    let names: Vec<&str> = list["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Grace Liu") && !names.contains(&"Amelia Hart"),
        "{names:?}"
    );
    let (_, list) = app
        .get_json(&globex, &format!("/api/trips?client_id={client_id}"))
        .await;
    assert_eq!(list["trips"], json!([]));
}

#[tokio::test]
async fn a_revoked_token_edits_nothing() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let before = stored(&app, "trips", id).await;
    let body = edits(&[("notes", before["notes"].clone(), json!("After revocation"))]);
    assert!(app.revoke(&organizer).await.is_success());
    let (status, res) = patch(&app, &organizer, &format!("/api/trips/{id}"), &body, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{res}");
    let (status, _) = call(
        &app,
        &organizer,
        Method::DELETE,
        &format!("/api/trips/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(stored(&app, "trips", id).await, before);
}
