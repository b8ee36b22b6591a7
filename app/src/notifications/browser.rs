//! Showing notifications with the Web Notifications API, from the tab that holds the stream.
//! The user's choice is kept per user in `localStorage`; tags already shown are remembered
//! there for ten minutes, so a tab that takes the stream over never repeats one.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen::prelude::*;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use super::{compose, event, group, Event};
use crate::live::Batch;

/// Events arriving within this window make one notification per kind.
const BURST: Duration = Duration::from_millis(800);
/// Changes committed longer ago than this are old news (a resumed stream catching up).
const FRESH_SECS: i64 = 300;
const SHOWN_KEY: &str = "switchboard-notified";
const SHOWN_FOR_MS: f64 = 600_000.0;

thread_local! {
    static USER: RefCell<Option<Uuid>> = const { RefCell::new(None) };
    static PENDING: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
}

fn pref_key(user: Uuid) -> String {
    format!("switchboard-notifications:{user}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether this browser can show notifications at all.
pub fn supported() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::has(&w, &"Notification".into()).ok())
        .unwrap_or(false)
}

pub fn permission() -> NotificationPermission {
    if supported() {
        Notification::permission()
    } else {
        NotificationPermission::Denied
    }
}

/// The user turned notifications on in this browser (and the browser allows them).
pub fn enabled(user: Uuid) -> bool {
    permission() == NotificationPermission::Granted
        && storage()
            .and_then(|s| s.get_item(&pref_key(user)).ok().flatten())
            .as_deref()
            == Some("on")
}

pub fn set_enabled(user: Uuid, on: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(&pref_key(user), if on { "on" } else { "off" });
    }
}

/// Ask the browser for permission (from a click); `true` when granted.
pub async fn request() -> bool {
    let Ok(promise) = Notification::request_permission() else {
        return false;
    };
    matches!(
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .as_deref(),
        Some("granted")
    )
}

/// Watch this tab's stream batches for `user` (once per tab).
pub fn start(user: Uuid) {
    let first = USER.with(|u| u.borrow_mut().replace(user).is_none());
    if first {
        crate::live::on_browser_batches(on_batches);
    }
}

fn on_batches(batches: &[Batch]) {
    let Some(user) = USER.with(|u| *u.borrow()) else {
        return;
    };
    let now = chrono::Utc::now();
    let fresh: Vec<Event> = batches
        .iter()
        .flat_map(|b| b.changes.iter())
        .filter(|c| (now - c.commit_timestamp).num_seconds() < FRESH_SECS)
        .filter_map(event)
        .collect();
    // Most batches are calls and campaigns: the preference (a storage read) is looked up only
    // when there is something to say.
    if fresh.is_empty() || !enabled(user) {
        return;
    }
    let schedule = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        let was_empty = p.is_empty();
        p.extend(fresh);
        was_empty
    });
    if schedule {
        set_timeout(flush, BURST);
    }
}

fn flush() {
    let events = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    let groups = group(events);
    if groups.is_empty() {
        return;
    }
    spawn_local(async move {
        let ids = crate::model::agents::unique_ids(
            groups
                .iter()
                .filter(|(_, e)| e.len() == 1)
                .map(|(_, e)| e[0].contact),
        );
        let names: HashMap<Uuid, String> = if ids.is_empty() {
            HashMap::new()
        } else {
            crate::api::agents::contact_refs(ids)
                .await
                .map(|r| r.into_iter().map(|c| (c.id, c.name)).collect())
                .unwrap_or_default()
        };
        for (kind, events) in groups {
            let note = compose(kind, &events, &names);
            if remember(&note.tag) {
                show(&note);
            }
        }
    });
}

/// Record `tag` as shown; `false` if it already was (recently).
fn remember(tag: &str) -> bool {
    let Some(s) = storage() else {
        return true;
    };
    let now = js_sys::Date::now();
    let mut shown: Vec<(String, f64)> = s
        .get_item(SHOWN_KEY)
        .ok()
        .flatten()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    shown.retain(|(_, at)| now - at < SHOWN_FOR_MS);
    if shown.iter().any(|(t, _)| t == tag) {
        return false;
    }
    shown.push((tag.to_owned(), now));
    if shown.len() > 200 {
        shown.drain(..shown.len() - 200);
    }
    if let Ok(text) = serde_json::to_string(&shown) {
        let _ = s.set_item(SHOWN_KEY, &text);
    }
    true
}

fn show(note: &super::Note) {
    let opts = NotificationOptions::new();
    opts.set_body(&note.body);
    opts.set_tag(&note.tag);
    opts.set_icon("/favicon.svg");
    let Ok(n) = Notification::new_with_options(&note.title, &opts) else {
        return;
    };
    let url = note.url.clone();
    let target = n.clone();
    let on_click = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.focus();
            let _ = w.location().assign(&url);
        }
        target.close();
    });
    n.set_onclick(Some(on_click.unchecked_ref()));
}
