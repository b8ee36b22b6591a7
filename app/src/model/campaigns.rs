//! Campaigns: statuses, summaries with progress and call counts, the pages' payloads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Activity, Call, CallStatus, Contact, Page};
use crate::cursor::Cursor;

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

#[cfg(test)]
mod tests {
    use super::*;

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
