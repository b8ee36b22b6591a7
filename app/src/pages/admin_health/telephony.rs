//! The organization's telephony settings: the webhook URL to give the provider, the auth
//! token (hidden until asked for), and rotating it.

use leptos::prelude::*;

use crate::api::operations::{load_telephony_settings, rotate_telephony_token};
use crate::model::operations::TelephonySettings;

#[component]
pub fn TelephonyPanel() -> impl IntoView {
    let loaded = Resource::new(|| (), |_| load_telephony_settings());
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="telephony-heading">
            <h2 id="telephony-heading" class="text-base font-semibold text-slate-900">"Telephony webhook"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Set this URL as the status callback of your Twilio calls. Callbacks are checked against the auth token below."
            </p>
            <Suspense fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(s) => view! { <Settings initial=s /> }.into_any(),
                        Err(e) => view! { <p role="alert" class="mt-3 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Settings(initial: TelephonySettings) -> impl IntoView {
    let settings = RwSignal::new(initial);
    let shown = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let rotate = Action::new(|_: &()| rotate_telephony_token());
    let message = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| {
        if let Some(result) = rotate.value().get() {
            match result {
                Ok(s) => {
                    settings.set(s);
                    shown.set(true);
                    message.set(Some(Ok(
                        "Token rotated. The previous one keeps working for 10 minutes: update Twilio now.".into(),
                    )));
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
            confirming.set(false);
        }
    });
    let token = move || {
        if shown.get() {
            settings.with(|s| s.auth_token.clone())
        } else {
            "•".repeat(24)
        }
    };
    view! {
        <dl class="mt-3 space-y-3 text-sm">
            <div>
                <dt class="font-medium text-slate-700">"Webhook URL"</dt>
                <dd class="mt-1 break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs text-slate-800" data-testid="webhook-url">
                    {move || settings.with(|s| s.webhook_url.clone())}
                </dd>
            </div>
            <div>
                <dt class="font-medium text-slate-700">"Auth token"</dt>
                <dd class="mt-1 flex flex-wrap items-center gap-2">
                    <code class="break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs text-slate-800" data-testid="auth-token">
                        {token}
                    </code>
                    <button
                        type="button"
                        class="rounded-md border border-slate-300 px-2 py-1 text-xs text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                        aria-pressed=move || shown.get().to_string()
                        on:click=move |_| shown.update(|s| *s = !*s)
                    >
                        {move || if shown.get() { "Hide" } else { "Show" }}
                    </button>
                </dd>
                <p class="mt-1 text-xs text-slate-500">
                    {move || settings.with(|s| format!("Last rotated {} UTC", s.rotated_at.format("%Y-%m-%d %H:%M")))}
                </p>
            </div>
        </dl>
        <div class="mt-4 flex flex-wrap items-center gap-2">
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button
                        type="button"
                        class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                        on:click=move |_| confirming.set(true)
                    >
                        "Rotate token…"
                    </button>
                }
            >
                <span class="text-sm text-slate-700">"Replace the token? Twilio must be given the new one."</span>
                <button
                    type="button"
                    class="rounded-md bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 disabled:opacity-50"
                    disabled=move || rotate.pending().get()
                    on:click=move |_| { rotate.dispatch(()); }
                >
                    "Rotate now"
                </button>
                <button
                    type="button"
                    class="rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                    on:click=move |_| confirming.set(false)
                >
                    "Cancel"
                </button>
            </Show>
        </div>
        {move || message.get().map(|m| match m {
            Ok(text) => view! { <p role="status" class="mt-2 text-sm text-green-800">{text}</p> }.into_any(),
            Err(text) => view! { <p role="alert" class="mt-2 text-sm text-red-700">{text}</p> }.into_any(),
        })}
    }
}
