//! Keep a value fresh by asking the server again and again (in the browser only): for figures
//! that are computed, not changed row by row (health, engine rates).

use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;

/// Load into `into` right away and then every `every` while the page is visible, for as long
/// as the calling component lives. A request still running when the next is due is not
/// doubled. Failures keep the
/// last value and are reported through `error`.
pub fn poll_into<T, F, Fut>(
    every: Duration,
    into: RwSignal<Option<T>>,
    error: RwSignal<Option<String>>,
    load: F,
) where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ServerFnError>> + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;

        let load = Rc::new(load);
        let busy = Rc::new(Cell::new(false));
        let alive = Rc::new(Cell::new(true));
        let fetch = {
            let (alive, busy) = (alive.clone(), busy.clone());
            move || {
                // A hidden tab does not ask: it asks again within `every` of being shown.
                if busy.get() || !alive.get() || !crate::live::page_visible() {
                    return;
                }
                busy.set(true);
                let (load, busy, alive) = (load.clone(), busy.clone(), alive.clone());
                leptos::task::spawn_local(async move {
                    let result = load().await;
                    busy.set(false);
                    if !alive.get() {
                        return;
                    }
                    match result {
                        Ok(v) => {
                            into.set(Some(v));
                            error.set(None);
                        }
                        Err(e) => error.set(Some(e.to_string())),
                    }
                });
            }
        };
        fetch();
        let handle = set_interval_with_handle(fetch, every).ok();
        let cleanup = send_wrapper::SendWrapper::new((alive, handle));
        on_cleanup(move || {
            let (alive, handle) = cleanup.take();
            alive.set(false);
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (every, into, error, load);
}
