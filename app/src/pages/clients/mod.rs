//! `/clients`: the organization's clients, searchable and live; organizers and admins add
//! clients here and edit them (and their trips) on their pages.

pub mod client_detail;
mod delete;
pub mod trip_detail;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::clients::{create_client, load_clients};
use crate::components::cursors::LiveCursors;
use crate::components::layout::{AppLayout, Notice};
use crate::live::{use_live, LiveView};
use crate::model::clients::{Client, ClientsPage, NewClient};
use crate::pages::agents::{error_text, PRIMARY};
use crate::views::clients::ClientsView;

#[component]
pub fn ClientsListPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_clients());
    view! {
        <Title text="Clients" />
        <AppLayout>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading clients…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <Clients page=p /> }.into_any(),
                        Err(e) => view! { <Notice title="Could not load clients" body=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

/// A record page's heading: its live title, who else is here, and the live toolbar.
#[component]
pub fn RecordHeading<T: Send + Sync + 'static>(
    title: Signal<String>,
    #[prop(into)] subtitle: Signal<String>,
    live: LiveView<T>,
) -> impl IntoView {
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight" data-testid="record-title">{move || title.get()}</h1>
                <p class="text-sm text-slate-600">{move || subtitle.get()}</p>
            </div>
            <div class="flex flex-wrap items-center gap-3">
                <crate::components::presence::PageAvatars />
                <crate::components::live_status::LiveToolbar
                    updated_at=live.updated_at
                    on_refresh=Callback::new(move |_| live.refresh())
                />
            </div>
        </div>
    }
}

#[component]
fn Clients(page: ClientsPage) -> impl IntoView {
    let (cursor, can_edit) = (page.cursor, page.can_edit);
    let live = use_live(
        ClientsView::new(page),
        cursor,
        |v: &mut ClientsView, c| v.apply(c),
        || async {
            let p = load_clients().await.ok()?;
            let cursor = p.cursor;
            Some((ClientsView::new(p), cursor))
        },
    );
    let data = live.data;
    let search = RwSignal::new(String::new());
    let shown = Memo::new(move |_| search.with(|s| data.with(|v| v.matching(s))));
    let total = Memo::new(move |_| data.with(|v| v.clients.len()));
    view! {
        <RecordHeading title=Signal::derive(|| "Clients".to_string()) subtitle="The people you organize trips for." live />
        <div class="mb-4 flex flex-wrap items-end gap-4">
            <label class="text-sm font-medium text-slate-700">
                "Search"
                <input type="search" class="mt-1 block w-72 rounded-md border border-slate-300 px-2 py-1 text-sm" placeholder="Name, company, email or tag"
                    data-testid="client-search" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
            </label>
            <p class="text-sm text-slate-600" aria-live="polite">{move || format!("{} of {} clients", shown.with(Vec::len), total.get())}</p>
        </div>
        <Show when=move || can_edit>
            <NewClientForm />
        </Show>
        <LiveCursors room="clients">
            <Show when=move || !shown.with(Vec::is_empty) fallback=|| view! { <Notice title="No clients" body="No client matches this search." /> }>
                <ul class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="client-list">
                    <For each=move || shown.get() key=|c: &Client| (c.id, c.version) let:client>
                        <ClientRow client data />
                    </For>
                </ul>
            </Show>
        </LiveCursors>
    }
}

#[component]
fn ClientRow(client: Client, data: RwSignal<ClientsView>) -> impl IntoView {
    let id = client.id;
    let trips = move || data.with(|v| v.trip_counts.get(&id).copied().unwrap_or(0));
    let detail = [client.company.clone(), client.email.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li class="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-client-id=id.to_string() data-cursor-anchor=id.to_string()>
            <div class="min-w-0">
                <A href=format!("/clients/{id}") attr:class="font-medium text-indigo-700 hover:underline">{client.name.clone()}</A>
                <p class="text-xs text-slate-600">{detail}</p>
            </div>
            <div class="flex flex-wrap items-center gap-2">
                {client.tags.iter().map(|t| view! { <span class="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{t.clone()}</span> }).collect_view()}
                <span class="text-xs tabular-nums text-slate-600" data-testid="trip-count">{move || match trips() { 1 => "1 trip".to_string(), n => format!("{n} trips") }}</span>
            </div>
        </li>
    }
}

#[component]
fn NewClientForm() -> impl IntoView {
    let (name, email, company) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = leptos_router::hooks::use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let optional =
            |s: RwSignal<String>| Some(s.get_untracked()).filter(|s| !s.trim().is_empty());
        let new = NewClient {
            name: name.get_untracked(),
            email: optional(email),
            company: optional(company),
            ..NewClient::default()
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let res = create_client(new).await;
            busy.set(false);
            match res {
                Ok(c) => navigate(&format!("/clients/{}", c.id), Default::default()),
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    let field = |label: &'static str,
                 value: RwSignal<String>,
                 kind: &'static str,
                 required: bool| {
        view! {
            <label class="text-xs font-medium text-slate-600">
                {label}
                <input type=kind required=required class="mt-1 block w-56 rounded-md border border-slate-300 px-2 py-1 text-sm"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <form class="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3" on:submit=submit aria-label="New client">
            {field("Name", name, "text", true)}
            {field("Email", email, "email", false)}
            {field("Company", company, "text", false)}
            <button type="submit" class=PRIMARY disabled=move || busy.get()>"Add client"</button>
            <Show when=move || error.get().is_some()>
                <p class="w-full text-sm text-red-800" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}
