//! One page of the campaign's contacts, whose statuses update live.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api::CONTACTS_PAGE_SIZE;
use crate::components::badges::ContactStatusText;
use crate::components::layout::Notice;
use crate::model::{Contact, Page};

#[component]
pub fn ContactsTable(
    #[prop(into)] page: Signal<Page<Contact>>,
    campaign_id: Uuid,
) -> impl IntoView {
    let (offset, total, shown) = page.with_untracked(|p| (p.offset, p.total, p.items.len() as i64));
    if shown == 0 {
        return view! { <Notice title="No contacts" body="This campaign has no contacts yet." /> }
            .into_any();
    }
    let current = offset / CONTACTS_PAGE_SIZE;
    let last = (total - 1).max(0) / CONTACTS_PAGE_SIZE;
    let link = move |p: i64| format!("/campaigns/{campaign_id}?contacts_page={p}");
    let (has_prev, has_next) = (current > 0, current < last);
    view! {
        // Scrolls sideways on narrow screens: focusable, so the keyboard can scroll it too.
        <div
            class="overflow-x-auto rounded-lg border border-slate-200 bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
            role="region"
            aria-label="Contacts"
            tabindex="0"
        >
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="contacts-table">
                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-4 py-2">"Name"</th>
                        <th scope="col" class="px-4 py-2">"Phone"</th>
                        <th scope="col" class="px-4 py-2">"Status"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    <For each=move || page.with(|p| p.items.clone()) key=|ct| (ct.id, ct.status) let:ct>
                        <tr data-contact-id=ct.id.to_string() data-cursor-anchor=ct.id.to_string()>
                            <td class="px-4 py-2 text-slate-900">{ct.name}</td>
                            <td class="px-4 py-2 tabular-nums text-slate-600">{ct.phone}</td>
                            <td class="px-4 py-2"><ContactStatusText status=ct.status /></td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </div>
        <nav class="mt-2 flex items-center justify-between text-sm text-slate-600" aria-label="Contacts pages">
            <span>{move || page.with(|p| format!("Showing {}–{} of {}", p.offset + 1, p.offset + p.items.len() as i64, p.total))}</span>
            <span class="flex gap-2">
                <Show when=move || has_prev>
                    <A href=link(current - 1) attr:class="rounded-md border border-slate-300 bg-white px-2 py-1 hover:bg-slate-100">"Previous"</A>
                </Show>
                <Show when=move || has_next>
                    <A href=link(current + 1) attr:class="rounded-md border border-slate-300 bg-white px-2 py-1 hover:bg-slate-100">"Next"</A>
                </Show>
            </span>
        </nav>
    }
    .into_any()
}
