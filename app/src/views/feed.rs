//! The live activity feed: notable changes as short sentences, newest first, bounded. Calls
//! that one transaction moved to the same outcome share one entry ("12 calls answered"), so a
//! bulk update reads as what it was and does not push everything else out of the feed.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::rows::{CallRow, CampaignRow};
use crate::live::Change;
use crate::model::{CallStatus, CampaignStatus};

/// Entries the feed keeps.
pub const FEED_LEN: usize = 50;

#[derive(Clone, Debug, PartialEq)]
pub struct FeedItem {
    /// Unique per entry and per content (first change's cursor, and how many it counts).
    pub key: String,
    pub at: DateTime<Utc>,
    pub call_status: Option<CallStatus>,
    pub campaign_status: Option<CampaignStatus>,
    pub text: String,
    /// Entries that may be counted together: same transaction, same outcome, same campaign.
    group: Option<Group>,
    /// Set while the entry says "a contact" for want of the name: the text around it.
    unnamed: Option<Unnamed>,
}

#[derive(Clone, Debug, PartialEq)]
struct Unnamed {
    contact: Uuid,
    before: String,
    after: String,
}

#[derive(Clone, Debug, PartialEq)]
struct Group {
    commit: i64,
    /// What several such entries read as after their number: "calls answered (Spring)".
    plural: String,
    count: usize,
    first_key: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Feed {
    items: VecDeque<FeedItem>,
}

impl Feed {
    pub fn push(&mut self, item: FeedItem) {
        if let (Some(front), Some(new)) = (self.items.front_mut(), &item.group) {
            if let Some(g) = front.group.as_mut().filter(|g| {
                g.commit == new.commit
                    && g.plural == new.plural
                    && front.call_status == item.call_status
            }) {
                g.count += 1;
                front.text = format!("{} {}", g.count, g.plural);
                front.key = format!("{}x{}", g.first_key, g.count);
                front.unnamed = None;
                return;
            }
        }
        self.items.push_front(item);
        self.items.truncate(FEED_LEN);
    }

    /// A feed of `changes` (oldest first), as if they had arrived live.
    pub fn replay(
        changes: &[Change],
        campaign_name: impl Fn(Uuid) -> Option<String>,
        contact_name: impl Fn(Uuid) -> Option<String>,
    ) -> Feed {
        let mut feed = Feed::default();
        for c in changes {
            if let Some(item) = describe(c, &campaign_name, &contact_name) {
                feed.push(item);
            }
        }
        feed
    }

    /// Newest first.
    pub fn items(&self) -> impl Iterator<Item = &FeedItem> {
        self.items.iter()
    }

