use std::net::SocketAddr;

use reqwest::{Client, StatusCode};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::oneshot;
use uuid::Uuid;

use server::config::Settings;
use server::demo::seed::{seed, DEMO_PASSWORD};
use server::startup::Application;

/// A running application on an ephemeral port with a database of its own, dropped afterwards.
pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    db_name: String,
    server_url: String,
    owns_database: bool,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

fn server_url() -> String {
    let url = std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .expect(
            "set TEST_DATABASE_URL (make test does) to a Postgres where databases can be created",
        );
    let (base, _db) = url
        .rsplit_once('/')
        .expect("a database URL ends with /<database>");
    base.to_owned()
}

/// Start the app against a fresh, migrated, empty database.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// Start the app with the demo organizations, users and campaigns loaded.
pub async fn spawn_seeded() -> TestApp {
    let app = spawn_app().await;
    seed(&app.pool).await.expect("seeding the demo data");
    app
}

pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_in(server_url(), configure).await
}

/// Start the app on a fresh database of the Postgres server at `server_url`.
pub async fn spawn_in(server_url: String, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let db_name = format!("test_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&format!("{server_url}/postgres"))
        .await
        .expect("connecting to the test Postgres server");
    admin
        .execute(format!(r#"CREATE DATABASE "{db_name}""#).as_str())
        .await
        .expect("creating the test database");
    spawn_on(server_url, db_name, configure).await
}

/// A second instance of the app on the same database as `first` (it drops nothing).
pub async fn spawn_second(first: &TestApp) -> TestApp {
    spawn_second_with(first, |_| {}).await
}

pub async fn spawn_second_with(first: &TestApp, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let mut app = spawn_on(first.server_url.clone(), first.db_name.clone(), configure).await;
    app.owns_database = false;
    app
}

async fn spawn_on(
    server_url: String,
    db_name: String,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    // `TEST_LOG=1 cargo test ...` shows the server's logs (filtered by `RUST_LOG`).
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init();
    }
    let mut settings = Settings::for_tests(format!("{server_url}/{db_name}"));
    configure(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("building the app");
    let addr = app.address();
    let pool = app.pool();
    let (tx, rx) = oneshot::channel();
    let handle = tokio::spawn(app.run_until_stopped(async move {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        pool,
        db_name,
        server_url,
        owns_database: true,
        stop: Some(tx),
        handle: Some(handle),
    }
}

impl TestApp {
    /// Wait until every transaction committed so far is numbered in the change log (the
    /// sequencer does it within milliseconds; opening a load snapshot does it at once).
    pub async fn sequenced(&self) {
        app::data::Snapshot::begin(&self.pool)
            .await
            .expect("a snapshot numbers what is committed");
    }

    /// The URL of this test's own database (for psql or a second instance).
    pub fn database_url(&self) -> String {
        format!("{}/{}", self.server_url, self.db_name)
    }

    /// Run SQL with the `psql` command-line client, as an outside writer would.
    pub fn psql(&self, sql: &str) -> String {
        let out = std::process::Command::new("psql")
            .args([&self.database_url(), "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
            .output()
            .expect("running psql");
        assert!(
            out.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client that keeps cookies but does not follow redirects (tests look at them).
    pub fn browser(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("building an HTTP client")
    }

    /// A bearer token for a demo user (`operator@acme.example`, ...).
    pub async fn token(&self, email: &str) -> String {
        let res = Client::new()
            .post(self.url("/api/auth/token"))
            .json(&serde_json::json!({ "email": email, "password": DEMO_PASSWORD }))
            .send()
            .await
            .expect("requesting a token");
        assert_eq!(res.status(), StatusCode::OK, "token for {email}");
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// `DELETE /api/auth/token`: revoke a bearer token; the answer's status.
    pub async fn revoke(&self, token: &str) -> StatusCode {
        Client::new()
            .delete(self.url("/api/auth/token"))
            .bearer_auth(token)
            .send()
            .await
            .expect("DELETE /api/auth/token")
            .status()
    }

    /// GET with a bearer token; returns status and JSON body.
    pub async fn get_json(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let res = Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// A browser client signed in through the login form.
    pub async fn signed_in_browser(&self, email: &str) -> Client {
        let client = self.browser();
        let res = client
            .post(self.url("/auth/login"))
            .form(&[("email", email), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        client
    }

    pub async fn org_id(&self, slug: &str) -> Uuid {
        sqlx::query_scalar("SELECT id FROM organizations WHERE slug = $1")
            .bind(slug)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Id of a demo campaign by name.
    pub async fn campaign_id(&self, name: &str) -> Uuid {
        sqlx::query_scalar("SELECT id FROM campaigns WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
        if !self.owns_database {
            return;
        }
        let (server_url, db) = (self.server_url.clone(), self.db_name.clone());
        // Drop the database on a runtime of its own: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for cleanup");
            rt.block_on(async move {
                if let Ok(mut admin) =
                    PgConnection::connect(&format!("{server_url}/postgres")).await
                {
                    let _ = admin
                        .execute(format!(r#"DROP DATABASE IF EXISTS "{db}" WITH (FORCE)"#).as_str())
                        .await;
                }
            });
        })
        .join();
    }
}
