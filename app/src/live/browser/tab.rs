//! This tab's part in the browser-wide realtime connection: one tab (elected with a Web Lock)
//! holds the stream and forwards every batch over a `BroadcastChannel`; every tab queues what
//! it receives and hands it to its live views in a task of their own (see [`pacing`]).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

use super::source::{self, Source};
use super::{followers, js};
use crate::cursor::Cursor;
use crate::live::pacing;
use crate::live::protocol::{Batch, Identity, TabMessage};
use crate::live::status::ConnState;
use crate::live::Realtime;

/// Names of the Web Lock the stream holder keeps and of the channel tabs talk on: one pair
/// per user and organization, so two accounts signed in one after the other in one browser
/// never share a stream or hear each other's changes.
fn scoped(name: &str, me: Identity) -> String {
    format!("{name}:{}:{}", me.organization_id, me.user_id)
}
const LOCK_NAME: &str = "switchboard-realtime-stream";
const CHANNEL_NAME: &str = "switchboard-realtime";
/// Changes a hidden tab may queue before it drops them and reloads its views instead.
const MAX_QUEUED_CHANGES: usize = 20_000;
/// How often the stream holder looks again for tabs queued behind it.
const FOLLOWERS_EVERY_SECS: u32 = 5;

pub(crate) type Handler = Rc<dyn Fn(&[Batch])>;
/// Called with an event without an id (its name and data).
pub(crate) type EphemeralHandler = Rc<dyn Fn(&str, &str)>;
/// Called in the stream-holding tab with the stream's connection id (`None` while down).
pub(crate) type ConnectionHandler = Rc<dyn Fn(Option<uuid::Uuid>)>;

pub(crate) struct Tab {
    pub signals: Realtime,
    pub identity: Identity,
    /// The session ended: this tab is on its way to the login page.
    ended: bool,
    channel: Option<BroadcastChannel>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    /// Where the batches this tab received end: a new stream holder resumes here.
    pub chain: Option<Cursor>,
    queue: Vec<Batch>,
    queued_changes: usize,
    flush_scheduled: bool,
    /// When the views last got changes (`Date.now()`, ms).
    last_flush_ms: f64,
    /// Set while this tab holds the stream.
    pub source: Option<Source>,
    /// The state last announced by the stream holder (followers show it).
    leader_state: ConnState,
}

/// Live views of this tab (registered even before the tab joins the connection).
#[derive(Default)]
struct Subscribers {
    list: Vec<(u64, Handler)>,
    next_id: u64,
}

