//! Calls: their statuses, the call row, and calls finished per minute.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
}
