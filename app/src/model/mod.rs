//! Types shared by the server, the server functions and the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cursor::Cursor;

pub mod operations;

/// Lifecycle of one call: QUEUED → RINGING → IN_PROGRESS → ENDED, or FAILED from any active state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallStatus {
    Queued,
    Ringing,
    InProgress,
    Ended,
    Failed,
}

impl CallStatus {
    pub const ALL: [CallStatus; 5] = [
        CallStatus::Queued,
        CallStatus::Ringing,
        CallStatus::InProgress,
        CallStatus::Ended,
        CallStatus::Failed,
    ];

    /// The value stored in `calls.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Queued => "QUEUED",
            CallStatus::Ringing => "RINGING",
            CallStatus::InProgress => "IN_PROGRESS",
            CallStatus::Ended => "ENDED",
            CallStatus::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Human label shown next to the icon.
    pub fn label(self) -> &'static str {
        match self {
            CallStatus::Queued => "Queued",
            CallStatus::Ringing => "Ringing",
            CallStatus::InProgress => "In progress",
            CallStatus::Ended => "Ended",
            CallStatus::Failed => "Failed",
        }
    }

    /// Active states pulse on the call board; terminal ones are static.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            CallStatus::Queued | CallStatus::Ringing | CallStatus::InProgress
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CampaignStatus {
    Draft,
    Active,
    Paused,
    Completed,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 4] = [
        CampaignStatus::Draft,
        CampaignStatus::Active,
        CampaignStatus::Paused,
        CampaignStatus::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Active => "active",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "Draft",
            CampaignStatus::Active => "Active",
            CampaignStatus::Paused => "Paused",
            CampaignStatus::Completed => "Completed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Operator,
    Organizer,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "operator" => Some(Role::Operator),
            "organizer" => Some(Role::Organizer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Operator => "Operator",
            Role::Organizer => "Organizer",
            Role::Admin => "Admin",
        }
    }
}

/// The signed-in user, as every page and endpoint sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organization_id: Uuid,
    pub organization_name: String,
}

/// Number of calls in each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    pub queued: i64,
    pub ringing: i64,
    pub in_progress: i64,
    pub ended: i64,
    pub failed: i64,
}

impl StatusCounts {
    pub fn get(&self, status: CallStatus) -> i64 {
        match status {
            CallStatus::Queued => self.queued,
            CallStatus::Ringing => self.ringing,
            CallStatus::InProgress => self.in_progress,
            CallStatus::Ended => self.ended,
            CallStatus::Failed => self.failed,
        }
    }

    pub fn active(&self) -> i64 {
        self.queued + self.ringing + self.in_progress
    }

    pub fn total(&self) -> i64 {
        self.active() + self.ended + self.failed
    }
}

/// A campaign with its progress and call counts, as listed on the campaigns page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignSummary {
    pub id: Uuid,
    pub name: String,
    pub status: CampaignStatus,
    pub bid_cents: i32,
    /// Contacts in the campaign.
    pub contacts_total: i64,
    /// Contacts whose outcome is known (completed or failed).
    pub contacts_done: i64,
    pub calls: StatusCounts,
    /// Calls currently queued, ringing or in progress.
    pub active_calls: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CampaignSummary {
    /// Progress in percent (0–100), contacts done over contacts total.
    pub fn progress_percent(&self) -> f64 {
        if self.contacts_total == 0 {
            0.0
        } else {
            (self.contacts_done as f64 * 100.0 / self.contacts_total as f64).clamp(0.0, 100.0)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Call {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub contact_id: Uuid,
    pub contact_name: String,
    pub contact_phone: String,
    pub status: CallStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub failure_reason: Option<String>,
    pub provider_call_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ContactStatus {
    Pending,
    Calling,
    Completed,
    Failed,
}

impl ContactStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(ContactStatus::Pending),
            "calling" => Some(ContactStatus::Calling),
            "completed" => Some(ContactStatus::Completed),
            "failed" => Some(ContactStatus::Failed),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactStatus::Pending => "Pending",
            ContactStatus::Calling => "Calling",
            ContactStatus::Completed => "Completed",
            ContactStatus::Failed => "Failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub name: String,
    pub phone: String,
    pub status: ContactStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of a list, with the total count for pagers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// Realtime cursor this page is consistent with: subscribe with `after=<cursor>`.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}

/// The campaign list with the realtime cursor it is consistent with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignList {
    pub campaigns: Vec<CampaignSummary>,
    /// Subscribe with `after=<cursor>` to receive every change since this list was read.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}

/// Notable changes of the last while (oldest first), so a live feed opens with what just
/// happened: the same changes the stream delivered, read back from the change log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecentActivity {
    pub changes: Vec<crate::live::Change>,
    /// Names of the contacts those calls were with.
    pub contact_names: Vec<(Uuid, String)>,
}

/// What the campaigns page shows: every campaign and the organization's call activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignsOverview {
    pub campaigns: Vec<CampaignSummary>,
    pub activity: Activity,
    pub recent: RecentActivity,
    /// Realtime cursor the whole view is consistent with.
    pub cursor: Cursor,
}

/// Everything the campaign detail page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub campaign: CampaignSummary,
    /// Active calls first, then the most recent finished calls.
    pub calls: Vec<Call>,
    pub contacts: Page<Contact>,
    /// Calls finished per minute over the last hour.
    pub activity: Activity,
    pub recent: RecentActivity,
    /// Realtime cursor the whole view is consistent with.
    pub cursor: Cursor,
}

/// Minutes of history the activity chart shows.
pub const ACTIVITY_MINUTES: i64 = 60;

/// Calls that finished in one minute, by outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinuteCount {
    /// Minutes since the Unix epoch.
    pub minute: i64,
    pub ended: i64,
    pub failed: i64,
}

