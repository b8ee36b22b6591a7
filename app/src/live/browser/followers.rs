//! Whether any other tab listens to the batches this tab forwards as the stream holder.
//!
//! Forwarding a batch costs the holder a JSON serialization and a `BroadcastChannel` post per
//! frame of changes (22 % of the script samples of a busy board — 100 calls changing 4×/s —
//! in a profiled run on 2026-12-06; unprofiled, the saving is within noise), and a browser with
//! one tab open pays it for nobody. So the holder
//! forwards batches only while it knows of a follower: a tab that said `Hello` (every tab does
//! when it joins, after queueing for the stream's Web Lock), or a request queued for the lock
//! (`navigator.locks.query()`: asked when this tab takes the stream and every few seconds, so
//! the holder notices followers that joined before it and ones that left).
//!
//! Never forwarding to a follower that exists would leave it without changes, so every doubt
//! counts as "yes": no Web Locks, a failed query, or a `Hello` heard while a query was out.
//! Missing a batch, on the other hand, is safe: the follower's next batch starts after its
//! views' cursors, and they read the gap from the change log.

use std::cell::Cell;

use super::js;

thread_local! {
    static KNOWN: Cell<bool> = const { Cell::new(false) };
    /// Bumped by every `Hello`: a query that was out meanwhile cannot clear the flag.
    static HELLOS: Cell<u64> = const { Cell::new(0) };
}

/// Forward batches to other tabs?
pub(crate) fn any() -> bool {
    KNOWN.with(Cell::get)
}

/// Another tab joined.
pub(crate) fn heard_hello() {
    HELLOS.with(|h| h.set(h.get() + 1));
    KNOWN.with(|k| k.set(true));
}

/// Ask the browser who queues for `lock` (the stream's Web Lock) behind this tab.
pub(crate) fn refresh(lock: String) {
    let hellos = HELLOS.with(Cell::get);
    leptos::task::spawn_local(async move {
        let waiting = js::lock_waiters(&lock).await;
        if HELLOS.with(Cell::get) != hellos {
            return;
        }
        KNOWN.with(|k| k.set(waiting.is_none_or(|n| n > 0)));
    });
}
