//! `/agents`: the command centre — agent cards with live status and today's figures, and the
//! organization's agent activity as it happens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::PageHeading;
use crate::api::agents::load_agents;
use crate::components::agent_badges::AgentStatusBadge;
use crate::components::format::clock;
use crate::components::layout::{AppLayout, Notice};
use crate::live::use_live;
use crate::model::agents::{AgentActivity, AgentSummary, AgentsOverview};
use crate::views::agents::command_centre::CommandCentre;
use crate::views::agents::metrics::{average_text, success_text};

#[component]
pub fn AgentsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_agents());
    view! {
        <Title text="Agents" />
        <AppLayout>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading agents…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! { <Centre overview=o /> }.into_any(),
                        Err(e) => view! { <Notice title="Could not load agents" body=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

fn centre(o: AgentsOverview) -> CommandCentre {
    CommandCentre {
        agents: o.agents,
        activity: o.activity,
        tasks: Vec::new(),
        only: None,
    }
}

#[component]
fn Centre(overview: AgentsOverview) -> impl IntoView {
    let cursor = overview.cursor;
    let live = use_live(
        centre(overview),
        cursor,
        |v: &mut CommandCentre, c| v.apply(c),
        || async {
            let o = load_agents().await.ok()?;
            let cursor = o.cursor;
            Some((centre(o), cursor))
        },
    );
    let data = live.data;
    let agents = Memo::new(move |_| data.with(|v| v.agents.clone()));
    let activity = Memo::new(move |_| data.with(|v| v.activity.clone()));
    view! {
        <PageHeading title="Agents" subtitle="Your AI agents, what they are doing and how they did today, live." live />
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <ul class="grid grid-cols-1 content-start items-start gap-3 self-start sm:grid-cols-2 lg:col-span-2" data-testid="agent-cards">
                <For
                    each=move || agents.get()
                    key=|s: &AgentSummary| s.agent.id
                    children=move |s: AgentSummary| view! { <AgentCard id=s.agent.id data /> }
                />
            </ul>
            <ActivityFeed activity names=data />
        </div>
    }
}

/// One agent's card; reads its own row of the view, so a change redraws only this card.
#[component]
pub fn AgentCard(id: uuid::Uuid, data: RwSignal<CommandCentre>) -> impl IntoView {
    let summary = Memo::new(move |_| {
        data.try_with(|v| v.agents.iter().find(|s| s.agent.id == id).cloned())
            .flatten()
    });
    let field = move |f: fn(&AgentSummary) -> String| {
        move || summary.with(|s| s.as_ref().map(f).unwrap_or_default())
    };
    let status = Signal::derive(move || {
        summary.with(|s| {
            s.as_ref()
                .map(|s| s.agent.status)
                .unwrap_or(crate::model::agents::AgentStatus::Idle)
        })
    });
    view! {
        <li class="agent-card rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-agent-id=id.to_string()>
            <div class="flex items-center justify-between gap-2">
                <A href=format!("/agents/{id}") attr:class="font-semibold text-indigo-700 hover:underline">
                    {field(|s| s.agent.name.clone())}
                </A>
                <AgentStatusBadge status />
            </div>
            <p class="text-xs text-slate-600">{field(|s| format!("{} agent", s.agent.kind.label()))}</p>
            <dl class="mt-3 grid grid-cols-3 gap-2 text-center">
                <div>
                    <dt class="text-xs text-slate-600">"Done today"</dt>
                    <dd class="text-lg font-semibold tabular-nums" data-testid="done-today">{field(|s| s.metrics.completed_today.to_string())}</dd>
                </div>
                <div>
                    <dt class="text-xs text-slate-600">"Success"</dt>
                    <dd class="text-lg font-semibold tabular-nums">{field(|s| success_text(&s.metrics))}</dd>
                </div>
                <div>
                    <dt class="text-xs text-slate-600">"Avg time"</dt>
                    <dd class="text-lg font-semibold tabular-nums">{field(|s| average_text(&s.metrics))}</dd>
                </div>
            </dl>
            <p class="mt-2 text-xs text-slate-600" data-testid="queue">
                {field(|s| format!("{} working · {} waiting", s.metrics.in_progress, s.metrics.pending))}
            </p>
        </li>
    }
}

/// The newest agent activity, each entry naming its agent.
#[component]
pub fn ActivityFeed(
    activity: Memo<Vec<AgentActivity>>,
    names: RwSignal<CommandCentre>,
) -> impl IntoView {
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="agent-activity-heading">
            <h2 id="agent-activity-heading" class="text-sm font-semibold text-slate-900">"Agent activity"</h2>
            <Show when=move || !activity.with(Vec::is_empty) fallback=|| view! { <p class="mt-2 text-sm text-slate-600">"Nothing yet."</p> }>
                <ol class="mt-2 space-y-2 text-sm" data-testid="agent-activity">
                    <For
                        each=move || activity.get()
                        key=|a: &AgentActivity| a.id
                        children=move |a: AgentActivity| {
                            let who = names.with_untracked(|v| v.name_of(a.agent_id).map(str::to_owned)).unwrap_or_else(|| "An agent".into());
                            view! {
                                <li class="flex gap-2" data-activity-kind=a.kind.as_str()>
                                    <time class="shrink-0 tabular-nums text-xs text-slate-600" datetime=a.created_at.to_rfc3339()>{clock(a.created_at)}</time>
                                    <span><span class="font-medium">{who}</span>": "{a.message.clone()}</span>
                                </li>
                            }
                        }
                    />
                </ol>
            </Show>
        </section>
    }
}
