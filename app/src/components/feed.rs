//! The live activity feed (newest first, bounded).

use leptos::prelude::*;

use super::badges::FixedCallStatusBadge;
use super::format::clock;
use crate::views::feed::FeedItem;

#[component]
pub fn LiveFeed(#[prop(into)] items: Signal<Vec<FeedItem>>) -> impl IntoView {
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="feed-title">
            <h2 id="feed-title" class="mb-2 text-sm font-semibold text-slate-800">"Live activity"</h2>
            <Show
                when=move || items.with(|i| !i.is_empty())
                fallback=|| view! { <p class="text-xs text-slate-500">"Calls answered, ended or failed show up here as they happen."</p> }
            >
                // Not a live region: the toasts announce what matters; this would be too chatty.
                // It scrolls, so it takes keyboard focus (arrow keys scroll it) and has a name.
                <ol
                    class="max-h-80 space-y-1.5 overflow-y-auto rounded pr-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                    data-testid="live-feed"
                    aria-live="off"
                    aria-labelledby="feed-title"
                    tabindex="0"
                >
                    <For each=move || items.get() key=|i| i.key.clone() let:item>
                        <li class="flex items-start gap-2 text-xs text-slate-700">
                            <span class="w-14 shrink-0 tabular-nums text-slate-500">{clock(item.at)}</span>
                            {item.call_status.map(|st| view! { <FixedCallStatusBadge status=st /> })}
                            <span class="min-w-0">{item.text}</span>
                        </li>
                    </For>
                </ol>
            </Show>
        </section>
    }
}
