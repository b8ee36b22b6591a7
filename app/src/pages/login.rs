use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Sign-in form. It posts to `/auth/login` as a plain HTML form, so it works before (and
/// without) hydration; the server redirects back here with `?error=invalid` on failure.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let failed = move || query.read().get("error").is_some();
    let next = move || crate::navigation::safe_next(query.read().get("next").as_deref()).to_owned();
    view! {
        <Title text="Sign in" />
        <div class="flex min-h-screen items-center justify-center bg-slate-50 px-4">
            <div class="w-full max-w-sm">
                <div class="mb-6 flex items-center justify-center gap-2">
                    <span class="inline-flex h-9 w-9 items-center justify-center rounded-lg bg-indigo-600 text-lg font-bold text-white">
                        "S"
                    </span>
                    <span class="text-xl font-semibold text-slate-900">"Switchboard"</span>
                </div>
                <form
                    method="post"
                    action="/auth/login"
                    class="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
                >
                    <h1 class="text-lg font-semibold text-slate-900">"Sign in"</h1>
                    <Show when=failed>
                        <p role="alert" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="login-error">
                            "Wrong email or password."
                        </p>
                    </Show>
                    <input type="hidden" name="next" value=next />
                    <label class="block text-sm">
                        <span class="font-medium text-slate-700">"Email"</span>
                        <input
                            type="email"
                            name="email"
                            required
                            maxlength="254"
                            autocomplete="username"
                            class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30"
                        />
                    </label>
                    <label class="block text-sm">
                        <span class="font-medium text-slate-700">"Password"</span>
                        <input
                            type="password"
                            name="password"
                            required
                            maxlength="1024"
                            autocomplete="current-password"
                            class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30"
                        />
                    </label>
                    <button
                        type="submit"
                        class="w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
                    >
                        "Sign in"
                    </button>
                </form>
            </div>
        </div>
    }
}
