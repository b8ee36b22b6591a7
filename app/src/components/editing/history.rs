//! A record's history: who changed what, when, newest first, each change with its values
//! before and after.

use leptos::prelude::*;

use super::format::to_text;
use crate::components::format::date_time;
use crate::model::editing::{Editable, HistoryEntry};

#[component]
pub fn HistoryPanel(what: &'static Editable, entries: Signal<Vec<HistoryEntry>>) -> impl IntoView {
    let heading = format!("history-{}", what.table);
    let labelled_by = heading.clone();
    view! {
        <section aria-labelledby=labelled_by class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id=heading class="text-base font-semibold">"History"</h2>
            <Show when=move || !entries.with(Vec::is_empty) fallback=|| view! { <p class="mt-2 text-sm text-slate-600">"No changes yet."</p> }>
                <ol class="mt-2 space-y-3 text-sm" data-testid="history">
                    <For each=move || entries.get() key=|h| h.id let:entry>
                        <li data-actor=entry.actor.clone()>
                            <p class="font-medium text-slate-900">{entry.summary(what)}</p>
                            <p class="text-xs text-slate-600">{date_time(entry.created_at)}</p>
                            {(entry.op == "UPDATE").then(|| view! {
                                <ul class="mt-1 space-y-0.5 text-xs text-slate-700">
                                    {entry.changes.iter().filter_map(|(name, change)| {
                                        let field = what.field(name)?;
                                        Some(view! {
                                            <li>
                                                <span class="font-medium">{field.label}</span>": "
                                                <span class="line-through decoration-slate-400">{to_text(field, &change.from)}</span>
                                                " → "{to_text(field, &change.to)}
                                            </li>
                                        })
                                    }).collect_view()}
                                </ul>
                            })}
                        </li>
                    </For>
                </ol>
            </Show>
        </section>
    }
}
