//! `/clients/{id}`: a client's details, edited inline together (pending marks, conflicts
//! explained, others' edits appearing and highlighted), their trips, and the history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;

use super::delete::DeleteRecord;
use super::RecordHeading;
use crate::api::clients::{create_trip, load_client};
use crate::components::cursors::LiveCursors;
use crate::components::editing::format::dollars;
use crate::components::editing::{EditNotices, EditProblems, EditableField, HistoryPanel};
use crate::components::layout::{AppLayout, Notice};
use crate::edits::use_record_editor;
use crate::live::use_live;
use crate::model::clients::{ClientPage, NewTrip, Trip};
use crate::model::editing::CLIENT;
use crate::pages::agents::{error_text, id_param, record_or_notice, PRIMARY};
use crate::views::clients::ClientView;

#[component]
pub fn ClientDetailPage() -> impl IntoView {
    let id = id_param();
    let record = Resource::new(id, |id| async move {
        match id {
            Some(id) => load_client(id).await,
            None => Ok(None),
        }
    });
    view! {
        <AppLayout>
            <A href="/clients" attr:class="text-sm text-indigo-700 hover:underline">"← All clients"</A>
            <Suspense fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading client…"</p> }>
                {move || Suspend::new(async move {
                    record_or_notice(record.await, "client", |p| view! { <ClientDetail page=p /> })
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn ClientDetail(page: ClientPage) -> impl IntoView {
    let (id, cursor, can_edit) = (page.client.id, page.cursor, page.can_edit);
    let live = use_live(
        ClientView::new(page),
        cursor,
        |v: &mut ClientView, c| v.apply(c),
        move || async move {
            let p = load_client(id).await.ok()??;
            let cursor = p.cursor;
            Some((ClientView::new(p), cursor))
        },
    );
    let data = live.data;
    let record =
        Signal::derive(move || data.with(|v| serde_json::to_value(&v.client).unwrap_or_default()));
    let editor = use_record_editor(&CLIENT, id, record);
    let title =
        Signal::derive(move || editor.value("name").as_str().unwrap_or_default().to_owned());
    let subtitle =
        Signal::derive(move || data.with(|v| format!("Last changed by {}", v.client.updated_by)));
    let trips = Memo::new(move |_| data.with(|v| v.trips.clone()));
    let history = Signal::derive(move || data.with(|v| v.history.clone()));
    let deleted = move || data.with(|v| v.deleted);
    view! {
        <Title text=move || title.get() />
        <RecordHeading title subtitle live />
        <Show when=deleted>
            <Notice title="This client was deleted" body="Someone deleted this client; changes here can no longer be saved." />
        </Show>
        <LiveCursors room=format!("clients:{id}")>
            <EditProblems editor />
            <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
                <section class="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2" aria-label="Client details">
                    <div class="grid grid-cols-1 gap-2 sm:grid-cols-2">
                        {CLIENT.fields.iter().map(|field| view! { <EditableField editor field can_edit /> }).collect_view()}
                    </div>
                </section>
                <HistoryPanel what=&CLIENT entries=history />
            </div>
            <section class="mt-6" aria-labelledby="trips-heading">
                <h2 id="trips-heading" class="mb-2 text-lg font-semibold">"Trips"</h2>
                <Show when=move || can_edit>
                    <NewTripForm client=id />
                </Show>
                <Show when=move || !trips.with(Vec::is_empty) fallback=|| view! { <p class="text-sm text-slate-600">"No trips yet."</p> }>
                    <ul class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="trip-list">
                        <For each=move || trips.get() key=|t: &Trip| (t.id, t.version) let:trip>
                            {let (line, href, name) = (trip_line(&trip), format!("/trips/{}", trip.id), trip.title.clone());
                            view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-trip-id=trip.id.to_string() data-cursor-anchor=trip.id.to_string()>
                                <div>
                                    <A href=href attr:class="font-medium text-indigo-700 hover:underline">{name}</A>
                                    <p class="text-xs text-slate-600">{line}</p>
                                </div>
                                <span class="text-sm tabular-nums text-slate-700">{dollars(trip.budget_cents)}</span>
                            </li>
                            }}
                        </For>
                    </ul>
                </Show>
            </section>
            <Show when=move || can_edit && !deleted()>
                <DeleteRecord kind="client" id warning="Their trips go with them; the history stays." then="/clients".to_owned() />
            </Show>
        </LiveCursors>
        <EditNotices editor />
    }
}

/// "Lisbon, Portugal · 2027-05-01 – 2027-05-04 · Booked".
pub fn trip_line(t: &Trip) -> String {
    let dates = match (t.start_date, t.end_date) {
        (Some(s), Some(e)) => format!("{s} – {e}"),
        (Some(s), None) => format!("from {s}"),
        _ => "no dates yet".into(),
    };
    [t.destination.clone(), dates, t.status.label().to_owned()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
fn NewTripForm(client: uuid::Uuid) -> impl IntoView {
    let (title, destination) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewTrip {
            client_id: client,
            title: title.get_untracked(),
            destination: Some(destination.get_untracked()),
            start_date: None,
            end_date: None,
            status: None,
            budget_cents: None,
            notes: None,
        };
        busy.set(true);
        spawn_local(async move {
            let res = create_trip(new).await;
            busy.set(false);
            match res {
                Ok(_) => {
                    title.set(String::new());
                    destination.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <form class="mb-3 flex flex-wrap items-end gap-3" on:submit=submit aria-label="New trip">
            <label class="text-xs font-medium text-slate-600">
                "Title"
                <input required class="mt-1 block w-56 rounded-md border border-slate-300 px-2 py-1 text-sm"
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
            </label>
            <label class="text-xs font-medium text-slate-600">
                "Destination"
                <input class="mt-1 block w-56 rounded-md border border-slate-300 px-2 py-1 text-sm"
                    prop:value=move || destination.get() on:input=move |ev| destination.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class=PRIMARY disabled=move || busy.get()>"Add trip"</button>
            <Show when=move || error.get().is_some()>
                <p class="w-full text-sm text-red-800" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}
