//! Campaign counters (calls per status, contacts done / total) moved by row changes: the old
//! row's contribution is taken away and the new row's added, so INSERT, UPDATE, DELETE and
//! even a row moving between campaigns all keep the counts exact.

use uuid::Uuid;

use super::rows::{CallRow, CampaignRow, ContactRow};
use crate::live::rows::TableRow;
use crate::live::Change;
use crate::model::{CallStatus, CampaignSummary};

/// One row's contribution to one campaign's counters, added (`sign` 1) or removed (-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delta {
    pub campaign: Uuid,
    pub call: Option<CallStatus>,
    pub contact_done: Option<bool>,
    pub sign: i64,
}

/// The counter changes a call or contact change implies.
pub fn deltas(change: &Change) -> Vec<Delta> {
    match change.table.as_str() {
        "calls" => row_deltas::<CallRow>(
            change,
            |o, n| o.status == n.status && o.campaign_id == n.campaign_id,
            |r, sign| Delta {
                campaign: r.campaign_id,
                call: Some(r.status),
                contact_done: None,
                sign,
            },
        ),
        "contacts" => row_deltas::<ContactRow>(
            change,
            |o, n| o.is_done() == n.is_done() && o.campaign_id == n.campaign_id,
            |r, sign| Delta {
                campaign: r.campaign_id,
                call: None,
                contact_done: Some(r.is_done()),
                sign,
            },
        ),
        _ => Vec::new(),
    }
}

/// Take away the old row's contribution and add the new one's, unless nothing counted changed.
fn row_deltas<T: TableRow>(
    change: &Change,
    counts_alike: impl Fn(&T, &T) -> bool,
    delta: impl Fn(&T, i64) -> Delta,
) -> Vec<Delta> {
    let (old, new) = change.rows::<T>();
    if let (Some(o), Some(n)) = (old, new) {
        if counts_alike(o, n) {
            return Vec::new();
        }
    }
    [(old, -1), (new, 1)]
        .into_iter()
        .filter_map(|(row, sign)| row.map(|r| delta(r, sign)))
        .collect()
}

pub fn apply_delta(s: &mut CampaignSummary, d: &Delta) {
    if let Some(status) = d.call {
        let slot = match status {
            CallStatus::Queued => &mut s.calls.queued,
            CallStatus::Ringing => &mut s.calls.ringing,
            CallStatus::InProgress => &mut s.calls.in_progress,
            CallStatus::Ended => &mut s.calls.ended,
            CallStatus::Failed => &mut s.calls.failed,
        };
        *slot = (*slot + d.sign).max(0);
        s.active_calls = s.calls.active();
    }
    if let Some(done) = d.contact_done {
        s.contacts_total = (s.contacts_total + d.sign).max(0);
        if done {
            s.contacts_done = (s.contacts_done + d.sign).max(0);
        }
    }
}

/// Copy a campaign row's own columns into its summary. Returns whether the status changed.
pub fn apply_campaign_row(s: &mut CampaignSummary, row: &CampaignRow) -> bool {
    s.name.clone_from(&row.name);
    s.bid_cents = row.bid_cents;
    s.updated_at = row.updated_at;
    match row.status() {
        Some(st) if st != s.status => {
            s.status = st;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cursor::Cursor;
    use crate::live::rows::Row;
    use crate::live::Op;
    use crate::model::{CampaignStatus, StatusCounts};
    use chrono::Utc;
    use serde_json::{json, Value};

    /// A captured row of `table`, typed as a decoded change carries it.
    pub fn row(table: &str, v: Value) -> Option<Row> {
        let raw = serde_json::value::RawValue::from_string(v.to_string()).unwrap();
        Row::parse(table, &raw)
    }

    pub fn change(table: &str, op: Op, old: Value, new: Value, seq: i64) -> Change {
        Change {
            table: table.into(),
            op,
            new: row(table, new),
            old: row(table, old),
            commit_timestamp: Utc::now(),
            actor: None,
            cursor: Cursor::after_commit(seq),
        }
    }

    pub fn call_json(id: Uuid, campaign: Uuid, status: &str) -> Value {
        json!({"id": id, "campaign_id": campaign, "contact_id": Uuid::nil(), "status": status,
               "started_at": null, "answered_at": null, "ended_at": null, "failure_reason": null,
               "provider_call_id": null, "created_at": "2026-11-21T10:00:00.5+00:00",
               "updated_at": "2026-11-21T10:00:00.5+00:00", "organization_id": Uuid::nil()})
    }

    pub fn summary(id: Uuid) -> CampaignSummary {
        CampaignSummary {
            id,
            name: "Spring".into(),
            status: CampaignStatus::Active,
            bid_cents: 10,
            contacts_total: 10,
            contacts_done: 2,
            calls: StatusCounts::default(),
            active_calls: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn apply_all(s: &mut CampaignSummary, c: &Change) {
        for d in deltas(c) {
            if d.campaign == s.id {
                apply_delta(s, &d);
            }
        }
    }

    #[test]
    fn a_call_moving_through_its_states_moves_one_count_at_a_time() {
        let (camp, call) = (Uuid::new_v4(), Uuid::new_v4());
        let mut s = summary(camp);
        apply_all(
            &mut s,
            &change(
                "calls",
                Op::Insert,
                Value::Null,
                call_json(call, camp, "QUEUED"),
                1,
            ),
        );
        assert_eq!((s.calls.queued, s.active_calls), (1, 1));
        apply_all(
            &mut s,
            &change(
                "calls",
                Op::Update,
                call_json(call, camp, "QUEUED"),
                call_json(call, camp, "RINGING"),
                2,
            ),
        );
        assert_eq!((s.calls.queued, s.calls.ringing, s.active_calls), (0, 1, 1));
        apply_all(
            &mut s,
            &change(
                "calls",
                Op::Update,
                call_json(call, camp, "RINGING"),
                call_json(call, camp, "FAILED"),
                3,
            ),
        );
        assert_eq!((s.calls.ringing, s.calls.failed, s.active_calls), (0, 1, 0));
        apply_all(
            &mut s,
            &change(
                "calls",
                Op::Delete,
                call_json(call, camp, "FAILED"),
                Value::Null,
                4,
            ),
        );
        assert_eq!(s.calls.total(), 0);
    }

    #[test]
    fn contacts_finishing_advance_progress_and_new_contacts_grow_the_total() {
        let camp = Uuid::new_v4();
        let mut s = summary(camp);
        let ct = |st: &str| json!({"id": Uuid::nil(), "campaign_id": camp, "status": st});
        apply_all(
            &mut s,
            &change("contacts", Op::Update, ct("calling"), ct("completed"), 1),
        );
        assert_eq!((s.contacts_done, s.contacts_total), (3, 10));
        apply_all(
            &mut s,
            &change("contacts", Op::Insert, Value::Null, ct("pending"), 2),
        );
        assert_eq!((s.contacts_done, s.contacts_total), (3, 11));
        apply_all(
            &mut s,
            &change("contacts", Op::Update, ct("pending"), ct("calling"), 3),
        );
        assert_eq!((s.contacts_done, s.contacts_total), (3, 11));
    }

    #[test]
    fn an_update_that_keeps_the_status_changes_no_count() {
        let (camp, call) = (Uuid::new_v4(), Uuid::new_v4());
        let c = change(
            "calls",
            Op::Update,
            call_json(call, camp, "RINGING"),
            call_json(call, camp, "RINGING"),
            1,
        );
        assert!(deltas(&c).is_empty());
    }
}
