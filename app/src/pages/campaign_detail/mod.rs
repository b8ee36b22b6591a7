use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

mod bids;
mod board;
mod contacts;

use std::collections::HashSet;

use crate::api::{contacts_by_id, load_campaign_detail};
use crate::components::badges::CampaignStatusPill;
use crate::components::chart::{ActivityChart, StatusDistribution};
use crate::components::cursors::LiveCursors;
use crate::components::feed::LiveFeed;
use crate::components::format::money;
use crate::components::layout::{AppLayout, Notice};
use crate::components::live_status::LiveToolbar;
use crate::components::presence::PresenceAvatars;
use crate::components::progress::ProgressBar;
use crate::live::use_live;
use crate::model::CampaignDetail;
use crate::views::detail::DetailView;
use board::CallBoard;
use contacts::ContactsTable;

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
                        Ok(Some(d)) => view! { <Detail detail=d page=page() /> }.into_any(),
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
fn Detail(detail: CampaignDetail, page: i64) -> impl IntoView {
    let (id, cursor) = (detail.campaign.id, detail.cursor);
    let live = use_live(
        DetailView::new(detail),
        cursor,
        |v: &mut DetailView, c| v.apply(c),
        move || async move {
            let d = load_campaign_detail(id, page).await.ok()?;
            let cursor = d.cursor;
            Some((DetailView::new(d), cursor))
        },
    );
    let data = live.data;
    name_new_contacts(data);
    let campaign = Memo::new(move |_| data.with(|v| v.detail.campaign.clone()));
    let c = move || campaign.get();
    let name = data.with_untracked(|v| v.detail.campaign.name.clone());
    view! {
        <Title text=name.clone() />
        <section class="mt-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div class="flex items-center gap-3">
                    <h1 class="text-2xl font-semibold tracking-tight">{move || c().name}</h1>
                    {move || view! { <CampaignStatusPill status=c().status /> }}
                </div>
                <div class="flex flex-wrap items-center gap-3">
                    <PresenceAvatars room=format!("campaign:{id}") />
                    <LiveToolbar updated_at=live.updated_at on_refresh=Callback::new(move |_| live.refresh()) />
                </div>
            </div>
            <dl class="mt-3 flex flex-wrap gap-x-6 gap-y-2 text-sm">
                <div>
                    <dt class="text-slate-500">"Active calls"</dt>
                    <dd class="text-lg font-semibold tabular-nums" data-testid="active-call-count">{move || c().active_calls}</dd>
                </div>
                <div>
                    <dt class="text-slate-500">"Ended"</dt>
                    <dd class="text-lg font-semibold tabular-nums">{move || c().calls.ended}</dd>
                </div>
                <div>
                    <dt class="text-slate-500">"Failed"</dt>
                    <dd class="text-lg font-semibold tabular-nums">{move || c().calls.failed}</dd>
                </div>
                <div>
                    <dt class="text-slate-500">"Bid"</dt>
                    <dd class="text-lg font-semibold tabular-nums">{move || money(c().bid_cents)}</dd>
                </div>
            </dl>
            <div class="mt-4">
                {move || {
                    let c = c();
                    view! { <ProgressBar done=c.contacts_done total=c.contacts_total label=format!("{} progress", c.name) /> }
                }}
            </div>
        </section>

        <LiveCursors room=format!("campaign:{id}")>
        <div class="mt-6 grid grid-cols-1 gap-4 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <ActivityChart activity=Memo::new(move |_| data.with(|v| v.detail.activity.clone())) />
            </div>
            <StatusDistribution counts=Memo::new(move |_| data.with(|v| v.detail.campaign.calls)) />
        </div>

        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <CallBoard
                    active=Memo::new(move |_| data.with(|v| v.active_calls().cloned().collect::<Vec<_>>()))
                    finished=Memo::new(move |_| data.with(|v| v.finished_calls().cloned().collect::<Vec<_>>()))
                />
            </div>
            <aside class="mt-6">
                <LiveFeed items=Memo::new(move |_| data.with(|v| v.feed.items().cloned().collect::<Vec<_>>())) />
            </aside>
        </div>

        <bids::BidPanel campaign=id />

        <section class="mt-6" aria-labelledby="contacts-title">
            <h2 id="contacts-title" class="mb-2 text-lg font-semibold">"Contacts"</h2>
            <ContactsTable page=Memo::new(move |_| data.with(|v| v.detail.contacts.clone())) campaign_id=id />
        </section>
        </LiveCursors>
    }
}

/// Calls that appear live carry only a contact id: ask the server for the names, in batches.
fn name_new_contacts(data: RwSignal<DetailView>) {
    let asked = StoredValue::new(HashSet::new());
    Effect::new(move |_| {
        let wanted: Vec<_> = data.with(|v| {
            v.unnamed
                .iter()
                .filter(|id| !asked.with_value(|a: &HashSet<uuid::Uuid>| a.contains(*id)))
                .copied()
                .take(crate::api::BOARD_RECENT_CALLS as usize)
                .collect()
        });
        if wanted.is_empty() {
            return;
        }
        asked.update_value(|a| a.extend(wanted.iter().copied()));
        leptos::task::spawn_local(async move {
            let found = contacts_by_id(wanted.clone()).await.unwrap_or_default();
            data.update(|v| {
                v.name_contacts(&found);
                // Unknown ids (e.g. deleted contacts) are not asked for again.
                v.unnamed.retain(|id| !wanted.contains(id));
            });
            asked.update_value(|a| a.retain(|id| !wanted.contains(id)));
        });
    });
}
