//! An Idempotency-Key makes a PATCH safe to retry: the same key and body get the first
//! answer again and apply nothing twice; the key is refused for any other request.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::{edits, history_len, message, patch, stored, trip};
use crate::helpers::spawn_seeded;

async fn history_with_mutation(app: &crate::helpers::TestApp, mutation: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM record_history WHERE mutation_id = $1")
        .bind(mutation)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_first_answer_and_applies_once() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    let before = stored(&app, "trips", id).await;
    let key = Uuid::new_v4();
    let body = edits(&[(
        "budget_cents",
        before["budget_cents"].clone(),
        json!(720_000),
    )]);

    let (status, first) = patch(&app, &organizer, &path, &body, Some(&key.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        first["mutation_id"],
        key.to_string(),
        "a UUID key is the mutation id"
    );
    assert_eq!(first["applied"], json!(["budget_cents"]));
    let (status, again) = patch(&app, &organizer, &path, &body, Some(&key.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again, first, "the same answer, word for word");

    let after = stored(&app, "trips", id).await;
    assert_eq!(after["budget_cents"], 720_000);
    assert_eq!(
        after["version"],
        before["version"].as_i64().unwrap() + 1,
        "applied once"
    );
    assert_eq!(after["mutation_id"], key.to_string());
    assert_eq!(history_with_mutation(&app, key).await, 1);

    // A key that is not a UUID works too; the answer's mutation id is kept with it.
    let body = edits(&[("notes", after["notes"].clone(), json!("Retry me"))]);
    let (status, first) = patch(&app, &organizer, &path, &body, Some("retry-42")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let mutation: Uuid = first["mutation_id"].as_str().unwrap().parse().unwrap();
    let (_, again) = patch(&app, &organizer, &path, &body, Some("retry-42")).await;
    assert_eq!(again, first);
    assert_eq!(stored(&app, "trips", id).await["version"], first["version"]);
    assert_eq!(history_with_mutation(&app, mutation).await, 1);

    // Keys are each user's own: the admin's "retry-42" is a key of their own (and since the
    // notes already say "Retry me", there is nothing to do).
    let admin = app.token("admin@acme.example").await;
    let (status, theirs) = patch(&app, &admin, &path, &body, Some("retry-42")).await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert_eq!(theirs["applied"], json!([]));
    assert_eq!(theirs["unchanged"], json!(["notes"]));
    assert_ne!(theirs["mutation_id"], first["mutation_id"]);
}

#[tokio::test]
async fn a_key_used_again_for_another_request_is_a_422_and_changes_nothing() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let other = trip(&app, "Scottish links tour").await;
    let path = format!("/api/trips/{id}");
    let before = stored(&app, "trips", id).await;
    let key = Uuid::new_v4().to_string();
    let body = edits(&[("notes", before["notes"].clone(), json!("First"))]);
    let (status, _) = patch(&app, &organizer, &path, &body, Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    let now = stored(&app, "trips", id).await;
    let other_before = stored(&app, "trips", other).await;

    let different = edits(&[("notes", before["notes"].clone(), json!("Second"))]);
    let (status, res) = patch(&app, &organizer, &path, &different, Some(&key)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert!(message(&res).starts_with("Idempotency-Key:"), "{res}");
    assert!(message(&res).contains("different request"), "{res}");

    // The same body for another trip is another request too.
    let (status, res) = patch(
        &app,
        &organizer,
        &format!("/api/trips/{other}"),
        &body,
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(stored(&app, "trips", id).await, now);
    assert_eq!(stored(&app, "trips", other).await, other_before);
}

#[tokio::test]
async fn a_key_replayed_after_a_conflict_gets_the_same_409_even_once_it_would_apply() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    let before = stored(&app, "trips", id).await;
    app.psql(&format!(
        "UPDATE trips SET budget_cents = 1 WHERE id = '{id}'"
    ));
    let key = Uuid::new_v4().to_string();
    let body = edits(&[(
        "budget_cents",
        before["budget_cents"].clone(),
        json!(650_000),
    )]);

    let (status, first) = patch(&app, &organizer, &path, &body, Some(&key)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{first}");
    assert_eq!(first["conflicts"][0]["theirs"], 1);
    assert_eq!(first["conflicts"][0]["changed_by"], "sql");
    assert_eq!(first["error"]["code"], "conflict");

    // Put the base back: a new request would now apply, but this one was answered.
    app.psql(&format!(
        "UPDATE trips SET budget_cents = {} WHERE id = '{id}'",
        before["budget_cents"]
    ));
    let now = stored(&app, "trips", id).await;
    let (status, again) = patch(&app, &organizer, &path, &body, Some(&key)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again, first, "the same 409, word for word");
    assert_eq!(stored(&app, "trips", id).await, now, "nothing applied");
}

#[tokio::test]
async fn duplicates_sent_at_once_with_one_key_apply_once() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    for round in 0..5 {
        let before = stored(&app, "trips", id).await;
        let entries = history_len(&app, id).await;
        let key = Uuid::new_v4();
        let body = edits(&[(
            "budget_cents",
            before["budget_cents"].clone(),
            json!(500_000 + round),
        )]);
        let k = key.to_string();
        let ((s1, a), (s2, b), (s3, c)) = tokio::join!(
            patch(&app, &organizer, &path, &body, Some(&k)),
            patch(&app, &organizer, &path, &body, Some(&k)),
            patch(&app, &organizer, &path, &body, Some(&k)),
        );
        assert_eq!([s1, s2, s3], [StatusCode::OK; 3], "{a} / {b} / {c}");
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(
            a["applied"],
            json!(["budget_cents"]),
            "none of them saw a conflict"
        );
        let after = stored(&app, "trips", id).await;
        assert_eq!(after["budget_cents"], 500_000 + round);
        assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
        assert_eq!(history_len(&app, id).await, entries + 1);
        assert_eq!(history_with_mutation(&app, key).await, 1);
    }
}
