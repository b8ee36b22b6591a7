use std::collections::{HashMap, HashSet};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::stream_url;
use crate::helpers::spawn_seeded;
use crate::sse::Sse;

/// Many writers at once, some holding their transactions open, some rolling back: a
/// subscriber sees every committed change exactly once, in an order that reproduces the
/// database's final state, and an open transaction holds back nobody else's changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_are_seen_exactly_once_in_commit_order() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    // 12 calls that every writer updates, so writers collide on rows.
    let calls: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO calls (organization_id, campaign_id, contact_id) \
         SELECT organization_id, campaign_id, id FROM contacts c \
         WHERE c.organization_id = (SELECT id FROM organizations WHERE slug = 'acme') \
           AND c.status = 'pending' LIMIT 12 RETURNING id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut sse = Sse::open(&stream_url(&app, "sub=calls:UPDATE"), &token, None).await;
    sse.ready().await;

    // A transaction that stays open for a while: others must flow past it.
    let mut long = app.pool.begin().await.unwrap();
    sqlx::query("UPDATE calls SET failure_reason = 'long' WHERE id = $1")
        .bind(calls[11])
        .execute(&mut *long)
        .await
        .unwrap();

    const WRITERS: usize = 8;
    const TXS: usize = 25;
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let pool = app.pool.clone();
        let calls = calls[..11].to_vec();
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(w as u64);
            let mut committed = Vec::new();
            for t in 0..TXS {
                let mut tx = pool.begin().await.unwrap();
                // Rows in a fixed order within a transaction, so writers never deadlock.
                let mut rows: Vec<Uuid> = (0..rng.gen_range(1..=3))
                    .map(|_| calls[rng.gen_range(0..calls.len())])
                    .collect();
                rows.sort();
                let mut tags = Vec::new();
                for (r, call) in rows.into_iter().enumerate() {
                    let tag = format!("w{w}-t{t}-r{r}");
                    sqlx::query("UPDATE calls SET failure_reason = $2 WHERE id = $1")
                        .bind(call)
                        .bind(&tag)
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    tags.push(tag);
                    if rng.gen_bool(0.3) {
                        tokio::time::sleep(Duration::from_millis(rng.gen_range(1..20))).await;
                    }
                }
                if rng.gen_bool(0.15) {
                    tx.rollback().await.unwrap();
                } else {
                    tx.commit().await.unwrap();
                    committed.extend(tags);
                }
            }
            committed
        }));
    }
    let mut expected = HashSet::new();
    for t in tasks {
        expected.extend(t.await.unwrap());
    }

    // Everything committed so far arrives while the long transaction is still open.
    let events = sse.changes(expected.len(), Duration::from_secs(10)).await;
    assert_eq!(
        events.len(),
        expected.len(),
        "all committed changes arrived past the open transaction"
    );
    sqlx::query("UPDATE calls SET failure_reason = 'long-2' WHERE id = $1")
        .bind(calls[11])
        .execute(&mut *long)
        .await
        .unwrap();
    long.commit().await.unwrap();
    let tail = sse.changes(2, Duration::from_secs(5)).await;
    assert_eq!(tail.len(), 2);
    assert!(
        sse.changes(1, Duration::from_millis(300)).await.is_empty(),
        "nothing more"
    );

    let all: Vec<_> = events.iter().chain(tail.iter()).collect();
    // Exactly once: every committed tag, no rolled-back one, no repeat.
    let mut seen = HashSet::new();
    let mut state: HashMap<String, String> = HashMap::new();
    let mut last_cursor: Option<app::cursor::Cursor> = None;
    for ev in &all {
        let p = ev.json();
        let tag = p["new"]["failure_reason"].as_str().unwrap().to_owned();
        assert!(seen.insert(tag.clone()), "{tag} delivered twice");
        let cursor: app::cursor::Cursor = ev.id.as_deref().unwrap().parse().unwrap();
        assert!(last_cursor.is_none_or(|l| l < cursor), "cursors increase");
        last_cursor = Some(cursor);
        state.insert(p["new"]["id"].as_str().unwrap().to_owned(), tag);
    }
    let mut want = expected.clone();
    want.insert("long".into());
    want.insert("long-2".into());
    assert_eq!(seen, want);
    // Applying the events in delivery order reproduces the database.
    let db: Vec<(Uuid, Option<String>)> =
        sqlx::query_as("SELECT id, failure_reason FROM calls WHERE id = ANY($1)")
            .bind(&calls)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for (id, reason) in db {
        assert_eq!(
            state.get(&id.to_string()),
            reason.as_ref(),
            "final state of {id}"
        );
    }
}
