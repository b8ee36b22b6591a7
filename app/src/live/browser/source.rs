//! The stream, held by one tab per browser: an `EventSource` resumed from the last cursor with
//! exponential backoff, a staleness watchdog, and the polling fallback while the stream is down.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use web_sys::{EventSource, MessageEvent};

use super::js;
use super::tab::{self, with_tab};
use crate::cursor::Cursor;
use crate::live::backoff;
use crate::live::protocol::{subscription_query, Batch, Change, ChangesPage, Identity, TabMessage};
use crate::live::status::{Health, FAILURES_BEFORE_POLLING};

/// No event and no heartbeat for this long: the stream is dead even if it looks open.
const STALE_AFTER_MS: i64 = 30_000;
/// Poll interval while the stream is down.
const POLL_EVERY_MS: i64 = 10_000;
/// Page size of a poll.
const POLL_LIMIT: usize = 500;
/// Events without an id the stream may send: passed to every tab as they are.
const EPHEMERAL_EVENTS: [&str; 3] = ["presence", "presence_diff", "broadcast"];

struct Stream {
    es: EventSource,
    _handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.es.close();
    }
}

pub(crate) struct Source {
    stream: Option<Stream>,
    /// The organization the open stream said it belongs to (`welcome`); its changes are
    /// tagged with it.
    stream_org: Option<uuid::Uuid>,
    pub health: Health,
    attempt: u32,
    last_activity: i64,
    last_poll: i64,
    polling: bool,
    /// Bumped whenever a reconnect is scheduled or made, so stale timers do nothing.
    generation: u64,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// This tab now holds the stream.
pub(crate) fn lead() {
    with_tab(|t| {
        t.source = Some(Source {
            stream: None,
            stream_org: None,
            health: Health {
                offline: !js::online(),
                ..Health::default()
            },
            attempt: 0,
            last_activity: now(),
            last_poll: 0,
            polling: false,
            generation: 0,
        })
    });
    tab::set_role("leader");
    tab::refresh_followers();
    connect();
}

fn with_source<R>(f: impl FnOnce(&mut Source, &mut Option<Cursor>) -> R) -> Option<R> {
    with_tab(|t| {
        let chain = &mut t.chain;
        t.source.as_mut().map(|s| f(s, chain))
    })
    .flatten()
}

fn changed() {
    tab::refresh_state();
    announce();
}

/// Tell the other tabs how the stream is doing.
pub(crate) fn announce() {
    if let Some(state) = with_source(|s, _| s.health.state()) {
        tab::post(&TabMessage::State { state });
    }
}

fn connect() {
    let Some(url) = with_source(|s, chain| {
        s.generation += 1;
        s.stream = None;
        s.stream_org = None;
        let after = chain.map(|c| format!("&after={c}")).unwrap_or_default();
        format!("/api/realtime/stream?{}{after}", subscription_query())
    }) else {
        return;
    };
    let Ok(es) = EventSource::new(&url) else {
        failed();
        return;
    };
    let mut handlers = Vec::new();
    let mut on = |name: &str, f: fn(&str)| {
        let cb = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            with_source(|s, _| s.last_activity = now());
            f(&ev.data().as_string().unwrap_or_default());
        });
        let _ = es.add_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        handlers.push(cb);
    };
    on("welcome", on_welcome);
    on("ready", on_ready);
    on("change", on_change);
    on("reset", on_reset);
    on("heartbeat", |_| {});
    on("session_ended", |_| tab::end_session());
    for event in EPHEMERAL_EVENTS {
        let cb = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            with_source(|s, _| s.last_activity = now());
            let data = ev.data().as_string().unwrap_or_default();
            tab::post(&TabMessage::Ephemeral {
                event: event.to_owned(),
                data: data.clone(),
            });
            tab::ephemeral(event, &data);
        });
        let _ = es.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
        handlers.push(cb);
    }
    let closed = es.clone();
    let on_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
        // CLOSED: the server answered with an error (401 once the session is gone), rather
        // than the network failing; find out whether this tab is still signed in.
        if closed.ready_state() == EventSource::CLOSED {
            check_session();
        }
        failed();
    });
    es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    handlers.push(on_error);
    with_source(|s, _| {
        s.stream = Some(Stream {
            es,
            _handlers: handlers,
        })
    });
    changed();
}

#[derive(serde::Deserialize)]
struct Control {
    cursor: Cursor,
    /// On `ready`: the stream's id for presence reports.
    #[serde(default)]
    connection: Option<uuid::Uuid>,
}

/// Is this tab's account still the one signed in? If not, the session ended.
fn check_session() {
    let Some(me) = with_tab(|t| t.identity) else {
        return;
    };
    spawn_local(async move {
        match js::get_json::<crate::model::CurrentUser>("/api/me").await {
            Ok(u) if u.id == me.user_id && u.organization_id == me.organization_id => {}
            Ok(_) | Err(js::FetchError::SignedOut) => tab::end_session(),
            Err(js::FetchError::Other(_)) => {}
        }
    });
}

/// The stream's first event: whose it is. Another account's stream (the cookie changed under
/// this tab) means this tab's session is over.
fn on_welcome(data: &str) {
    let Ok(who) = serde_json::from_str::<Identity>(data) else {
        return;
    };
    let mine = with_tab(|t| t.identity == who);
    if mine == Some(true) {
        with_source(|s, _| s.stream_org = Some(who.organization_id));
    } else {
        tab::end_session();
    }
}

