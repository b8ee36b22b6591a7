//! What the demo agents write: drafts (email and text message), failure reasons, and their
//! activity-log lines. Plain functions of their inputs (a `variant` picks among templates), so
//! the seed and the worker share them and the texts always fit the tables' limits.

use app::model::agents::{MAX_BODY_CHARS, MAX_SUBJECT_CHARS};

/// Longest activity message, follow-up result and task error (the tables' CHECKs).
pub const MAX_LINE_CHARS: usize = 500;

/// Why a simulated task fails, as an agent service would report it.
pub const FAILURE_REASONS: [&str; 5] = [
    "The language model did not answer within 30 s",
    "The model provider rate-limited the request (HTTP 429)",
    "The draft failed the content policy check",
    "The contact's record is missing a usable address",
    "The agent ran out of its token budget for this task",
];

/// What a follow-up found when it came due: "No reply yet — drafting a follow-up email".
pub fn follow_up_result(email: bool) -> String {
    let what = if email { "email" } else { "text message" };
    format!("No reply yet — drafting a follow-up {what}")
}

/// A message the agent wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Emails only.
    pub subject: Option<String>,
    pub body: String,
}

/// At most `max` characters of `s` (whole characters, never a split one).
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// "Ava" from "Ava Adams"; the whole name when it has no space.
pub fn first_name(full: &str) -> &str {
    let full = full.trim();
    full.split_whitespace().next().unwrap_or(full)
}

fn channel_words(email: bool) -> &'static str {
    if email {
        "an email"
    } else {
        "a text message"
    }
}

/// The draft for `contact` about `campaign`; `follow_up` when it chases an earlier message.
pub fn draft(
    email: bool,
    contact: &str,
    campaign: &str,
    follow_up: bool,
    variant: usize,
) -> Message {
    let name = first_name(contact);
    let (subject, body) = match (email, follow_up) {
        (true, false) => {
            const SUBJECTS: [&str; 3] = [
                "A quick note about {c}",
                "{n}, something we think you'll like",
                "Your invitation: {c}",
            ];
            const BODIES: [&str; 3] = [
                "Hi {n},\n\nThanks for taking our call earlier. As promised, here is a short summary of {c}: \
                 what it includes, what it costs, and how to get started whenever it suits you.\n\n\
                 If you have any questions, just reply to this email and I'll get back to you the same day.\n\n\
                 Best regards,\nYour account team",
                "Hello {n},\n\nI'm reaching out because {c} is open for a few more weeks, and based on our \
                 conversation it looks like a good fit. Would a 15-minute call this week help you decide?\n\n\
                 Reply with a time that works and I'll send an invite.\n\nKind regards,\nYour account team",
                "Hi {n},\n\nGood news: you qualify for {c}. Signing up takes about two minutes, and you can \
                 change your mind at any time within 30 days.\n\nShall I reserve a spot for you?\n\n\
                 Thanks,\nYour account team",
            ];
            (Some(SUBJECTS[variant % 3]), BODIES[variant % 3])
        }
        (true, true) => (
            Some("Following up: {c}"),
            "Hi {n},\n\nI wanted to follow up on my last email about {c}, in case it got buried. \
             Is this still of interest? A one-line reply is plenty — even a \"not now\" helps.\n\n\
             Best,\nYour account team",
        ),
        (false, false) => {
            const TEXTS: [&str; 3] = [
                "Hi {n}, thanks for your time today! Here's the link to {c}: reply YES and we'll set it up. Reply STOP to opt out.",
                "Hi {n}, a quick reminder that {c} ends soon. Want us to hold a spot for you? Reply STOP to opt out.",
                "{n}, as discussed: {c} is ready when you are. Any questions? Just text back. Reply STOP to opt out.",
            ];
            (None, TEXTS[variant % 3])
        }
        (false, true) => (
            None,
            "Hi {n}, just checking in about {c} — still interested? Reply STOP to opt out.",
        ),
    };
    let fill = |t: &str| t.replace("{n}", name).replace("{c}", campaign);
    Message {
        subject: subject.map(|s| clip(&fill(s), MAX_SUBJECT_CHARS)),
        body: clip(&fill(body), MAX_BODY_CHARS),
    }
}

/// `task_started`: "Drafting an email for Ava Adams".
pub fn task_started(email: bool, contact: &str) -> String {
    clip(
        &format!("Drafting {} for {contact}", channel_words(email)),
        MAX_LINE_CHARS,
    )
}

/// `task_completed`: "Draft ready for Ava Adams".
pub fn task_completed(contact: &str) -> String {
    clip(&format!("Draft ready for {contact}"), MAX_LINE_CHARS)
}

/// `task_failed`: "Could not draft for Ava Adams: <reason>".
pub fn task_failed(contact: &str, reason: &str) -> String {
    clip(
        &format!("Could not draft for {contact}: {reason}"),
        MAX_LINE_CHARS,
    )
}

/// `draft_sent`: "Sent an email to Ava Adams".
pub fn draft_sent(email: bool, contact: &str) -> String {
    clip(
        &format!("Sent {} to {contact}", channel_words(email)),
        MAX_LINE_CHARS,
    )
}

/// `follow_up_scheduled`: "Will follow up with Ava Adams in 6 min".
pub fn follow_up_scheduled(contact: &str, in_secs: f64) -> String {
    let when = if in_secs >= 5400.0 {
        format!("{} h", (in_secs / 3600.0).round())
    } else if in_secs >= 60.0 {
        format!("{} min", (in_secs / 60.0).round())
    } else {
        format!("{} s", in_secs.round().max(1.0))
    };
    clip(
        &format!("Will follow up with {contact} in {when}"),
        MAX_LINE_CHARS,
    )
}

/// `follow_up_executed`: "Followed up with Ava Adams: no reply yet".
pub fn follow_up_executed(contact: &str) -> String {
    clip(
        &format!("Followed up with {contact}: no reply yet, drafting a new message"),
        MAX_LINE_CHARS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_name_the_contact_and_the_campaign_and_only_emails_have_a_subject() {
        for variant in 0..6 {
            for follow_up in [false, true] {
                let email = draft(true, "Ava Adams", "Spring Renewals", follow_up, variant);
                assert!(email.body.contains("Ava") && !email.body.contains("Adams"));
                assert!(email.body.contains("Spring Renewals"));
                assert!(email.subject.is_some());
                let sms = draft(false, "Ava Adams", "Spring Renewals", follow_up, variant);
                assert!(sms.subject.is_none() && sms.body.contains("Ava"));
                assert!(sms.body.chars().count() <= 160, "{}", sms.body);
            }
        }
    }

    #[test]
    fn texts_fit_their_columns_whatever_the_names() {
        let long = "x".repeat(10_000);
        let m = draft(true, &long, &long, false, 0);
        assert!(m.body.chars().count() <= MAX_BODY_CHARS);
        assert!(m.subject.unwrap().chars().count() <= MAX_SUBJECT_CHARS);
        assert!(task_failed(&long, FAILURE_REASONS[0]).chars().count() <= MAX_LINE_CHARS);
        assert_eq!(first_name("  Ava  Adams "), "Ava");
    }

    #[test]
    fn follow_up_delays_read_naturally() {
        assert_eq!(
            follow_up_scheduled("Ava", 360.0),
            "Will follow up with Ava in 6 min"
        );
        assert_eq!(
            follow_up_scheduled("Ava", 7200.0),
            "Will follow up with Ava in 2 h"
        );
        assert_eq!(
            follow_up_scheduled("Ava", 0.2),
            "Will follow up with Ava in 1 s"
        );
    }
}
