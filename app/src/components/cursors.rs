//! Live cursors: the pointers of the others in a room, drawn over the shared content. Each
//! tab sends its own at most every 50 ms (latest only, never queued); a cursor vanishes when
//! its user leaves the room or stops moving for 10 s.

use leptos::prelude::*;
use uuid::Uuid;

use crate::live::use_realtime;
use crate::presence::cursors::{Cursors, RemoteCursor};
use crate::presence::state::avatar_colour;
use crate::presence::use_presence;

/// Wrap the content people share (a campaign's board): pointers over it are sent to `room`,
/// and the others' are shown on it. Elements with `data-cursor-anchor="<id>"` inside line
/// cursors up across window sizes.
#[component]
pub fn LiveCursors(#[prop(into)] room: String, children: Children) -> impl IntoView {
    let container = NodeRef::<leptos::html::Div>::new();
    let cursors = RwSignal::new(Cursors::default());
    let rooms = use_presence().rooms;
    let now = use_realtime().now;
    #[cfg(feature = "hydrate")]
    {
        let room = room.clone();
        crate::live::on_ephemeral(move |event, data| {
            if event == "broadcast" {
                browser::received(&room, data, container, cursors);
            }
        });
    }
    let visible = {
        let room = room.clone();
        Memo::new(move |_| {
            let t = now.get();
            cursors.with(|c| c.visible(t, |user| rooms.with(|r| r.contains(&room, user))))
        })
    };
    let ids = Memo::new(move |_| visible.with(|v| v.iter().map(|c| c.user_id).collect::<Vec<_>>()));
    let on_move = {
        let room = room.clone();
        move |ev: leptos::ev::PointerEvent| {
            #[cfg(feature = "hydrate")]
            browser::moved(&room, &ev, container);
            #[cfg(not(feature = "hydrate"))]
            let _ = (&room, ev);
        }
    };
    let on_leave = move |_: leptos::ev::PointerEvent| {
        #[cfg(feature = "hydrate")]
        browser::left(&room);
    };
    view! {
        <div node_ref=container class="relative" data-testid="live-cursors" on:pointermove=on_move on:pointerleave=on_leave>
            {children()}
            <div class="pointer-events-none absolute inset-0" aria-hidden="true">
                <For each=move || ids.get() key=|id| *id let:id>
                    <Pointer id visible />
                </For>
            </div>
        </div>
    }
}

