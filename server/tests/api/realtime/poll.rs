use std::collections::HashSet;

use reqwest::StatusCode;

use super::insert_call;
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn polling_pages_through_changes_without_loss_or_repeats() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let (_, start) = app
        .get_json(&token, "/api/realtime/changes?sub=calls")
        .await;
    let mut cursor = start["cursor"].as_str().unwrap().to_owned();
    assert_eq!(start["changes"].as_array().unwrap().len(), 0);
    assert_eq!(start["reset"], false);
    // One transaction with 7 changes, then 3 more single ones.
    let call = insert_call(&app, "acme").await;
    app.psql(&format!(
        "BEGIN; {} COMMIT;",
        (0..6)
            .map(|i| format!("UPDATE calls SET failure_reason = 'tx-{i}' WHERE id = '{call}';"))
            .collect::<String>()
    ));
    for i in 0..3 {
        app.psql(&format!(
            "UPDATE calls SET failure_reason = 'single-{i}' WHERE id = '{call}'"
        ));
    }
    // Numbered after the fact: a poll before the sequencer's next batch rightly sees nothing.
    app.sequenced().await;
    let mut seen = Vec::new();
    for _ in 0..20 {
        let (status, page) = app
            .get_json(
                &token,
                &format!("/api/realtime/changes?sub=calls&after={cursor}&limit=3"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let changes = page["changes"].as_array().unwrap();
        for c in changes {
            seen.push(c["cursor"].as_str().unwrap().to_owned());
        }
        let next = page["cursor"].as_str().unwrap().to_owned();
        if changes.is_empty() && next == cursor {
            break;
        }
        cursor = next;
    }
    assert_eq!(seen.len(), 10, "{seen:?}");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 10, "no repeats");
}

#[tokio::test]
async fn polling_with_a_cursor_past_retention_says_reset() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    insert_call(&app, "acme").await;
    server::realtime::retention::prune(&app.pool, std::time::Duration::ZERO)
        .await
        .unwrap();
    let (status, page) = app
        .get_json(&token, "/api/realtime/changes?sub=calls&after=0")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["reset"], true);
    assert!(page["changes"].as_array().unwrap().is_empty());
    let (status, body) = app
        .get_json(&token, "/api/realtime/changes?sub=calls&after=0&limit=0")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("limit"));
}

#[tokio::test]
async fn polling_moves_past_pages_of_other_organizations_commits() {
    let app = spawn_seeded().await;
    let globex = app.token("operator@globex.example").await;
    let (_, start) = app
        .get_json(&globex, "/api/realtime/changes?sub=calls")
        .await;
    let mut cursor = start["cursor"].as_str().unwrap().to_owned();
    for _ in 0..5 {
        insert_call(&app, "acme").await;
    }
    let mine = insert_call(&app, "globex").await;
    app.sequenced().await;
    let mut seen = Vec::new();
    for _ in 0..20 {
        let (_, page) = app
            .get_json(
                &globex,
                &format!("/api/realtime/changes?sub=calls&after={cursor}&limit=2"),
            )
            .await;
        seen.extend(
            page["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["new"]["id"].clone()),
        );
        let next = page["cursor"].as_str().unwrap().to_owned();
        if next == cursor {
            break;
        }
        cursor = next;
    }
    assert_eq!(seen, [serde_json::json!(mine.to_string())]);
}
