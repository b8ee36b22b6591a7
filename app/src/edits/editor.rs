//! One record being edited here: the values shown are the record as the stream last told it,
//! with this tab's unconfirmed edits laid over it. An overlay goes when its change is
//! confirmed — the record reaches the version the server answered, or its change streams back
//! carrying our mutation id — or at once when the server had nothing to do. A conflict keeps
//! both sides for the person to choose.

use std::collections::{BTreeMap, HashMap, HashSet};

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use super::queue::{Outcome, QueuedEdit};
use super::use_outbox;
use crate::model::editing::fields::same;
use crate::model::editing::{Editable, FieldConflict, FieldEdit};

/// How long a field someone else just changed stays highlighted.
pub const HIGHLIGHT_MS: u64 = 2_500;
/// How long "Ada updated the budget" stays.
pub const NOTICE_MS: u64 = 6_000;

#[derive(Clone, Debug, PartialEq)]
struct Overlay {
    value: Value,
    mutation: Uuid,
    /// The version the server answered with, once it did.
    confirmed: Option<i64>,
}

#[derive(Clone, Copy)]
pub struct RecordEditor {
    pub what: &'static Editable,
    pub id: Uuid,
    /// The record as last loaded or streamed (JSON, one key per column).
    pub record: Signal<Value>,
    overlays: RwSignal<HashMap<String, Overlay>>,
    /// Fields someone else changed meanwhile, awaiting the person's choice.
    pub conflicts: RwSignal<Vec<FieldConflict>>,
    /// Why the last edit was refused.
    pub error: RwSignal<Option<String>>,
    /// Fields others just changed (highlighted briefly).
    pub highlighted: RwSignal<HashSet<String>>,
    /// "Ada Lovelace updated the budget": others' changes to this record, newest last.
    pub notices: RwSignal<Vec<(u64, String)>>,
    /// Mutation ids this tab sent (their changes coming back are not news).
    mine: StoredValue<HashSet<Uuid>>,
}

/// Edit the record `id` of `what`, shown from `record`.
pub fn use_record_editor(what: &'static Editable, id: Uuid, record: Signal<Value>) -> RecordEditor {
    let outbox = use_outbox();
    let overlays = RwSignal::new(HashMap::new());
    let mine = StoredValue::new(HashSet::new());
    // Edits still queued from before a reload (read from IndexedDB after the page mounts)
    // show as pending again.
    Effect::new(move |_| {
        let queued: Vec<QueuedEdit> = outbox.queue.with(|q| {
            q.iter()
                .filter(|e| e.table == what.table && e.record_id == id)
                .filter(|e| !mine.with_value(|m: &HashSet<Uuid>| m.contains(&e.mutation_id)))
                .cloned()
                .collect()
        });
        for e in queued {
            mine.update_value(|m| {
                m.insert(e.mutation_id);
            });
            let _ = overlays.try_update(|o: &mut HashMap<String, Overlay>| {
                for (f, edit) in e.fields {
                    o.insert(
                        f,
                        Overlay {
                            value: edit.value,
                            mutation: e.mutation_id,
                            confirmed: None,
                        },
                    );
                }
            });
        }
    });
    let editor = RecordEditor {
        what,
        id,
        record,
        overlays,
        conflicts: RwSignal::new(vec![]),
        error: RwSignal::new(None),
        highlighted: RwSignal::new(HashSet::new()),
        notices: RwSignal::new(vec![]),
        mine,
    };
    let listener = outbox.listen(what.table, id, move |mutation, outcome| {
        editor.answered(mutation, outcome)
    });
    on_cleanup(move || outbox.unlisten(listener));
    // Confirmed overlays go once the record caught up; fields others changed light up.
    let previous = StoredValue::new(record.get_untracked());
    Effect::new(move |_| {
        let now = record.get();
        let version = now["version"].as_i64().unwrap_or(0);
        let came_back = now["mutation_id"]
            .as_str()
            .and_then(|m| Uuid::parse_str(m).ok());
        let _ = overlays.try_update(|o| {
            o.retain(|_, ov| {
                !(ov.confirmed.is_some_and(|v| version >= v) || Some(ov.mutation) == came_back)
            })
        });
        let ours = came_back.is_some_and(|m| mine.with_value(|s| s.contains(&m)));
        let before = previous.get_value();
        previous.set_value(now.clone());
        if ours || before["id"] != now["id"] {
            return;
        }
        let changed: Vec<String> = what
            .fields
            .iter()
            .filter(|f| !same(&before[f.name], &now[f.name]))
            .map(|f| f.name.to_owned())
            .collect();
        if !changed.is_empty() {
            let who = now["updated_by"].as_str().unwrap_or("Someone").to_owned();
            let labels: Vec<String> = changed
                .iter()
                .filter_map(|f| what.field(f))
                .map(|f| f.label.to_lowercase())
                .collect();
            editor.notify(format!(
                "{who} updated the {}",
                crate::model::editing::and_list(&labels)
            ));
            editor.highlight(changed);
        }
    });
    editor
}

