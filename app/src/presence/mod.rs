//! Presence and live cursors in the browser: who else is looking at what this tab shows, and
//! where their pointer is. The tab holding the stream reports the rooms of every tab of this
//! browser (`PUT /api/presence`, on change and every 15 s); the stream's `presence` and
//! `presence_diff` events reach every tab and keep [`Rooms`] current; a tab opened later asks
//! the holder for what it knows. While the stream is down, rooms are read by polling.

#[cfg(feature = "hydrate")]
mod client;
pub mod cursors;
pub mod names;
pub mod state;
pub mod throttle;

use leptos::prelude::*;

pub use names::ORG_ROOM;
pub use state::{Member, Rooms};

/// This tab's view of presence (reactive).
#[derive(Clone, Copy)]
pub struct Presence {
    pub rooms: RwSignal<Rooms>,
}

/// Set presence up for the app (once, at the root, after the realtime layer).
pub fn provide_presence() -> Presence {
    let p = Presence {
        rooms: RwSignal::new(Rooms::default()),
    };
    provide_context(p);
    #[cfg(feature = "hydrate")]
    client::start(p.rooms, crate::live::use_realtime());
    p
}

pub fn use_presence() -> Presence {
    use_context::<Presence>().unwrap_or_else(provide_presence)
}

/// This tab is in `room` for as long as the calling component lives.
pub fn use_room(room: String) {
    #[cfg(feature = "hydrate")]
    {
        client::enter(&room);
        on_cleanup(move || client::leave(&room));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = room;
}

/// Send `payload` to the others in `room` as a broadcast named `event` (in the browser).
#[cfg(feature = "hydrate")]
pub async fn broadcast(room: &str, event: &str, payload: serde_json::Value) -> bool {
    let body = serde_json::json!({ "room": room, "event": event, "payload": payload });
    crate::live::send_json("POST", "/api/broadcast", &body.to_string())
        .await
        .is_ok()
}
