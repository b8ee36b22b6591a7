//! Inline editing: a field that saves when you leave it (shown at once, marked while it is
//! pending), the conflict panel (yours, theirs — who and when — and the original; keep
//! theirs, keep mine, or edit), notices of others' changes, and a record's history.

pub mod format;
mod history;

use leptos::html;
use leptos::prelude::*;
use serde_json::Value;

pub use history::HistoryPanel;

use crate::components::format::date_time;
use crate::edits::RecordEditor;
use crate::model::editing::{Field, FieldConflict, FieldKind};
use format::{from_input, to_input, to_text};

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
const BUTTON: &str = "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/// One field of a record: an input for people who may edit (saved on change), its value as
/// text for the others.
#[component]
pub fn EditableField(editor: RecordEditor, field: &'static Field, can_edit: bool) -> impl IntoView {
    let name = field.name;
    let input_id = format!("field-{}-{name}", editor.id);
    // What is being typed (incoming values do not overwrite it), and the value typing started
    // from (the edit's base).
    let draft = RwSignal::new(None::<String>);
    let started = StoredValue::new(None::<Value>);
    let shown = move || {
        draft
            .get()
            .unwrap_or_else(|| to_input(field, &editor.value(name)))
    };
    let save = move |text: String| {
        let base = started.get_value().unwrap_or_else(|| editor.value(name));
        started.set_value(None);
        draft.set(None);
        match from_input(field, &text) {
            Ok(value) => editor.commit(name, base, value),
            Err(e) => editor.error.set(Some(e)),
        }
    };
    let focus = move |_| {
        if started.get_value().is_none() {
            started.set_value(Some(editor.value(name)));
        }
    };
    let blur = move |_| {
        draft.set(None);
        started.set_value(None);
    };
    let input = move || {
        match field.kind {
        FieldKind::Notes { max } if max > 200 => view! {
            <textarea id=input_id.clone() class=INPUT rows="3" prop:value=shown on:focus=focus on:blur=blur
                on:input=move |ev| draft.set(Some(event_target_value(&ev)))
                on:change=move |ev| save(event_target_value(&ev))></textarea>
        }.into_any(),
        FieldKind::Choice(options) => view! {
            <select id=input_id.clone() class=INPUT prop:value=shown on:focus=focus on:blur=blur
                on:change=move |ev| save(event_target_value(&ev))>
                {options.iter().map(|o| view! { <option value=*o>{to_text(field, &Value::from(*o))}</option> }).collect_view()}
            </select>
        }.into_any(),
        kind => {
            let kind_attr = match kind {
                FieldKind::Date => "date",
                FieldKind::Email => "email",
                FieldKind::Phone => "tel",
                _ => "text",
            };
            let mode = matches!(kind, FieldKind::Cents { .. }).then_some("decimal");
            view! {
                <input id=input_id.clone() type=kind_attr inputmode=mode class=INPUT prop:value=shown
                    on:focus=focus on:blur=blur
                    on:input=move |ev| draft.set(Some(event_target_value(&ev)))
                    on:change=move |ev| save(event_target_value(&ev))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            draft.set(None);
                        }
                    } />
            }.into_any()
        }
    }
    };
    let highlighted = move || editor.highlighted.with(|h| h.contains(name));
    view! {
        <div
            class=move || format!("rounded-md p-2 transition-colors duration-700 motion-reduce:transition-none {}", if highlighted() { "bg-amber-100" } else { "" })
            data-field=name
            data-cursor-anchor=format!("field-{name}")
            data-pending=move || editor.pending(name).to_string()
            data-highlighted=move || highlighted().to_string()
        >
            {if can_edit {
                view! {
                    <label for=format!("field-{}-{name}", editor.id) class="flex items-center justify-between text-xs font-medium text-slate-600">
                        {field.label}
                        <Show when=move || editor.pending(name)>
                            <span class="text-xs font-normal text-amber-800" data-testid="pending">"Saving…"</span>
                        </Show>
                    </label>
                    {input}
                }.into_any()
            } else {
                view! {
                    <p class="text-xs font-medium text-slate-600">{field.label}</p>
                    <p class="mt-1 text-sm text-slate-900" data-testid="value">{move || to_text(field, &editor.value(name))}</p>
                }.into_any()
            }}
        </div>
    }
}

