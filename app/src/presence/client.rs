//! The browser side of presence (hydrate only): this tab's rooms, the other tabs' (every tab
//! keeps them, so whichever holds the stream next can report at once), and the reports.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::names::ORG_ROOM;
use super::state::{Member, Rooms};
use crate::live::{ConnState, Realtime};

/// A report is repeated this often (the server forgets a browser ~45 s after its last).
const REPORT_EVERY_MS: i64 = 15_000;
/// Each tab tells the others its rooms this often; a tab silent for longer than
/// [`TAB_GONE_MS`] is forgotten (it closed without saying so).
const TAB_HEARTBEAT_MS: i64 = 5_000;
const TAB_GONE_MS: i64 = 16_000;
/// Rooms are read this often while the stream is down.
const POLL_EVERY_MS: i64 = 10_000;

#[derive(Serialize, Deserialize)]
struct TabRooms {
    tab: String,
    rooms: Vec<String>,
}

#[derive(Deserialize)]
struct RoomPresence {
    room: String,
    users: Vec<Member>,
}

struct Client {
    rooms: RwSignal<Rooms>,
    realtime: Realtime,
    tab: String,
    mine: HashMap<String, usize>,
    others: HashMap<String, (Vec<String>, i64)>,
    /// Set while this tab holds a live stream.
    connection: Option<Uuid>,
    reported: Option<(Uuid, Vec<String>)>,
    last_report: i64,
    reporting: bool,
    report_again: bool,
    report_scheduled: bool,
    announced: bool,
    last_heartbeat: i64,
    last_poll: i64,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn with<R>(f: impl FnOnce(&mut Client) -> R) -> Option<R> {
    CLIENT.with(|c| c.borrow_mut().as_mut().map(f))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn start(rooms: RwSignal<Rooms>, realtime: Realtime) {
    if CLIENT.with(|c| c.borrow().is_some()) {
        return;
    }
    let tab = format!("{:x}", (js_sys::Math::random() * 1e15) as u64);
    CLIENT.with(|c| {
        *c.borrow_mut() = Some(Client {
            rooms,
            realtime,
            tab,
            mine: HashMap::new(),
            others: HashMap::new(),
            connection: None,
            reported: None,
            last_report: 0,
            reporting: false,
            report_again: false,
            report_scheduled: false,
            announced: false,
            last_heartbeat: 0,
            last_poll: 0,
        })
    });
    crate::live::on_ephemeral(on_event);
    crate::live::on_connection(|connection| {
        with(|c| {
            c.connection = connection;
            c.reported = None;
        });
        if connection.is_some() {
            // The other tabs say where they are; this tab reports at once meanwhile.
            crate::live::post_to_tabs("rooms_wanted", "{}");
            schedule_report();
        }
    });
    std::mem::forget(window_event_listener(leptos::ev::pagehide, |_| {
        // This tab is going: the others (and the report) drop its rooms now.
        let tab = with(|c| c.tab.clone()).unwrap_or_default();
        let gone = TabRooms {
            tab,
            rooms: Vec::new(),
        };
        crate::live::post_to_tabs(
            "tab_rooms",
            &serde_json::to_string(&gone).unwrap_or_default(),
        );
    }));
    let _ = set_interval_with_handle(tick, Duration::from_secs(1));
}

fn on_event(event: &str, data: &str) {
    match event {
        "presence" | "presence_diff" => {
            if let Some(rooms) = with(|c| c.rooms) {
                rooms.try_update(|r| r.apply(event, data));
            }
        }
        "tab_rooms" => {
            let Ok(t) = serde_json::from_str::<TabRooms>(data) else {
                return;
            };
            with(|c| {
                if t.rooms.is_empty() {
                    c.others.remove(&t.tab);
                } else {
                    c.others.insert(t.tab, (t.rooms, now()));
                }
            });
            schedule_report();
        }
        "rooms_wanted" => post_my_rooms(),
        "presence_wanted" => {
            if let Some(Some(rooms)) = with(|c| c.connection.map(|_| c.rooms)) {
                let state = rooms.with_untracked(|r| serde_json::to_string(r).unwrap_or_default());
                crate::live::post_to_tabs("presence_states", &state);
            }
        }
        "presence_states" => {
            if let (Ok(state), Some(rooms)) =
                (serde_json::from_str::<Rooms>(data), with(|c| c.rooms))
            {
                rooms.try_set(state);
            }
        }
        _ => {}
    }
}

pub fn enter(room: &str) {
    let new = with(|c| {
        let n = c.mine.entry(room.to_owned()).or_default();
        *n += 1;
        *n == 1
    });
    if new == Some(true) {
        rooms_changed();
    }
}

pub fn leave(room: &str) {
    let gone = with(|c| match c.mine.get_mut(room) {
        Some(n) if *n > 1 => {
            *n -= 1;
            false
        }
        Some(_) => {
            c.mine.remove(room);
            true
        }
        None => false,
    });
    if gone == Some(true) {
        rooms_changed();
    }
}

fn rooms_changed() {
    post_my_rooms();
    schedule_report();
}

fn post_my_rooms() {
    let Some(msg) = with(|c| TabRooms {
        tab: c.tab.clone(),
        rooms: c.mine.keys().cloned().collect(),
    }) else {
        return;
    };
    with(|c| c.last_heartbeat = now());
    crate::live::post_to_tabs(
        "tab_rooms",
        &serde_json::to_string(&msg).unwrap_or_default(),
    );
}

/// Report soon (changes within a few ms, e.g. leaving one page for the next, go together).
fn schedule_report() {
    let go = with(|c| c.connection.is_some() && !std::mem::replace(&mut c.report_scheduled, true));
    if go == Some(true) {
        set_timeout(report, Duration::from_millis(50));
    }
}

fn report() {
    let job = with(|c| {
        c.report_scheduled = false;
        let connection = c.connection?;
        let rooms: Vec<String> = c
            .mine
            .keys()
            .chain(c.others.values().flat_map(|(r, _)| r.iter()))
            .filter(|r| r.as_str() != ORG_ROOM)
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if c.reporting {
            c.report_again = true;
            return None;
        }
        let same = c.reported.as_ref() == Some(&(connection, rooms.clone()));
        if same && now() - c.last_report < REPORT_EVERY_MS {
            return None;
        }
        c.reporting = true;
        Some((connection, rooms))
    })
    .flatten();
    let Some((connection, rooms)) = job else {
        return;
    };
    spawn_local(async move {
        let body = serde_json::json!({ "connection": connection, "rooms": rooms }).to_string();
        let ok = crate::live::send_json("PUT", "/api/presence", &body)
            .await
            .is_ok();
        let again = with(|c| {
            c.reporting = false;
            c.last_report = now();
            if ok {
                c.reported = Some((connection, rooms));
            }
            std::mem::take(&mut c.report_again)
        });
        if again == Some(true) {
            schedule_report();
        }
    });
}

fn tick() {
    let t = now();
    let Some((announce, heartbeat, poll)) = with(|c| {
        let signed_in = c.realtime.identity.get_untracked().is_some();
        let announce = signed_in && !std::mem::replace(&mut c.announced, signed_in);
        let heartbeat = t - c.last_heartbeat >= TAB_HEARTBEAT_MS;
        c.others.retain(|_, (_, seen)| t - *seen < TAB_GONE_MS);
        let live = c.realtime.state.get_untracked() == ConnState::Live;
        let poll = signed_in && !live && t - c.last_poll >= POLL_EVERY_MS;
        if poll {
            c.last_poll = t;
        }
        let mut rooms: Vec<String> = c.mine.keys().cloned().collect();
        rooms.push(ORG_ROOM.to_owned());
        (announce, heartbeat, poll.then_some((c.rooms, rooms)))
    }) else {
        return;
    };
    if announce {
        // A tab opened (or reloaded): the holder sends what it knows.
        crate::live::post_to_tabs("presence_wanted", "{}");
    }
    if announce || heartbeat {
        post_my_rooms();
    }
    // Every tick in the holder (a forgotten tab, the periodic repeat): `report` itself decides
    // whether one is due.
    schedule_report();
    if let Some((signal, rooms)) = poll {
        spawn_local(async move {
            for room in rooms {
                let url = format!("/api/presence?room={}", js_sys::encode_uri_component(&room));
                if let Ok(p) = crate::live::get_json::<RoomPresence>(&url).await {
                    signal.try_update(|r| r.replace(p.room, p.users));
                }
            }
        });
    }
}
