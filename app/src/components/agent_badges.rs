//! Badges of agent work: a dot or icon, a colour and always a word, so status never depends
//! on colour alone. Text colours are the 800 shades on 50/100 backgrounds (contrast ≥ 4.5:1).

use leptos::prelude::*;

use crate::model::agents::{AgentStatus, DraftStatus, FollowUpStatus, TaskStatus};
use crate::views::agents::badge::TaskBadge;

const PILL: &str =
    "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

fn tone(color: &str) -> &'static str {
    match color {
        "green" => "bg-green-50 text-green-800 ring-green-600/30",
        "amber" => "bg-amber-50 text-amber-900 ring-amber-600/30",
        "red" => "bg-red-50 text-red-800 ring-red-600/30",
        "blue" => "bg-blue-50 text-blue-800 ring-blue-600/30",
        "indigo" => "bg-indigo-50 text-indigo-800 ring-indigo-600/30",
        _ => "bg-slate-100 text-slate-700 ring-slate-500/30",
    }
}

/// A pill with a dot; `pulse` animates the dot (never when reduced motion is asked for).
#[component]
fn Pill(
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] color: Signal<&'static str>,
    #[prop(into)] value: Signal<&'static str>,
    #[prop(into)] pulse: Signal<bool>,
    kind: &'static str,
) -> impl IntoView {
    let dot = move || {
        let anim = if pulse.get() {
            " animate-pulse motion-reduce:animate-none"
        } else {
            ""
        };
        format!("h-1.5 w-1.5 rounded-full bg-current{anim}")
    };
    view! {
        <span
            class=move || format!("{PILL} {}", tone(color.get()))
            data-badge=kind
            data-status=move || value.get()
            data-color=move || color.get()
        >
            <span class=dot aria-hidden="true"></span>
            {move || label.get()}
        </span>
    }
}

/// A contact card's "Agent working" / "Draft ready" / "Failed" badge.
#[component]
pub fn TaskStateBadge(#[prop(into)] badge: Signal<Option<TaskBadge>>) -> impl IntoView {
    let color = move || match badge.get() {
        Some(TaskBadge::Working) => "blue",
        Some(TaskBadge::DraftReady) => "amber",
        Some(TaskBadge::Failed) | Some(TaskBadge::Rejected) => "red",
        Some(TaskBadge::Approved) | Some(TaskBadge::Sent) => "green",
        None => "gray",
    };
    view! {
        <Show when=move || badge.get().is_some()>
            <Pill
                kind="task"
                label=Signal::derive(move || badge.get().map(TaskBadge::label).unwrap_or_default())
                value=Signal::derive(move || badge.get().map(TaskBadge::as_str).unwrap_or_default())
                color=Signal::derive(color)
                pulse=Signal::derive(move || badge.get() == Some(TaskBadge::Working))
            />
        </Show>
    }
}

#[component]
pub fn AgentStatusBadge(#[prop(into)] status: Signal<AgentStatus>) -> impl IntoView {
    view! {
        <Pill
            kind="agent"
            label=Signal::derive(move || status.get().label())
            value=Signal::derive(move || status.get().as_str())
            color=Signal::derive(move || match status.get() {
                AgentStatus::Idle => "gray",
                AgentStatus::Active => "green",
                AgentStatus::Error => "red",
            })
            pulse=Signal::derive(move || status.get() == AgentStatus::Active)
        />
    }
}

#[component]
pub fn TaskStatusBadge(#[prop(into)] status: Signal<TaskStatus>) -> impl IntoView {
    view! {
        <Pill
            kind="task-status"
            label=Signal::derive(move || status.get().label())
            value=Signal::derive(move || status.get().as_str())
            color=Signal::derive(move || match status.get() {
                TaskStatus::Pending => "gray",
                TaskStatus::InProgress => "blue",
                TaskStatus::Completed => "green",
                TaskStatus::Failed => "red",
            })
            pulse=Signal::derive(move || status.get() == TaskStatus::InProgress)
        />
    }
}

#[component]
pub fn DraftStatusBadge(#[prop(into)] status: Signal<DraftStatus>) -> impl IntoView {
    view! {
        <Pill
            kind="draft"
            label=Signal::derive(move || status.get().label())
            value=Signal::derive(move || status.get().as_str())
            color=Signal::derive(move || match status.get() {
                DraftStatus::PendingApproval => "amber",
                DraftStatus::Approved => "indigo",
                DraftStatus::Sent => "green",
                DraftStatus::Rejected => "red",
            })
            pulse=Signal::derive(|| false)
        />
    }
}

#[component]
pub fn FollowUpStatusBadge(#[prop(into)] status: Signal<FollowUpStatus>) -> impl IntoView {
    view! {
        <Pill
            kind="follow-up"
            label=Signal::derive(move || status.get().label())
            value=Signal::derive(move || status.get().as_str())
            color=Signal::derive(move || match status.get() {
                FollowUpStatus::Scheduled => "blue",
                FollowUpStatus::Executed => "green",
                FollowUpStatus::Cancelled => "gray",
            })
            pulse=Signal::derive(|| false)
        />
    }
}
