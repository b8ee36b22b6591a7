//! Toasts for notable events, announced politely to screen readers, dismissible, coalesced.

use leptos::prelude::*;

use crate::live::{subscribe, use_realtime};
use crate::views::toasts::{add, notable, Toast, TOAST_MS};

#[component]
pub fn Toasts() -> impl IntoView {
    let toasts = RwSignal::new(Vec::<Toast>::new());
    let next_id = StoredValue::new(0u64);
    let now = use_realtime().now;
    subscribe(move |batches| {
        let t = chrono::Utc::now().timestamp_millis();
        let events: Vec<_> = batches
            .iter()
            .flat_map(|b| b.changes.iter())
            .filter_map(notable)
            .collect();
        if events.is_empty() {
            return;
        }
        toasts.update(|list| {
            let mut id = next_id.get_value();
            for (kind, detail) in events {
                add(list, kind, detail, t, &mut id);
            }
            next_id.set_value(id);
        });
    });
    // Expire old toasts with the realtime clock (one timer for all of them).
    Effect::new(move |_| {
        let t = now.get();
        if toasts.with_untracked(|l| l.iter().any(|x| t - x.updated_ms > TOAST_MS)) {
            toasts.update(|l| l.retain(|x| t - x.updated_ms <= TOAST_MS));
        }
    });
    let dismiss = move |id: u64| toasts.update(|l| l.retain(|x| x.id != id));
    view! {
        <div
            class="pointer-events-none fixed bottom-4 right-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
            role="region"
            aria-label="Notifications"
            aria-live="polite"
            data-testid="toasts"
        >
            <For each=move || toasts.get() key=|t| (t.id, t.count) let:toast>
                <div class="toast pointer-events-auto rounded-lg border border-slate-200 bg-white p-3 shadow-lg" data-toast-kind=toast.kind.name()>
                    <div class="flex items-start justify-between gap-2">
                        <div class="min-w-0">
                            <p class="text-sm font-semibold text-slate-900">{toast.title.clone()}</p>
                            <p class="mt-0.5 text-xs text-slate-600">{toast.body.clone()}</p>
                        </div>
                        <button
                            type="button"
                            class="rounded p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                            aria-label="Dismiss notification"
                            on:click=move |_| dismiss(toast.id)
                        >
                            "✕"
                        </button>
                    </div>
                </div>
            </For>
        </div>
    }
}
