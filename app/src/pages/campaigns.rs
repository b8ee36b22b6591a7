use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::list_campaigns;
use crate::components::badges::{CallStatusBadge, CampaignStatusPill};
use crate::components::layout::{AppLayout, Notice};
use crate::components::progress::ProgressBar;
use crate::model::{CallStatus, CampaignSummary};

/// The organization's campaigns with progress, per-status call counts and active calls.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let campaigns = Resource::new(|| (), |_| list_campaigns());
    view! {
        <Title text="Campaigns" />
        <AppLayout>
            <div class="mb-4 flex items-end justify-between gap-4">
                <div>
                    <h1 class="text-2xl font-semibold tracking-tight">"Campaigns"</h1>
                    <p class="text-sm text-slate-500">"Progress and calls of every campaign in your organization."</p>
                </div>
            </div>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading campaigns…"</p> }>
                {move || Suspend::new(async move {
                    match campaigns.await {
                        Err(e) => view! { <Notice title="Could not load campaigns" body=e.to_string() /> }.into_any(),
                        Ok(list) if list.campaigns.is_empty() => view! {
                            <Notice
                                title="No campaigns yet"
                                body="When your organization creates a campaign it shows up here with its progress and live calls."
                            />
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="grid grid-cols-1 gap-3" data-testid="campaign-list">
                                {list.campaigns.into_iter().map(|c| view! { <CampaignRow campaign=c /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
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
                                <CallStatusBadge status=st />
                                <span class="font-semibold tabular-nums text-slate-800">{counts.get(st)}</span>
                            </span>
                        }
                    })
                    .collect_view()}
            </div>
        </li>
    }
}
