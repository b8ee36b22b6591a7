//! Security rules tried from the attacker's side: cross-site forms, open redirects, headers,
//! cookies, admin-only figures.

use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::{Client, StatusCode};

use server::demo::seed::DEMO_PASSWORD;

use crate::helpers::{spawn_seeded, spawn_with};

fn login_form(email: &str, next: &str) -> Vec<(&'static str, String)> {
    vec![
        ("email", email.to_owned()),
        ("password", DEMO_PASSWORD.to_owned()),
        ("next", next.to_owned()),
    ]
}

#[tokio::test]
async fn a_cross_site_login_form_post_is_refused_and_signs_nobody_in() {
    let app = spawn_seeded().await;
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
        ("origin", "null"),
    ] {
        let res = app
            .browser()
            .post(app.url("/auth/login"))
            .header(header, value)
            .form(&login_form("operator@acme.example", "/"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        assert!(res.headers().get(SET_COOKIE).is_none());
        assert!(res.text().await.unwrap().contains("another"));
    }
    // The page's own posts carry our origin and work.
    let res = app
        .browser()
        .post(app.url("/auth/login"))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .form(&login_form("operator@acme.example", "/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_cross_site_logout_is_refused_and_the_session_lives_on() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("operator@acme.example").await;
    let res = browser
        .post(app.url("/auth/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let me = browser.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn after_signing_in_only_plain_local_paths_are_followed() {
    let app = spawn_seeded().await;
    for (next, expected) in [
        (
            "/campaigns/abc?contacts_page=2",
            "/campaigns/abc?contacts_page=2",
        ),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ /evil.example", "/"),
        ("/\u{0}/evil.example", "/"),
    ] {
        let res = app
            .browser()
            .post(app.url("/auth/login"))
            .form(&login_form("operator@acme.example", next))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()[LOCATION], expected, "{next:?}");
    }
    // The login page never puts an unsafe `next` in its form either.
    let page = app
        .browser()
        .get(app.url("/login?next=/%09/evil.example"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="next" value="/""#), "{page}");
}

fn csp(res: &reqwest::Response) -> String {
    res.headers()
        .get("content-security-policy")
        .expect("a Content-Security-Policy")
        .to_str()
        .unwrap()
        .to_owned()
}

fn assert_common_headers(res: &reqwest::Response) {
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(csp(res).contains("frame-ancestors 'none'"));
}

#[tokio::test]
async fn pages_allow_only_their_own_inline_scripts_and_every_response_is_locked_down() {
    let app = spawn_seeded().await;
    let res = app.browser().get(app.url("/login")).send().await.unwrap();
    assert_common_headers(&res);
    let policy = csp(&res);
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-"));
    let script_src = policy
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline") && !script_src.contains("'unsafe-eval'"));
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap()
        .to_owned();
    let body = res.text().await.unwrap();
    let scripts = body.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        body.matches(&format!(r#"nonce="{nonce}""#)).count(),
        scripts,
        "every inline script carries this response's nonce"
    );
    // Each page gets a fresh nonce.
    let again = app.browser().get(app.url("/login")).send().await.unwrap();
    assert_ne!(csp(&again), policy);
    let token = app.token("operator@acme.example").await;
    for path in ["/api/campaigns", "/api/nope", "/healthz"] {
        let res = Client::new()
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_common_headers(&res);
        assert!(csp(&res).starts_with("default-src 'none'"), "{path}");
        assert!(res.headers().get("strict-transport-security").is_none());
    }
}

#[tokio::test]
async fn with_secure_cookies_the_cookie_is_host_prefixed_and_hsts_is_on() {
    let app = spawn_with(|s| s.secure_cookies = true).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let res = app
        .browser()
        .post(app.url("/auth/login"))
        .form(&login_form("operator@acme.example", "/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-sb_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    // The prefixed cookie authenticates; the unprefixed name is not accepted any more.
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let me = |name: &str| {
        Client::new()
            .get(app.url("/api/me"))
            .header("cookie", format!("{name}={token}"))
            .send()
    };
    assert_eq!(
        me("__Host-sb_session").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        me("sb_session").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn only_admins_see_the_instance_wide_realtime_figures() {
    let app = spawn_seeded().await;
    for (email, status) in [
        ("operator@acme.example", StatusCode::FORBIDDEN),
        ("organizer@acme.example", StatusCode::FORBIDDEN),
        ("admin@acme.example", StatusCode::OK),
    ] {
        let token = app.token(email).await;
        let (got, body) = app.get_json(&token, "/api/realtime/status").await;
        assert_eq!(got, status, "{email}: {body}");
        if status == StatusCode::FORBIDDEN {
            assert_eq!(body["error"]["code"], "forbidden");
        } else {
            assert!(body["streams_total"].is_u64());
        }
    }
}

#[tokio::test]
async fn status_refuses_a_revoked_admin_token() {
    let app = spawn_seeded().await;
    let token = app.token("admin@acme.example").await;
    assert_eq!(app.revoke(&token).await, StatusCode::NO_CONTENT);
    let (status, _) = app.get_json(&token, "/api/realtime/status").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
