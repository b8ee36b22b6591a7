//! Inline SVG icons (stroke style, 24×24 grid). Decorative: the text beside them carries meaning.

use leptos::prelude::*;
use leptos::tachys::html::attribute::AttributeValue;
use leptos::tachys::html::class::IntoClass;

/// Which icon to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconKind {
    Clock,
    Phone,
    Check,
    X,
}

impl IconKind {
    pub fn name(self) -> &'static str {
        match self {
            IconKind::Clock => "clock",
            IconKind::Phone => "phone",
            IconKind::Check => "check",
            IconKind::X => "x",
        }
    }

    /// The icon as a single SVG path, so that an icon that changes (a live badge's) rewrites
    /// one attribute instead of replacing elements: re-created icons were two thirds of the
    /// elements restyled per frame on a board of 100 changing calls, and most of its style time.
    pub fn path(self) -> &'static str {
        match self {
            // A circle of radius 9 around the centre (two arcs), and the hands.
            IconKind::Clock => "M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M12 7v5l3 2",
            IconKind::Phone => {
                "M5 4h3l2 5-2.5 1.5a11 11 0 0 0 6 6L15 14l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2"
            }
            IconKind::Check => "M5 12l5 5L20 7",
            IconKind::X => "M6 6l12 12M18 6L6 18",
        }
    }
}

/// An icon of a fixed kind: plain attributes, no reactive work when it hydrates.
#[component]
pub fn Icon(
    kind: IconKind,
    #[prop(into, default = "h-3.5 w-3.5".into())] class: String,
) -> impl IntoView {
    svg(class, kind.name(), kind.path())
}

/// An icon whose kind may change: the same `<svg>` and `<path>` stay, their attributes follow.
#[component]
pub fn LiveIcon(
    #[prop(into)] kind: Signal<IconKind>,
    #[prop(into)] class: Signal<String>,
) -> impl IntoView {
    svg(
        move || class.get(),
        move || kind.get().name(),
        move || kind.get().path(),
    )
}

/// The one `<svg>` every icon is: `name` and `path` plain or reactive.
fn svg(
    class: impl IntoClass + 'static,
    name: impl AttributeValue + 'static,
    path: impl AttributeValue + 'static,
) -> impl IntoView {
    view! {
        <svg
            class=class
            data-icon=name
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            <path d=path></path>
        </svg>
    }
}