/// Why the last edit was refused, and every conflict waiting for a choice.
#[component]
pub fn EditProblems(editor: RecordEditor) -> impl IntoView {
    view! {
        <Show when=move || editor.error.get().is_some()>
            <p class="mb-3 rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-800" role="alert" data-testid="edit-error">
                {move || editor.error.get()}
            </p>
        </Show>
        <For each=move || editor.conflicts.get() key=|c| (c.field.clone(), c.theirs.to_string()) let:conflict>
            <ConflictPanel editor conflict />
        </For>
    }
}

/// One conflicting field: the original, theirs (who, when) and yours, and the three ways out.
#[component]
fn ConflictPanel(editor: RecordEditor, conflict: FieldConflict) -> impl IntoView {
    let Some(field) = editor.what.field(&conflict.field) else {
        return ().into_any();
    };
    let name = field.name;
    let heading_id = format!("conflict-{}-{name}", editor.id);
    let labelled_by = heading_id.clone();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(to_input(field, &conflict.mine));
    let first = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = first.get() {
            let _ = b.focus();
        }
    });
    let who = conflict
        .changed_by
        .clone()
        .unwrap_or_else(|| "Someone".into());
    let when = conflict.changed_at.map(date_time).unwrap_or_default();
    let mine = conflict.mine.clone();
    let save_edit = move || match from_input(field, &text.get_untracked()) {
        Ok(v) => editor.resolve_with(name, v),
        Err(e) => editor.error.set(Some(e)),
    };
    view! {
        <section role="alertdialog" aria-labelledby=labelled_by aria-modal="false"
            class="mb-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="conflict" data-field=name>
            <h3 id=heading_id class="font-semibold text-amber-900">{format!("{} was changed while you edited it", field.label)}</h3>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
                <dt class="text-slate-600">"Theirs"</dt>
                <dd data-testid="theirs">{to_text(field, &conflict.theirs)}<span class="text-slate-600">{format!(" — {who}, {when}")}</span></dd>
                <dt class="text-slate-600">"Yours"</dt>
                <dd data-testid="mine">{to_text(field, &conflict.mine)}</dd>
                <dt class="text-slate-600">"Original"</dt>
                <dd data-testid="base">{to_text(field, &conflict.base)}</dd>
            </dl>
            <Show when=move || editing.get()>
                <label class="mt-2 block text-xs font-medium text-slate-600">
                    {format!("New {}", field.label.to_lowercase())}
                    <input class=INPUT prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { save_edit() } />
                </label>
            </Show>
            <div class="mt-2 flex flex-wrap gap-2">
                <button type="button" class=BUTTON node_ref=first on:click=move |_| editor.keep_theirs(name)>"Keep theirs"</button>
                <button type="button" class=BUTTON on:click=move |_| editor.resolve_with(name, mine.clone())>"Keep mine"</button>
                <Show when=move || editing.get() fallback=move || view! {
                    <button type="button" class=BUTTON on:click=move |_| editing.set(true)>"Edit…"</button>
                }>
                    <button type="button" class=BUTTON on:click=move |_| save_edit()>"Save"</button>
                </Show>
            </div>
        </section>
    }
    .into_any()
}

/// "Ada Lovelace updated the budget": others' changes to the record on screen.
#[component]
pub fn EditNotices(editor: RecordEditor) -> impl IntoView {
    view! {
        <div class="pointer-events-none fixed bottom-4 left-4 z-40 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
            role="status" aria-live="polite" data-testid="edit-notices">
            <For each=move || editor.notices.get() key=|n| n.0 let:notice>
                <p class="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-800 shadow-lg">{notice.1}</p>
            </For>
        </div>
    }
}
