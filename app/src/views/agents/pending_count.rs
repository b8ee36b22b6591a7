//! The number of drafts awaiting approval (the navigation's badge), kept current.

use crate::live::Change;
use crate::model::agents::{Draft, DraftStatus};

/// Apply a drafts change to the count; whether it moved.
pub fn apply(count: &mut i64, change: &Change) -> bool {
    let Some((old, new)) = change.decode::<Draft>("drafts") else {
        return false;
    };
    let pending = |d: &Option<Draft>| {
        d.as_ref()
            .is_some_and(|d| d.status == DraftStatus::PendingApproval)
    };
    let delta = pending(&new) as i64 - pending(&old) as i64;
    *count = (*count + delta).max(0);
    delta != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::agents::fixtures::{change, draft};

    #[test]
    fn the_count_rises_with_new_drafts_and_falls_when_one_is_decided() {
        let mut n = 3;
        let d = draft(DraftStatus::PendingApproval);
        assert!(apply(&mut n, &change("drafts", None, Some(&d))));
        assert_eq!(n, 4);
        let mut approved = d.clone();
        approved.status = DraftStatus::Approved;
        assert!(apply(&mut n, &change("drafts", Some(&d), Some(&approved))));
        assert_eq!(n, 3);
        let mut edited = d.clone();
        edited.body = "Hi again".into();
        assert!(!apply(&mut n, &change("drafts", Some(&d), Some(&edited))));
        assert!(!apply(
            &mut n,
            &change("agent_tasks", Some(&d), Some(&approved))
        ));
        assert_eq!(n, 3);
    }
}
