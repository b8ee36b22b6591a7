//! What clients send to act on agent work, with the bounds the server enforces (the browser
//! checks the same ones before sending).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AgentTask, ContactRef, Draft, FollowUp, TaskKind};
use crate::cursor::Cursor;

/// Longest rejection reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// Longest email subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Longest message body, in characters.
pub const MAX_BODY_CHARS: usize = 5000;
/// How far ahead a follow-up may be scheduled, in days.
pub const MAX_SCHEDULE_DAYS: i64 = 365;

/// `POST /api/contacts/{id}/tasks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignTask {
    pub agent_id: Uuid,
    pub kind: TaskKind,
}

/// `POST /api/drafts/{id}/reject`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectDraft {
    /// Optional, at most 500 characters.
    #[cfg_attr(feature = "ssr", schema(max_length = 500))]
    pub reason: Option<String>,
}

impl RejectDraft {
    /// The reason to store: trimmed, empty as none; an error message when too long.
    pub fn reason(&self) -> Result<Option<String>, String> {
        let reason = self.reason.as_deref().map(str::trim).unwrap_or_default();
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(format!("reason: at most {MAX_REASON_CHARS} characters"));
        }
        Ok((!reason.is_empty()).then(|| reason.to_owned()))
    }
}

/// `PATCH /api/drafts/{id}`: new subject and/or body (at least one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EditDraft {
    /// Emails only; at most 200 characters, not blank.
    #[cfg_attr(feature = "ssr", schema(max_length = 200, pattern = r"\S"))]
    pub subject: Option<String>,
    /// 1 to 5,000 characters, not blank.
    #[cfg_attr(
        feature = "ssr",
        schema(min_length = 1, max_length = 5000, pattern = r"\S")
    )]
    pub body: Option<String>,
}

impl EditDraft {
    /// What is wrong with this edit, for people (naming the field).
    pub fn problem(&self) -> Option<String> {
        if self.subject.is_none() && self.body.is_none() {
            return Some("send a new subject or body".into());
        }
        if let Some(s) = &self.subject {
            if s.trim().is_empty() || s.chars().count() > MAX_SUBJECT_CHARS {
                return Some(format!("subject: 1 to {MAX_SUBJECT_CHARS} characters"));
            }
        }
        if let Some(b) = &self.body {
            if b.trim().is_empty() || b.chars().count() > MAX_BODY_CHARS {
                return Some(format!("body: 1 to {MAX_BODY_CHARS} characters"));
            }
        }
        None
    }
}

/// `PATCH /api/follow-ups/{id}`: move a scheduled follow-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RescheduleFollowUp {
    /// In the future, at most a year ahead.
    pub scheduled_for: DateTime<Utc>,
}

impl RescheduleFollowUp {
    pub fn problem(&self, now: DateTime<Utc>) -> Option<String> {
        if self.scheduled_for <= now {
            return Some("scheduled_for: must be in the future".into());
        }
        if self.scheduled_for > now + chrono::Duration::days(MAX_SCHEDULE_DAYS) {
            return Some(format!(
                "scheduled_for: at most {MAX_SCHEDULE_DAYS} days ahead"
            ));
        }
        None
    }
}

/// A contact card: the contact and where its agent work stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactCard {
    pub contact: ContactRef,
    pub latest_task: Option<AgentTask>,
    /// The draft of the latest task, if it produced one.
    pub latest_draft: Option<Draft>,
}

/// The contacts page: one page of cards (contacts with agent work first), consistent with
/// `cursor`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactsPage {
    pub cards: Vec<ContactCard>,
    pub total: i64,
    pub offset: i64,
    pub query: String,
    pub cursor: Cursor,
}

/// A contact's panel: everything agents did and do for it, and the agents one can assign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactPanel {
    pub contact: ContactRef,
    pub tasks: Vec<AgentTask>,
    pub drafts: Vec<Draft>,
    pub follow_ups: Vec<FollowUp>,
    pub agents: Vec<super::Agent>,
    /// Whether the viewer may act (organizers and admins); the server checks again.
    pub can_act: bool,
    pub cursor: Cursor,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_reason_is_trimmed_optional_and_bounded() {
        let r = |s: &str| {
            RejectDraft {
                reason: Some(s.into()),
            }
            .reason()
        };
        assert_eq!(r("  too pushy "), Ok(Some("too pushy".into())));
        assert_eq!(r("   "), Ok(None));
        assert_eq!(RejectDraft::default().reason(), Ok(None));
        assert!(r(&"x".repeat(501)).is_err());
    }

    #[test]
    fn an_edit_names_the_field_that_is_wrong() {
        assert!(EditDraft::default().problem().is_some());
        let body = |b: &str| {
            EditDraft {
                subject: None,
                body: Some(b.into()),
            }
            .problem()
        };
        assert_eq!(body("Hello"), None);
        assert!(body(" ").unwrap().starts_with("body"));
        assert!(body(&"x".repeat(5001)).unwrap().starts_with("body"));
        let subject = EditDraft {
            subject: Some("x".repeat(201)),
            body: None,
        };
        assert!(subject.problem().unwrap().starts_with("subject"));
    }

    #[test]
    fn a_follow_up_moves_into_the_next_year_only() {
        let now = Utc::now();
        let at = |d: chrono::Duration| {
            RescheduleFollowUp {
                scheduled_for: now + d,
            }
            .problem(now)
        };
        assert_eq!(at(chrono::Duration::hours(2)), None);
        assert!(at(chrono::Duration::seconds(-1)).is_some());
        assert!(at(chrono::Duration::days(366)).is_some());
    }
}
