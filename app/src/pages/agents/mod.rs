//! The agent pages: contacts and a contact's panel, the command centre and an agent's page,
//! approvals, follow-ups. Shared pieces live here.

pub mod agent_detail;
pub mod approvals;
pub mod command_centre;
pub mod contact_detail;
pub mod contacts;
mod draft_card;
pub mod follow_ups;

use std::collections::HashMap;

use leptos::prelude::*;
use uuid::Uuid;

use crate::live::LiveView;
use crate::model::agents::ContactRef;

/// Name the contacts `unknown` reports (rows that arrived live about contacts the page did
/// not load) by asking the server once for each batch of them.
pub fn name_unknown_contacts<T: Send + Sync + 'static>(
    live: LiveView<T>,
    unknown: impl Fn(&T) -> Vec<Uuid> + Send + Sync + 'static,
    add: impl Fn(&mut T, Vec<ContactRef>) + Copy + Send + Sync + 'static,
) {
    let asked = StoredValue::new(std::collections::HashSet::<Uuid>::new());
    Effect::new(move |_| {
        let ids: Vec<Uuid> = live.data.with(|v| unknown(v));
        let ids: Vec<Uuid> =
            asked.with_value(|a| ids.into_iter().filter(|i| !a.contains(i)).collect());
        if ids.is_empty() {
            return;
        }
        asked.update_value(|a| a.extend(ids.iter().copied()));
        leptos::task::spawn_local(async move {
            if let Ok(found) = crate::api::agents::contact_refs(ids).await {
                let _ = live.data.try_update(|v| add(v, found));
            }
        });
    });
}

/// Add named contacts to a view's map.
pub fn add_contacts(map: &mut HashMap<Uuid, ContactRef>, found: Vec<ContactRef>) {
    map.extend(found.into_iter().map(|c| (c.id, c)));
}

/// "Ava Adams" for a contact id, or a neutral stand-in while its name is being fetched.
pub fn contact_name(map: &HashMap<Uuid, ContactRef>, id: Uuid) -> String {
    map.get(&id)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "a contact".into())
}

/// The heading row of an agent page: title, a line of explanation, and the live toolbar.
#[component]
pub fn PageHeading<T: Send + Sync + 'static>(
    #[prop(into)] title: String,
    #[prop(into)] subtitle: String,
    live: LiveView<T>,
    /// `data-testid` of the heading.
    #[prop(optional)]
    testid: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight" data-testid=testid>{title}</h1>
                <p class="text-sm text-slate-600">{subtitle}</p>
                {children.map(|c| c())}
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

/// Button styles shared by the agent pages.
pub const BUTTON: &str = "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";
pub const PRIMARY: &str = "rounded-md bg-indigo-600 px-2.5 py-1 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-1 disabled:opacity-50";
pub const DANGER: &str = "rounded-md border border-red-300 bg-white px-2.5 py-1 text-sm font-medium text-red-800 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 disabled:opacity-50";

/// Run a control's server call: `busy` while it runs, its error (as a sentence) in `error`,
/// `done` with the answer. Signals of a control that went away meanwhile are left alone.
pub fn run_action<T: 'static>(
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    call: impl std::future::Future<Output = Result<T, ServerFnError>> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    busy.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        let res = call.await;
        let _ = busy.try_set(false);
        match res {
            Ok(answer) => done(answer),
            Err(e) => {
                let _ = error.try_set(Some(error_text(&e)));
            }
        }
    });
}

/// The `:id` of the page's address, when it is a UUID.
pub fn id_param() -> impl Fn() -> Option<Uuid> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    }
}

/// How a page about one record (named by its address) came out, as its body: the record
/// rendered, or a notice that it does not exist or could not be loaded.
pub fn record_or_notice<T, V: IntoView + 'static>(
    loaded: Result<Option<T>, ServerFnError>,
    what: &'static str,
    render: impl FnOnce(T) -> V,
) -> AnyView {
    use crate::components::layout::Notice;
    use leptos_meta::Title;
    match loaded {
        Ok(Some(record)) => render(record).into_any(),
        Ok(None) => view! {
            <Title text="Not found" />
            <div class="mt-4">
                <Notice title=format!("{} not found", capitalized(what)) body=format!("This address does not name {}.", article(what)) />
            </div>
        }
        .into_any(),
        Err(e) => view! {
            <Title text=capitalized(what) />
            <div class="mt-4"><Notice title=format!("Could not load this {what}") body=e.to_string() /></div>
        }
        .into_any(),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn article(what: &str) -> String {
    let an = what.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {what}", if an { "an" } else { "a" })
}

/// A server function's error as a sentence for people.
pub fn error_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(m) => m.clone(),
        other => other.to_string(),
    }
}
