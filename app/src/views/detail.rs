//! The campaign page, live: header counters, the call board, the contacts page, the chart and
//! the feed of one campaign.

use std::collections::HashSet;

use uuid::Uuid;

use super::counts::{apply_campaign_row, apply_delta, deltas};
use super::feed::{describe, Feed};
use super::rows::{finished_call, CallRow, CampaignRow, ContactRow};
use crate::api::BOARD_RECENT_CALLS;
use crate::live::Change;
use crate::model::{epoch_minute, Call, CampaignDetail, Contact, ContactStatus};

#[derive(Clone, Debug, PartialEq)]
pub struct DetailView {
    pub detail: CampaignDetail,
    pub feed: Feed,
    /// Contacts of calls that appeared live and still need a name.
    pub unnamed: HashSet<Uuid>,
}

impl DetailView {
    /// The page as loaded; its feed opens with the recent activity the server read back.
    pub fn new(mut detail: CampaignDetail) -> Self {
        let recent = std::mem::take(&mut detail.recent);
        let campaign = detail.campaign.name.clone();
        let contact = |id: Uuid| {
            recent
                .contact_names
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n.clone())
        };
        let feed = Feed::replay(&recent.changes, |_| Some(campaign.clone()), contact);
        DetailView {
            detail,
            feed,
            unnamed: HashSet::new(),
        }
    }

    pub fn active_calls(&self) -> impl Iterator<Item = &Call> {
        self.detail.calls.iter().filter(|c| c.status.is_active())
    }

    pub fn finished_calls(&self) -> impl Iterator<Item = &Call> {
        self.detail.calls.iter().filter(|c| !c.status.is_active())
    }

    /// Apply one change; returns whether anything shown changed.
    pub fn apply(&mut self, change: &Change) -> bool {
        let id = self.detail.campaign.id;
        let mut changed = false;
        for d in deltas(change).iter().filter(|d| d.campaign == id) {
            apply_delta(&mut self.detail.campaign, d);
            changed = true;
        }
        match change.table.as_str() {
            "campaigns" => {
                if let (_, Some(row)) = change.rows::<CampaignRow>() {
                    if row.id == id {
                        apply_campaign_row(&mut self.detail.campaign, row);
                        changed = true;
                    }
                }
            }
            "calls" => changed |= self.apply_call(change),
            "contacts" => changed |= self.apply_contact(change),
            _ => {}
        }
        if changed {
            let name = self.detail.campaign.name.clone();
            let calls = &self.detail.calls;
            let contact = |cid: Uuid| {
                calls
                    .iter()
                    .find(|k| k.contact_id == cid && !k.contact_name.is_empty())
                    .map(|k| k.contact_name.clone())
            };
            if let Some(item) = describe(change, |_| Some(name.clone()), contact) {
                self.feed.push(item);
            }
        }
        changed
    }

    fn apply_call(&mut self, change: &Change) -> bool {
        let id = self.detail.campaign.id;
        if let Some((outcome, at, row)) = finished_call(change) {
            if row.campaign_id == id {
                self.detail.activity.record(epoch_minute(at), outcome);
            }
        }
        let (old, new) = change.rows::<CallRow>();
        let calls = &mut self.detail.calls;
        let Some(row) = new.filter(|r| r.campaign_id == id) else {
            // Deleted, or moved to another campaign.
            let gone = old.map(|o| o.id);
            let before = calls.len();
            calls.retain(|k| Some(k.id) != gone);
            return calls.len() != before;
        };
        match calls.iter_mut().find(|k| k.id == row.id) {
            Some(k) => {
                // A call that stays active keeps its place: no need to re-sort the board.
                let keeps_place = k.status.is_active() && row.status.is_active();
                let (name, phone) = (
                    std::mem::take(&mut k.contact_name),
                    std::mem::take(&mut k.contact_phone),
                );
                *k = call_from_row(row, name, phone);
                if keeps_place {
                    return true;
                }
            }
            None => {
                let known = self
                    .detail
                    .contacts
                    .items
                    .iter()
                    .find(|c| c.id == row.contact_id);
                let (name, phone) = known
                    .map(|c| (c.name.clone(), c.phone.clone()))
                    .unwrap_or_default();
                if known.is_none() {
                    self.unnamed.insert(row.contact_id);
                }
                calls.push(call_from_row(row, name, phone));
            }
        }
        arrange_board(calls);
        true
    }

    fn apply_contact(&mut self, change: &Change) -> bool {
        let Some(row) = change.rows::<ContactRow>().1 else {
            return false;
        };
        let Some(status) = ContactStatus::parse(&row.status) else {
            return false;
        };
        match self
            .detail
            .contacts
            .items
            .iter_mut()
            .find(|c| c.id == row.id)
        {
            Some(c) if c.status != status => {
                c.status = status;
                true
            }
            _ => false,
        }
    }

    /// Names for calls that appeared live, once the server told them.
    pub fn name_contacts(&mut self, contacts: &[Contact]) {
        for ct in contacts {
            self.unnamed.remove(&ct.id);
            for k in self
                .detail
                .calls
                .iter_mut()
                .filter(|k| k.contact_id == ct.id)
            {
                k.contact_name.clone_from(&ct.name);
                k.contact_phone.clone_from(&ct.phone);
            }
        }
    }
}

