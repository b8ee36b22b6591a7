//! The agent workflow API: agents, tasks, drafts and follow-ups. The demo seed provides the
//! organizations, users and contacts; every agent row a test needs is written here, with SQL.

mod contract;
mod decisions;
mod detail;
mod isolation;
mod lists;
mod permissions;
mod server_functions;
mod validation;

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::TestApp;

/// An organization's ids for a test: an agent of its own and three of its seeded contacts.
pub struct Org {
    pub id: Uuid,
    pub agent: Uuid,
    pub contacts: Vec<Uuid>,
}

/// Give the demo organization `slug` an outreach agent named "`slug` Writer", and no other
/// agent work: whatever agents the demo seed brings are removed (their tasks, drafts,
/// follow-ups and activity go with them), so each test knows every row it reads.
pub async fn setup(app: &TestApp, slug: &str) -> Org {
    let id = app.org_id(slug).await;
    sqlx::query("DELETE FROM agents WHERE organization_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let agent = agent(app, id, &format!("{slug} Writer")).await;
    let contacts = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE organization_id = $1 ORDER BY name, id LIMIT 3",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    Org {
        id,
        agent,
        contacts,
    }
}

pub async fn agent(app: &TestApp, org: Uuid, name: &str) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO agents (organization_id, name, kind) VALUES ($1, $2, 'outreach') RETURNING id",
    )
    .bind(org)
    .bind(name)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// A task of `org.agent` for `contact`, in `status` (`completed` ones took 40 s).
pub async fn task(app: &TestApp, org: &Org, contact: Uuid, status: &str) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO agent_tasks (organization_id, contact_id, agent_id, kind, status, error, \
         started_at, completed_at) \
         VALUES ($1, $2, $3, 'draft_email', $4, CASE WHEN $4 = 'failed' THEN 'no reply' END, \
         CASE WHEN $4 <> 'pending' THEN now() - interval '40 seconds' END, \
         CASE WHEN $4 IN ('completed', 'failed') THEN now() END) RETURNING id",
    )
    .bind(org.id)
    .bind(contact)
    .bind(org.agent)
    .bind(status)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// A draft awaiting approval on `channel` ("email" or "sms") for the first contact, with the
/// completed task that produced it.
pub async fn draft(app: &TestApp, org: &Org, channel: &str) -> Uuid {
    let contact = org.contacts[0];
    let task = task(app, org, contact, "completed").await;
    let subject = (channel == "email").then_some("Your renewal");
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO drafts (organization_id, contact_id, task_id, agent_id, channel, subject, body) \
         VALUES ($1, $2, $3, $4, $5, $6, 'Hello! Your plan renews soon.') RETURNING id",
    )
    .bind(org.id)
    .bind(contact)
    .bind(task)
    .bind(org.agent)
    .bind(channel)
    .bind(subject)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE agent_tasks SET draft_id = $1 WHERE id = $2")
        .bind(id)
        .bind(task)
        .execute(&app.pool)
        .await
        .unwrap();
    id
}

/// A follow-up of `contact`, scheduled `after` from now (an SQL interval, e.g. `'2 days'`).
pub async fn follow_up(app: &TestApp, org: &Org, contact: Uuid, after: &str) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO follow_ups (organization_id, contact_id, agent_id, scheduled_for) \
         VALUES ($1, $2, $3, now() + $4::interval) RETURNING id",
    )
    .bind(org.id)
    .bind(contact)
    .bind(org.agent)
    .bind(after)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The row `id` of `table` as JSON, straight from the database.
pub async fn row(app: &TestApp, table: &str, id: Uuid) -> Value {
    sqlx::query_scalar::<_, Value>(&format!("SELECT to_jsonb(t) FROM {table} t WHERE id = $1"))
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Tasks of `org` that a person assigned (the fixtures assign none).
pub async fn assigned_tasks(app: &TestApp, org: &Org) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM agent_tasks WHERE organization_id = $1 AND assigned_by IS NOT NULL",
    )
    .bind(org.id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The signed-in user's id.
pub async fn my_id(app: &TestApp, token: &str) -> String {
    let (_, me) = app.get_json(token, "/api/me").await;
    me["id"].as_str().unwrap().to_owned()
}

/// A JSON request (`body` none: no body at all); status and JSON answer (`Null` if none).
pub async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.expect("sending the request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A request with raw bytes and an optional content type.
pub async fn raw(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, Value) {
    let mut req = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let res = req.send().await.expect("sending the request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// An RFC 3339 time `hours` from now.
pub fn hours_from_now(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339()
}

/// The ids of a list's items.
pub fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list, not {list}"))
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect()
}

/// A timestamp of a JSON answer or row.
pub fn time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    serde_json::from_value(v.clone()).unwrap_or_else(|_| panic!("a timestamp, not {v}"))
}

/// The change-log position of a cursor (`812` or `813.40412`).
pub fn seq(cursor: &Value) -> i64 {
    let text = cursor
        .as_str()
        .unwrap_or_else(|| panic!("a cursor, not {cursor}"));
    text.split('.').next().unwrap().parse().unwrap()
}