fn on_ready(data: &str) {
    let Ok(Control { cursor, connection }) = serde_json::from_str(data) else {
        return;
    };
    let restarted = with_source(|s, chain| {
        s.health.stream_open = true;
        s.health.ever_live = true;
        s.health.failures = 0;
        s.health.last_poll_ok = None;
        s.attempt = 0;
        chain.is_none()
    });
    if restarted == Some(true) {
        emit(None, cursor, Vec::new(), false);
    }
    tab::holder_connection(connection);
    changed();
}

fn on_change(data: &str) {
    let Ok(change) = serde_json::from_str::<Change>(data) else {
        return;
    };
    let from = with_tab(|t| t.chain).flatten();
    if from.is_some_and(|c| change.cursor <= c) {
        return; // already delivered (by a poll that raced the stream)
    }
    emit(from, change.cursor, vec![change], false);
}

fn on_reset(data: &str) {
    if let Ok(Control { cursor, .. }) = serde_json::from_str(data) {
        emit(None, cursor, Vec::new(), true);
    }
}

fn emit(from: Option<Cursor>, to: Cursor, changes: Vec<Change>, reset: bool) {
    let Some(org) = with_source(|s, _| s.stream_org).flatten() else {
        return; // no `welcome` yet: nothing can be vouched for
    };
    emit_for(org, from, to, changes, reset);
}

fn emit_for(
    org: uuid::Uuid,
    from: Option<Cursor>,
    to: Cursor,
    mut changes: Vec<Change>,
    reset: bool,
) {
    // A poll and the stream can both deliver a change: every tab sees it once.
    if let Some(chain) = with_tab(|t| t.chain).flatten() {
        changes.retain(|c| c.cursor > chain);
    }
    let batch = Batch {
        org,
        from,
        to,
        changes,
        reset,
    };
    tab::post_batch(&batch);
    tab::holder_emitted(&batch);
    tab::receive(batch);
}

/// The stream failed (or was found dead): close it, poll if it keeps failing, retry later.
fn failed() {
    tab::holder_connection(None);
    let Some((delay, generation, poll_now)) = with_source(|s, _| {
        s.stream = None;
        s.health.stream_open = false;
        s.health.failures += 1;
        s.generation += 1;
        let delay = backoff::delay_ms(s.attempt, js_sys::Math::random());
        s.attempt += 1;
        let poll_now = s.health.failures == FAILURES_BEFORE_POLLING;
        (delay, s.generation, poll_now)
    }) else {
        return;
    };
    if poll_now {
        poll();
    }
    set_timeout(
        move || {
            if with_source(|s, _| s.generation == generation && !s.health.offline) == Some(true) {
                connect();
            }
        },
        Duration::from_millis(delay as u64),
    );
    changed();
}

/// Read what the stream missed from the polling endpoint (one run, paging until caught up).
fn poll() {
    if with_source(|s, _| std::mem::replace(&mut s.polling, true)) != Some(false) {
        return;
    }
    spawn_local(async {
        loop {
            let after = with_tab(|t| t.chain).flatten();
            let url = format!(
                "/api/realtime/changes?{}&limit={POLL_LIMIT}{}",
                subscription_query(),
                after.map(|c| format!("&after={c}")).unwrap_or_default()
            );
            let page = js::get_json::<ChangesPage>(&url).await;
            let ok = page.is_ok();
            let me = with_tab(|t| t.identity.organization_id);
            let more = match page {
                Ok(p) if Some(p.organization_id) == me => {
                    let more = p.changes.len() >= POLL_LIMIT && !p.reset;
                    let to = p.cursor;
                    emit_for(p.organization_id, after, to, p.changes, p.reset);
                    more
                }
                Ok(_) | Err(js::FetchError::SignedOut) => {
                    tab::end_session();
                    return;
                }
                Err(js::FetchError::Other(_)) => false,
            };
            with_source(|s, _| {
                s.last_poll = now();
                if !s.health.stream_open {
                    s.health.last_poll_ok = Some(ok);
                }
            });
            if !more {
                break;
            }
        }
        with_source(|s, _| s.polling = false);
        changed();
    });
}

/// Every second: notice a silent stream, poll while the stream is down.
pub(crate) fn tick() {
    let Some((stale, poll_due)) = with_source(|s, _| {
        let t = now();
        let stale =
            s.stream.is_some() && s.health.stream_open && t - s.last_activity > STALE_AFTER_MS;
        if stale {
            s.health.failures = s.health.failures.max(FAILURES_BEFORE_POLLING - 1);
        }
        let down = !s.health.stream_open && !s.health.offline;
        let poll_due = down
            && s.health.failures >= FAILURES_BEFORE_POLLING
            && t - s.last_poll >= POLL_EVERY_MS;
        (stale, poll_due)
    }) else {
        return;
    };
    if stale {
        failed();
    } else if poll_due {
        poll();
    }
}

/// `online`/`offline` fired: reconnect at once when the network returns.
pub(crate) fn network_changed() {
    let online = js::online();
    let reconnect = with_source(|s, _| {
        s.health.offline = !online;
        if !online {
            s.stream = None;
            s.health.stream_open = false;
            s.generation += 1;
        } else {
            s.attempt = 0;
        }
        online
    });
    if reconnect == Some(true) {
        connect();
        poll();
    } else {
        changed();
    }
}

/// A tab shown again catches up at once instead of waiting for the next retry or poll.
pub(crate) fn became_visible() {
    let down = with_source(|s, _| !s.health.stream_open && !s.health.offline);
    if down == Some(true) {
        with_source(|s, _| s.attempt = 0);
        connect();
        poll();
    }
}
