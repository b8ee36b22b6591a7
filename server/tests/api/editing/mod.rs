//! Editing clients, trips and campaign settings together: per-field bases, explicit
//! conflicts, idempotent retries, permissions, validation and each record's history. The demo
//! seed provides the records (Acme's "Amelia Hart" and her "Algarve golf week", ...).

mod conflicts;
mod history;
mod idempotency;
mod permissions;
mod records;
mod server_functions;
mod validation;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::TestApp;

/// The id of the demo trip titled `title`.
pub async fn trip(app: &TestApp, title: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM trips WHERE title = $1")
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The id of the demo client named `name`.
pub async fn client(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM clients WHERE name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The row `id` of `table` as JSON, straight from the database.
pub async fn stored(app: &TestApp, table: &str, id: Uuid) -> Value {
    sqlx::query_scalar::<_, Value>(&format!("SELECT to_jsonb(t) FROM {table} t WHERE id = $1"))
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// How many history entries the record `id` has.
pub async fn history_len(app: &TestApp, id: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM record_history WHERE record_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A PATCH body: `(field, base, value)` for each field.
pub fn edits(fields: &[(&str, Value, Value)]) -> Value {
    let fields: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(f, base, value)| (f.to_string(), json!({ "base": base, "value": value })))
        .collect();
    json!({ "fields": fields })
}

/// `PATCH path` with `body` and, when given, an `Idempotency-Key`; status and JSON answer.
pub async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &Value,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Client::new()
        .patch(app.url(path))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        req = req.header("idempotency-key", key);
    }
    let res = req.send().await.expect("sending the PATCH");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A JSON request (`body` none: no body); status and JSON answer (`Null` if none).
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

/// The error message of an error answer.
pub fn message(res: &Value) -> &str {
    res["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("an error answer, not {res}"))
}
