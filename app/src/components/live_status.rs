//! Realtime indicators: the connection pill in the header, "updated N s ago" and "Refresh".

use leptos::prelude::*;

use crate::live::use_realtime;

/// Live (green) / Connecting, Reconnecting (yellow) / Polling (orange) / Offline (red): dot,
/// text and a description, never colour alone.
#[component]
pub fn ConnectionPill() -> impl IntoView {
    let state = use_realtime().state;
    let classes = move || {
        let (_, pill, _) = state.get().style();
        format!("inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset {pill}")
    };
    let dot = move || {
        let s = state.get();
        let (_, _, dot) = s.style();
        let pulse = if s == crate::live::ConnState::Live {
            "animate-pulse motion-reduce:animate-none"
        } else {
            ""
        };
        format!("h-2 w-2 rounded-full {dot} {pulse}")
    };
    view! {
        <span
            class=classes
            role="status"
            data-testid="connection-status"
            data-state=move || state.get().as_str()
            data-color=move || state.get().style().0
            title=move || state.get().description()
            aria-label=move || format!("Connection: {}", state.get().description())
        >
            <span class=dot aria-hidden="true"></span>
            <span>{move || state.get().label()}</span>
        </span>
    }
}

/// "Updated 4 s ago" from a timestamp in ms, ticking with the realtime clock.
pub fn ago_text(now_ms: i64, then_ms: i64) -> String {
    let secs = ((now_ms - then_ms) / 1000).max(0);
    match secs {
        0..=1 => "Updated just now".into(),
        2..=59 => format!("Updated {secs} s ago"),
        60..=3599 => format!("Updated {} min ago", secs / 60),
        _ => format!("Updated {} h ago", secs / 3600),
    }
}

/// "Updated N s ago" and a Refresh button that reloads the view.
#[component]
pub fn LiveToolbar(updated_at: RwSignal<i64>, on_refresh: Callback<()>) -> impl IntoView {
    let now = use_realtime().now;
    view! {
        <div class="flex items-center gap-3 text-xs text-slate-500">
            <span data-testid="updated-ago" class="tabular-nums">
                // `try_get`: a view being replaced (e.g. paging) may tick once after its data
                // signal is gone; then there is nothing to show, not a panic.
                {move || updated_at.try_get().map(|t| ago_text(now.get(), t))}
            </span>
            <button
                type="button"
                class="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                on:click=move |_| on_refresh.run(())
            >
                "Refresh"
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_age_of_data_reads_in_seconds_then_minutes_then_hours() {
        assert_eq!(ago_text(10_500, 10_000), "Updated just now");
        assert_eq!(ago_text(17_000, 10_000), "Updated 7 s ago");
        assert_eq!(ago_text(190_000, 10_000), "Updated 3 min ago");
        assert_eq!(ago_text(7_300_000, 0), "Updated 2 h ago");
    }
}
