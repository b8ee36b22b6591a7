use std::collections::HashMap;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use uuid::Uuid;

use app::cursor::Cursor;
use app::data::Snapshot;
use server::realtime::log::{read_page, PageRead, Scope};

use crate::helpers::spawn_with;

type State = HashMap<Uuid, Option<String>>;

/// Commits are numbered after the fact, so a page load can see transactions no sequencer has
/// numbered yet. Loads taken while writers commit (with the background sequencer slowed
/// right down, so the loads do the numbering) hold exactly the commits up to their cursor:
/// replaying the log up to each cursor reproduces what that load read, no more, no less.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_during_concurrent_writes_contains_exactly_the_commits_up_to_its_cursor() {
    let app = spawn_with(|s| s.realtime.sequence_interval = Duration::from_millis(700)).await;
    server::demo::seed::seed(&app.pool).await.unwrap();
    let calls: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO calls (organization_id, campaign_id, contact_id) \
         SELECT organization_id, campaign_id, id FROM contacts WHERE status = 'pending' \
         LIMIT 8 RETURNING id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let (start, initial) = load(&app.pool, &calls).await;

    let mut writers = Vec::new();
    for w in 0..4u64 {
        let pool = app.pool.clone();
        let calls = calls.clone();
        writers.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(w);
            for t in 0..40 {
                let mut tx = pool.begin().await.unwrap();
                let call = calls[rng.gen_range(0..calls.len())];
                sqlx::query("UPDATE calls SET failure_reason = $2 WHERE id = $1")
                    .bind(call)
                    .bind(format!("w{w}-t{t}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(rng.gen_range(0..4))).await;
                tx.commit().await.unwrap();
            }
        }));
    }
    let mut loads = Vec::new();
    while !writers.iter().all(|w| w.is_finished()) {
        loads.push(load(&app.pool, &calls).await);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for w in writers {
        w.await.unwrap();
    }
    assert!(
        loads.len() >= 3,
        "loads taken while writing: {}",
        loads.len()
    );

    // The whole log after the start, in commit order (a last load numbers what is left).
    let end = Snapshot::begin(&app.pool)
        .await
        .unwrap()
        .cursor()
        .await
        .unwrap();
    let mut log = Vec::new();
    let mut cursor = start;
    for _ in 0..100 {
        if cursor >= end {
            break;
        }
        match read_page(&app.pool, cursor, Scope::default(), 1000)
            .await
            .unwrap()
        {
            PageRead::Changes { changes, end, .. } => {
                // Only this test's calls (the timeout sweeper may be ending seeded ones).
                log.extend(changes.into_iter().filter(|c| {
                    c.table == "calls"
                        && c.new_row().is_some_and(|r| {
                            calls.iter().any(|id| r["id"] == id.to_string().as_str())
                        })
                }));
                cursor = end;
            }
            PageRead::Reset { .. } => panic!("no reset expected"),
        }
    }
    assert_eq!(log.len(), 160, "every committed update is in the log once");
    let mut numbered_by_loads = 0;
    for (at, seen) in &loads {
        let mut state = initial.clone();
        for change in log.iter().filter(|c| c.cursor <= *at) {
            let row = change.new_row().unwrap();
            let id: Uuid = row["id"].as_str().unwrap().parse().unwrap();
            let reason = row["failure_reason"].as_str().map(str::to_owned);
            state.insert(id, reason);
        }
        assert_eq!(
            &state, seen,
            "the load at {at} holds exactly the log up to it"
        );
        numbered_by_loads += usize::from(*at > start);
    }
    assert!(numbered_by_loads > 0, "some loads saw writes");
}

async fn load(pool: &sqlx::PgPool, calls: &[Uuid]) -> (Cursor, State) {
    let mut db = Snapshot::begin(pool).await.unwrap();
    let rows: Vec<(Uuid, Option<String>)> =
        sqlx::query_as("SELECT id, failure_reason FROM calls WHERE id = ANY($1)")
            .bind(calls)
            .fetch_all(db.conn())
            .await
            .unwrap();
    let cursor = db.cursor().await.unwrap();
    (cursor, rows.into_iter().collect())
}