#[component]
fn Pointer(id: Uuid, visible: Memo<Vec<RemoteCursor>>) -> impl IntoView {
    let cursor = move || visible.with(|v| v.iter().find(|c| c.user_id == id).cloned());
    let name = cursor().map(|c| c.name).unwrap_or_default();
    let (colour, text) = avatar_colour(id);
    view! {
        <div
            class="absolute left-0 top-0 z-20 transition-transform duration-100 ease-linear motion-reduce:transition-none"
            style:transform=move || cursor().map(|c| format!("translate({:.0}px, {:.0}px)", c.left, c.top))
            data-testid="remote-cursor"
            data-user-name=name.clone()
        >
            <svg width="16" height="16" viewBox="0 0 16 16" class=text>
                <path d="M1 1 L1 13 L4.5 10 L7 15 L9 14 L6.5 9 L11.5 9 Z" fill="currentColor" stroke="white" stroke-width="1" />
            </svg>
            <span class=format!("ml-3 -mt-1 inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium text-white {colour}")>
                {name.clone()}
            </span>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::time::Duration;

    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::JsCast;
    use web_sys::Element;

    use crate::presence::cursors::{
        valid_anchor, BroadcastEvent, CursorPosition, Cursors, RemoteCursor, CURSOR_EVENT,
        SEND_EVERY_MS,
    };
    use crate::presence::throttle::Throttle;

    thread_local! {
        /// One pointer per tab: the latest position not sent yet.
        static OUT: RefCell<Throttle<(String, CursorPosition)>> = RefCell::new(Throttle::new(SEND_EVERY_MS));
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    /// The pointer moved over the shared content.
    pub fn moved(room: &str, ev: &web_sys::PointerEvent, container: NodeRef<leptos::html::Div>) {
        let Some(root) = container.get_untracked() else {
            return;
        };
        let root: &Element = root.as_ref();
        let anchor = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("[data-cursor-anchor]").ok().flatten())
            .filter(|e| root.contains(Some(e)))
            .and_then(|e| {
                let a = e.get_attribute("data-cursor-anchor")?;
                valid_anchor(&a).then_some((e, a))
            });
        let (el, a) = match anchor {
            Some((e, a)) => (e, Some(a)),
            None => (root.clone(), None),
        };
        let r = el.get_bounding_client_rect();
        let fraction = |v: f64, start: f64, len: f64| ((v - start) / len.max(1.0)).clamp(0.0, 1.0);
        let pos = CursorPosition {
            a,
            x: fraction(ev.client_x() as f64, r.left(), r.width()),
            y: fraction(ev.client_y() as f64, r.top(), r.height()),
            gone: false,
        };
        offer(room.to_owned(), pos);
    }

    /// The pointer left the shared content: the others hide it now.
    pub fn left(room: &str) {
        let gone = CursorPosition {
            a: None,
            x: 0.0,
            y: 0.0,
            gone: true,
        };
        offer(room.to_owned(), gone);
    }

    fn offer(room: String, pos: CursorPosition) {
        let ready = OUT.with(|t| t.borrow_mut().offer((room, pos), now()));
        match ready {
            Some(value) => send(value),
            None => set_timeout(flush, Duration::from_millis(SEND_EVERY_MS as u64)),
        }
    }

    fn flush() {
        if let Some(value) = OUT.with(|t| t.borrow_mut().poll(now())) {
            send(value);
        } else if OUT.with(|t| t.borrow().has_pending()) {
            set_timeout(flush, Duration::from_millis(SEND_EVERY_MS as u64 / 2));
        }
    }

    fn send((room, pos): (String, CursorPosition)) {
        spawn_local(async move {
            let payload = serde_json::to_value(&pos).unwrap_or_default();
            crate::presence::broadcast(&room, CURSOR_EVENT, payload).await;
            OUT.with(|t| t.borrow_mut().done());
            flush();
        });
    }

    /// A broadcast arrived: place the sender's cursor if it is one for this room.
    pub fn received(
        room: &str,
        data: &str,
        container: NodeRef<leptos::html::Div>,
        cursors: RwSignal<Cursors>,
    ) {
        let Ok(ev) = serde_json::from_str::<BroadcastEvent>(data) else {
            return;
        };
        if ev.room != room || ev.event != CURSOR_EVENT {
            return;
        }
        let Ok(pos) = serde_json::from_value::<CursorPosition>(ev.payload) else {
            return;
        };
        if pos.gone {
            cursors.try_update(|c| c.remove(ev.user_id));
            return;
        }
        let Some(root) = container.get_untracked() else {
            return;
        };
        let root: &Element = root.as_ref();
        let anchor = pos
            .a
            .as_deref()
            .filter(|a| valid_anchor(a))
            .and_then(|a| {
                root.query_selector(&format!("[data-cursor-anchor=\"{a}\"]"))
                    .ok()
                    .flatten()
            })
            .unwrap_or_else(|| root.clone());
        let (c, r) = (
            root.get_bounding_client_rect(),
            anchor.get_bounding_client_rect(),
        );
        let cursor = RemoteCursor {
            user_id: ev.user_id,
            name: ev.name,
            left: r.left() - c.left() + pos.x.clamp(0.0, 1.0) * r.width(),
            top: r.top() - c.top() + pos.y.clamp(0.0, 1.0) * r.height(),
            at_ms: now(),
        };
        cursors.try_update(|c| c.set(cursor));
    }
}
