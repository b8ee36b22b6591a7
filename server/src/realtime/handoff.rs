//! The batch a sequencer just numbered, handed straight to the same instance's tailer.
//!
//! The sequencer's batch already has the rows of the commits it numbers at hand, so it returns
//! them (`realtime.sequence_changes`) and this instance publishes them without reading them back
//! from the log — the tailer's read was ~5 % of this machine's CPU under pgbench. It is only a
//! shortcut: the tailer takes a batch only if it starts exactly where the tailer stands, and
//! reads the log for everything else (other instances' batches, page loads' batches, a batch
//! too big to hand over, a missed or late hand-off), as before.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use app::cursor::Cursor;

use super::change::Change;

/// Batches waiting for the tailer; a full queue drops the hand-off (the tailer reads the log).
pub const HANDOFF_CAPACITY: usize = 16;

/// Commits `first..=last` in full, in commit order.
#[derive(Debug)]
pub struct Numbered {
    pub first: i64,
    pub last: i64,
    pub changes: Vec<Change>,
}

impl Numbered {
    /// From a batch's rows (seq, change) in commit order; `None` for an empty batch.
    pub fn new(changes: Vec<Change>) -> Option<Numbered> {
        let first = changes.first()?.cursor.seq;
        let last = changes.last()?.cursor.seq;
        Some(Numbered {
            first,
            last,
            changes,
        })
    }

    /// Whether it continues a tailer standing at `cursor` with no gap.
    pub fn follows(&self, cursor: Cursor) -> bool {
        cursor == Cursor::after_commit(self.first - 1)
    }
}

/// The sequencer's end.
#[derive(Clone)]
pub struct Handoff {
    tx: mpsc::Sender<Numbered>,
    busy: Arc<AtomicBool>,
}

/// The tailer's end.
pub struct Intake {
    pub rx: mpsc::Receiver<Numbered>,
    busy: Arc<AtomicBool>,
}

pub fn channel() -> (Handoff, Intake) {
    let (tx, rx) = mpsc::channel(HANDOFF_CAPACITY);
    let busy = Arc::new(AtomicBool::new(false));
    (
        Handoff {
            tx,
            busy: busy.clone(),
        },
        Intake { rx, busy },
    )
}

impl Handoff {
    /// A batch is being run: its notification may reach the tailer before its hand-off.
    pub fn running(&self, yes: bool) {
        self.busy.store(yes, Ordering::Release);
    }

    pub fn send(&self, batch: Numbered) {
        // Full (the tailer is behind) or closed: the tailer reads the log.
        let _ = self.tx.try_send(batch);
    }
}

impl Intake {
    /// Whether a hand-off may be on its way: a batch is running or one is queued.
    pub fn expected(&self) -> bool {
        self.busy.load(Ordering::Acquire) || !self.rx.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::change::Op;
    use uuid::Uuid;

    fn change(seq: i64, id: i64) -> Change {
        Change::new(
            Cursor::at(seq, id),
            Uuid::nil(),
            "public",
            "calls".into(),
            Op::Insert,
            None,
            None,
            chrono::Utc::now(),
            None,
        )
    }

    #[test]
    fn a_batch_follows_only_a_cursor_at_the_end_of_the_commit_before_it() {
        let b = Numbered::new(vec![change(5, 10), change(5, 11), change(6, 12)]).unwrap();
        assert_eq!((b.first, b.last), (5, 6));
        assert!(b.follows(Cursor::after_commit(4)));
        assert!(!b.follows(Cursor::after_commit(3)), "a gap");
        assert!(!b.follows(Cursor::after_commit(5)), "already published");
        assert!(
            !b.follows(Cursor::at(4, 9)),
            "the tailer is inside commit 4"
        );
        assert!(Numbered::new(Vec::new()).is_none());
    }

    #[tokio::test]
    async fn a_hand_off_is_expected_while_a_batch_runs_or_one_waits() {
        let (h, mut i) = channel();
        assert!(!i.expected());
        h.running(true);
        assert!(i.expected());
        h.send(Numbered::new(vec![change(1, 1)]).unwrap());
        h.running(false);
        assert!(i.expected());
        assert_eq!(i.rx.recv().await.unwrap().first, 1);
        assert!(!i.expected());
    }
}
