use std::time::Duration;

use super::{insert_call, stream_url};
use crate::helpers::spawn_seeded;
use crate::sse::Sse;

/// Filters, cursors and polling can never show an organization another's changes.
#[tokio::test]
async fn no_filter_or_cursor_lets_a_subscriber_see_another_organizations_changes() {
    let app = spawn_seeded().await;
    let acme = app.token("operator@acme.example").await;
    let globex_org = app.org_id("globex").await;
    let globex_call = insert_call(&app, "globex").await;
    let globex_campaign = app.psql(&format!(
        "SELECT campaign_id FROM calls WHERE id = '{globex_call}'"
    ));
    let q = format!(
        "sub=calls&sub=calls:*:organization_id=eq.{globex_org}&sub=calls:*:campaign_id=eq.{globex_campaign}\
         &sub=campaigns&sub=contacts&after=0"
    );
    // after=0: replay the whole retained log, which holds both organizations' seed data.
    let mut sse = Sse::open(&stream_url(&app, &q), &acme, None).await;
    let mut replayed = 0;
    loop {
        let ev = sse
            .next(Duration::from_secs(20))
            .await
            .expect("replay then ready");
        if ev.event == "ready" {
            break;
        }
        replayed += 1;
        let p = ev.json();
        let row = if p["new"].is_null() {
            &p["old"]
        } else {
            &p["new"]
        };
        assert_ne!(
            row["organization_id"],
            globex_org.to_string(),
            "Globex row replayed to Acme"
        );
    }
    assert!(
        replayed > 1000,
        "Acme's own seed data was replayed ({replayed})"
    );
    app.psql(&format!(
        "UPDATE calls SET status = 'RINGING' WHERE id = '{globex_call}'"
    ));
    app.psql(&format!(
        "UPDATE campaigns SET bid_cents = bid_cents + 1 WHERE organization_id = '{globex_org}'"
    ));
    let acme_call = insert_call(&app, "acme").await;
    let evs = sse.changes(10, Duration::from_secs(2)).await;
    assert_eq!(evs.len(), 1, "only Acme's insert: {evs:?}");
    assert_eq!(evs[0].json()["new"]["id"], acme_call.to_string());

    // Polling: the same rule, over the whole log.
    let seen = poll_all(
        &app,
        &acme,
        &format!("sub=calls:*:organization_id=eq.{globex_org}&sub=campaigns"),
    )
    .await;
    assert!(
        seen.iter()
            .all(|c| c["new"]["organization_id"] != globex_org.to_string()),
        "Globex rows polled by Acme"
    );
    // And Globex does see its own.
    let globex = app.token("operator@globex.example").await;
    let seen = poll_all(&app, &globex, &format!("sub=calls:*:id=eq.{globex_call}")).await;
    assert_eq!(seen.len(), 2, "insert and update of Globex's call");
}

/// Every change a poller gets from the start of the log.
async fn poll_all(
    app: &crate::helpers::TestApp,
    token: &str,
    subs: &str,
) -> Vec<serde_json::Value> {
    let mut cursor = "0".to_owned();
    let mut out = Vec::new();
    for _ in 0..100 {
        let (_, page) = app
            .get_json(
                token,
                &format!("/api/realtime/changes?{subs}&after={cursor}&limit=1000"),
            )
            .await;
        out.extend(page["changes"].as_array().unwrap().iter().cloned());
        let next = page["cursor"].as_str().unwrap().to_owned();
        if next == cursor {
            return out;
        }
        cursor = next;
    }
    panic!("polling did not catch up");
}

#[tokio::test]
async fn a_crafted_cursor_beyond_the_log_gets_a_reset_not_silence() {
    let app = spawn_seeded().await;
    let acme = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls&after=999999999"), &acme, None).await;
    assert_eq!(
        sse.next(Duration::from_secs(5)).await.unwrap().event,
        "reset"
    );
    sse.ready().await;
    let call = insert_call(&app, "acme").await;
    let evs = sse.changes(1, Duration::from_secs(5)).await;
    assert_eq!(evs[0].json()["new"]["id"], call.to_string());
}
