//! Status badges: colour, icon and text together, so status never depends on colour alone.

use leptos::prelude::*;

use super::icons::{Icon, IconKind, LiveIcon};
use crate::model::{CallStatus, CampaignStatus, ContactStatus};

/// Colour name, Tailwind classes and icon of a call status.
pub fn call_status_style(status: CallStatus) -> (&'static str, &'static str, IconKind) {
    match status {
        CallStatus::Queued => (
            "blue",
            "bg-blue-100 text-blue-800 ring-blue-600/20",
            IconKind::Clock,
        ),
        CallStatus::Ringing => (
            "yellow",
            "bg-yellow-100 text-yellow-800 ring-yellow-600/30",
            IconKind::Phone,
        ),
        CallStatus::InProgress => (
            "green",
            "bg-green-100 text-green-800 ring-green-600/20",
            IconKind::Phone,
        ),
        CallStatus::Ended => (
            "gray",
            "bg-gray-100 text-gray-700 ring-gray-500/20",
            IconKind::Check,
        ),
        CallStatus::Failed => (
            "red",
            "bg-red-100 text-red-800 ring-red-600/20",
            IconKind::X,
        ),
    }
}

/// QUEUED blue clock, RINGING yellow phone, IN_PROGRESS green phone, ENDED gray check, FAILED red
/// x; the three active states pulse their icon (the label stays steady and readable; nothing
/// pulses when the user prefers reduced motion). A live status updates the badge in place: no
/// new elements, and a running pulse is not restarted.
#[component]
pub fn CallStatusBadge(#[prop(into)] status: Signal<CallStatus>) -> impl IntoView {
    let style = move || call_status_style(status.get());
    let class = move || {
        format!(
            "call-badge inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 \
             text-xs font-medium ring-1 ring-inset {}",
            style().1
        )
    };
    let icon = Memo::new(move |_| style().2);
    let pulse = Memo::new(move |_| status.get().is_active());
    view! {
        <span
            class=class
            data-status=move || status.get().as_str()
            data-color=move || style().0
            data-pulse=move || pulse.get().to_string()
            aria-label=move || format!("Call status: {}", status.get().label())
        >
            <span class=move || if pulse.get() { "badge-icon inline-flex animate-pulse motion-reduce:animate-none" } else { "badge-icon inline-flex" }>
                <LiveIcon kind=icon />
            </span>
            {move || status.get().label()}
        </span>
    }
}

/// A [`CallStatusBadge`] naming a status rather than showing a call's (feed entries, counts per
/// status): same colour, icon and text, plain attributes (hydrating a page of them sets up no
/// reactive work), and no pulse — nothing there is a call in progress, and every animated
/// icon costs the browser a repaint per frame.
#[component]
pub fn FixedCallStatusBadge(status: CallStatus) -> impl IntoView {
    let (color, classes, icon) = call_status_style(status);
    view! {
        <span
            class=format!(
                "call-badge inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 \
                 text-xs font-medium ring-1 ring-inset {classes}",
            )
            data-status=status.as_str()
            data-color=color
            data-pulse="false"
            aria-label=format!("Call status: {}", status.label())
        >
            <span class="badge-icon inline-flex">
                <Icon kind=icon />
            </span>
            {status.label()}
        </span>
    }
}

#[component]
pub fn CampaignStatusPill(status: CampaignStatus) -> impl IntoView {
    let classes = match status {
        CampaignStatus::Active => "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
        CampaignStatus::Paused => "bg-amber-50 text-amber-800 ring-amber-600/20",
        CampaignStatus::Draft => "bg-slate-50 text-slate-600 ring-slate-500/20",
        CampaignStatus::Completed => "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
    };
    view! {
        <span
            class=format!(
                "campaign-status inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {classes}",
            )
            data-status=status.as_str()
            aria-label=format!("Campaign status: {}", status.label())
        >
            {status.label()}
        </span>
    }
}

#[component]
pub fn ContactStatusText(status: ContactStatus) -> impl IntoView {
    let classes = match status {
        ContactStatus::Pending => "text-slate-500",
        ContactStatus::Calling => "text-green-700 font-medium",
        ContactStatus::Completed => "text-slate-700",
        ContactStatus::Failed => "text-red-700",
    };
    view! { <span class=classes data-contact-status=format!("{status:?}").to_lowercase()>{status.label()}</span> }
}
