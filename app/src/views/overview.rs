//! The campaigns page, live: campaign rows, their counters, the activity chart and the feed.

use uuid::Uuid;

use super::contact_names::ContactNames;
use super::counts::{apply_campaign_row, apply_delta, deltas};
use super::feed::{describe, Feed};
use super::rows::{finished_call, CampaignRow, ContactRow};
use crate::live::Change;
use crate::model::agents::ContactRef;
use crate::model::{
    epoch_minute, CampaignStatus, CampaignSummary, CampaignsOverview, StatusCounts,
};

#[derive(Clone, Debug, PartialEq)]
pub struct OverviewView {
    pub overview: CampaignsOverview,
    pub feed: Feed,
    /// Contact names for the feed's sentences (the page shows no contacts of its own).
    contacts: ContactNames,
}

impl OverviewView {
    /// The page as loaded; its feed opens with the recent activity the server read back.
    pub fn new(mut overview: CampaignsOverview) -> Self {
        let recent = std::mem::take(&mut overview.recent);
        let mut contacts = ContactNames::default();
        for (id, name) in recent.contact_names {
            contacts.insert(id, name);
        }
        let feed = Feed::replay(&recent.changes, name_in(&overview.campaigns), |id| {
            contacts.get(id)
        });
        OverviewView {
            overview,
            feed,
            contacts,
        }
    }

    /// Contacts the feed mentions without a name (for the page to ask the server).
    pub fn unnamed_contacts(&self) -> Vec<Uuid> {
        self.feed.unnamed()
    }

    /// Names the server told; returns whether the feed changed.
    pub fn name_contacts(&mut self, found: Vec<ContactRef>) -> bool {
        for c in found {
            self.contacts.insert(c.id, c.name);
        }
        let contacts = &self.contacts;
        self.feed.name_contacts(|id| contacts.get(id))
    }

    /// Calls per status over every campaign.
    pub fn totals(&self) -> StatusCounts {
        self.overview
            .campaigns
            .iter()
            .fold(StatusCounts::default(), |mut t, c| {
                t.queued += c.calls.queued;
                t.ringing += c.calls.ringing;
                t.in_progress += c.calls.in_progress;
                t.ended += c.calls.ended;
                t.failed += c.calls.failed;
                t
            })
    }

    /// Apply one change; returns whether anything shown changed.
    pub fn apply(&mut self, change: &Change) -> bool {
        let mut changed = false;
        if let (
            _,
            Some(ContactRow {
                id,
                name: Some(name),
                ..
            }),
        ) = change.rows::<ContactRow>()
        {
            self.contacts.insert(*id, name.clone());
            let contacts = &self.contacts;
            changed |= self.feed.name_contacts(|id| contacts.get(id));
        }
        let contacts = &self.contacts;
        if let Some(item) = describe(change, name_in(&self.overview.campaigns), |id| {
            contacts.get(id)
        }) {
            self.feed.push(item);
            changed = true;
        }
        if let Some((outcome, at, _)) = finished_call(change) {
            self.overview.activity.record(epoch_minute(at), outcome);
            changed = true;
        }
        let campaigns = &mut self.overview.campaigns;
        if change.table == "campaigns" {
            let (old, new) = change.rows::<CampaignRow>();
            match (old, new) {
                (_, Some(row)) => match campaigns.iter_mut().find(|c| c.id == row.id) {
                    Some(s) => {
                        apply_campaign_row(s, row);
                    }
                    None => campaigns.insert(0, new_summary(row)),
                },
                (Some(row), None) => campaigns.retain(|c| c.id != row.id),
                (None, None) => return changed,
            }
            return true;
        }
        for d in deltas(change) {
            if let Some(s) = campaigns.iter_mut().find(|c| c.id == d.campaign) {
                apply_delta(s, &d);
                changed = true;
            }
        }
        changed
    }
}

/// A campaign's name by id, as the feed asks for it.
fn name_in(campaigns: &[CampaignSummary]) -> impl Fn(Uuid) -> Option<String> + '_ {
    move |id| {
        campaigns
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
    }
}

