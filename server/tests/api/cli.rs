//! The server binary's commands, run as a person would run them.

use std::process::{Command, Stdio};

use reqwest::StatusCode;

use crate::helpers::spawn_app;

fn server() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_server"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    c
}

#[tokio::test]
async fn create_admin_makes_a_first_admin_who_can_sign_in_and_refuses_a_duplicate() {
    let app = spawn_app().await;
    let run = || {
        server()
            .args([
                "create-admin",
                "--organization",
                "Initech Travel",
                "--email",
                "ada@initech.example",
                "--name",
                "Ada Admin",
            ])
            .env("DATABASE_URL", app.database_url())
            .env("SWITCHBOARD_ADMIN_PASSWORD", "a long enough password")
            .output()
            .unwrap()
    };
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Admin ada@initech.example created"));
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/token"))
        .json(&serde_json::json!({"email": "ada@initech.example", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let token = res.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, me) = app.get_json(&token, "/api/me").await;
    assert_eq!(me["role"], "admin");
    assert_eq!(me["organization_name"], "Initech Travel");
    let again = run();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[tokio::test]
async fn create_admin_refuses_a_short_password() {
    let app = spawn_app().await;
    let out = server()
        .args([
            "create-admin",
            "--organization",
            "X",
            "--email",
            "x@x.example",
            "--name",
            "X",
        ])
        .env("DATABASE_URL", app.database_url())
        .env("SWITCHBOARD_ADMIN_PASSWORD", "short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("12 to 1024 bytes"));
}

#[test]
fn the_server_refuses_to_start_the_demo_with_secure_cookies() {
    let out = server()
        .env("DATABASE_URL", "postgres://127.0.0.1:1/none")
        .env("SWITCHBOARD_SECURE_COOKIES", "on")
        .env("SWITCHBOARD_SEED_DEMO", "on")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("SWITCHBOARD_SEED_DEMO") && err.contains("create-admin"),
        "{err}"
    );
}
