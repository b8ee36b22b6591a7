use std::time::Duration;

use app::cursor::Cursor;
use server::realtime::log::{read_page, PageRead, Scope};
use server::realtime::retention::prune;

use super::insert_call;
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn a_reader_behind_the_retention_window_learns_where_the_kept_log_starts_and_loses_nothing_after_it(
) {
    let app = spawn_seeded().await;
    let call = insert_call(&app, "acme").await;
    app.sequenced().await;
    assert!(prune(&app.pool, Duration::ZERO).await.unwrap() > 0);
    // Committed after the prune, before the lagging reader looks again.
    app.psql(&format!(
        "UPDATE calls SET status = 'RINGING' WHERE id = '{call}'"
    ));
    app.sequenced().await;
    let PageRead::Reset { head, horizon } =
        read_page(&app.pool, Cursor::START, Scope::default(), 100)
            .await
            .unwrap()
    else {
        panic!("a cursor before the horizon is reset");
    };
    assert!(horizon < head, "the update is after the horizon");
    let PageRead::Changes { changes, end, .. } =
        read_page(&app.pool, horizon, Scope::default(), 100)
            .await
            .unwrap()
    else {
        panic!("the horizon itself is readable");
    };
    assert_eq!(end, head);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].new_row().unwrap()["status"], "RINGING");
}
