//! Toasts for notable events (a call failed, a campaign completed), coalesced so a burst
//! becomes one toast with a count instead of a flood.

use uuid::Uuid;

use super::rows::{CallRow, CampaignRow};
use crate::live::Change;
use crate::model::{CallStatus, CampaignStatus};

/// Toasts shown at once; older ones make room.
pub const MAX_TOASTS: usize = 3;
/// A toast of the same kind younger than this absorbs the next event.
pub const COALESCE_MS: i64 = 10_000;
/// How long a toast stays.
pub const TOAST_MS: i64 = 8_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToastKind {
    CallFailed,
    CampaignCompleted(Uuid),
}

impl ToastKind {
    /// For `data-toast-kind`.
    pub fn name(&self) -> &'static str {
        match self {
            ToastKind::CallFailed => "call-failed",
            ToastKind::CampaignCompleted(_) => "campaign-completed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub title: String,
    pub body: String,
    pub count: u32,
    pub updated_ms: i64,
}

/// What a change is worth telling in a toast, if anything.
pub fn notable(change: &Change) -> Option<(ToastKind, String)> {
    match change.table.as_str() {
        "calls" => {
            let (old, new) = change.rows::<CallRow>();
            let new = new?;
            let was_failed = old.is_some_and(|o| o.status == CallStatus::Failed);
            (new.status == CallStatus::Failed && !was_failed).then(|| {
                let reason = new
                    .failure_reason
                    .clone()
                    .unwrap_or_else(|| "no reason given".into());
                (ToastKind::CallFailed, reason)
            })
        }
        "campaigns" => {
            let (old, new) = change.rows::<CampaignRow>();
            let new = new?;
            let was = old.and_then(|o| o.status());
            (new.status() == Some(CampaignStatus::Completed)
                && was != Some(CampaignStatus::Completed))
            .then(|| (ToastKind::CampaignCompleted(new.id), new.name.clone()))
        }
        _ => None,
    }
}

/// Add an event to the toasts shown: merge it into a recent toast of its kind, or push a new one.
pub fn add(
    toasts: &mut Vec<Toast>,
    kind: ToastKind,
    detail: String,
    now_ms: i64,
    next_id: &mut u64,
) {
    if let Some(t) = toasts
        .iter_mut()
        .find(|t| t.kind == kind && now_ms - t.updated_ms < COALESCE_MS)
    {
        t.count += 1;
        t.updated_ms = now_ms;
        t.title = title(&kind, t.count);
        t.body = body(&kind, &detail);
        return;
    }
    *next_id += 1;
    toasts.push(Toast {
        id: *next_id,
        title: title(&kind, 1),
        body: body(&kind, &detail),
        kind,
        count: 1,
        updated_ms: now_ms,
    });
    if toasts.len() > MAX_TOASTS {
        toasts.remove(0);
    }
}

fn title(kind: &ToastKind, count: u32) -> String {
    match (kind, count) {
        (ToastKind::CallFailed, 1) => "A call failed".into(),
        (ToastKind::CallFailed, n) => format!("{n} calls failed"),
        (ToastKind::CampaignCompleted(_), _) => "Campaign completed".into(),
    }
}

fn body(kind: &ToastKind, detail: &str) -> String {
    match kind {
        ToastKind::CallFailed => format!("Latest reason: {detail}"),
        ToastKind::CampaignCompleted(_) => format!("{detail} has reached every contact."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_failures_becomes_one_toast_with_a_count() {
        let (mut toasts, mut id) = (Vec::new(), 0);
        for i in 0..50 {
            add(
                &mut toasts,
                ToastKind::CallFailed,
                "busy".into(),
                1_000 + i,
                &mut id,
            );
        }
        assert_eq!(toasts.len(), 1);
        assert_eq!(toasts[0].title, "50 calls failed");
    }

    #[test]
    fn a_failure_long_after_the_last_is_a_new_toast_and_old_toasts_make_room() {
        let (mut toasts, mut id) = (Vec::new(), 0);
        add(
            &mut toasts,
            ToastKind::CallFailed,
            "busy".into(),
            0,
            &mut id,
        );
        add(
            &mut toasts,
            ToastKind::CallFailed,
            "busy".into(),
            COALESCE_MS + 1,
            &mut id,
        );
        assert_eq!(toasts.len(), 2);
        for n in 0..5 {
            add(
                &mut toasts,
                ToastKind::CampaignCompleted(Uuid::from_u128(n)),
                "X".into(),
                0,
                &mut id,
            );
        }
        assert_eq!(toasts.len(), MAX_TOASTS);
    }
}
