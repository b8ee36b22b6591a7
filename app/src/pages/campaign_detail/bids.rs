//! The campaign page's live bidding panel: the current bid, who set it and when, the recent
//! bid changes (live), and adjusting it through the same optimistic, conflict-checked path as
//! every edit.

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::api::clients::{load_bid_panel, BidPanelData};
use crate::components::editing::format::dollars;
use crate::components::editing::{EditProblems, EditableField};
use crate::components::format::date_time;
use crate::edits::use_record_editor;
use crate::live::{use_live, Change};
use crate::model::editing::{HistoryEntry, CAMPAIGN};
use crate::views::clients::history_of;

/// Bid changes the panel lists.
pub const BID_HISTORY: usize = 10;
/// What the −/+ buttons change the bid by, in cents.
pub const BID_STEP: i64 = 5;

#[derive(Clone, Debug, PartialEq)]
struct BidView {
    campaign: Value,
    history: Vec<HistoryEntry>,
}

impl BidView {
    fn new(d: BidPanelData) -> Self {
        BidView {
            campaign: d.campaign,
            history: d.history.into_iter().take(BID_HISTORY).collect(),
        }
    }

    fn apply(&mut self, change: &Change, id: Uuid) -> bool {
        if change.table == "campaigns" {
            let Some(row) = change.new.as_ref() else {
                return false;
            };
            let Ok(mut v) = serde_json::to_value(row) else {
                return false;
            };
            if v["id"] != Value::String(id.to_string()) {
                return false;
            }
            v.as_object_mut().map(|m| m.remove("organization_id"));
            self.campaign = v;
            return true;
        }
        match history_of(change, id).filter(|h| h.changes.contains_key("bid_cents")) {
            Some(h) if !self.history.iter().any(|x| x.id == h.id) => {
                self.history.insert(0, h);
                self.history.truncate(BID_HISTORY);
                true
            }
            _ => false,
        }
    }
}

#[component]
pub fn BidPanel(campaign: Uuid) -> impl IntoView {
    let data = Resource::new(move || campaign, load_bid_panel);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|d| view! { <Bids data=d campaign /> })
            })}
        </Suspense>
    }
}

#[component]
fn Bids(data: BidPanelData, campaign: Uuid) -> impl IntoView {
    let (cursor, can_edit) = (data.cursor, data.can_edit);
    let live = use_live(
        BidView::new(data),
        cursor,
        move |v: &mut BidView, c| v.apply(c, campaign),
        move || async move {
            let d = load_bid_panel(campaign).await.ok()?;
            let cursor = d.cursor;
            Some((BidView::new(d), cursor))
        },
    );
    let view_data = live.data;
    let record = Signal::derive(move || view_data.with(|v| v.campaign.clone()));
    let editor = use_record_editor(&CAMPAIGN, campaign, record);
    let bid = move || editor.value("bid_cents").as_i64().unwrap_or(0);
    let step = move |by: i64| {
        let base = editor.value("bid_cents");
        editor.commit("bid_cents", base, Value::from((bid() + by).max(0)));
    };
    let set_by = move || {
        view_data.with(|v| {
            v.history
                .first()
                .map(|h| format!("Set by {} at {}", h.actor, date_time(h.created_at)))
                .unwrap_or_else(|| "Not changed since the campaign was created".into())
        })
    };
    let field = CAMPAIGN.field("bid_cents").expect("campaigns have a bid");
    view! {
        <section class="mt-6 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="bid-heading" data-testid="bid-panel">
            <div class="flex flex-wrap items-start justify-between gap-4">
                <div>
                    <h2 id="bid-heading" class="text-base font-semibold">"Bid per call"</h2>
                    <p class="text-2xl font-semibold tabular-nums" data-testid="current-bid" data-pending=move || editor.pending("bid_cents").to_string()>
                        {move || dollars(bid())}
                    </p>
                    <p class="text-xs text-slate-600" data-testid="bid-set-by">{set_by}</p>
                </div>
                <Show when=move || can_edit>
                    <div class="flex items-end gap-2">
                        <button type="button" class="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                            aria-label="Lower the bid by 5 cents" on:click=move |_| step(-BID_STEP)>"−5¢"</button>
                        <button type="button" class="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                            aria-label="Raise the bid by 5 cents" on:click=move |_| step(BID_STEP)>"+5¢"</button>
                        <div class="w-36"><EditableField editor field can_edit /></div>
                    </div>
                </Show>
            </div>
            <EditProblems editor />
            <h3 class="mt-3 text-sm font-medium text-slate-700">"Recent bid changes"</h3>
            <ol class="mt-1 space-y-1 text-sm" data-testid="bid-history">
                <For each=move || view_data.with(|v| v.history.clone()) key=|h| h.id let:h>
                    <li class="text-slate-700">
                        {format!("{} → {}", money_of(&h.changes["bid_cents"].from), money_of(&h.changes["bid_cents"].to))}
                        <span class="text-xs text-slate-600">{format!(" · {} · {}", h.actor, date_time(h.created_at))}</span>
                    </li>
                </For>
            </ol>
        </section>
    }
}

fn money_of(v: &Value) -> String {
    v.as_i64().map(dollars).unwrap_or_else(|| "—".into())
}
