use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::spawn_seeded;

async fn assert_error(res: reqwest::Response, status: StatusCode, code: &str, mentions: &str) {
    assert_eq!(res.status(), status);
    let body: Value = res.json().await.expect("error bodies are JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(mentions),
        "{message:?} should mention {mentions:?}"
    );
}

#[tokio::test]
async fn malformed_ids_are_a_400_that_says_so() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    for path in [
        "/api/campaigns/not-a-uuid",
        "/api/campaigns/123/calls",
        "/api/calls/%27;drop",
    ] {
        let res = Client::new()
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::BAD_REQUEST, "bad_request", "UUID").await;
    }
}

#[tokio::test]
async fn unknown_ids_and_paths_are_a_json_404() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let res = Client::new()
        .get(app.url(&format!("/api/campaigns/{}", uuid::Uuid::new_v4())))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found", "campaign").await;
    let res = Client::new()
        .get(app.url("/api/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found", "/api/nothing/here").await;
}

#[tokio::test]
async fn bad_json_and_unknown_fields_are_rejected_with_a_message() {
    let app = spawn_seeded().await;
    let post = |body: &'static str| {
        Client::new()
            .post(app.url("/api/auth/token"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_error(
        post("{\"email\":").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "bad_request",
        "JSON",
    )
    .await;
    assert_error(
        post(r#"{"email":"a@b.c","password":"x","admin":true}"#)
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable_entity",
        "unknown field `admin`",
    )
    .await;
    assert_error(
        post(r#"{"email":"a@b.c"}"#).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable_entity",
        "password",
    )
    .await;
    let res = Client::new()
        .post(app.url("/api/auth/token"))
        .body("email=a")
        .send()
        .await
        .unwrap();
    assert_error(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "application/json",
    )
    .await;
}

#[tokio::test]
async fn bad_query_parameters_are_a_400_that_names_them() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let id = app.campaign_id("Summer Promo").await;
    for (query, mention) in [
        ("status=DONE", "unknown variant `DONE`"),
        ("limit=0", "limit must be between 1 and 500"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset must be between 0 and 10000"),
        ("offset=10001", "offset must be between 0 and 10000"),
        ("stauts=FAILED", "unknown field `stauts`"),
    ] {
        let res = Client::new()
            .get(app.url(&format!("/api/campaigns/{id}/calls?{query}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::BAD_REQUEST, "bad_request", mention).await;
    }
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let app = spawn_seeded().await;
    let res = Client::new()
        .put(app.url("/api/campaigns"))
        .send()
        .await
        .unwrap();
    assert_error(
        res,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "PUT",
    )
    .await;
}
