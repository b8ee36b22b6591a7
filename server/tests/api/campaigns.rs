use reqwest::StatusCode;

use crate::helpers::spawn_seeded;

#[tokio::test]
async fn the_campaign_list_shows_progress_and_call_counts_per_status() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let (status, body) = app.get_json(&token, "/api/campaigns").await;
    assert_eq!(status, StatusCode::OK);
    let list = body["campaigns"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    // Active campaigns come first.
    assert_eq!(list[0]["status"], "active");
    let summer = list.iter().find(|c| c["name"] == "Summer Promo").unwrap();
    assert_eq!(summer["status"], "completed");
    assert_eq!(summer["contacts_total"], 250);
    assert_eq!(summer["contacts_done"], 250);
    let calls = &summer["calls"];
    let ended = calls["ended"].as_i64().unwrap();
    let failed = calls["failed"].as_i64().unwrap();
    assert_eq!(ended + failed, 250);
    assert_eq!(failed, 250 / 13);
    assert_eq!(summer["active_calls"], 0);
}

#[tokio::test]
async fn active_calls_are_counted_from_the_calls_table() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let id = app.campaign_id("Win-back Q3").await;
    sqlx::query(
        "INSERT INTO calls (organization_id, campaign_id, contact_id, status) \
         SELECT organization_id, campaign_id, id, s FROM contacts, \
         unnest(ARRAY['QUEUED','RINGING','IN_PROGRESS']) s \
         WHERE campaign_id = $1 AND status = 'pending' LIMIT 3",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, c) = app.get_json(&token, &format!("/api/campaigns/{id}")).await;
    assert_eq!(c["active_calls"], 3);
    assert_eq!(c["calls"]["queued"], 1);
    assert_eq!(c["calls"]["ringing"], 1);
    assert_eq!(c["calls"]["in_progress"], 1);
}

#[tokio::test]
async fn calls_can_be_filtered_by_status_and_paged() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let id = app.campaign_id("Summer Promo").await;
    let (status, page) = app
        .get_json(
            &token,
            &format!("/api/campaigns/{id}/calls?status=FAILED&limit=5"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 250 / 13);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(items
        .iter()
        .all(|k| k["status"] == "FAILED" && k["failure_reason"].is_string()));

    let (_, page) = app
        .get_json(
            &token,
            &format!("/api/campaigns/{id}/contacts?limit=10&offset=245"),
        )
        .await;
    assert_eq!(page["total"], 250);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);

    let call_id = items[0]["id"].as_str().unwrap();
    let (status, call) = app.get_json(&token, &format!("/api/calls/{call_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(call["campaign_id"], id.to_string());
    assert!(call["contact_name"].is_string());
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = spawn_seeded().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/auth/token",
        "/api/me",
        "/api/campaigns",
        "/api/campaigns/{id}",
        "/api/campaigns/{id}/calls",
        "/api/campaigns/{id}/contacts",
        "/api/calls/{id}",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
