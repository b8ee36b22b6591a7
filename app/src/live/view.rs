//! `use_live`: a view's data, kept current by the realtime layer.

use std::future::Future;

use leptos::prelude::*;

use super::protocol::Change;
use crate::cursor::Cursor;

/// A live view's state.
pub struct LiveView<T: Send + Sync + 'static> {
    pub data: RwSignal<T>,
    /// When the data last changed or was (re)loaded, in ms since the epoch.
    pub updated_at: RwSignal<i64>,
    /// Browser only. Never made on the server: a thread-local value there is dropped with its
    /// owner on whichever worker thread finishes the render, which panics and cuts the page off
    /// before its hydration script.
    reload: Option<StoredValue<std::rc::Rc<dyn Fn()>, LocalStorage>>,
}

impl<T: Send + Sync + 'static> LiveView<T> {
    /// Reload the data from the server (the "Refresh" button; also done on `reset`).
    pub fn refresh(&self) {
        if let Some(f) = self.reload.map(|r| r.get_value()) {
            f();
        }
    }
}

impl<T: Send + Sync + 'static> Clone for LiveView<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for LiveView<T> {}

/// Keep `initial` (loaded at `cursor`) current: every change after `cursor` is passed to
/// `apply` exactly once, in commit order; `reload` fetches fresh data when the change log
/// cannot bridge the gap. `apply` returns whether it changed anything.
pub fn use_live<T, A, L, Fut>(initial: T, cursor: Cursor, apply: A, reload: L) -> LiveView<T>
where
    T: Send + Sync + 'static,
    A: Fn(&mut T, &Change) -> bool + 'static,
    L: Fn() -> Fut + 'static,
    Fut: Future<Output = Option<(T, Cursor)>> + 'static,
{
    let data = RwSignal::new(initial);
    let updated_at = RwSignal::new(chrono::Utc::now().timestamp_millis());
    #[cfg(feature = "hydrate")]
    {
        let reload = hydrate::follow(data, updated_at, cursor, apply, reload);
        LiveView {
            data,
            updated_at,
            reload: Some(StoredValue::new_local(reload)),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (cursor, apply, reload);
        LiveView {
            data,
            updated_at,
            reload: None,
        }
    }
}

#[cfg(feature = "hydrate")]
mod hydrate {
    use std::cell::RefCell;
    use std::future::Future;
    use std::rc::Rc;

    use leptos::prelude::*;
    use leptos::task::spawn_local;

    use crate::cursor::Cursor;
    use crate::live::browser::{changes, js};
    use crate::live::follower::{Follower, Offer};
    use crate::live::protocol::{subscription_query, Batch, Change};

    const CATCH_UP_LIMIT: usize = 500;

    struct State {
        follower: Follower,
        /// Batches that arrived while a gap was being filled or the data reloaded.
        held: Vec<Batch>,
        busy: bool,
    }

    pub fn follow<T, A, L, Fut>(
        data: RwSignal<T>,
        updated_at: RwSignal<i64>,
        cursor: Cursor,
        apply: A,
        reload: L,
    ) -> Rc<dyn Fn()>
    where
        T: Send + Sync + 'static,
        A: Fn(&mut T, &Change) -> bool + 'static,
        L: Fn() -> Fut + 'static,
        Fut: Future<Output = Option<(T, Cursor)>> + 'static,
    {
        let identity = crate::live::use_realtime().identity;
        let state = Rc::new(RefCell::new(State {
            follower: Follower::new(cursor),
            held: Vec::new(),
            busy: false,
        }));
        let apply = Rc::new(apply);
        let reload = Rc::new(reload);
        let alive = Rc::new(std::cell::Cell::new(true));
        let apply_all = {
            let apply = apply.clone();
            move |changes: Vec<Change>| {
                if changes.is_empty() {
                    return;
                }
                let mut any = false;
                // Only a batch that changed something wakes what depends on the data.
                data.maybe_update(|d| {
                    for c in &changes {
                        any |= apply(d, c);
                    }
                    any
                });
                if any {
                    updated_at.set(chrono::Utc::now().timestamp_millis());
                    crate::live::browser::latency::applied(&changes);
                }
            }
        };
        let apply_all = Rc::new(apply_all);

        // Offer batches in order until one needs the network; the rest wait in `held`.
        let drain: Rc<RefCell<Option<Drain>>> = Rc::new(RefCell::new(None));
        let do_reload = {
            let (state, drain, alive) = (state.clone(), drain.clone(), alive.clone());
            move || {
                let (state, drain, reload, alive) =
                    (state.clone(), drain.clone(), reload.clone(), alive.clone());
                state.borrow_mut().busy = true;
                spawn_local(async move {
                    let fresh = reload().await;
                    if !alive.get() {
                        return;
                    }
                    if let Some((value, cursor)) = fresh {
                        data.set(value);
                        updated_at.set(chrono::Utc::now().timestamp_millis());
                        state.borrow_mut().follower = Follower::new(cursor);
                    }
                    resume(&state, &drain);
                });
            }
        };
        let do_reload = Rc::new(do_reload);
        let drain_fn: Drain = {
            let (state, drain, apply_all, do_reload, alive) = (
                state.clone(),
                drain.clone(),
                apply_all.clone(),
                do_reload.clone(),
                alive.clone(),
            );
            Rc::new(move |batches: Vec<Batch>| {
                let mut queue = batches.into_iter();
                while let Some(batch) = queue.next() {
                    let offer = {
                        let mut s = state.borrow_mut();
                        if s.busy {
                            s.held.push(batch);
                            s.held.extend(queue.by_ref());
                            return;
                        }
                        s.follower.offer(&batch)
                    };
                    match offer {
                        Offer::Apply(changes) => apply_all(changes),
                        Offer::Reset => {
                            let mut s = state.borrow_mut();
                            s.held.extend(queue.by_ref());
                            drop(s);
                            do_reload();
                            return;
                        }
                        Offer::Gap { until, .. } => {
                            {
                                let mut s = state.borrow_mut();
                                s.busy = true;
                                s.held.push(batch);
                                s.held.extend(queue.by_ref());
                            }
                            let (state, drain, apply_all, do_reload, alive) = (
                                state.clone(),
                                drain.clone(),
                                apply_all.clone(),
                                do_reload.clone(),
                                alive.clone(),
                            );
                            spawn_local(async move {
                                let org = identity.get_untracked().map(|i| i.organization_id);
                                let ok = fill_gap(&state, until, &apply_all, org).await;
                                if !alive.get() {
                                    return;
                                }
                                if !ok {
                                    state.borrow_mut().busy = false;
                                    do_reload();
                                    return;
                                }
                                resume(&state, &drain);
                            });
                            return;
                        }
                    }
                }
            })
        };
        *drain.borrow_mut() = Some(drain_fn.clone());
        crate::live::subscribe(move |batches| drain_fn(batches.to_vec()));
        // When the view goes away: stop async work from touching it, break the drain cycle.
        let cleanup = send_wrapper::SendWrapper::new((alive, drain.clone()));
        on_cleanup(move || {
            let (alive, drain) = cleanup.take();
            alive.set(false);
            drain.borrow_mut().take();
        });
        Rc::new(move || do_reload())
    }

    type Drain = Rc<dyn Fn(Vec<Batch>)>;

    /// The network work is done: offer the batches held meanwhile, in order.
    fn resume(state: &Rc<RefCell<State>>, drain: &Rc<RefCell<Option<Drain>>>) {
        let held = {
            let mut s = state.borrow_mut();
            s.busy = false;
            std::mem::take(&mut s.held)
        };
        let d = drain.borrow().clone();
        if let Some(d) = d {
            d(held);
        }
    }

    /// Read the log from the view's cursor until `until`; `false` means reload instead.
    async fn fill_gap(
        state: &Rc<RefCell<State>>,
        until: Cursor,
        apply_all: &Rc<impl Fn(Vec<Change>)>,
        org: Option<uuid::Uuid>,
    ) -> bool {
        for _ in 0..100 {
            let after = state.borrow().follower.cursor();
            let url = format!(
                "/api/realtime/changes?{}&after={after}&limit={CATCH_UP_LIMIT}",
                subscription_query()
            );
            let page = match changes::read(url).await {
                Ok(page) if Some(page.organization_id) == org => page,
                Ok(_) | Err(js::FetchError::SignedOut) => {
                    // Another account's changes, or none: this tab's session is over.
                    crate::live::browser::tab::end_session();
                    return false;
                }
                Err(js::FetchError::Other(e)) => {
                    leptos::logging::warn!("catching up with the change log failed: {e}");
                    return false;
                }
            };
            let step = state.borrow_mut().follower.catch_up(&page, until);
            match step {
                None => return false,
                Some((changes, done)) => {
                    apply_all(changes);
                    if done {
                        return true;
                    }
                }
            }
        }
        false
    }
}
