//! `/contacts`: contact cards with a live badge for their agent work ("Agent working", "Draft
//! ready", "Failed"); contacts with agent work first, searchable by name.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::PageHeading;
use crate::api::agents::{load_contacts, CONTACTS_PER_PAGE};
use crate::components::agent_badges::TaskStateBadge;
use crate::components::layout::{AppLayout, Notice};
use crate::live::use_live;
use crate::model::agents::{ContactCard, ContactsPage};
use crate::views::agents::badge::TaskBadge;
use crate::views::agents::contacts::ContactsView;

#[component]
pub fn ContactsListPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
            .max(0)
    };
    let data = Resource::new(move || (q(), page()), |(q, page)| load_contacts(q, page));
    view! {
        <Title text="Contacts" />
        <AppLayout>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading contacts…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(p) => view! { <Contacts page=p /> }.into_any(),
                        Err(e) => view! { <Notice title="Could not load contacts" body=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn Contacts(page: ContactsPage) -> impl IntoView {
    let (cursor, total, offset, query) = (page.cursor, page.total, page.offset, page.query.clone());
    let reload_query = query.clone();
    let page_no = offset / CONTACTS_PER_PAGE;
    let live = use_live(
        ContactsView::new(page.cards),
        cursor,
        |v: &mut ContactsView, c| v.apply(c),
        move || {
            let q = reload_query.clone();
            async move {
                let p = load_contacts(q, page_no).await.ok()?;
                let cursor = p.cursor;
                Some((ContactsView::new(p.cards), cursor))
            }
        },
    );
    let data = live.data;
    let cards = Memo::new(move |_| data.with(|v| v.cards.clone()));
    let link = {
        let q = query.clone();
        move |p: i64| format!("/contacts?q={}&page={p}", urlencode(&q))
    };
    let shown_to = (offset + CONTACTS_PER_PAGE).min(total);
    view! {
        <PageHeading title="Contacts" subtitle="Your contacts and where your agents' work on each stands, live." live />
        <form method="get" action="/contacts" class="mb-4 flex flex-wrap items-end gap-2" role="search">
            <label class="text-sm font-medium text-slate-700">
                "Search by name"
                <input
                    type="search"
                    name="q"
                    value=query.clone()
                    maxlength="100"
                    class="mt-1 block w-64 rounded-md border border-slate-300 px-2 py-1 text-sm"
                />
            </label>
            <button type="submit" class=super::BUTTON>"Search"</button>
        </form>
        <Show
            when=move || !cards.with(Vec::is_empty)
            fallback=|| view! { <Notice title="No contacts found" body="Try another name." /> }
        >
            <ul class="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="contact-cards">
                <For
                    each=move || cards.get()
                    key=|c: &ContactCard| c.contact.id
                    children=move |c: ContactCard| {
                        let id = c.contact.id;
                        let badge = Signal::derive(move || data.with(|v| {
                            v.cards.iter().find(|x| x.contact.id == id)
                                .and_then(|x| TaskBadge::of(x.latest_task.as_ref(), x.latest_draft.as_ref()))
                        }));
                        view! {
                            <li class="contact-card rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-contact-id=id.to_string()>
                                <div class="flex items-start justify-between gap-2">
                                    <A href=format!("/contacts/{id}") attr:class="font-semibold text-indigo-700 hover:underline">
                                        {c.contact.name.clone()}
                                    </A>
                                    <TaskStateBadge badge />
                                </div>
                                <p class="mt-1 text-sm text-slate-600">{c.contact.phone.clone()}</p>
                                <p class="text-xs text-slate-600">{c.contact.campaign_name.clone()}</p>
                            </li>
                        }
                    }
                />
            </ul>
            <nav class="mt-4 flex items-center justify-between text-sm text-slate-700" aria-label="Contact pages">
                <span>{format!("{}–{} of {total}", offset + 1, shown_to)}</span>
                <span class="flex gap-3">
                    {(page_no > 0).then(|| view! { <A href=link(page_no - 1) attr:class="text-indigo-700 hover:underline">"← Previous"</A> })}
                    {(shown_to < total).then(|| view! { <A href=link(page_no + 1) attr:class="text-indigo-700 hover:underline">"Next →"</A> })}
                </span>
            </nav>
        </Show>
    }
}

/// Percent-encode a search for a query string.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_is_encoded_for_the_address() {
        assert_eq!(super::urlencode("Ava Ad&ms"), "Ava+Ad%26ms");
    }
}
