//! Where one live view stands in the change log, and what an incoming batch means for it.
//!
//! A view is loaded at a cursor. Batches arrive from the tab holding the stream, each saying
//! which stretch of the log it covers (`from` → `to`). A batch that starts at or before the view's
//! cursor is applied (changes at or before the cursor are duplicates and skipped); one that
//! starts later leaves a gap the view fills from the polling endpoint first. Nothing is applied
//! twice and nothing is skipped.

use super::protocol::{Batch, Change, ChangesPage};
use crate::cursor::Cursor;

#[derive(Clone, Debug, PartialEq)]
pub enum Offer {
    /// Apply these changes, in order.
    Apply(Vec<Change>),
    /// The batch starts after the view's cursor: read the log from `after` until at least
    /// `until`, then offer the batch again.
    Gap { after: Cursor, until: Cursor },
    /// The log no longer reaches the view's cursor: reload the view.
    Reset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Follower {
    cursor: Cursor,
}

impl Follower {
    pub fn new(cursor: Cursor) -> Self {
        Follower { cursor }
    }

    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    pub fn offer(&mut self, batch: &Batch) -> Offer {
        if batch.reset {
            return Offer::Reset;
        }
        // Where the batch's knowledge starts: a restarted stream only vouches for `to`.
        let starts = batch.from.unwrap_or(batch.to);
        if starts > self.cursor {
            return Offer::Gap {
                after: self.cursor,
                until: starts,
            };
        }
        let fresh = self.fresh(&batch.changes);
        self.cursor = self.cursor.max(batch.to);
        Offer::Apply(fresh)
    }

    /// A page read from the polling endpoint while filling a gap. Returns the changes to apply
    /// and whether the view has reached `until`, or `None` when the log says "reset".
    pub fn catch_up(&mut self, page: &ChangesPage, until: Cursor) -> Option<(Vec<Change>, bool)> {
        if page.reset {
            return None;
        }
        let fresh = self.fresh(&page.changes);
        let progressed = page.cursor > self.cursor;
        self.cursor = self.cursor.max(page.cursor);
        // A page that did not move means the log has nothing more right now.
        Some((fresh, self.cursor >= until || !progressed))
    }

    fn fresh(&self, changes: &[Change]) -> Vec<Change> {
        changes
            .iter()
            .filter(|c| c.cursor > self.cursor)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::protocol::Op;

    fn change(seq: i64) -> Change {
        Change {
            table: "calls".into(),
            op: Op::Update,
            new: None,
            old: None,
            commit_timestamp: chrono::Utc::now(),
            actor: None,
            cursor: Cursor::after_commit(seq),
        }
    }

    fn batch(from: Option<i64>, seqs: &[i64], to: i64) -> Batch {
        Batch {
            org: uuid::Uuid::nil(),
            from: from.map(Cursor::after_commit),
            to: Cursor::after_commit(to),
            changes: seqs.iter().map(|&s| change(s)).collect(),
            reset: false,
        }
    }

    fn seqs(offer: Offer) -> Vec<i64> {
        match offer {
            Offer::Apply(cs) => cs.iter().map(|c| c.cursor.seq).collect(),
            other => panic!("expected changes, got {other:?}"),
        }
    }

    #[test]
    fn a_batch_that_continues_the_view_is_applied_and_moves_its_cursor() {
        let mut f = Follower::new(Cursor::after_commit(10));
        assert_eq!(seqs(f.offer(&batch(Some(10), &[11, 12], 12))), vec![11, 12]);
        assert_eq!(f.cursor(), Cursor::after_commit(12));
    }

    #[test]
    fn changes_the_view_already_has_are_skipped() {
        let mut f = Follower::new(Cursor::after_commit(12));
        assert_eq!(seqs(f.offer(&batch(Some(9), &[10, 12, 13], 13))), vec![13]);
        assert_eq!(
            seqs(f.offer(&batch(Some(9), &[10, 12, 13], 13))),
            Vec::<i64>::new()
        );
    }

    #[test]
    fn a_batch_starting_after_the_view_is_a_gap_to_fill_first() {
        let mut f = Follower::new(Cursor::after_commit(5));
        assert_eq!(
            f.offer(&batch(Some(8), &[9], 9)),
            Offer::Gap {
                after: Cursor::after_commit(5),
                until: Cursor::after_commit(8)
            }
        );
        let page = ChangesPage {
            changes: vec![change(6), change(8)],
            cursor: Cursor::after_commit(8),
            reset: false,
            organization_id: uuid::Uuid::nil(),
        };
        let (fresh, done) = f.catch_up(&page, Cursor::after_commit(8)).unwrap();
        assert_eq!(fresh.len(), 2);
        assert!(done);
        assert_eq!(seqs(f.offer(&batch(Some(8), &[9], 9))), vec![9]);
    }

    #[test]
    fn a_restarted_stream_ahead_of_the_view_is_a_gap_and_one_behind_it_is_nothing() {
        let mut f = Follower::new(Cursor::after_commit(5));
        assert!(matches!(f.offer(&batch(None, &[], 7)), Offer::Gap { .. }));
        assert_eq!(seqs(f.offer(&batch(None, &[], 3))), Vec::<i64>::new());
        assert_eq!(f.cursor(), Cursor::after_commit(5));
    }

    #[test]
    fn a_reset_batch_or_page_asks_for_a_reload() {
        let mut f = Follower::new(Cursor::after_commit(5));
        let mut b = batch(Some(5), &[], 9);
        b.reset = true;
        assert_eq!(f.offer(&b), Offer::Reset);
        let page = ChangesPage {
            changes: vec![],
            cursor: Cursor::after_commit(9),
            reset: true,
            organization_id: uuid::Uuid::nil(),
        };
        assert_eq!(f.catch_up(&page, Cursor::after_commit(9)), None);
    }

    #[test]
    fn catching_up_stops_when_the_log_has_nothing_more() {
        let mut f = Follower::new(Cursor::after_commit(5));
        let page = ChangesPage {
            changes: vec![],
            cursor: Cursor::after_commit(5),
            reset: false,
            organization_id: uuid::Uuid::nil(),
        };
        let (_, done) = f.catch_up(&page, Cursor::after_commit(9)).unwrap();
        assert!(done);
    }
}
