//! The dashboard's client realtime layer.
//!
//! One tab per browser holds the server-sent event stream (elected with a Web Lock) and
//! forwards each batch of changes to the other tabs over a `BroadcastChannel`; if that tab
//! closes, the next one in line takes over and resumes from the last cursor. Components never
//! see the stream: they call [`use_live`] with the data they loaded (and its cursor) and a
//! function that applies one change, and get a signal that stays current, with gaps filled
//! from the polling endpoint and a reload on `reset`.

pub mod backoff;
#[cfg(feature = "hydrate")]
mod browser;
pub mod follower;
pub mod pacing;
pub mod protocol;
pub mod rows;
pub mod status;
mod view;

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
pub use browser::js::{get_json, send_json, FetchError};
pub use protocol::{Batch, Change, Identity, Op};
pub use status::ConnState;
pub use view::{use_live, LiveView};

/// Connection state and the clock live views tick with (both reactive).
#[derive(Clone, Copy)]
pub struct Realtime {
    pub state: RwSignal<ConnState>,
    /// Milliseconds since the epoch, advanced once a second in the browser.
    pub now: RwSignal<i64>,
    /// Who this tab's pages were rendered for (set when it joins the connection).
    pub identity: RwSignal<Option<Identity>>,
}

/// Set up the realtime layer for the app (once, at the root).
pub fn provide_realtime() -> Realtime {
    let rt = Realtime {
        state: RwSignal::new(ConnState::Connecting),
        // The server's clock at render time, read back (not re-taken) while hydrating: views
        // derived from the time (the per-minute chart) must hydrate to what was rendered even
        // when a minute turns in between. The browser's clock takes over a second later.
        now: RwSignal::new(SharedValue::new(|| chrono::Utc::now().timestamp_millis()).into_inner()),
        identity: RwSignal::new(None),
    };
    provide_context(rt);
    rt
}

/// Join the browser-wide connection as `identity` (signed-in pages call this once they know
/// who they were rendered for; the login page must not). Tabs of one user in one organization
/// share a stream; another account's tabs in the same browser have their own.
pub fn connect(identity: Identity) {
    #[cfg(feature = "hydrate")]
    {
        let rt = use_realtime();
        rt.identity.set(Some(identity));
        browser::tab::start(rt, identity);
        browser::latency::start();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = identity;
}

pub fn use_realtime() -> Realtime {
    use_context::<Realtime>().unwrap_or_else(provide_realtime)
}

/// Run `handler` with every batch of changes this tab receives for its own organization, for
/// as long as the calling component lives (in the browser; never on the server). Batches of
/// any other organization are dropped here, whatever delivered them.
pub fn subscribe(handler: impl Fn(&[Batch]) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let identity = use_realtime().identity;
        let id = browser::tab::subscribe(std::rc::Rc::new(move |batches: &[Batch]| {
            let Some(me) = identity.get_untracked() else {
                return;
            };
            let own = own_batches(batches, me.organization_id);
            if !own.is_empty() {
                handler(&own);
            }
        }));
        on_cleanup(move || browser::tab::unsubscribe(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = handler;
}

/// Run `handler` with the batches of changes that reach this browser, once per browser however
/// many tabs are open: only the tab holding the stream calls it (in the browser; never on the
/// server). Registered once per tab, for the tab's life. A fresh stream starts at the head of
/// the log, so nothing committed before it opened (a page reload) is passed again.
pub fn on_browser_batches(handler: impl Fn(&[Batch]) + 'static) {
    #[cfg(feature = "hydrate")]
    browser::tab::on_holder_batch(std::rc::Rc::new(handler));
    #[cfg(not(feature = "hydrate"))]
    let _ = handler;
}

/// Run `handler` with every event without an id this tab receives (`presence`,
/// `presence_diff`, `broadcast` from the stream, or what another tab posted with
/// [`post_to_tabs`]), for as long as the calling component lives (in the browser only).
pub fn on_ephemeral(handler: impl Fn(&str, &str) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let id = browser::tab::on_ephemeral(std::rc::Rc::new(handler));
        on_cleanup(move || browser::tab::off_ephemeral(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = handler;
}

/// Register `handler` for the tab's life: called in the tab holding the stream with the
/// stream's connection id each time it goes live, and with `None` when it goes down.
pub fn on_connection(handler: impl Fn(Option<uuid::Uuid>) + 'static) {
    #[cfg(feature = "hydrate")]
    browser::tab::on_connection(std::rc::Rc::new(handler));
    #[cfg(not(feature = "hydrate"))]
    let _ = handler;
}

/// Tell the other tabs of this browser (same user and organization) something: they get it
/// through [`on_ephemeral`]; this tab does not.
pub fn post_to_tabs(event: &str, data: &str) {
    #[cfg(feature = "hydrate")]
    browser::tab::post(&protocol::TabMessage::Ephemeral {
        event: event.to_owned(),
        data: data.to_owned(),
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, data);
}

/// Whether the page is shown (always true outside the browser).
pub fn page_visible() -> bool {
    #[cfg(feature = "hydrate")]
    return browser::js::visible();
    #[cfg(not(feature = "hydrate"))]
    true
}

/// The batches that belong to `org`, in order.
pub fn own_batches(batches: &[Batch], org: uuid::Uuid) -> std::borrow::Cow<'_, [Batch]> {
    if batches.iter().all(|b| b.org == org) {
        std::borrow::Cow::Borrowed(batches)
    } else {
        batches.iter().filter(|b| b.org == org).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;

    #[test]
    fn a_view_keeps_only_its_own_organizations_batches() {
        let (mine, theirs) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        let batch = |org, seq| Batch {
            org,
            from: None,
            to: Cursor::after_commit(seq),
            changes: Vec::new(),
            reset: false,
        };
        let all = [batch(mine, 1), batch(theirs, 2), batch(mine, 3)];
        let kept: Vec<i64> = own_batches(&all, mine).iter().map(|b| b.to.seq).collect();
        assert_eq!(kept, vec![1, 3]);
        assert!(own_batches(&all[..1], mine).len() == 1);
        assert!(own_batches(&all, uuid::Uuid::new_v4()).is_empty());
    }
}
