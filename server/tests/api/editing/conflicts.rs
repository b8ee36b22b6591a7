//! Edits from the same starting point: different fields merge, the same field is a 409 for
//! whoever comes second, and a request is applied all or nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{edits, history_len, message, patch, stored, trip};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn two_editors_changing_different_fields_at_once_both_apply() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let admin = app.token("admin@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    for round in 0..3 {
        let before = stored(&app, "trips", id).await;
        let budget = 700_000 + round;
        let notes = format!("Window seat, round {round}");
        let budget_edit = edits(&[(
            "budget_cents",
            before["budget_cents"].clone(),
            json!(budget),
        )]);
        let notes_edit = edits(&[("notes", before["notes"].clone(), json!(notes))]);
        let ((b_status, b), (n_status, n)) = tokio::join!(
            patch(&app, &organizer, &path, &budget_edit, None),
            patch(&app, &admin, &path, &notes_edit, None),
        );
        assert_eq!(b_status, StatusCode::OK, "{b}");
        assert_eq!(n_status, StatusCode::OK, "{n}");
        assert_eq!(b["applied"], json!(["budget_cents"]));
        assert_eq!(n["applied"], json!(["notes"]));
        assert_ne!(b["mutation_id"], n["mutation_id"]);
        let v0 = before["version"].as_i64().unwrap();
        let mut versions = [
            b["version"].as_i64().unwrap(),
            n["version"].as_i64().unwrap(),
        ];
        versions.sort();
        assert_eq!(
            versions,
            [v0 + 1, v0 + 2],
            "each write bumps the version once"
        );

        let after = stored(&app, "trips", id).await;
        assert_eq!(after["budget_cents"], budget);
        assert_eq!(after["notes"], notes.as_str());
        assert_eq!(after["version"], v0 + 2);
        assert_eq!(after["title"], before["title"], "nothing else moved");
    }
}

#[tokio::test]
async fn two_editors_changing_the_same_field_at_once_let_one_win_and_tell_the_other_who() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let admin = app.token("admin@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    for round in 0..5 {
        let before = stored(&app, "trips", id).await;
        let base = before["budget_cents"].clone();
        let (mine_o, mine_a) = (json!(800_000 + round), json!(900_000 + round));
        let o_edit = edits(&[("budget_cents", base.clone(), mine_o.clone())]);
        let a_edit = edits(&[("budget_cents", base.clone(), mine_a.clone())]);
        let ((o_status, o), (a_status, a)) = tokio::join!(
            patch(&app, &organizer, &path, &o_edit, None),
            patch(&app, &admin, &path, &a_edit, None),
        );
        let (winner, winner_value, loser, loser_value, winner_name) = match (o_status, a_status) {
            (StatusCode::OK, StatusCode::CONFLICT) => (o, mine_o, a, mine_a, "Acme Organizer"),
            (StatusCode::CONFLICT, StatusCode::OK) => (a, mine_a, o, mine_o, "Acme Admin"),
            other => panic!("exactly one edit wins, got {other:?}: {o} / {a}"),
        };
        assert_eq!(winner["applied"], json!(["budget_cents"]));
        assert_eq!(loser["error"]["code"], "conflict");
        assert!(message(&loser).contains("budget_cents"), "{loser}");
        let conflicts = loser["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{loser}");
        let c = &conflicts[0];
        assert_eq!(c["field"], "budget_cents");
        assert_eq!(c["base"], base);
        assert_eq!(c["theirs"], winner_value);
        assert_eq!(c["mine"], loser_value);
        assert_eq!(c["changed_by"], winner_name);
        assert!(c["changed_at"].is_string(), "{c}");
        assert_eq!(
            loser["record"]["budget_cents"], winner_value,
            "the record as it is now"
        );
        assert_eq!(loser["record"]["version"], winner["version"]);

        let after = stored(&app, "trips", id).await;
        assert_eq!(after["budget_cents"], winner_value);
        assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
        assert_eq!(after["updated_by"], winner_name);
    }
}

#[tokio::test]
async fn a_request_with_one_conflicting_field_applies_none_of_them() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let admin = app.token("admin@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    let loaded = stored(&app, "trips", id).await;

    // The admin moves the destination after the organizer loaded the trip...
    let (status, res) = patch(
        &app,
        &admin,
        &path,
        &edits(&[(
            "destination",
            loaded["destination"].clone(),
            json!("Lagos, Portugal"),
        )]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let current = stored(&app, "trips", id).await;
    let entries = history_len(&app, id).await;

    // ...so the organizer's title (fine on its own) and destination (stale) both wait.
    let (status, res) = patch(
        &app,
        &organizer,
        &path,
        &edits(&[
            (
                "title",
                loaded["title"].clone(),
                json!("Algarve golf fortnight"),
            ),
            (
                "destination",
                loaded["destination"].clone(),
                json!("Faro, Portugal"),
            ),
            ("status", loaded["status"].clone(), json!("booked")),
        ]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    let fields: Vec<&Value> = res["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["field"])
        .collect();
    assert_eq!(
        fields,
        [&json!("destination")],
        "only the field someone else changed"
    );
    assert_eq!(res["conflicts"][0]["theirs"], "Lagos, Portugal");
    assert_eq!(res["conflicts"][0]["mine"], "Faro, Portugal");
    assert_eq!(res["conflicts"][0]["changed_by"], "Acme Admin");
    assert_eq!(res["record"]["title"], "Algarve golf week");
    assert_eq!(stored(&app, "trips", id).await, current, "nothing applied");
    assert_eq!(history_len(&app, id).await, entries, "nothing recorded");
}

#[tokio::test]
async fn a_value_already_there_is_unchanged_and_bumps_nothing() {
    let app = spawn_seeded().await;
    let organizer = app.token("organizer@acme.example").await;
    let id = trip(&app, "Algarve golf week").await;
    let path = format!("/api/trips/{id}");
    let before = stored(&app, "trips", id).await;
    let entries = history_len(&app, id).await;

    // Even from a stale base: the field already has the wanted value.
    let (status, res) = patch(
        &app,
        &organizer,
        &path,
        &edits(&[("status", json!("planning"), json!("booked"))]),
        None,
    )
    .await;
    assert_eq!(before["status"], "booked");
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["applied"], json!([]));
    assert_eq!(res["unchanged"], json!(["status"]));
    assert_eq!(res["version"], before["version"]);
    assert_eq!(res["record"]["version"], before["version"]);
    assert_eq!(
        stored(&app, "trips", id).await,
        before,
        "not even a version bump"
    );
    assert_eq!(history_len(&app, id).await, entries);

    // Mixed with a real change: one applied, one unchanged, one version bump.
    let (status, res) = patch(
        &app,
        &organizer,
        &path,
        &edits(&[
            ("status", json!("booked"), json!("booked")),
            ("notes", before["notes"].clone(), json!("Caddie booked")),
        ]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["applied"], json!(["notes"]));
    assert_eq!(res["unchanged"], json!(["status"]));
    assert_eq!(res["version"], before["version"].as_i64().unwrap() + 1);
    assert_eq!(history_len(&app, id).await, entries + 1);
}
