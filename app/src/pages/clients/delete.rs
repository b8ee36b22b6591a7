//! Deleting a client or a trip: a button that asks first (inline, focus on "Cancel"), then
//! deletes on the server and leaves for the page above. Others on the page see the record's
//! "deleted" notice from the stream.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api::clients::delete_record;
use crate::pages::agents::error_text;

const DANGER: &str = "rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 focus-visible:ring-offset-2 disabled:opacity-60";
const QUIET: &str = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/// `kind` is `client` or `trip`; `warning` says what goes with it; `then` is where to go after.
#[component]
pub fn DeleteRecord(
    kind: &'static str,
    id: Uuid,
    warning: &'static str,
    then: String,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let cancel_ref = NodeRef::<html::Button>::new();
    let open_ref = NodeRef::<html::Button>::new();
    Effect::new(move |was: Option<bool>| {
        let now = asking.get();
        if now {
            if let Some(b) = cancel_ref.get() {
                let _ = b.focus();
            }
        } else if was == Some(true) {
            if let Some(b) = open_ref.get() {
                let _ = b.focus();
            }
        }
        now
    });
    let navigate = leptos_router::hooks::use_navigate();
    let confirm = move |_| {
        busy.set(true);
        error.set(None);
        let (navigate, then) = (navigate.clone(), then.clone());
        spawn_local(async move {
            match delete_record(kind.to_owned(), id).await {
                Ok(()) => navigate(&then, Default::default()),
                Err(e) => {
                    error.set(Some(error_text(&e)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <div class="mt-6 rounded-lg border border-red-200 bg-white p-4" data-testid="delete-record">
            <Show
                when=move || asking.get()
                fallback=move || view! {
                    <button type="button" class=QUIET node_ref=open_ref on:click=move |_| asking.set(true)>
                        {format!("Delete this {kind}…")}
                    </button>
                }
            >
                <div role="group" aria-label=format!("Delete this {kind}") class="flex flex-wrap items-center gap-3"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { asking.set(false) }>
                    <p class="text-sm text-slate-800">{format!("Delete this {kind}? {warning} This cannot be undone.")}</p>
                    <button type="button" class=DANGER disabled=move || busy.get() on:click=confirm.clone()>
                        {format!("Delete {kind}")}
                    </button>
                    <button type="button" class=QUIET node_ref=cancel_ref on:click=move |_| asking.set(false)>"Cancel"</button>
                </div>
            </Show>
            <Show when=move || error.with(Option::is_some)>
                <p role="alert" class="mt-2 text-sm text-red-800">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}
