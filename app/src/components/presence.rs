//! Who else is here: avatars of the other users in a room (page headers), and the count of
//! active users in the organization (the app header).

use leptos::prelude::*;

use crate::live::use_realtime;
use crate::presence::state::{avatar_colour, avatar_stack, initials, room_for_path};
use crate::presence::{use_presence, use_room, ORG_ROOM};

/// Most avatars shown before "+N more".
const MAX_AVATARS: usize = 3;

/// The other users viewing `room` (one avatar per user however many tabs they have), at most
/// three then "+N more". Being rendered puts this tab in the room.
#[component]
pub fn PresenceAvatars(#[prop(into)] room: String) -> impl IntoView {
    use_room(room.clone());
    let rooms = use_presence().rooms;
    let me = use_realtime().identity;
    let others = Memo::new(move |_| {
        let me = me.get().map(|i| i.user_id);
        rooms.with(|r| r.others(&room, me))
    });
    let label = move || {
        let names: Vec<String> = others.with(|o| o.iter().map(|m| m.name.clone()).collect());
        if names.is_empty() {
            "Nobody else is viewing this page".to_string()
        } else {
            format!("Also viewing: {}", names.join(", "))
        }
    };
    view! {
        <div
            class="flex items-center"
            role="group"
            aria-label=label
            data-testid="presence-avatars"
            data-count=move || others.with(|o| o.len()).to_string()
        >
            {move || {
                let (shown, more) = avatar_stack(others.get(), MAX_AVATARS);
                let avatars = shown
                    .into_iter()
                    .map(|m| {
                        let class = format!(
                            "-ml-1.5 first:ml-0 inline-flex h-7 w-7 items-center justify-center rounded-full text-xs font-semibold text-white ring-2 ring-white {}",
                            avatar_colour(m.user_id).0
                        );
                        view! {
                            <span class=class title=m.name.clone() data-testid="presence-avatar" data-user-name=m.name.clone()>
                                <span aria-hidden="true">{initials(&m.name)}</span>
                                <span class="sr-only">{m.name.clone()}</span>
                            </span>
                        }
                    })
                    .collect_view();
                let more = (more > 0).then(|| view! {
                    <span class="ml-1.5 text-xs font-medium text-slate-700" data-testid="presence-more">
                        {format!("+{more} more")}
                    </span>
                });
                (avatars, more)
            }}
        </div>
    }
}

/// [`PresenceAvatars`] for the room of the page shown (from its address).
#[component]
pub fn PageAvatars() -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    room_for_path(&path).map(|room| view! { <PresenceAvatars room /> })
}

/// "3 active": users signed in to the organization right now (this one included).
#[component]
pub fn ActiveUsers() -> impl IntoView {
    let rooms = use_presence().rooms;
    let members = Memo::new(move |_| rooms.with(|r| r.members(ORG_ROOM)));
    let names = move || {
        members.with(|m| {
            m.iter()
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    view! {
        <Show when=move || members.with(|m| !m.is_empty())>
            <span
                class="inline-flex items-center gap-1.5 rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-700"
                data-testid="active-users"
                data-count=move || members.with(|m| m.len()).to_string()
                title=names
            >
                <span class="h-2 w-2 rounded-full bg-emerald-600" aria-hidden="true"></span>
                {move || format!("{} active", members.with(|m| m.len()))}
                <span class="sr-only">{move || format!(" users in your organization: {}", names())}</span>
            </span>
        </Show>
    }
}