thread_local! {
    /// The page is already navigating away (a form post such as "Log out", a full-page link).
    static UNLOADING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static TAB: RefCell<Option<Tab>> = const { RefCell::new(None) };
    static SUBSCRIBERS: RefCell<Subscribers> = RefCell::new(Subscribers::default());
    /// Called with each batch this tab emits while it holds the stream: once per browser.
    static HOLDER_HANDLERS: RefCell<Vec<Handler>> = const { RefCell::new(Vec::new()) };
    static EPHEMERAL_HANDLERS: RefCell<Vec<(u64, EphemeralHandler)>> = const { RefCell::new(Vec::new()) };
    static CONNECTION_HANDLERS: RefCell<Vec<ConnectionHandler>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn on_ephemeral(handler: EphemeralHandler) -> u64 {
    let id = SUBSCRIBERS.with(|s| {
        let mut s = s.borrow_mut();
        s.next_id += 1;
        s.next_id
    });
    EPHEMERAL_HANDLERS.with(|h| h.borrow_mut().push((id, handler)));
    id
}

pub(crate) fn off_ephemeral(id: u64) {
    EPHEMERAL_HANDLERS.with(|h| h.borrow_mut().retain(|(i, _)| *i != id));
}

/// Hand an event without an id to this tab's handlers.
pub(crate) fn ephemeral(event: &str, data: &str) {
    if with_tab(|t| t.ended) != Some(false) {
        return;
    }
    let handlers: Vec<EphemeralHandler> =
        EPHEMERAL_HANDLERS.with(|h| h.borrow().iter().map(|(_, h)| h.clone()).collect());
    for h in handlers {
        h(event, data);
    }
}

pub(crate) fn on_connection(handler: ConnectionHandler) {
    CONNECTION_HANDLERS.with(|h| h.borrow_mut().push(handler));
}

/// The stream this tab holds is live as `connection` (or went down).
pub(crate) fn holder_connection(connection: Option<uuid::Uuid>) {
    let handlers: Vec<ConnectionHandler> = CONNECTION_HANDLERS.with(|h| h.borrow().clone());
    for h in handlers {
        h(connection);
    }
}

/// Run `handler` with every batch this tab emits as the stream holder (whatever the page);
/// other tabs receive the same batches forwarded and never call it.
pub(crate) fn on_holder_batch(handler: Handler) {
    HOLDER_HANDLERS.with(|h| h.borrow_mut().push(handler));
}

pub(crate) fn holder_emitted(batch: &Batch) {
    let handlers: Vec<Handler> = HOLDER_HANDLERS.with(|h| h.borrow().clone());
    for h in handlers {
        h(std::slice::from_ref(batch));
    }
}

/// Run `f` on this tab's state (no-op before `start`).
pub(crate) fn with_tab<R>(f: impl FnOnce(&mut Tab) -> R) -> Option<R> {
    TAB.with(|t| t.borrow_mut().as_mut().map(f))
}

/// Join the browser-wide connection of `identity`'s tabs. Idempotent.
pub fn start(signals: Realtime, identity: Identity) {
    if TAB.with(|t| t.borrow().is_some()) {
        return;
    }
    let channel = BroadcastChannel::new(&scoped(CHANNEL_NAME, identity)).ok();
    let on_message = channel.as_ref().map(|ch| {
        let cb = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                if let Ok(msg) = serde_json::from_str::<TabMessage>(&text) {
                    on_message(msg);
                }
            }
        });
        ch.set_onmessage(Some(cb.as_ref().unchecked_ref()));
        cb
    });
    TAB.with(|t| {
        *t.borrow_mut() = Some(Tab {
            signals,
            identity,
            ended: false,
            channel,
            _on_message: on_message,
            chain: None,
            queue: Vec::new(),
            queued_changes: 0,
            flush_scheduled: false,
            last_flush_ms: 0.0,
            source: None,
            leader_state: ConnState::Connecting,
        })
    });
    set_role("waiting");
    if !js::hold_lock_forever(&scoped(LOCK_NAME, identity), source::lead) {
        // No Web Locks: this tab keeps a stream of its own.
        source::lead();
    }
    post(&TabMessage::Hello);
    watch_browser();
}

fn watch_browser() {
    let on_network = |_| {
        source::network_changed();
        refresh_state();
    };
    std::mem::forget(window_event_listener(leptos::ev::online, on_network));
    std::mem::forget(window_event_listener(leptos::ev::offline, on_network));
    std::mem::forget(window_event_listener(leptos::ev::beforeunload, |_| {
        UNLOADING.with(|u| u.set(true))
    }));
    std::mem::forget(window_event_listener(leptos::ev::pageshow, |_| {
        UNLOADING.with(|u| u.set(false))
    }));
    let on_visibility = Closure::<dyn FnMut()>::new(|| {
        if js::visible() {
            source::became_visible();
            flush();
        }
    });
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_onvisibilitychange(Some(on_visibility.as_ref().unchecked_ref()));
    }
    on_visibility.forget();
    let seconds = std::cell::Cell::new(0u32);
    let _ = set_interval_with_handle(
        move || {
            with_tab(|t| t.signals.now.set(chrono::Utc::now().timestamp_millis()));
            source::tick();
            seconds.set(seconds.get().wrapping_add(1));
            if seconds.get().is_multiple_of(FOLLOWERS_EVERY_SECS) {
                refresh_followers();
            }
        },
        Duration::from_secs(1),
    );
}

pub(crate) fn set_role(role: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-realtime-role", role);
    }
}

fn on_message(msg: TabMessage) {
    match msg {
        TabMessage::Batch(batch) => receive(batch),
        TabMessage::State { state } => {
            with_tab(|t| t.leader_state = state);
            refresh_state();
        }
        TabMessage::Hello => {
            followers::heard_hello();
            source::announce();
        }
        TabMessage::SessionEnded => leave(),
        TabMessage::Ephemeral { event, data } => ephemeral(&event, &data),
    }
}

