use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::helpers::spawn_seeded;

#[tokio::test]
async fn signing_in_with_the_form_sets_an_http_only_lax_cookie_and_redirects() {
    let app = spawn_seeded().await;
    let res = app
        .browser()
        .post(app.url("/auth/login"))
        .form(&[
            ("email", "operator@acme.example"),
            ("password", "switchboard-demo"),
            ("next", "/campaigns/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/campaigns/x");
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("sb_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_seeded().await;
    let mut answers = Vec::new();
    for (email, password) in [
        ("operator@acme.example", "wrong"),
        ("nobody@acme.example", "switchboard-demo"),
    ] {
        let res = app
            .browser()
            .post(app.url("/auth/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        assert!(res.headers().get(SET_COOKIE).is_none());
        answers.push((res.status(), res.headers()[LOCATION].clone()));

        let res = Client::new()
            .post(app.url("/api/auth/token"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
        assert_eq!(body["error"]["message"], "wrong email or password");
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].1, "/login?error=invalid&next=/");
}

#[tokio::test]
async fn a_bearer_token_authenticates_api_calls_until_it_is_revoked() {
    let app = spawn_seeded().await;
    let token = app.token("organizer@globex.example").await;
    let (status, me) = app.get_json(&token, "/api/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "organizer@globex.example");
    assert_eq!(me["role"], "organizer");
    assert_eq!(me["organization_name"], "Globex");

    assert_eq!(app.revoke(&token).await, StatusCode::NO_CONTENT);
    let (status, body) = app.get_json(&token, "/api/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn api_calls_without_credentials_are_refused_with_401() {
    let app = spawn_seeded().await;
    for path in ["/api/me", "/api/campaigns"] {
        let res = Client::new().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, _) = app.get_json("not-a-real-token", "/api/campaigns").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pages_send_signed_out_visitors_to_the_login_page_and_back() {
    let app = spawn_seeded().await;
    let browser = app.browser();
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login");
    let res = browser.get(app.url("/campaigns/abc")).send().await.unwrap();
    assert_eq!(res.headers()[LOCATION], "/login?next=/campaigns/abc");

    let res = browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"action="/auth/login""#));
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("operator@acme.example").await;
    assert_eq!(
        browser.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let res = browser.post(app.url("/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_signed_in_visitor_of_the_login_page_goes_to_the_campaigns() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("admin@acme.example").await;
    let res = browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/");
}
