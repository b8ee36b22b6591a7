//! `/approvals`: drafts awaiting approval, live — they appear the moment an agent writes them
//! and leave the moment anyone decides them, in any tab or browser.

use leptos::prelude::*;
use leptos_meta::Title;

use super::draft_card::DraftCard;
use super::{add_contacts, contact_name, name_unknown_contacts, PageHeading};
use crate::api::agents::load_approvals;
use crate::components::layout::{AppLayout, Notice};
use crate::live::use_live;
use crate::model::agents::{ApprovalsPage, Draft};
use crate::views::agents::approvals::ApprovalsView;
use crate::views::agents::remove;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_approvals());
    view! {
        <Title text="Approvals" />
        <AppLayout>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading approvals…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <Approvals page=p /> }.into_any(),
                        Err(e) => view! { <Notice title="Could not load approvals" body=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn Approvals(page: ApprovalsPage) -> impl IntoView {
    let (cursor, can_act) = (page.cursor, page.can_act);
    let live = use_live(
        ApprovalsView::new(page),
        cursor,
        |v: &mut ApprovalsView, c| v.apply(c),
        || async {
            let p = load_approvals().await.ok()?;
            let cursor = p.cursor;
            Some((ApprovalsView::new(p), cursor))
        },
    );
    name_unknown_contacts(live, ApprovalsView::unknown_contacts, |v, found| {
        add_contacts(&mut v.contacts, found)
    });
    let data = live.data;
    let drafts = Memo::new(move |_| data.with(|v| v.drafts.clone()));
    let count = move || drafts.with(Vec::len);
    // A decision made here takes the draft off at once; the stream confirms it.
    let decided = Callback::new(move |d: Draft| {
        data.update(|v| {
            remove(&mut v.drafts, d.id);
        })
    });
    view! {
        <PageHeading
            title="Approvals"
            subtitle="Messages your agents drafted, waiting for a person to approve, edit or reject them."
            live
        >
            <p class="mt-1 text-sm font-medium text-slate-800" data-testid="approvals-count" aria-live="polite">
                {move || match count() {
                    1 => "1 draft awaiting approval".to_string(),
                    n => format!("{n} drafts awaiting approval"),
                }}
            </p>
        </PageHeading>
        <Show
            when=move || { count() > 0 }
            fallback=|| view! { <Notice title="Nothing to approve" body="New drafts appear here the moment an agent finishes one." /> }
        >
            <ul class="grid grid-cols-1 gap-3 lg:grid-cols-2" data-testid="approvals-list">
                <For
                    each=move || drafts.get()
                    key=|d: &Draft| (d.id, d.updated_at)
                    children=move |d: Draft| {
                        let agent = data.with_untracked(|v| {
                            v.agents.get(&d.agent_id).map(|a| a.name.clone()).unwrap_or_else(|| "An agent".into())
                        });
                        let contact_id = d.contact_id;
                        let contact = Signal::derive(move || data.with(|v| contact_name(&v.contacts, contact_id)));
                        view! {
                            <DraftCard
                                draft=d.clone()
                                contact
                                agent
                                can_act
                                contact_href=format!("/contacts/{}", d.contact_id)
                                on_decided=decided
                            />
                        }
                    }
                />
            </ul>
        </Show>
    }
}