    /// Contacts entries still call "a contact".
    pub fn unnamed(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self
            .items
            .iter()
            .filter_map(|i| i.unnamed.as_ref().map(|u| u.contact))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Name the contacts `contact_name` now knows in the entries that lacked them (each such
    /// entry gets a new key, so a list keyed by it redraws just that entry). Returns whether
    /// any entry changed.
    pub fn name_contacts(&mut self, contact_name: impl Fn(Uuid) -> Option<String>) -> bool {
        let mut changed = false;
        for item in &mut self.items {
            let Some(u) = &item.unnamed else { continue };
            if let Some(name) = contact_name(u.contact) {
                item.text = format!("{}{name}{}", u.before, u.after);
                item.key.push_str("-named");
                item.unnamed = None;
                changed = true;
            }
        }
        changed
    }
}

/// A feed entry for a change worth telling: a call answered, ended or failed, or a campaign
/// changing status. `campaign_name` and `contact_name` name what the view knows.
pub fn describe(
    change: &Change,
    campaign_name: impl Fn(Uuid) -> Option<String>,
    contact_name: impl Fn(Uuid) -> Option<String>,
) -> Option<FeedItem> {
    let key = change.cursor.to_string();
    match change.table.as_str() {
        "calls" => {
            let (old, new) = change.rows::<CallRow>();
            let new = new?;
            if old.as_ref().is_some_and(|o| o.status == new.status) {
                return None;
            }
            let campaign = campaign_name(new.campaign_id)
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let (before, after, verb) = match new.status {
                CallStatus::InProgress => {
                    ("Call with ", format!(" answered{campaign}"), "answered")
                }
                CallStatus::Ended => ("Call with ", format!(" ended{campaign}"), "ended"),
                CallStatus::Failed => (
                    "Call to ",
                    format!(
                        " failed{}{campaign}",
                        new.failure_reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    ),
                    "failed",
                ),
                _ => return None,
            };
            let (text, unnamed) = match contact_name(new.contact_id) {
                Some(who) => (format!("{before}{who}{after}"), None),
                None => (
                    format!("{before}a contact{after}"),
                    Some(Unnamed {
                        contact: new.contact_id,
                        before: before.to_string(),
                        after,
                    }),
                ),
            };
            Some(FeedItem {
                group: Some(Group {
                    commit: change.cursor.seq,
                    plural: format!("calls {verb}{campaign}"),
                    count: 1,
                    first_key: key.clone(),
                }),
                key,
                at: change.commit_timestamp,
                call_status: Some(new.status),
                campaign_status: None,
                text,
                unnamed,
            })
        }
        "campaigns" => {
            let (old, new) = change.rows::<CampaignRow>();
            let new = new?;
            let status = new.status()?;
            if old.as_ref().and_then(|o| o.status()) == Some(status) {
                return None;
            }
            let verb = match status {
                CampaignStatus::Active => "is active",
                CampaignStatus::Paused => "was paused",
                CampaignStatus::Completed => "completed",
                CampaignStatus::Draft => "is a draft",
            };
            Some(FeedItem {
                key,
                at: change.commit_timestamp,
                call_status: None,
                campaign_status: Some(status),
                text: format!("Campaign {} {verb}", new.name),
                group: None,
                unnamed: None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Op;
    use crate::views::counts::tests::{call_json, change};
    use serde_json::Value;

    #[test]
    fn a_failed_call_reads_as_a_sentence_with_its_reason() {
        let (camp, call) = (Uuid::new_v4(), Uuid::new_v4());
        let mut failed = call_json(call, camp, "FAILED");
        failed["failure_reason"] = "busy".into();
        let c = change(
            "calls",
            Op::Update,
            call_json(call, camp, "RINGING"),
            failed,
            7,
        );
        let item = describe(&c, |_| Some("Spring".into()), |_| Some("Ada".into())).unwrap();
        assert_eq!(item.text, "Call to Ada failed: busy (Spring)");
        assert_eq!(item.call_status, Some(CallStatus::Failed));
    }

    #[test]
    fn queued_and_ringing_calls_are_not_news() {
        let (camp, call) = (Uuid::new_v4(), Uuid::new_v4());
        let c = change(
            "calls",
            Op::Insert,
            Value::Null,
            call_json(call, camp, "QUEUED"),
            1,
        );
        assert_eq!(describe(&c, |_| None, |_| None), None);
    }

    #[test]
    fn the_feed_keeps_only_the_newest_entries() {
        let mut f = Feed::default();
        for i in 0..(FEED_LEN + 10) {
            f.push(FeedItem {
                key: i.to_string(),
                at: Utc::now(),
                call_status: None,
                campaign_status: None,
                text: String::new(),
                group: None,
                unnamed: None,
            });
        }
        assert_eq!(f.items().count(), FEED_LEN);
        assert_eq!(f.items().next().unwrap().key, (FEED_LEN + 9).to_string());
    }

    #[test]
    fn an_entry_about_a_contact_not_yet_named_is_named_when_the_name_arrives() {
        let (camp, call, ada) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::from_u128(7));
        let mut answered = call_json(call, camp, "IN_PROGRESS");
        answered["contact_id"] = ada.to_string().into();
        let c = change("calls", Op::Insert, Value::Null, answered, 3);
        let mut f = Feed::default();
        f.push(describe(&c, |_| Some("Spring".into()), |_| None).unwrap());
        assert_eq!(f.unnamed(), vec![ada]);
        let key = f.items().next().unwrap().key.clone();
        assert!(!f.name_contacts(|_| None));
        assert!(f.name_contacts(|id| (id == ada).then(|| "Ada".to_string())));
        let item = f.items().next().unwrap();
        assert_eq!(item.text, "Call with Ada answered (Spring)");
        assert_ne!(item.key, key, "a renamed entry is redrawn");
        assert!(f.unnamed().is_empty());
    }

    #[test]
    fn calls_one_transaction_moved_alike_share_one_counted_entry() {
        let camp = Uuid::new_v4();
        let mut f = Feed::default();
        let answered = |seq: i64, id: i64| {
            let call = Uuid::new_v4();
            let mut c = change(
                "calls",
                Op::Update,
                call_json(call, camp, "RINGING"),
                call_json(call, camp, "IN_PROGRESS"),
                seq,
            );
            c.cursor = crate::cursor::Cursor::at(seq, id);
            describe(&c, |_| Some("Spring".into()), |_| None).unwrap()
        };
        f.push(answered(1, 1));
        assert_eq!(
            f.items().next().unwrap().text,
            "Call with a contact answered (Spring)"
        );
        f.push(answered(2, 1));
        f.push(answered(2, 2));
        f.push(answered(2, 3));
        let texts: Vec<_> = f.items().map(|i| i.text.clone()).collect();
        assert_eq!(
            texts,
            [
                "3 calls answered (Spring)",
                "Call with a contact answered (Spring)"
            ]
        );
        let keys: std::collections::HashSet<_> = f.items().map(|i| i.key.clone()).collect();
        assert_eq!(keys.len(), 2, "keys stay unique");
    }
}