/// This tab's session ended (signed out, revoked, expired, or the browser now holds another
/// account's session): stop the stream, tell the other tabs, and go to the login page.
pub(crate) fn end_session() {
    post(&TabMessage::SessionEnded);
    leave();
}

fn leave() {
    let first = with_tab(|t| {
        t.source = None;
        t.queue.clear();
        !std::mem::replace(&mut t.ended, true)
    });
    // A page already on its way elsewhere (this tab's own "Log out") goes where it was going.
    if first == Some(true) && !UNLOADING.with(|u| u.get()) {
        js::go_to_login();
    }
}

/// Forward a batch this tab emits as the stream holder to the other tabs, if any listen.
pub(crate) fn post_batch(batch: &Batch) {
    if followers::any() {
        post(&TabMessage::Batch(batch.clone()));
    }
}

/// Look again for tabs queued behind this one for the stream (see `followers`).
pub(crate) fn refresh_followers() {
    if let Some(lock) =
        with_tab(|t| t.source.is_some().then(|| scoped(LOCK_NAME, t.identity))).flatten()
    {
        followers::refresh(lock);
    }
}

/// Tell the other tabs something.
pub(crate) fn post(msg: &TabMessage) {
    with_tab(|t| {
        if let (Some(ch), Ok(text)) = (&t.channel, serde_json::to_string(msg)) {
            let _ = ch.post_message(&JsValue::from_str(&text));
        }
    });
}

/// The pill: the stream holder's own health, or what it last announced; offline wins.
pub(crate) fn refresh_state() {
    with_tab(|t| {
        let state = match &t.source {
            Some(s) => s.health.state(),
            None if !js::online() => ConnState::Offline,
            None => t.leader_state,
        };
        if t.signals.state.get_untracked() != state {
            t.signals.state.set(state);
        }
    });
}

/// A batch for this tab's views (from its own stream, or forwarded by the holder). Batches
/// of another organization than the tab's are dropped.
pub(crate) fn receive(batch: Batch) {
    let schedule = with_tab(|t| {
        if t.ended || batch.org != t.identity.organization_id {
            return None;
        }
        t.chain = Some(t.chain.map_or(batch.to, |c| c.max(batch.to)));
        t.queued_changes += batch.changes.len();
        match t.queue.last_mut() {
            Some(last) if !last.reset && !batch.reset && batch.from == Some(last.to) => {
                last.changes.extend(batch.changes);
                last.to = batch.to;
            }
            _ => t.queue.push(batch),
        }
        if t.queued_changes > MAX_QUEUED_CHANGES {
            // Too much to replay change by change: views reload their data instead.
            let to = t.chain.unwrap_or_default();
            t.queue = vec![Batch {
                org: t.identity.organization_id,
                from: None,
                to,
                changes: Vec::new(),
                reset: true,
            }];
            t.queued_changes = 0;
        }
        let wait = pacing::flush_wait_ms(t.last_flush_ms, js_sys::Date::now());
        (!std::mem::replace(&mut t.flush_scheduled, true)).then_some(wait)
    });
    if let Some(Some(wait_ms)) = schedule {
        set_timeout(flush, Duration::from_millis(wait_ms as u64));
    }
}

/// Hand everything queued to the views, in order.
pub(crate) fn flush() {
    let Some(batches) = with_tab(|t| {
        t.flush_scheduled = false;
        t.last_flush_ms = js_sys::Date::now();
        t.queued_changes = 0;
        std::mem::take(&mut t.queue)
    }) else {
        return;
    };
    if batches.is_empty() {
        return;
    }
    let handlers: Vec<Handler> =
        SUBSCRIBERS.with(|s| s.borrow().list.iter().map(|(_, h)| h.clone()).collect());
    for h in handlers {
        h(&batches);
    }
}

pub(crate) fn subscribe(handler: Handler) -> u64 {
    SUBSCRIBERS.with(|s| {
        let mut s = s.borrow_mut();
        s.next_id += 1;
        let id = s.next_id;
        s.list.push((id, handler));
        id
    })
}

pub(crate) fn unsubscribe(id: u64) {
    SUBSCRIBERS.with(|s| s.borrow_mut().list.retain(|(i, _)| *i != id));
}
