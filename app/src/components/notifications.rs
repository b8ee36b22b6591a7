//! The opt-in control for browser notifications, in the header. Nothing asks for permission
//! until the user clicks it; the choice is remembered for this user in this browser and can
//! be turned off again.

use leptos::prelude::*;

// Only the browser build moves between states.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not known yet (server render, before hydration) or not supported: nothing shown.
    Hidden,
    Off,
    On,
    /// The browser refuses (the user blocked the site).
    Blocked,
}

#[component]
pub fn NotificationToggle(user: uuid::Uuid) -> impl IntoView {
    let state = RwSignal::new(State::Hidden);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use crate::notifications::browser;
        browser::start(user);
        state.set(current(user));
    });
    let click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use crate::notifications::browser;
            match state.get_untracked() {
                State::On => {
                    browser::set_enabled(user, false);
                    state.set(State::Off);
                }
                State::Off => leptos::task::spawn_local(async move {
                    if browser::request().await {
                        browser::set_enabled(user, true);
                    }
                    let _ = state.try_set(current(user));
                }),
                State::Hidden | State::Blocked => {}
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = user;
    };
    let label = move || match state.get() {
        State::On => "Notifications on",
        State::Blocked => "Notifications blocked",
        _ => "Enable notifications",
    };
    view! {
        <button
            type="button"
            class=move || {
                let hidden = if state.get() == State::Hidden { " hidden" } else { "" };
                format!("rounded-md border border-slate-300 px-2.5 py-1 text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-60{hidden}")
            }
            data-testid="notifications-toggle"
            data-state=move || format!("{:?}", state.get()).to_lowercase()
            aria-pressed=move || (state.get() == State::On).to_string()
            disabled=move || state.get() == State::Blocked
            title=move || match state.get() {
                State::On => "You get a browser notification when a draft is ready, a task fails or a follow-up runs. Click to turn them off.",
                State::Blocked => "This browser blocks notifications from Switchboard: allow them in the site settings.",
                _ => "Get a browser notification when a draft is ready, a task fails or a follow-up runs.",
            }
            on:click=click
        >
            {label}
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn current(user: uuid::Uuid) -> State {
    use crate::notifications::browser;
    use web_sys::NotificationPermission;
    if !browser::supported() {
        return State::Hidden;
    }
    match browser::permission() {
        NotificationPermission::Denied => State::Blocked,
        _ if browser::enabled(user) => State::On,
        _ => State::Off,
    }
}
