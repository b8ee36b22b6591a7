//! Inline SVG icons (stroke style, 24×24 grid). Decorative: the text beside them carries meaning.

use leptos::prelude::*;

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
}

#[component]
pub fn Icon(kind: IconKind, #[prop(default = "h-3.5 w-3.5")] class: &'static str) -> impl IntoView {
    let paths = match kind {
        IconKind::Clock => view! {
            <circle cx="12" cy="12" r="9"></circle>
            <path d="M12 7v5l3 2"></path>
        }
        .into_any(),
        IconKind::Phone => view! {
            <path d="M5 4h3l2 5-2.5 1.5a11 11 0 0 0 6 6L15 14l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2"></path>
        }
        .into_any(),
        IconKind::Check => view! { <path d="M5 12l5 5L20 7"></path> }.into_any(),
        IconKind::X => view! { <path d="M6 6l12 12M18 6L6 18"></path> }.into_any(),
    };
    view! {
        <svg
            class=class
            data-icon=kind.name()
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            {paths}
        </svg>
    }
}
