//! The server runs as a role that owns nothing: migrations as the owner, everything else with
//! the grants of `switchboard_app`; capture works through `SECURITY DEFINER` functions and the
//! change log is closed to everyone else.

use std::time::Duration;

use reqwest::StatusCode;
use sqlx::{Connection, PgConnection};

use server::demo::seed::seed;

use crate::helpers::{spawn_second_with, spawn_seeded, TestApp};
use crate::realtime::{insert_call, stream_url};
use crate::sse::Sse;

/// A login role for this test database: `switchboard_app`'s grants (or none).
pub fn role_url(app: &TestApp, role: &str, with_app_grants: bool) -> String {
    app.psql(&format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN \
         CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; END $$"
    ));
    if with_app_grants {
        app.psql(&format!("GRANT switchboard_app TO {role}"));
    }
    let url = app.database_url();
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{role}@{host}")
}

#[tokio::test]
async fn the_server_works_as_a_role_that_owns_no_tables() {
    let owner = spawn_seeded().await;
    let app_role = role_url(&owner, "switchboard_test_server", true);
    let migrations = owner.database_url();
    let app = spawn_second_with(&owner, |s| {
        s.database_url = app_role.clone();
        s.migration_url = Some(migrations);
    })
    .await;
    // Signing in, reading, streaming and writing (the capture runs as its definer).
    let token = app.token("operator@acme.example").await;
    let (status, body) = app.get_json(&token, "/api/campaigns").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut sse = Sse::open(&stream_url(&app, "sub=calls"), &token, None).await;
    sse.ready().await;
    let call = insert_call(&app, "acme").await; // through the server role's pool
    let evs = sse.changes(1, Duration::from_secs(5)).await;
    assert_eq!(evs[0].json()["new"]["id"], call.to_string());
    // Retention runs as the server too.
    server::realtime::retention::prune(&app.pool, Duration::ZERO)
        .await
        .expect("the server role may prune the change log");
    // But it owns nothing: no DDL, no writing the change log by hand.
    let mut conn = PgConnection::connect(&app_role).await.unwrap();
    for sql in [
        "DROP TABLE calls",
        "ALTER TABLE calls ADD COLUMN x int",
        "INSERT INTO realtime.changes (organization_id, table_schema, table_name, op) \
         VALUES (gen_random_uuid(), 'public', 'calls', 'INSERT')",
        "CREATE TABLE public.mine (id int)",
    ] {
        let err = sqlx::query(sql).execute(&mut conn).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied")
                || err.to_string().contains("must be owner"),
            "{sql}: {err}"
        );
    }
}

#[tokio::test]
async fn the_change_log_is_closed_to_roles_without_the_grant() {
    let app = spawn_seeded().await;
    let url = role_url(&app, "switchboard_test_outsider", false);
    let mut conn = PgConnection::connect(&url).await.unwrap();
    for sql in [
        "SELECT count(*) FROM realtime.changes",
        "SELECT realtime.current_seq()",
        "SELECT count(*) FROM sessions",
    ] {
        let err = sqlx::query(sql).execute(&mut conn).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied"),
            "{sql}: {err}"
        );
    }
}

#[tokio::test]
async fn capture_functions_run_as_their_owner_and_ignore_the_writers_search_path() {
    let app = spawn_seeded().await;
    let rows = app.psql(
        "SELECT p.proname || ':' || p.prosecdef || ':' \
                || coalesce(array_to_string(p.proconfig, ','), '') \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = 'realtime' \
           AND p.proname IN ('capture_change', 'sequence_batch', 'sequence_changes') \
         ORDER BY 1",
    );
    // The trigger pins no search_path (a GUC save and restore on every captured row): every
    // name in it is qualified instead, which the writer below tries to get round.
    assert_eq!(
        rows,
        "capture_change:true:\n\
         sequence_batch:true:search_path=pg_catalog, pg_temp,jit=off,plan_cache_mode=force_generic_plan\n\
         sequence_changes:true:search_path=pg_catalog, pg_temp,jit=off,plan_cache_mode=force_generic_plan"
    );
    // A writer who puts a schema of its own first, with better-matching overloads of what the
    // trigger calls and a table named like the log: the trigger still writes the real row
    // to the real log, as its owner.
    app.psql(
        "CREATE SCHEMA trap; \
         CREATE TABLE trap.changes (LIKE realtime.changes); \
         CREATE FUNCTION trap.to_json(public.calls) RETURNS json LANGUAGE sql \
             AS $$ SELECT '{\"trapped\": true}'::json $$; \
         CREATE FUNCTION trap.current_setting(text, boolean) RETURNS text LANGUAGE sql \
             AS $$ SELECT 'trapped' $$; \
         GRANT USAGE ON SCHEMA trap TO PUBLIC; \
         GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA trap TO PUBLIC",
    );
    let url = role_url(&app, "switchboard_test_writer", true);
    let mut conn = PgConnection::connect(&url).await.unwrap();
    sqlx::query("SET search_path = trap, public")
        .execute(&mut conn)
        .await
        .unwrap();
    let id: uuid::Uuid = sqlx::query_scalar(
        "UPDATE public.calls SET failure_reason = 'probe' \
         WHERE id = (SELECT id FROM public.calls LIMIT 1) RETURNING id",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let logged = app.psql(&format!(
        "SELECT (new_row->>'failure_reason') || ':' || coalesce(new_row->>'trapped', '-') \
                || ':' || actor FROM realtime.changes \
         WHERE new_row->>'id' = '{id}' ORDER BY id DESC LIMIT 1"
    ));
    assert_eq!(logged, "probe:-:sql");
    assert_eq!(app.psql("SELECT count(*) FROM trap.changes"), "0");
    // And seeding (the owner's writes) keeps working with them.
    seed(&app.pool).await.unwrap();
}
