//! `/contacts/{id}`: a contact's panel — its tasks, drafts and follow-ups, live — and "Assign
//! task", which shows the task at once and then its progress as the agent works.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use uuid::Uuid;

use super::draft_card::DraftCard;
use super::{error_text, PageHeading, PRIMARY};
use crate::api::agents::{assign_task, load_contact_panel};
use crate::components::agent_badges::{FollowUpStatusBadge, TaskStatusBadge};
use crate::components::format::date_time;
use crate::components::layout::AppLayout;
use crate::live::use_live;
use crate::model::agents::{AgentTask, ContactPanel, Draft, FollowUp, TaskKind, TaskStatus};
use crate::views::agents::contact_panel::ContactPanelView;

#[component]
pub fn ContactDetailPage() -> impl IntoView {
    let id = super::id_param();
    let record = Resource::new(id, |id| async move {
        match id {
            Some(id) => load_contact_panel(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <AppLayout>
            <A href="/contacts" attr:class="text-sm text-indigo-700 hover:underline">"← All contacts"</A>
            <Suspense fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading contact…"</p> }>
                {move || Suspend::new(async move {
                    super::record_or_notice(record.await, "contact", |r| view! { <Panel panel=r /> })
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn Panel(panel: ContactPanel) -> impl IntoView {
    let (id, cursor, can_act) = (panel.contact.id, panel.cursor, panel.can_act);
    let name = panel.contact.name.clone();
    let subtitle = format!("{} · {}", panel.contact.phone, panel.contact.campaign_name);
    let live = use_live(
        ContactPanelView::new(panel),
        cursor,
        |v: &mut ContactPanelView, c| v.apply(c),
        move || async move {
            let p = load_contact_panel(id).await.ok()?;
            let cursor = p.cursor;
            Some((ContactPanelView::new(p), cursor))
        },
    );
    let data = live.data;
    let tasks = Memo::new(move |_| data.with(|v| v.panel.tasks.clone()));
    let drafts = Memo::new(move |_| data.with(|v| v.panel.drafts.clone()));
    let follow_ups = Memo::new(move |_| data.with(|v| v.panel.follow_ups.clone()));
    let agent_name = move |agent: Uuid| data.with_untracked(|v| v.agent_name(agent));
    let contact_name = StoredValue::new(name.clone());
    view! {
        <Title text=name.clone() />
        <div class="mt-3">
            <PageHeading title=name.clone() subtitle live testid="contact-name" />
        </div>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <section class="lg:col-span-1 space-y-3" aria-labelledby="tasks-heading">
                <h2 id="tasks-heading" class="text-base font-semibold">"Agent tasks"</h2>
                <Show when=move || can_act>
                    <AssignForm contact=id data />
                </Show>
                <ul class="space-y-2" data-testid="task-list">
                    <For
                        each=move || tasks.get()
                        key=|t: &AgentTask| (t.id, t.updated_at)
                        children=move |t: AgentTask| {
                            let optimistic = data.with_untracked(|v| v.is_optimistic(t.id));
                            view! {
                                <li class="task-row rounded-md border border-slate-200 bg-white p-3 text-sm" data-task-id=t.id.to_string() data-optimistic=optimistic.to_string()>
                                    <div class="flex flex-wrap items-center justify-between gap-2">
                                        <span class="font-medium text-slate-900">{t.kind.label()}</span>
                                        <TaskStatusBadge status=t.status />
                                    </div>
                                    <p class="mt-0.5 text-xs text-slate-600">
                                        {format!("{} · {}", agent_name(t.agent_id), date_time(t.created_at))}
                                        {optimistic.then_some(" · assigning…")}
                                    </p>
                                    {t.error.clone().map(|e| view! { <p class="mt-1 text-sm text-red-800">{e}</p> })}
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
            <section class="lg:col-span-1 space-y-3" aria-labelledby="drafts-heading">
                <h2 id="drafts-heading" class="text-base font-semibold">"Drafts"</h2>
                <Show when=move || !drafts.with(Vec::is_empty) fallback=|| view! { <p class="text-sm text-slate-600">"No drafts yet."</p> }>
                    <ul class="space-y-2" data-testid="draft-list">
                        <For
                            each=move || drafts.get()
                            key=|d: &Draft| (d.id, d.updated_at)
                            children=move |d: Draft| {
                                let agent = agent_name(d.agent_id);
                                view! {
                                    <DraftCard
                                        draft=d
                                        contact=Signal::derive(move || contact_name.get_value())
                                        agent
                                        can_act
                                        on_decided=Callback::new(move |d: Draft| data.update(|v| { crate::views::agents::upsert(&mut v.panel.drafts, d); }))
                                    />
                                }
                            }
                        />
                    </ul>
                </Show>
            </section>
            <section class="lg:col-span-1 space-y-3" aria-labelledby="follow-ups-heading">
                <h2 id="follow-ups-heading" class="text-base font-semibold">"Follow-ups"</h2>
                <Show when=move || !follow_ups.with(Vec::is_empty) fallback=|| view! { <p class="text-sm text-slate-600">"No follow-ups."</p> }>
                    <ul class="space-y-2" data-testid="follow-up-list">
                        <For
                            each=move || follow_ups.get()
                            key=|f: &FollowUp| (f.id, f.updated_at)
                            children=move |f: FollowUp| view! {
                                <li class="rounded-md border border-slate-200 bg-white p-3 text-sm" data-follow-up-id=f.id.to_string()>
                                    <div class="flex items-center justify-between gap-2">
                                        <span class="text-slate-900">{date_time(f.scheduled_for)}</span>
                                        <FollowUpStatusBadge status=f.status />
                                    </div>
                                    {f.result.clone().map(|r| view! { <p class="mt-1 text-xs text-slate-600">{r}</p> })}
                                </li>
                            }
                        />
                    </ul>
                </Show>
            </section>
        </div>
    }
}

/// Agent and kind, then "Assign task": the task shows at once, marked as being assigned.
#[component]
fn AssignForm(contact: Uuid, data: RwSignal<ContactPanelView>) -> impl IntoView {
    let agents = data.with_untracked(|v| v.panel.agents.clone());
    let agent = RwSignal::new(agents.first().map(|a| a.id.to_string()).unwrap_or_default());
    let kind = RwSignal::new(TaskKind::DraftEmail.as_str().to_string());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(agent_id), Some(kind)) = (
            Uuid::parse_str(&agent.get_untracked()),
            TaskKind::parse(&kind.get_untracked()),
        ) else {
            error.set(Some("Choose an agent and what it should do.".into()));
            return;
        };
        error.set(None);
        let now = chrono::Utc::now();
        let placeholder = AgentTask {
            id: Uuid::new_v4(),
            contact_id: contact,
            agent_id,
            kind,
            status: TaskStatus::Pending,
            error: None,
            assigned_by: None,
            draft_id: None,
            started_at: None,
            completed_at: None,
            created_at: now,
            updated_at: now,
        };
        let temp = placeholder.id;
        data.update(|v| v.assign_optimistically(placeholder));
        spawn_local(async move {
            match assign_task(contact, agent_id, kind).await {
                Ok(task) => {
                    let _ = data.try_update(|v| v.confirm(temp, Some(task)));
                }
                Err(e) => {
                    let _ = data.try_update(|v| v.confirm(temp, None));
                    let _ = error.try_set(Some(error_text(&e)));
                }
            }
        });
    };
    view! {
        <form class="space-y-2 rounded-md border border-slate-200 bg-white p-3" on:submit=submit data-testid="assign-form">
            <label class="block text-xs font-medium text-slate-700">
                "Agent"
                <select
                    class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                    prop:value=move || agent.get()
                    on:change=move |ev| agent.set(event_target_value(&ev))
                >
                    {agents.into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name}</option> }).collect_view()}
                </select>
            </label>
            <label class="block text-xs font-medium text-slate-700">
                "Task"
                <select
                    class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                    prop:value=move || kind.get()
                    on:change=move |ev| kind.set(event_target_value(&ev))
                >
                    {TaskKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit" class=PRIMARY>"Assign task"</button>
            <Show when=move || error.get().is_some()>
                <p class="text-sm text-red-800" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}
