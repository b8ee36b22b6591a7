use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::list_campaigns;
use crate::components::badges::{CampaignStatusPill, FixedCallStatusBadge};
use crate::components::chart::{ActivityChart, StatusDistribution};
use crate::components::feed::LiveFeed;
use crate::components::layout::{AppLayout, Notice};
use crate::components::live_status::LiveToolbar;
use crate::components::progress::ProgressBar;
use crate::components::virtual_list::VirtualList;
use crate::live::use_live;
use crate::model::{CallStatus, CampaignSummary, CampaignsOverview};
use crate::views::overview::OverviewView;

/// Height of a campaign row once the list is windowed.
const ROW_PX: f64 = 156.0;

/// The organization's campaigns with progress, per-status call counts and active calls, live.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let campaigns = Resource::new(|| (), |_| list_campaigns());
    view! {
        <Title text="Campaigns" />
        <AppLayout>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading campaigns…"</p> }>
                {move || Suspend::new(async move {
                    match campaigns.await {
                        Err(e) => view! { <Notice title="Could not load campaigns" body=e.to_string() /> }.into_any(),
                        Ok(overview) => view! { <Overview overview /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn Overview(overview: CampaignsOverview) -> impl IntoView {
    let cursor = overview.cursor;
    let live = use_live(
        OverviewView::new(overview),
        cursor,
        |v: &mut OverviewView, c| v.apply(c),
        || async {
            let o = list_campaigns().await.ok()?;
            let cursor = o.cursor;
            Some((OverviewView::new(o), cursor))
        },
    );
    // Feed entries about contacts the page has not heard of get their names from the server.
    crate::pages::agents::name_unknown_contacts(
        live,
        |v: &OverviewView| v.unnamed_contacts(),
        |v, found| {
            v.name_contacts(found);
        },
    );
    let data = live.data;
    let campaigns = Memo::new(move |_| data.with(|v| v.overview.campaigns.clone()));
    let empty = move || data.with(|v| v.overview.campaigns.is_empty());
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight">"Campaigns"</h1>
                <p class="text-sm text-slate-500">"Progress and calls of every campaign in your organization, live."</p>
            </div>
            <div class="flex flex-wrap items-center gap-3">
                <crate::components::presence::PageAvatars />
                <LiveToolbar updated_at=live.updated_at on_refresh=Callback::new(move |_| live.refresh()) />
            </div>
        </div>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <Show
                    when=move || !empty()
                    fallback=|| view! {
                        <Notice
                            title="No campaigns yet"
                            body="When your organization creates a campaign it shows up here with its progress and live calls."
                        />
                    }
                >
                    <VirtualList
                        items=campaigns
                        key=row_key
                        row=|c: CampaignSummary| view! { <CampaignRow campaign=c /> }
                        row_px=ROW_PX
                        class="grid grid-cols-1 gap-3"
                        testid="campaign-list"
                        label="Campaigns"
                    />
                </Show>
            </div>
            <aside class="space-y-4">
                <ActivityChart activity=Memo::new(move |_| data.with(|v| v.overview.activity.clone())) />
                <StatusDistribution counts=Memo::new(move |_| data.with(|v| v.totals())) />
                <LiveFeed items=Memo::new(move |_| data.with(|v| v.feed.items().cloned().collect::<Vec<_>>())) />
            </aside>
        </div>
    }
}

/// A row is redrawn exactly when something it shows changed.
fn row_key(
    c: &CampaignSummary,
) -> (
    uuid::Uuid,
    String,
    crate::model::CampaignStatus,
    crate::model::StatusCounts,
    i64,
    i64,
) {
    (
        c.id,
        c.name.clone(),
        c.status,
        c.calls,
        c.contacts_done,
        c.contacts_total,
    )
}

#[component]
fn CampaignRow(campaign: CampaignSummary) -> impl IntoView {
    let href = format!("/campaigns/{}", campaign.id);
    let counts = campaign.calls;
    let progress_label = format!("{} progress", campaign.name);
    view! {
        <li
            class="campaign-row rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            data-campaign-id=campaign.id.to_string()
        >
            <div class="flex flex-wrap items-center justify-between gap-2">
                <div class="flex min-w-0 items-center gap-3">
                    <A href=href attr:class="truncate text-base font-semibold text-indigo-700 hover:underline">
                        {campaign.name.clone()}
                    </A>
                    <CampaignStatusPill status=campaign.status />
                </div>
                <div class="text-sm text-slate-600" data-testid="active-calls">
                    <span class="font-semibold tabular-nums text-slate-900">{campaign.active_calls}</span>
                    " active calls"
                </div>
            </div>
            <div class="mt-3">
                <ProgressBar
                    done=campaign.contacts_done
                    total=campaign.contacts_total
                    label=progress_label
                />
            </div>
            <div class="mt-3 flex flex-wrap gap-2" aria-label="Calls by status">
                {CallStatus::ALL
                    .into_iter()
                    .map(|st| {
                        view! {
                            <span class="inline-flex items-center gap-1 text-xs text-slate-600" data-count-status=st.as_str()>
                                <FixedCallStatusBadge status=st />
                                <span class="font-semibold tabular-nums text-slate-800">{counts.get(st)}</span>
                            </span>
                        }
                    })
                    .collect_view()}
            </div>
        </li>
    }
}