fn call_from_row(row: &CallRow, contact_name: String, contact_phone: String) -> Call {
    Call {
        id: row.id,
        campaign_id: row.campaign_id,
        contact_id: row.contact_id,
        contact_name,
        contact_phone,
        status: row.status,
        started_at: row.started_at,
        answered_at: row.answered_at,
        ended_at: row.ended_at,
        failure_reason: row.failure_reason.clone(),
        provider_call_id: row.provider_call_id.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Active calls oldest first, then the most recently finished ones (at most
/// `BOARD_RECENT_CALLS`), the order the server loads the board in.
fn arrange_board(calls: &mut Vec<Call>) {
    calls.sort_by(|a, b| match (a.status.is_active(), b.status.is_active()) {
        (true, true) => (a.created_at, a.id).cmp(&(b.created_at, b.id)),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => (b.ended_at, b.updated_at).cmp(&(a.ended_at, a.updated_at)),
    });
    let active = calls.iter().filter(|k| k.status.is_active()).count();
    calls.truncate(active + BOARD_RECENT_CALLS as usize);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;
    use crate::live::Op;
    use crate::model::{Activity, CallStatus, Page, RecentActivity};
    use crate::views::counts::tests::{call_json, change, summary};
    use serde_json::Value;

    fn view(camp: Uuid) -> DetailView {
        DetailView::new(CampaignDetail {
            campaign: summary(camp),
            calls: vec![],
            contacts: Page {
                items: vec![],
                total: 0,
                limit: 50,
                offset: 0,
                cursor: Cursor::START,
            },
            activity: Activity::default(),
            recent: RecentActivity::default(),
            cursor: Cursor::START,
        })
    }

    #[test]
    fn a_new_call_joins_the_board_and_leaves_the_active_set_when_it_ends() {
        let (camp, call) = (Uuid::new_v4(), Uuid::new_v4());
        let mut v = view(camp);
        v.apply(&change(
            "calls",
            Op::Insert,
            Value::Null,
            call_json(call, camp, "QUEUED"),
            1,
        ));
        assert_eq!(v.active_calls().count(), 1);
        assert_eq!(v.detail.campaign.active_calls, 1);
        assert!(
            v.unnamed.contains(&Uuid::nil()),
            "the contact's name is asked for"
        );
        v.apply(&change(
            "calls",
            Op::Update,
            call_json(call, camp, "QUEUED"),
            call_json(call, camp, "ENDED"),
            2,
        ));
        assert_eq!(v.active_calls().count(), 0);
        assert_eq!(v.finished_calls().next().unwrap().status, CallStatus::Ended);
        assert_eq!(v.detail.campaign.active_calls, 0);
        assert_eq!(v.feed.items().count(), 1);
    }

    #[test]
    fn calls_of_other_campaigns_leave_the_board_alone() {
        let camp = Uuid::new_v4();
        let mut v = view(camp);
        let c = change(
            "calls",
            Op::Insert,
            Value::Null,
            call_json(Uuid::new_v4(), Uuid::new_v4(), "QUEUED"),
            1,
        );
        assert!(!v.apply(&c));
        assert!(v.detail.calls.is_empty());
    }

    #[test]
    fn the_board_keeps_every_active_call_but_only_the_recent_finished_ones() {
        let camp = Uuid::new_v4();
        let mut v = view(camp);
        for i in 0..(BOARD_RECENT_CALLS + 20) {
            let id = Uuid::new_v4();
            v.apply(&change(
                "calls",
                Op::Insert,
                Value::Null,
                call_json(id, camp, "ENDED"),
                2 * i + 1,
            ));
        }
        v.apply(&change(
            "calls",
            Op::Insert,
            Value::Null,
            call_json(Uuid::new_v4(), camp, "RINGING"),
            1000,
        ));
        assert_eq!(v.active_calls().count(), 1);
        assert_eq!(v.finished_calls().count(), BOARD_RECENT_CALLS as usize);
        assert!(v.detail.calls[0].status.is_active());
    }

    #[test]
    fn the_page_opens_with_its_recent_activity_in_the_feed_naming_contacts() {
        let (camp, call) = (Uuid::new_v4(), Uuid::new_v4());
        let mut detail = view(camp).detail;
        let mut answered = call_json(call, camp, "IN_PROGRESS");
        answered["contact_id"] = Uuid::from_u128(7).to_string().into();
        detail.recent = RecentActivity {
            changes: vec![change(
                "calls",
                Op::Update,
                call_json(call, camp, "RINGING"),
                answered,
                3,
            )],
            contact_names: vec![(Uuid::from_u128(7), "Ada".into())],
        };
        let v = DetailView::new(detail);
        let texts: Vec<_> = v.feed.items().map(|i| i.text.clone()).collect();
        assert_eq!(texts, ["Call with Ada answered (Spring)"]);
        assert!(v.detail.recent.changes.is_empty(), "kept once, in the feed");
    }
}