fn new_summary(row: &CampaignRow) -> CampaignSummary {
    CampaignSummary {
        id: row.id,
        name: row.name.clone(),
        status: row.status().unwrap_or(CampaignStatus::Draft),
        bid_cents: row.bid_cents,
        contacts_total: 0,
        contacts_done: 0,
        calls: StatusCounts::default(),
        active_calls: 0,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;
    use crate::live::Op;
    use crate::model::Activity;
    use crate::views::counts::tests::{call_json, change, summary};
    use serde_json::{json, Value};

    fn view(camp: Uuid) -> OverviewView {
        OverviewView::new(CampaignsOverview {
            campaigns: vec![summary(camp)],
            activity: Activity::default(),
            recent: Default::default(),
            cursor: Cursor::START,
        })
    }

    fn campaign_json(id: Uuid, status: &str) -> Value {
        json!({"id": id, "name": "Spring", "status": status, "bid_cents": 10,
               "created_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:05:00Z"})
    }

    #[test]
    fn a_campaign_that_completes_changes_status_in_place_and_is_announced() {
        let camp = Uuid::new_v4();
        let mut v = view(camp);
        let c = change(
            "campaigns",
            Op::Update,
            campaign_json(camp, "active"),
            campaign_json(camp, "completed"),
            3,
        );
        assert!(v.apply(&c));
        assert_eq!(v.overview.campaigns[0].status, CampaignStatus::Completed);
        assert_eq!(
            v.feed.items().next().unwrap().text,
            "Campaign Spring completed"
        );
    }

    #[test]
    fn a_finished_call_counts_in_its_campaign_and_in_the_chart() {
        let (camp, call) = (Uuid::new_v4(), Uuid::new_v4());
        let mut v = view(camp);
        let c = change(
            "calls",
            Op::Update,
            call_json(call, camp, "IN_PROGRESS"),
            call_json(call, camp, "ENDED"),
            4,
        );
        assert!(v.apply(&c));
        assert_eq!(v.overview.campaigns[0].calls.ended, 1);
        let total: i64 = v.overview.activity.minutes.iter().map(|m| m.ended).sum();
        assert_eq!(total, 1);
    }

    #[test]
    fn live_feed_entries_name_the_contact_from_its_row_or_from_the_server() {
        let (camp, ada, bob) = (Uuid::new_v4(), Uuid::from_u128(1), Uuid::from_u128(2));
        let mut v = view(camp);
        let contact = json!({"id": ada, "campaign_id": camp, "status": "calling",
                             "name": "Ada Lovelace", "phone": "+1 555 0100"});
        v.apply(&change("contacts", Op::Update, Value::Null, contact, 1));
        let answered = |contact: Uuid, seq: i64| {
            let call = Uuid::new_v4();
            let (mut old, mut new) = (
                call_json(call, camp, "RINGING"),
                call_json(call, camp, "IN_PROGRESS"),
            );
            old["contact_id"] = contact.to_string().into();
            new["contact_id"] = contact.to_string().into();
            change("calls", Op::Update, old, new, seq)
        };
        assert!(v.apply(&answered(ada, 2)));
        assert_eq!(
            v.feed.items().next().unwrap().text,
            "Call with Ada Lovelace answered (Spring)"
        );
        v.apply(&answered(bob, 3));
        assert_eq!(v.unnamed_contacts(), vec![bob]);
        let bob_ref = ContactRef {
            id: bob,
            name: "Bob Babbage".into(),
            phone: String::new(),
            campaign_id: camp,
            campaign_name: "Spring".into(),
        };
        assert!(v.name_contacts(vec![bob_ref]));
        assert_eq!(
            v.feed.items().next().unwrap().text,
            "Call with Bob Babbage answered (Spring)"
        );
        assert!(v.unnamed_contacts().is_empty());
    }

    #[test]
    fn new_campaigns_appear_at_the_top_and_deleted_ones_go() {
        let camp = Uuid::new_v4();
        let mut v = view(camp);
        let other = Uuid::new_v4();
        v.apply(&change(
            "campaigns",
            Op::Insert,
            Value::Null,
            campaign_json(other, "draft"),
            1,
        ));
        assert_eq!(v.overview.campaigns[0].id, other);
        v.apply(&change(
            "campaigns",
            Op::Delete,
            campaign_json(other, "draft"),
            Value::Null,
            2,
        ));
        assert_eq!(v.overview.campaigns.len(), 1);
    }
}
