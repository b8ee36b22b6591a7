//! A draft with its decision controls: approve, reject (with an optional reason) or edit,
//! inline and keyboard-usable. A draft someone else decided first says who did.

use leptos::prelude::*;

use super::{run_action, BUTTON, DANGER, PRIMARY};
use crate::api::agents::{approve_draft, edit_draft, reject_draft};
use crate::components::agent_badges::DraftStatusBadge;
use crate::components::format::date_time;
use crate::model::agents::{
    Channel, Draft, DraftStatus, MAX_BODY_CHARS, MAX_REASON_CHARS, MAX_SUBJECT_CHARS,
};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    View,
    Rejecting,
    Editing,
}

/// `on_decided` runs with the draft as the server returned it once a decision went through.
#[component]
pub fn DraftCard(
    draft: Draft,
    #[prop(into)] contact: Signal<String>,
    agent: String,
    can_act: bool,
    #[prop(optional)] contact_href: Option<String>,
    #[prop(into)] on_decided: Callback<Draft>,
) -> impl IntoView {
    let id = draft.id;
    let mode = RwSignal::new(Mode::View);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let reason = RwSignal::new(String::new());
    let subject = RwSignal::new(draft.subject.clone().unwrap_or_default());
    let body = RwSignal::new(draft.body.clone());
    let is_email = draft.channel == Channel::Email;
    let pending = draft.status == DraftStatus::PendingApproval;
    let run = move |call: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Draft, ServerFnError>>>,
    >| {
        run_action(busy, error, call, move |d| {
            let _ = mode.try_set(Mode::View);
            on_decided.run(d);
        })
    };
    let approve = move |_| run(Box::pin(approve_draft(id)));
    let confirm_reject = move |_| {
        let r = reason.get_untracked();
        run(Box::pin(reject_draft(
            id,
            (!r.trim().is_empty()).then_some(r),
        )))
    };
    let save = move |_| {
        let s = is_email.then(|| subject.get_untracked());
        run(Box::pin(edit_draft(id, s, Some(body.get_untracked()))))
    };
    let channel = draft.channel.label();
    let heading = move || format!("{channel} for {}", contact.get());
    let label_id = format!("draft-{id}-title");
    let labelled_by = label_id.clone();
    view! {
        <li
            class="draft-card rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            data-draft-id=id.to_string()
            aria-labelledby=labelled_by
        >
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h3 id=label_id class="text-sm font-semibold text-slate-900">
                    {match contact_href {
                        Some(href) => view! { <a class="text-indigo-700 hover:underline" href=href>{heading}</a> }.into_any(),
                        None => view! { <span>{heading}</span> }.into_any(),
                    }}
                </h3>
                <DraftStatusBadge status=draft.status />
            </div>
            <p class="mt-0.5 text-xs text-slate-600">
                {format!("By {agent} · {}", date_time(draft.created_at))}
                {draft.edited_at.map(|_| " · edited")}
                {draft.decided_by_name.clone().map(|who| format!(" · decided by {who}"))}
            </p>
            <Show
                when=move || mode.get() == Mode::Editing
                fallback=move || view! {
                    <div class="mt-2 space-y-1 text-sm text-slate-800">
                        <Show when=move || is_email>
                            <p class="font-medium" data-testid="draft-subject">{move || subject.get()}</p>
                        </Show>
                        <p class="whitespace-pre-line" data-testid="draft-body">{move || body.get()}</p>
                    </div>
                }
            >
                <div class="mt-2 space-y-2">
                    <Show when=move || is_email>
                        <label class="block text-xs font-medium text-slate-700">
                            "Subject"
                            <input
                                class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                                maxlength=MAX_SUBJECT_CHARS
                                prop:value=move || subject.get()
                                on:input=move |ev| subject.set(event_target_value(&ev))
                            />
                        </label>
                    </Show>
                    <label class="block text-xs font-medium text-slate-700">
                        "Message"
                        <textarea
                            class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                            rows="5"
                            maxlength=MAX_BODY_CHARS
                            prop:value=move || body.get()
                            on:input=move |ev| body.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                    <div class="flex gap-2">
                        <button type="button" class=PRIMARY disabled=move || busy.get() on:click=save>"Save changes"</button>
                        <button type="button" class=BUTTON on:click=move |_| mode.set(Mode::View)>"Cancel"</button>
                    </div>
                </div>
            </Show>
            {draft.reject_reason.clone().map(|r| view! { <p class="mt-2 text-sm text-red-800">{format!("Rejected: {r}")}</p> })}
            <Show when=move || mode.get() == Mode::Rejecting>
                <div class="mt-2 flex flex-wrap items-end gap-2">
                    <label class="block grow text-xs font-medium text-slate-700">
                        "Reason (optional)"
                        <input
                            class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                            maxlength=MAX_REASON_CHARS
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="button" class=DANGER disabled=move || busy.get() on:click=confirm_reject>"Confirm rejection"</button>
                    <button type="button" class=BUTTON on:click=move |_| mode.set(Mode::View)>"Cancel"</button>
                </div>
            </Show>
            <Show when=move || can_act && pending && mode.get() == Mode::View>
                <div class="mt-3 flex flex-wrap gap-2">
                    <button type="button" class=PRIMARY disabled=move || busy.get() on:click=approve>"Approve"</button>
                    <button type="button" class=DANGER disabled=move || busy.get() on:click=move |_| mode.set(Mode::Rejecting)>"Reject"</button>
                    <button type="button" class=BUTTON disabled=move || busy.get() on:click=move |_| mode.set(Mode::Editing)>"Edit"</button>
                </div>
            </Show>
            <Show when=move || error.get().is_some()>
                <p class="mt-2 text-sm text-red-800" role="alert" data-testid="draft-error">{move || error.get()}</p>
            </Show>
        </li>
    }
}