impl RecordEditor {
    /// The value to show: this tab's pending edit, else the record's. Also the base of a new
    /// edit: a pending edit reaches the server first, the outbox being in order.
    pub fn value(&self, field: &str) -> Value {
        let overlays = self.overlays;
        let record = self.record;
        overlays
            .with(|o| o.get(field).map(|ov| ov.value.clone()))
            .unwrap_or_else(|| record.with(|r| r[field].clone()))
    }

    /// Whether the field shows an edit the server has not confirmed yet.
    pub fn pending(&self, field: &str) -> bool {
        self.overlays.with(|o| o.contains_key(field))
    }

    /// Save `value` for `field`, edited from `base`: shown at once, sent through the outbox.
    pub fn commit(&self, field: &str, base: Value, value: Value) {
        let Some(spec) = self.what.field(field) else {
            return;
        };
        let value = match spec.normalize(&value) {
            Ok(v) => v,
            Err(e) => {
                self.error.set(Some(e));
                return;
            }
        };
        self.error.set(None);
        if same(&value, &self.value(field)) {
            return;
        }
        let mutation = Uuid::new_v4();
        self.mine.update_value(|m| {
            m.insert(mutation);
        });
        self.overlays.update(|o| {
            o.insert(
                field.to_owned(),
                Overlay {
                    value: value.clone(),
                    mutation,
                    confirmed: None,
                },
            );
        });
        let mut fields = BTreeMap::new();
        fields.insert(field.to_owned(), FieldEdit { base, value });
        use_outbox().enqueue(QueuedEdit {
            mutation_id: mutation,
            table: self.what.table.to_owned(),
            record_id: self.id,
            fields,
            queued_at: js_now(),
        });
    }

    /// Keep what the other person saved.
    pub fn keep_theirs(&self, field: &str) {
        self.conflicts.update(|c| c.retain(|x| x.field != field));
    }

    /// Save `value` over what the other person saved (seen, so it is the new base).
    pub fn resolve_with(&self, field: &str, value: Value) {
        let Some(c) = self
            .conflicts
            .with_untracked(|c| c.iter().find(|x| x.field == field).cloned())
        else {
            return;
        };
        self.keep_theirs(field);
        self.commit(field, c.theirs, value);
    }

    fn answered(&self, mutation: Uuid, outcome: &Outcome) {
        let drop_mutation =
            |o: &mut HashMap<String, Overlay>| o.retain(|_, ov| ov.mutation != mutation);
        match outcome {
            Outcome::Applied(a) if a.applied.is_empty() => {
                let _ = self.overlays.try_update(drop_mutation);
            }
            Outcome::Applied(a) => {
                let version = self
                    .record
                    .with_untracked(|r| r["version"].as_i64().unwrap_or(0));
                let _ = self.overlays.try_update(|o| {
                    if version >= a.version {
                        drop_mutation(o);
                    } else {
                        for ov in o.values_mut().filter(|ov| ov.mutation == mutation) {
                            ov.confirmed = Some(a.version);
                        }
                    }
                });
            }
            Outcome::Conflict(c) => {
                let _ = self.overlays.try_update(drop_mutation);
                let _ = self.conflicts.try_update(|list| {
                    for conflict in &c.conflicts {
                        list.retain(|x| x.field != conflict.field);
                        list.push(conflict.clone());
                    }
                });
            }
            Outcome::Refused(why) => {
                let _ = self.overlays.try_update(drop_mutation);
                let _ = self.error.try_set(Some(why.clone()));
            }
        }
    }

    fn highlight(&self, fields: Vec<String>) {
        let highlighted = self.highlighted;
        let _ = highlighted.try_update(|h| h.extend(fields.iter().cloned()));
        set_timeout(
            move || {
                let _ = highlighted.try_update(|h| h.retain(|f| !fields.contains(f)));
            },
            std::time::Duration::from_millis(HIGHLIGHT_MS),
        );
    }

    fn notify(&self, text: String) {
        let notices = self.notices;
        let id = js_now() as u64;
        let _ = notices.try_update(|n| {
            n.push((id, text));
            if n.len() > 3 {
                n.remove(0);
            }
        });
        set_timeout(
            move || {
                let _ = notices.try_update(|n| n.retain(|x| x.0 != id));
            },
            std::time::Duration::from_millis(NOTICE_MS),
        );
    }

    /// Whether a change of this record carrying `mutation` was made here.
    pub fn is_mine(&self, mutation: Option<Uuid>) -> bool {
        mutation.is_some_and(|m| self.mine.with_value(|s| s.contains(&m)))
    }
}

fn js_now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now().timestamp_millis() as f64
    }
}
