//! `/follow-ups`: the schedule (soonest first, with a countdown) and the history, live;
//! organizers and admins can postpone or cancel a scheduled follow-up.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{
    add_contacts, contact_name, name_unknown_contacts, run_action, PageHeading, BUTTON, DANGER,
};
use crate::api::agents::{cancel_follow_up, load_follow_ups, reschedule_follow_up};
use crate::components::agent_badges::FollowUpStatusBadge;
use crate::components::format::date_time;
use crate::components::layout::{AppLayout, Notice};
use crate::live::{use_live, use_realtime};
use crate::model::agents::{FollowUp, FollowUpsPage};
use crate::views::agents::follow_ups::{countdown, FollowUpsView};

#[component]
pub fn FollowUpsListPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_follow_ups());
    view! {
        <Title text="Follow-ups" />
        <AppLayout>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading follow-ups…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <FollowUps page=p /> }.into_any(),
                        Err(e) => view! { <Notice title="Could not load follow-ups" body=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn FollowUps(page: FollowUpsPage) -> impl IntoView {
    let (cursor, can_act) = (page.cursor, page.can_act);
    let live = use_live(
        FollowUpsView::new(page),
        cursor,
        |v: &mut FollowUpsView, c| v.apply(c),
        || async {
            let p = load_follow_ups().await.ok()?;
            let cursor = p.cursor;
            Some((FollowUpsView::new(p), cursor))
        },
    );
    name_unknown_contacts(live, FollowUpsView::unknown_contacts, |v, found| {
        add_contacts(&mut v.contacts, found)
    });
    let data = live.data;
    let upcoming = Memo::new(move |_| data.with(|v| v.upcoming.clone()));
    let history = Memo::new(move |_| data.with(|v| v.history.clone()));
    view! {
        <PageHeading title="Follow-ups" subtitle="What your agents will do next, and what they did." live />
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <section aria-labelledby="schedule-heading">
                <h2 id="schedule-heading" class="mb-2 text-base font-semibold">"Schedule"</h2>
                <Show when=move || !upcoming.with(Vec::is_empty) fallback=|| view! { <Notice title="Nothing scheduled" body="Follow-ups appear here when an agent schedules one." /> }>
                    <ul class="space-y-2" data-testid="follow-up-schedule">
                        <For
                            each=move || upcoming.get()
                            key=|f: &FollowUp| (f.id, f.updated_at)
                            children=move |f: FollowUp| view! { <Row f data can_act upcoming=true /> }
                        />
                    </ul>
                </Show>
            </section>
            <section aria-labelledby="history-heading">
                <h2 id="history-heading" class="mb-2 text-base font-semibold">"History"</h2>
                <Show when=move || !history.with(Vec::is_empty) fallback=|| view! { <Notice title="No history yet" body="Executed and cancelled follow-ups are listed here." /> }>
                    <ul class="space-y-2" data-testid="follow-up-history">
                        <For
                            each=move || history.get()
                            key=|f: &FollowUp| (f.id, f.updated_at)
                            children=move |f: FollowUp| view! { <Row f data can_act=false upcoming=false /> }
                        />
                    </ul>
                </Show>
            </section>
        </div>
    }
}

#[component]
fn Row(f: FollowUp, data: RwSignal<FollowUpsView>, can_act: bool, upcoming: bool) -> impl IntoView {
    let now = use_realtime().now;
    let (id, contact) = (f.id, f.contact_id);
    let name = Signal::derive(move || data.with(|v| contact_name(&v.contacts, contact)));
    let agent = data
        .with_untracked(|v| v.agents.get(&f.agent_id).map(|a| a.name.clone()))
        .unwrap_or_else(|| "An agent".into());
    let at = f.scheduled_for;
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let act = move |call: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<FollowUp, ServerFnError>>>,
    >| {
        run_action(busy, error, call, move |f| {
            let _ = data.try_update(|v| v.apply_row(f));
        })
    };
    let postpone = move |hours: i64| {
        act(Box::pin(reschedule_follow_up(
            id,
            at.max(chrono::Utc::now()) + chrono::Duration::hours(hours),
        )))
    };
    let when = move || {
        if upcoming {
            countdown((at.timestamp_millis() - now.get()) / 1000)
        } else {
            match (f.executed_at, f.cancelled_at) {
                (Some(t), _) => format!("executed {}", date_time(t)),
                (None, Some(t)) => format!("cancelled {}", date_time(t)),
                _ => String::new(),
            }
        }
    };
    view! {
        <li class="rounded-md border border-slate-200 bg-white p-3 text-sm" data-follow-up-id=id.to_string()>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <A href=format!("/contacts/{contact}") attr:class="font-medium text-indigo-700 hover:underline">{name}</A>
                <FollowUpStatusBadge status=f.status />
            </div>
            <p class="mt-0.5 text-xs text-slate-600">
                {format!("{agent} · due {} · ", date_time(at))}
                <span class="tabular-nums" data-testid="countdown">{when}</span>
            </p>
            {f.result.clone().map(|r| view! { <p class="mt-1 text-slate-700">{r}</p> })}
            <Show when=move || can_act>
                <div class="mt-2 flex flex-wrap gap-2">
                    <button type="button" class=BUTTON disabled=move || busy.get() on:click=move |_| postpone(1)>"Postpone 1 h"</button>
                    <button type="button" class=BUTTON disabled=move || busy.get() on:click=move |_| postpone(24)>"Postpone 1 day"</button>
                    <button type="button" class=DANGER disabled=move || busy.get() on:click=move |_| act(Box::pin(cancel_follow_up(id)))>"Cancel follow-up"</button>
                </div>
            </Show>
            <Show when=move || error.get().is_some()>
                <p class="mt-1 text-sm text-red-800" role="alert">{move || error.get()}</p>
            </Show>
        </li>
    }
}
