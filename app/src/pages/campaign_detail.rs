use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::{load_campaign_detail, CONTACTS_PAGE_SIZE};
use crate::components::badges::{CallStatusBadge, CampaignStatusPill, ContactStatusText};
use crate::components::format::{clock, duration_secs, money};
use crate::components::layout::{AppLayout, Notice};
use crate::components::progress::ProgressBar;
use crate::model::{Call, CampaignDetail, Contact, Page};

/// Campaign header, call board and contacts table.
#[component]
pub fn CampaignDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let page = move || {
        query
            .read()
            .get("contacts_page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
            .max(0)
    };
    let detail = Resource::new(
        move || (id(), page()),
        |(id, page)| async move {
            match id {
                Some(id) => load_campaign_detail(id, page).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <AppLayout>
            <A href="/" attr:class="text-sm text-indigo-700 hover:underline">"← All campaigns"</A>
            <Suspense fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading campaign…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(Some(d)) => view! { <Detail detail=d /> }.into_any(),
                        Ok(None) => view! {
                            <Title text="Not found" />
                            <div class="mt-4"><Notice title="Campaign not found" body="This address does not name a campaign." /></div>
                        }
                        .into_any(),
                        Err(e) => view! {
                            <Title text="Campaign" />
                            <div class="mt-4"><Notice title="Could not load this campaign" body=e.to_string() /></div>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn Detail(detail: CampaignDetail) -> impl IntoView {
    let c = detail.campaign;
    let (active, finished): (Vec<Call>, Vec<Call>) =
        detail.calls.into_iter().partition(|k| k.status.is_active());
    view! {
        <Title text=c.name.clone() />
        <section class="mt-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div class="flex items-center gap-3">
                    <h1 class="text-2xl font-semibold tracking-tight">{c.name.clone()}</h1>
                    <CampaignStatusPill status=c.status />
                </div>
                <dl class="flex flex-wrap gap-x-6 gap-y-2 text-sm">
                    <div>
                        <dt class="text-slate-500">"Active calls"</dt>
                        <dd class="text-lg font-semibold tabular-nums" data-testid="active-call-count">{c.active_calls}</dd>
                    </div>
                    <div>
                        <dt class="text-slate-500">"Ended"</dt>
                        <dd class="text-lg font-semibold tabular-nums">{c.calls.ended}</dd>
                    </div>
                    <div>
                        <dt class="text-slate-500">"Failed"</dt>
                        <dd class="text-lg font-semibold tabular-nums">{c.calls.failed}</dd>
                    </div>
                    <div>
                        <dt class="text-slate-500">"Bid"</dt>
                        <dd class="text-lg font-semibold tabular-nums">{money(c.bid_cents)}</dd>
                    </div>
                </dl>
            </div>
            <div class="mt-4">
                <ProgressBar done=c.contacts_done total=c.contacts_total label=format!("{} progress", c.name) />
            </div>
        </section>

        <section class="mt-6" aria-labelledby="board-title">
            <h2 id="board-title" class="mb-2 text-lg font-semibold">"Call board"</h2>
            <CallList title="Active" calls=active empty="No call is active right now." testid="active-calls-list" />
            <CallList title="Recently finished" calls=finished empty="No call has finished yet." testid="finished-calls-list" />
        </section>

        <section class="mt-6" aria-labelledby="contacts-title">
            <h2 id="contacts-title" class="mb-2 text-lg font-semibold">"Contacts"</h2>
            <ContactsTable page=detail.contacts campaign_id=c.id />
        </section>
    }
}

#[component]
fn CallList(
    title: &'static str,
    calls: Vec<Call>,
    empty: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let count = calls.len();
    view! {
        <h3 class="mb-2 mt-4 text-sm font-medium text-slate-600">{format!("{title} ({count})")}</h3>
        {if calls.is_empty() {
            view! { <p class="rounded-md border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{empty}</p> }.into_any()
        } else {
            view! {
                <ul class="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3" data-testid=testid>
                    {calls.into_iter().map(|k| view! { <CallCard call=k /> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

#[component]
fn CallCard(call: Call) -> impl IntoView {
    let timing = match (call.answered_at, call.ended_at, call.started_at) {
        (Some(a), Some(e), _) => format!("talked {}", duration_secs((e - a).num_seconds())),
        (_, Some(e), _) => format!("ended {} UTC", clock(e)),
        (Some(a), None, _) => format!("answered {} UTC", clock(a)),
        (None, None, Some(s)) => format!("started {} UTC", clock(s)),
        (None, None, None) => format!("queued {} UTC", clock(call.created_at)),
    };
    view! {
        <li class="call-card flex items-center justify-between gap-3 rounded-md border border-slate-200 bg-white px-3 py-2" data-call-id=call.id.to_string()>
            <div class="min-w-0">
                <p class="truncate text-sm font-medium text-slate-900">{call.contact_name}</p>
                <p class="truncate text-xs text-slate-500">
                    <span class="tabular-nums">{call.contact_phone}</span>
                    " · "
                    {timing}
                    {call.failure_reason.map(|r| format!(" · {r}"))}
                </p>
            </div>
            <CallStatusBadge status=call.status />
        </li>
    }
}

#[component]
fn ContactsTable(page: Page<Contact>, campaign_id: Uuid) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <Notice title="No contacts" body="This campaign has no contacts yet." /> }
            .into_any();
    }
    let current = page.offset / CONTACTS_PAGE_SIZE;
    let last = (page.total - 1).max(0) / CONTACTS_PAGE_SIZE;
    let link = move |p: i64| format!("/campaigns/{campaign_id}?contacts_page={p}");
    let first_shown = page.offset + 1;
    let last_shown = page.offset + page.items.len() as i64;
    let (has_prev, has_next) = (current > 0, current < last);
    view! {
        <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="contacts-table">
                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                    <tr>
                        <th scope="col" class="px-4 py-2">"Name"</th>
                        <th scope="col" class="px-4 py-2">"Phone"</th>
                        <th scope="col" class="px-4 py-2">"Status"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {page.items.into_iter().map(|ct| view! {
                        <tr data-contact-id=ct.id.to_string()>
                            <td class="px-4 py-2 text-slate-900">{ct.name}</td>
                            <td class="px-4 py-2 tabular-nums text-slate-600">{ct.phone}</td>
                            <td class="px-4 py-2"><ContactStatusText status=ct.status /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="mt-2 flex items-center justify-between text-sm text-slate-600" aria-label="Contacts pages">
            <span>{format!("Showing {first_shown}–{last_shown} of {}", page.total)}</span>
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
