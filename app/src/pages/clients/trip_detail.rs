//! `/trips/{id}`: a trip, edited inline together (pending marks, conflicts explained, others'
//! edits appearing and highlighted), and its history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::delete::DeleteRecord;
use super::RecordHeading;
use crate::api::clients::load_trip;
use crate::components::cursors::LiveCursors;
use crate::components::editing::{EditNotices, EditProblems, EditableField, HistoryPanel};
use crate::components::layout::{AppLayout, Notice};
use crate::edits::use_record_editor;
use crate::live::use_live;
use crate::model::clients::TripPage;
use crate::model::editing::TRIP;
use crate::pages::agents::{id_param, record_or_notice};
use crate::views::clients::TripView;

#[component]
pub fn TripDetailPage() -> impl IntoView {
    let id = id_param();
    let record = Resource::new(id, |id| async move {
        match id {
            Some(id) => load_trip(id).await,
            None => Ok(None),
        }
    });
    view! {
        <AppLayout>
            <Suspense fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading trip…"</p> }>
                {move || Suspend::new(async move {
                    record_or_notice(record.await, "trip", |p| view! { <TripDetail page=p /> })
                })}
            </Suspense>
        </AppLayout>
    }
}

#[component]
fn TripDetail(page: TripPage) -> impl IntoView {
    let (id, cursor, can_edit) = (page.trip.id, page.cursor, page.can_edit);
    let client_id = page.client.id;
    let live = use_live(
        TripView::new(page),
        cursor,
        |v: &mut TripView, c| v.apply(c),
        move || async move {
            let p = load_trip(id).await.ok()??;
            let cursor = p.cursor;
            Some((TripView::new(p), cursor))
        },
    );
    let data = live.data;
    let record =
        Signal::derive(move || data.with(|v| serde_json::to_value(&v.trip).unwrap_or_default()));
    let editor = use_record_editor(&TRIP, id, record);
    let title = Signal::derive(move || {
        editor
            .value("title")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    });
    let subtitle = Signal::derive(move || {
        data.with(|v| {
            format!(
                "For {} · last changed by {}",
                v.client.name, v.trip.updated_by
            )
        })
    });
    let history = Signal::derive(move || data.with(|v| v.history.clone()));
    let client_name = move || data.with(|v| v.client.name.clone());
    view! {
        <Title text=move || title.get() />
        <A href=format!("/clients/{client_id}") attr:class="text-sm text-indigo-700 hover:underline">{move || format!("← {}", client_name())}</A>
        <RecordHeading title subtitle live />
        <Show when=move || data.with(|v| v.deleted)>
            <Notice title="This trip was deleted" body="Someone deleted this trip; changes here can no longer be saved." />
        </Show>
        <LiveCursors room=format!("trips:{id}")>
            <EditProblems editor />
            <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
                <section class="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2" aria-label="Trip details">
                    <div class="grid grid-cols-1 gap-2 sm:grid-cols-2">
                        {TRIP.fields.iter().map(|field| view! { <EditableField editor field can_edit /> }).collect_view()}
                    </div>
                </section>
                <HistoryPanel what=&TRIP entries=history />
            </div>
            <Show when=move || can_edit && !data.with(|v| v.deleted)>
                <DeleteRecord kind="trip" id warning="Its history stays." then=format!("/clients/{client_id}") />
            </Show>
        </LiveCursors>
        <EditNotices editor />
    }
}
