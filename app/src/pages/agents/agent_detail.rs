//! `/agents/{id}`: one agent — its card, its recent tasks and its activity, live.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use uuid::Uuid;

use super::command_centre::{ActivityFeed, AgentCard};
use super::PageHeading;
use crate::api::agents::load_agent_detail;
use crate::components::agent_badges::TaskStatusBadge;
use crate::components::format::date_time;
use crate::components::layout::AppLayout;
use crate::live::use_live;
use crate::model::agents::{AgentDetail, AgentTask};
use crate::views::agents::command_centre::CommandCentre;

#[component]
pub fn AgentDetailPage() -> impl IntoView {
    let id = super::id_param();
    let record = Resource::new(id, |id| async move {
        match id {
            Some(id) => load_agent_detail(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <AppLayout>
            <A href="/agents" attr:class="text-sm text-indigo-700 hover:underline">"← All agents"</A>
            <Suspense fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading agent…"</p> }>
                {move || Suspend::new(async move {
                    super::record_or_notice(record.await, "agent", |r| view! { <Detail detail=r /> })
                })}
            </Suspense>
        </AppLayout>
    }
}

fn centre(d: AgentDetail) -> (CommandCentre, Vec<crate::model::agents::ContactRef>) {
    let id = d.agent.agent.id;
    (
        CommandCentre {
            agents: vec![d.agent],
            activity: d.activity,
            tasks: d.tasks,
            only: Some(id),
        },
        d.contacts,
    )
}

#[component]
fn Detail(detail: AgentDetail) -> impl IntoView {
    let (id, cursor) = (detail.agent.agent.id, detail.cursor);
    let name = detail.agent.agent.name.clone();
    let (view, contacts) = centre(detail);
    let contacts: std::collections::HashMap<Uuid, String> =
        contacts.into_iter().map(|c| (c.id, c.name)).collect();
    let live = use_live(
        view,
        cursor,
        |v: &mut CommandCentre, c| v.apply(c),
        move || async move {
            let d = load_agent_detail(id).await.ok()?;
            let cursor = d.cursor;
            Some((centre(d).0, cursor))
        },
    );
    let data = live.data;
    let tasks = Memo::new(move |_| data.with(|v| v.tasks.clone()));
    let activity = Memo::new(move |_| data.with(|v| v.activity.clone()));
    view! {
        <Title text=name.clone() />
        <div class="mt-3">
            <PageHeading title=name.clone() subtitle="Status, today's figures, tasks and activity, live." live />
        </div>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="space-y-4 lg:col-span-2">
                <ul><AgentCard id data /></ul>
                <section aria-labelledby="agent-tasks-heading">
                    <h2 id="agent-tasks-heading" class="mb-2 text-base font-semibold">"Recent tasks"</h2>
                    <ul class="space-y-2" data-testid="agent-tasks">
                        <For
                            each=move || tasks.get()
                            key=|t: &AgentTask| (t.id, t.updated_at)
                            children=move |t: AgentTask| {
                                let who = contacts.get(&t.contact_id).cloned().unwrap_or_else(|| "a contact".into());
                                view! {
                                    <li class="flex flex-wrap items-center justify-between gap-2 rounded-md border border-slate-200 bg-white p-3 text-sm" data-task-id=t.id.to_string()>
                                        <span>
                                            <A href=format!("/contacts/{}", t.contact_id) attr:class="font-medium text-indigo-700 hover:underline">{who}</A>
                                            <span class="text-slate-600">{format!(" · {} · {}", t.kind.label(), date_time(t.created_at))}</span>
                                        </span>
                                        <TaskStatusBadge status=t.status />
                                    </li>
                                }
                            }
                        />
                    </ul>
                </section>
            </div>
            <ActivityFeed activity names=data />
        </div>
    }
}
