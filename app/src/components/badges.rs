//! Status badges: colour, icon and text together, so status never depends on colour alone.

use leptos::prelude::*;

use super::icons::{Icon, IconKind, LiveIcon};
use crate::model::{CallStatus, CampaignStatus, ContactStatus};

/// How a call status looks: its colour's name, the badge's background and ring, the text colour
/// of its icon and label, and its icon.
#[derive(Clone, Copy, Debug)]
pub struct CallStatusStyle {
    pub color: &'static str,
    pub surface: &'static str,
    pub text: &'static str,
    pub icon: IconKind,
}

pub fn call_status_style(status: CallStatus) -> CallStatusStyle {
    let (color, surface, text, icon) = match status {
        CallStatus::Queued => (
            "blue",
            "bg-blue-100 ring-blue-600/20",
            "text-blue-800",
            IconKind::Clock,
        ),
        CallStatus::Ringing => (
            "yellow",
            "bg-yellow-100 ring-yellow-600/30",
            "text-yellow-800",
            IconKind::Phone,
        ),
        CallStatus::InProgress => (
            "green",
            "bg-green-100 ring-green-600/20",
            "text-green-800",
            IconKind::Phone,
        ),
        CallStatus::Ended => (
            "gray",
            "bg-gray-100 ring-gray-500/20",
            "text-gray-700",
            IconKind::Check,
        ),
        CallStatus::Failed => (
            "red",
            "bg-red-100 ring-red-600/20",
            "text-red-800",
            IconKind::X,
        ),
    };
    CallStatusStyle {
        color,
        surface,
        text,
        icon,
    }
}

/// Classes every call badge has (its colours come from [`call_status_style`]).
const CALL_BADGE: &str = concat!(
    "call-badge inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 ",
    "text-xs font-medium ring-1 ring-inset"
);
const ICON_SIZE: &str = "h-3.5 w-3.5";

/// QUEUED blue clock, RINGING yellow phone, IN_PROGRESS green phone, ENDED gray check, FAILED red
/// x; the three active states pulse their icon (the label stays steady and readable; nothing
/// pulses when the user prefers reduced motion). A live status updates the badge in place: no
/// new elements, and a running pulse is not restarted.
#[component]
pub fn CallStatusBadge(#[prop(into)] status: Signal<CallStatus>) -> impl IntoView {
    let style = move || call_status_style(status.get());
    // The badge itself takes only its background and ring (properties its children do not
    // inherit); the text colour is set on the icon and the label. A status change then does not
    // restyle the pulsing element between them: restyling an element with a running animation
    // was a fifth of the browser's work per frame on a board of 100 changing calls.
    let icon = Memo::new(move |_| style().icon);
    let text = Memo::new(move |_| style().text);
    let pulse = Memo::new(move |_| status.get().is_active());
    view! {
        <span
            class=move || format!("{CALL_BADGE} {}", style().surface)
            data-status=move || status.get().as_str()
            data-color=move || style().color
            data-pulse=move || pulse.get().to_string()
            aria-label=move || format!("Call status: {}", status.get().label())
        >
            <span class=move || if pulse.get() { "badge-icon inline-flex animate-pulse motion-reduce:animate-none" } else { "badge-icon inline-flex" }>
                <LiveIcon kind=icon class=Signal::derive(move || format!("{ICON_SIZE} {}", text.get())) />
            </span>
            <span class=text>{move || status.get().label()}</span>
        </span>
    }
}

/// A [`CallStatusBadge`] naming a status rather than showing a call's (feed entries, counts per
/// status): same colour, icon and text, plain attributes (hydrating a page of them sets up no
/// reactive work), and no pulse — nothing there is a call in progress, and every animated
/// icon costs the browser a repaint per frame.
#[component]
pub fn FixedCallStatusBadge(status: CallStatus) -> impl IntoView {
    let CallStatusStyle {
        color,
        surface,
        text,
        icon,
    } = call_status_style(status);
    view! {
        <span
            class=format!("{CALL_BADGE} {surface}")
            data-status=status.as_str()
            data-color=color
            data-pulse="false"
            aria-label=format!("Call status: {}", status.label())
        >
            <span class="badge-icon inline-flex">
                <Icon kind=icon class=format!("{ICON_SIZE} {text}") />
            </span>
            <span class=text>{status.label()}</span>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_badge_sets_no_inherited_colour_so_a_status_change_leaves_its_pulsing_icon_alone() {
        for status in CallStatus::ALL {
            let style = call_status_style(status);
            for class in CALL_BADGE
                .split_whitespace()
                .chain(style.surface.split_whitespace())
            {
                assert!(
                    !class.starts_with("text-") || class == "text-xs",
                    "{status:?}: the badge's own class {class} would be inherited by the icon"
                );
            }
            assert!(
                style.text.starts_with("text-"),
                "{status:?} has a text colour"
            );
        }
    }

    #[test]
    fn every_call_status_has_its_own_colour_and_the_seed_s_icon() {
        let styles: Vec<_> = CallStatus::ALL.map(call_status_style).into_iter().collect();
        let colours: std::collections::HashSet<_> = styles.iter().map(|s| s.color).collect();
        assert_eq!(colours.len(), CallStatus::ALL.len());
        let icons: Vec<_> = styles.iter().map(|s| s.icon).collect();
        use IconKind::*;
        assert_eq!(icons, [Clock, Phone, Phone, Check, X]);
    }
}
