//! The system health indicator in the header: a dot and a word (never colour alone) from the
//! calls health-check, refreshed every 10 s. Admins can click through to the health page.

use std::time::Duration;

use leptos::prelude::*;

use super::polling::poll_into;
use crate::api::operations::load_health_check;
use crate::model::operations::{HealthCheck, HealthStatus};

/// How often the indicator asks again.
const REFRESH: Duration = Duration::from_secs(10);

fn style(status: Option<HealthStatus>) -> (&'static str, &'static str, &'static str) {
    match status {
        Some(HealthStatus::Healthy) => (
            "green",
            "bg-green-50 text-green-800 ring-green-600/20",
            "bg-green-500",
        ),
        Some(HealthStatus::Degraded) => (
            "amber",
            "bg-amber-50 text-amber-900 ring-amber-600/30",
            "bg-amber-500",
        ),
        Some(HealthStatus::Unhealthy) => (
            "red",
            "bg-red-50 text-red-800 ring-red-600/20",
            "bg-red-600",
        ),
        None => (
            "gray",
            "bg-slate-50 text-slate-600 ring-slate-500/20",
            "bg-slate-400",
        ),
    }
}

#[component]
pub fn HealthIndicator(#[prop(into)] admin: Signal<bool>) -> impl IntoView {
    let check = RwSignal::new(None::<HealthCheck>);
    let error = RwSignal::new(None::<String>);
    poll_into(REFRESH, check, error, load_health_check);
    let status = move || check.with(|c| c.as_ref().map(|c| c.status));
    let label = move || match (status(), error.get()) {
        (Some(s), _) => s.label(),
        (None, Some(_)) => "Unknown",
        (None, None) => "Checking",
    };
    let title = move || {
        check.with(|c| match c {
            Some(c) if c.reasons.is_empty() => {
                "System healthy: calls, callbacks and live updates are fine".to_owned()
            }
            Some(c) => format!(
                "System {}: {}",
                c.status.label().to_lowercase(),
                c.reasons.join("; ")
            ),
            None => error.get().map_or_else(
                || "Checking system health…".to_owned(),
                |e| format!("Health unknown: {e}"),
            ),
        })
    };
    let classes = move || {
        format!(
            "inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset {}",
            style(status()).1
        )
    };
    let inner = move || {
        view! {
            <span class=move || format!("h-2 w-2 rounded-full {}", style(status()).2) aria-hidden="true"></span>
            <span>{move || format!("System: {}", label())}</span>
        }
    };
    let common = move || {
        (
            status().map_or("unknown", HealthStatus::as_str),
            style(status()).0,
        )
    };
    view! {
        <Show
            when=move || admin.get()
            fallback=move || view! {
                <span
                    class=classes
                    role="status"
                    data-testid="health-indicator"
                    data-status=move || common().0
                    data-color=move || common().1
                    title=title
                >
                    {inner}
                </span>
            }
        >
            <a
                href="/admin/health"
                class=move || format!("{} hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500", classes())
                data-testid="health-indicator"
                data-status=move || common().0
                data-color=move || common().1
                title=title
                aria-label=move || format!("{}. Open the health page", title())
            >
                {inner}
            </a>
        </Show>
    }
}