/// Calls finished per minute by outcome, for the last [`ACTIVITY_MINUTES`] minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Only minutes with calls, oldest first.
    pub minutes: Vec<MinuteCount>,
}

/// Minutes since the Unix epoch of a point in time.
pub fn epoch_minute(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

impl Activity {
    /// Count a call that finished (ENDED or FAILED) in `minute`; other statuses are ignored.
    pub fn record(&mut self, minute: i64, outcome: CallStatus) {
        let pos = self.minutes.partition_point(|m| m.minute < minute);
        if self.minutes.get(pos).is_none_or(|m| m.minute != minute) {
            if !matches!(outcome, CallStatus::Ended | CallStatus::Failed) {
                return;
            }
            self.minutes.insert(
                pos,
                MinuteCount {
                    minute,
                    ..MinuteCount::default()
                },
            );
        }
        let m = &mut self.minutes[pos];
        match outcome {
            CallStatus::Ended => m.ended += 1,
            CallStatus::Failed => m.failed += 1,
            _ => {}
        }
        // Keep memory bounded: nothing older than the window around the newest minute.
        let newest = self.minutes.last().map_or(minute, |m| m.minute);
        self.minutes
            .retain(|m| m.minute > newest - ACTIVITY_MINUTES);
    }

    /// One entry per minute of the window ending at `now_minute`, oldest first.
    pub fn series(&self, now_minute: i64) -> Vec<MinuteCount> {
        (now_minute - ACTIVITY_MINUTES + 1..=now_minute)
            .map(|minute| {
                self.minutes
                    .iter()
                    .find(|m| m.minute == minute)
                    .copied()
                    .unwrap_or(MinuteCount {
                        minute,
                        ..MinuteCount::default()
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_counts_outcomes_per_minute_and_forgets_minutes_past_the_hour() {
        let mut a = Activity::default();
        a.record(100, CallStatus::Ended);
        a.record(100, CallStatus::Failed);
        a.record(90, CallStatus::Ended);
        a.record(95, CallStatus::Ringing);
        let s = a.series(100);
        assert_eq!(s.len(), ACTIVITY_MINUTES as usize);
        assert_eq!(
            s.last().unwrap(),
            &MinuteCount {
                minute: 100,
                ended: 1,
                failed: 1
            }
        );
        assert_eq!(s.iter().map(|m| m.ended + m.failed).sum::<i64>(), 3);
        a.record(100 + ACTIVITY_MINUTES, CallStatus::Ended);
        assert_eq!(a.minutes.first().unwrap().minute, 100 + ACTIVITY_MINUTES);
    }

    #[test]
    fn call_status_round_trips_through_its_database_text() {
        for st in CallStatus::ALL {
            assert_eq!(CallStatus::parse(st.as_str()), Some(st));
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
        }
        assert_eq!(CallStatus::parse("queued"), None);
    }

    #[test]
    fn only_queued_ringing_and_in_progress_are_active() {
        let active: Vec<_> = CallStatus::ALL
            .into_iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(
            active,
            vec![
                CallStatus::Queued,
                CallStatus::Ringing,
                CallStatus::InProgress
            ]
        );
    }

    #[test]
    fn progress_is_done_over_total_and_zero_for_an_empty_campaign() {
        let mut c = CampaignSummary {
            id: Uuid::nil(),
            name: "x".into(),
            status: CampaignStatus::Active,
            bid_cents: 0,
            contacts_total: 0,
            contacts_done: 0,
            calls: StatusCounts::default(),
            active_calls: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(c.progress_percent(), 0.0);
        c.contacts_total = 8;
        c.contacts_done = 2;
        assert_eq!(c.progress_percent(), 25.0);
    }
}
