//! The call board: active calls with running timers, then the recently finished ones.

use leptos::prelude::*;

use crate::components::badges::CallStatusBadge;
use crate::components::format::{clock, duration_secs};
use crate::components::glide::glide_moves;
use crate::components::show_more::{first_or_all, ShowMoreButton};
use crate::components::virtual_list::VirtualList;
use crate::live::use_realtime;
use crate::model::{Call, CallStatus};

/// Height of a call row once the active list is windowed.
const ROW_PX: f64 = 60.0;
/// Finished calls shown until the user asks for all the board keeps (`BOARD_RECENT_CALLS`).
const FINISHED_SHOWN: usize = 12;

#[component]
pub fn CallBoard(
    #[prop(into)] active: Signal<Vec<Call>>,
    #[prop(into)] finished: Signal<Vec<Call>>,
) -> impl IntoView {
    // Cards glide to their new places as calls start and end (the two lists move together).
    let board = NodeRef::new();
    glide_moves(board, ".call-card");
    view! {
        <section node_ref=board class="mt-6" aria-labelledby="board-title">
            <h2 id="board-title" class="mb-2 text-lg font-semibold">"Call board"</h2>
            <CallList title="Active" calls=active empty="No call is active right now." testid="active-calls-list" />
            <CallList title="Recently finished" calls=finished empty="No call has finished yet." testid="finished-calls-list" initial=FINISHED_SHOWN />
        </section>
    }
}

#[component]
fn CallList(
    title: &'static str,
    calls: Signal<Vec<Call>>,
    empty: &'static str,
    testid: &'static str,
    /// Show only this many until the user asks for all (every active call always shows).
    #[prop(optional)]
    initial: Option<usize>,
) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let shown = Signal::derive(move || match initial {
        Some(n) => calls.with(|c| first_or_all(c, n, expanded.get())),
        None => calls.get(),
    });
    let total = Signal::derive(move || calls.with(Vec::len));
    view! {
        <h3 class="mb-2 mt-4 text-sm font-medium text-slate-600">
            {move || format!("{title} ({})", calls.with(|c| c.len()))}
        </h3>
        <Show
            when=move || calls.with(|c| !c.is_empty())
            fallback=move || view! { <p class="rounded-md border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{empty}</p> }
        >
            <VirtualList
                items=shown
                key=|k: &Call| k.id
                row=move |k: Call| {
                    // One memo per card: only cards whose call changed touch the DOM.
                    let id = k.id;
                    let call = Memo::new(move |_| calls.with(|c| c.iter().find(|x| x.id == id).cloned()).unwrap_or_else(|| k.clone()));
                    view! { <CallCard call /> }
                }
                row_px=ROW_PX
                class="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3"
                testid=testid
                label=title
            />
            {initial.map(|n| view! { <ShowMoreButton total initial=n expanded noun="finished calls" /> })}
        </Show>
    }
}

/// What the card says about time: a running timer while the call is active.
fn timing(call: &Call, now_ms: i64) -> String {
    let since =
        |t: chrono::DateTime<chrono::Utc>| duration_secs((now_ms - t.timestamp_millis()) / 1000);
    match call.status {
        CallStatus::InProgress => format!(
            "talking {}",
            since(call.answered_at.unwrap_or(call.updated_at))
        ),
        CallStatus::Ringing => format!(
            "ringing {}",
            since(call.started_at.unwrap_or(call.updated_at))
        ),
        CallStatus::Queued => format!("waiting {}", since(call.created_at)),
        CallStatus::Ended | CallStatus::Failed => match (call.answered_at, call.ended_at) {
            (Some(a), Some(e)) => format!("talked {}", duration_secs((e - a).num_seconds())),
            (_, Some(e)) => format!("ended {} UTC", clock(e)),
            _ => format!("updated {} UTC", clock(call.updated_at)),
        },
    }
}

#[component]
fn CallCard(call: Memo<Call>) -> impl IntoView {
    let now = use_realtime().now;
    let id = call.with_untracked(|c| c.id.to_string());
    let name = move || {
        call.with(|c| {
            if c.contact_name.is_empty() {
                "Contact…".to_string()
            } else {
                c.contact_name.clone()
            }
        })
    };
    let phone = move || call.with(|c| c.contact_phone.clone());
    let reason = move || {
        call.with(|c| {
            c.failure_reason
                .clone()
                .map(|r| view! { <span class="min-w-0 truncate">{format!("· {r}")}</span> })
        })
    };
    let status = Memo::new(move |_| call.with(|c| c.status));
    // Terminal calls do not tick: their text depends only on their own timestamps. `try_with`:
    // the clock outlives the card, and may tick once more after a navigation disposed it.
    let timer = move || {
        call.try_with(|c| timing(c, if c.status.is_active() { now.get() } else { 0 }))
            .unwrap_or_default()
    };
    view! {
        // The name and the badge share the first line, so the phone number and the running
        // timer have the card's whole width on the second.
        <li class="call-card flex h-14 flex-col justify-center gap-0.5 rounded-md border border-slate-200 bg-white px-3 py-2" data-call-id=id.clone() data-cursor-anchor=id>
            <div class="flex min-w-0 items-center justify-between gap-2">
                <p class="min-w-0 truncate text-sm font-medium text-slate-900">{name}</p>
                <CallStatusBadge status=status />
            </div>
            // The phone number and a failure reason give way (ellipsis) before the timer
            // does: the running timer always shows in full.
            <p class="flex min-w-0 gap-1 whitespace-nowrap text-xs text-slate-500">
                <span class="min-w-0 truncate tabular-nums">{phone}</span>
                <span aria-hidden="true">"·"</span>
                <span class="shrink-0 tabular-nums" data-testid="call-timer">{timer}</span>
                {reason}
            </p>
        </li>
    }
}
