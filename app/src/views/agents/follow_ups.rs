//! The follow-ups page: the schedule (soonest first) and the history (latest first).

use std::collections::HashMap;

use uuid::Uuid;

use super::{remove, upsert};
use crate::live::Change;
use crate::model::agents::{
    unique_ids, Agent, ContactRef, FollowUp, FollowUpStatus, FollowUpsPage,
};

/// Past follow-ups the history keeps.
pub const HISTORY_LENGTH: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct FollowUpsView {
    pub upcoming: Vec<FollowUp>,
    pub history: Vec<FollowUp>,
    pub contacts: HashMap<Uuid, ContactRef>,
    pub agents: HashMap<Uuid, Agent>,
}

impl FollowUpsView {
    pub fn new(page: FollowUpsPage) -> Self {
        FollowUpsView {
            upcoming: page.upcoming,
            history: page.history,
            contacts: page.contacts.into_iter().map(|c| (c.id, c)).collect(),
            agents: page.agents.into_iter().map(|a| (a.id, a)).collect(),
        }
    }

    pub fn apply(&mut self, change: &Change) -> bool {
        let Some((old, new)) = change.decode::<FollowUp>("follow_ups") else {
            return false;
        };
        match new {
            Some(f) => self.apply_row(f),
            None => old.is_some_and(|f| {
                remove(&mut self.upcoming, f.id) | remove(&mut self.history, f.id)
            }),
        }
    }

    /// A follow-up as it is now (streamed, or returned by an action taken here).
    pub fn apply_row(&mut self, f: FollowUp) -> bool {
        if f.status == FollowUpStatus::Scheduled {
            let a = remove(&mut self.history, f.id);
            let b = upsert(&mut self.upcoming, f);
            self.upcoming.sort_by_key(|f| (f.scheduled_for, f.id));
            a | b
        } else {
            let a = remove(&mut self.upcoming, f.id);
            let b = upsert(&mut self.history, f);
            self.history.truncate(HISTORY_LENGTH);
            a | b
        }
    }

    pub fn unknown_contacts(&self) -> Vec<Uuid> {
        unique_ids(
            self.upcoming
                .iter()
                .chain(&self.history)
                .map(|r| r.contact_id)
                .filter(|id| !self.contacts.contains_key(id)),
        )
    }
}

/// "in 4 min 05 s" / "in 2 h 10 min" / "due now".
pub fn countdown(secs: i64) -> String {
    match secs {
        i64::MIN..=0 => "due now".into(),
        1..=59 => format!("in {secs} s"),
        60..=3599 => format!("in {} min {:02} s", secs / 60, secs % 60),
        3600..=86_399 => format!("in {} h {:02} min", secs / 3600, secs % 3600 / 60),
        _ => format!("in {} days", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;
    use crate::views::agents::fixtures::{change, follow_up};

    #[test]
    fn an_executed_follow_up_moves_from_the_schedule_to_the_history() {
        let later = follow_up(FollowUpStatus::Scheduled, 600);
        let soon = follow_up(FollowUpStatus::Scheduled, 60);
        let mut v = FollowUpsView::new(FollowUpsPage {
            upcoming: vec![later.clone()],
            history: vec![],
            contacts: vec![],
            agents: vec![],
            can_act: false,
            cursor: Cursor::START,
        });
        assert!(v.apply(&change("follow_ups", None, Some(&soon))));
        assert_eq!(v.upcoming[0].id, soon.id, "soonest first");
        let mut done = soon.clone();
        done.status = FollowUpStatus::Executed;
        assert!(v.apply(&change("follow_ups", Some(&soon), Some(&done))));
        assert_eq!(v.upcoming.len(), 1);
        assert_eq!(v.history[0].id, soon.id);
    }

    #[test]
    fn the_countdown_reads_naturally() {
        assert_eq!(countdown(-5), "due now");
        assert_eq!(countdown(42), "in 42 s");
        assert_eq!(countdown(245), "in 4 min 05 s");
        assert_eq!(countdown(7800), "in 2 h 10 min");
        assert_eq!(countdown(200_000), "in 2 days");
    }
}
