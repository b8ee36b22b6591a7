//! Editing in the browser: every edit shows at once (an overlay on the record), goes into
//! the outbox (kept in IndexedDB, so it survives a reload or going offline), and is sent in
//! order with its mutation id as the Idempotency-Key; the answer confirms it, shows a
//! conflict, or says why it was refused. See [`editor`] for one record's side.

#[cfg(feature = "hydrate")]
mod browser;
pub mod editor;
pub mod queue;

use std::rc::Rc;

use leptos::prelude::*;
use uuid::Uuid;

pub use editor::{use_record_editor, RecordEditor};
use queue::{Outcome, QueuedEdit};

type Listener = Rc<dyn Fn(Uuid, &Outcome)>;
/// (id, table, record, listener)
type Listeners = StoredValue<Vec<(u64, String, Uuid, Listener)>, LocalStorage>;

/// This tab's outbox (one per tab, provided at the root).
#[derive(Clone, Copy)]
pub struct Outbox {
    /// Edits not yet answered, oldest first.
    pub queue: RwSignal<Vec<QueuedEdit>>,
    /// The last attempt got no answer: edits wait for the network.
    pub offline: RwSignal<bool>,
    /// Browser only: a thread-local value made while rendering on the server would be dropped
    /// on another worker thread, which panics (see `live::view`).
    listeners: Option<Listeners>,
    next_listener: StoredValue<u64>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    sending: StoredValue<bool>,
}

pub fn provide_outbox() -> Outbox {
    let outbox = Outbox {
        queue: RwSignal::new(vec![]),
        offline: RwSignal::new(false),
        listeners: cfg!(feature = "hydrate").then(|| StoredValue::new_local(vec![])),
        next_listener: StoredValue::new(0),
        sending: StoredValue::new(false),
    };
    provide_context(outbox);
    #[cfg(feature = "hydrate")]
    {
        leptos::task::spawn_local(async move {
            let mut stored = browser::load_all().await;
            queue::sort(&mut stored);
            if !stored.is_empty() {
                outbox.queue.update(|q| {
                    for e in stored {
                        if !q.iter().any(|x| x.mutation_id == e.mutation_id) {
                            q.push(e);
                        }
                    }
                    queue::sort(q);
                });
            }
            outbox.kick();
        });
        browser::on_online(move || outbox.kick());
        // Retry while edits wait (the `online` event does not fire when only the server was
        // unreachable).
        let retry = move || {
            if !outbox.queue.with_untracked(Vec::is_empty) {
                outbox.kick();
            }
        };
        let _ = set_interval_with_handle(retry, std::time::Duration::from_secs(3));
    }
    outbox
}

pub fn use_outbox() -> Outbox {
    use_context::<Outbox>().unwrap_or_else(provide_outbox)
}

impl Outbox {
    /// Queue an edit (kept in IndexedDB first, so a reload cannot lose it) and send it.
    pub fn enqueue(self, edit: QueuedEdit) {
        self.queue.update(|q| q.push(edit.clone()));
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            browser::put(&edit).await;
            self.kick();
        });
    }

    /// Be told the outcome of every edit of the record; the returned id unregisters.
    pub fn listen(self, table: &str, id: Uuid, f: impl Fn(Uuid, &Outcome) + 'static) -> u64 {
        let Some(listeners) = self.listeners else {
            return 0;
        };
        let n = self.next_listener.get_value() + 1;
        self.next_listener.set_value(n);
        listeners.update_value(|l| l.push((n, table.to_owned(), id, Rc::new(f))));
        n
    }

    pub fn unlisten(self, n: u64) {
        if let Some(listeners) = self.listeners {
            let _ = listeners.try_update_value(|l| l.retain(|x| x.0 != n));
        }
    }

    #[cfg(feature = "hydrate")]
    fn tell(self, edit: &QueuedEdit, outcome: &Outcome) {
        let targets: Vec<Listener> = self.listeners.map_or_else(Vec::new, |listeners| {
            listeners.with_value(|l| {
                l.iter()
                    .filter(|x| x.1 == edit.table && x.2 == edit.record_id)
                    .map(|x| x.3.clone())
                    .collect()
            })
        });
        for f in targets {
            f(edit.mutation_id, outcome);
        }
    }

    /// Send what waits, one edit at a time in order, until the queue is empty or an edit gets
    /// no answer (then it stays first, and the next kick retries it).
    pub fn kick(self) {
        #[cfg(feature = "hydrate")]
        {
            if self.sending.get_value() {
                return;
            }
            self.sending.set_value(true);
            leptos::task::spawn_local(async move {
                while let Some(edit) = self.queue.with_untracked(|q| q.first().cloned()) {
                    let answer = browser::send(&edit).await;
                    let next = queue::classify(answer.as_ref().map(|(s, b)| (*s, b.as_str())));
                    match next {
                        queue::Next::Done(outcome) => {
                            browser::delete(edit.mutation_id).await;
                            self.queue
                                .update(|q| q.retain(|e| e.mutation_id != edit.mutation_id));
                            self.offline.set(false);
                            self.tell(&edit, &outcome);
                        }
                        queue::Next::Retry => {
                            self.offline.set(true);
                            break;
                        }
                        queue::Next::SignedOut => break,
                    }
                }
                self.sending.set_value(false);
            });
        }
    }
}

/// "3 changes waiting" next to the connection pill while edits wait to be sent.
#[component]
pub fn PendingEdits() -> impl IntoView {
    let outbox = use_outbox();
    let count = move || outbox.queue.with(Vec::len);
    view! {
        <Show when=move || { count() > 0 }>
            <span
                class="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2.5 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-inset ring-amber-300"
                role="status"
                data-testid="pending-edits"
                data-count=move || count().to_string()
            >
                {move || queue::waiting_text(count())}
            </span>
        </Show>
    }
}
