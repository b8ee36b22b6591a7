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
pub mod protocol;
pub mod rows;
pub mod status;
mod view;

use leptos::prelude::*;

pub use protocol::{Batch, Change, Op};
pub use status::ConnState;
pub use view::{use_live, LiveView};

/// Connection state and the clock live views tick with (both reactive).
#[derive(Clone, Copy)]
pub struct Realtime {
    pub state: RwSignal<ConnState>,
    /// Milliseconds since the epoch, advanced once a second in the browser.
    pub now: RwSignal<i64>,
}

/// Set up the realtime layer for the app (once, at the root).
pub fn provide_realtime() -> Realtime {
    let rt = Realtime {
        state: RwSignal::new(ConnState::Connecting),
        now: RwSignal::new(chrono::Utc::now().timestamp_millis()),
    };
    provide_context(rt);
    rt
}

/// Join the browser-wide connection (signed-in pages call this; the login page must not).
pub fn connect() {
    #[cfg(feature = "hydrate")]
    {
        let rt = use_realtime();
        Effect::new(move |_| browser::tab::start(rt));
    }
}

pub fn use_realtime() -> Realtime {
    use_context::<Realtime>().unwrap_or_else(provide_realtime)
}

/// Run `handler` with every batch of changes this tab receives, for as long as the calling
/// component lives (in the browser; never on the server).
pub fn subscribe(handler: impl Fn(&[Batch]) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let id = browser::tab::subscribe(std::rc::Rc::new(handler));
        on_cleanup(move || browser::tab::unsubscribe(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = handler;
}
