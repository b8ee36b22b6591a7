use leptos::prelude::*;
use leptos_router::components::A;

use super::health_indicator::HealthIndicator;
use super::live_status::ConnectionPill;
use super::nav::MainNav;
use super::notifications::NotificationToggle;
use super::presence::ActiveUsers;
use super::toasts::Toasts;
use crate::api::me;

/// Page frame for signed-in pages: header (product, navigation, organization, user, logout)
/// and a centred main column.
#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    // Join the live connection as the user this page was rendered for.
    Effect::new(move |_| {
        if let Some(Ok(u)) = user.get() {
            crate::live::connect(crate::live::Identity {
                user_id: u.id,
                organization_id: u.organization_id,
            });
        }
    });
    view! {
        <div class="min-h-screen bg-slate-50 text-slate-900">
            <header class="border-b border-slate-200 bg-white">
                <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
                    <div class="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-2 sm:gap-x-6">
                        <A href="/" attr:class="flex items-center gap-2 font-semibold text-slate-900">
                            <span class="inline-flex h-7 w-7 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white">
                                "S"
                            </span>
                            <span>"Switchboard"</span>
                        </A>
                        <MainNav />
                        <ConnectionPill />
                        <crate::edits::PendingEdits />
                        <ActiveUsers />
                    </div>
                    <Suspense fallback=|| view! { <span class="text-sm text-slate-500">"…"</span> }>
                        {move || Suspend::new(async move {
                            user.await
                                .map(|u| {
                                    view! {
                                        <div class="flex min-w-0 flex-wrap items-center gap-2 text-sm sm:gap-3">
                                            <HealthIndicator admin=u.role == crate::model::Role::Admin />
                                            <NotificationToggle user=u.id />
                                            <span
                                                class="rounded-md bg-slate-100 px-2 py-1 font-medium text-slate-700"
                                                data-testid="org-name"
                                            >
                                                {u.organization_name.clone()}
                                            </span>
                                            <span class="max-w-[14rem] truncate text-slate-600" data-testid="user-email">
                                                {u.email.clone()}
                                                <span class="ml-1 text-xs text-slate-500">
                                                    {format!("({})", u.role.label())}
                                                </span>
                                            </span>
                                            <form method="post" action="/auth/logout">
                                                <button
                                                    type="submit"
                                                    class="rounded-md border border-slate-300 px-2.5 py-1 text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                                                >
                                                    "Log out"
                                                </button>
                                            </form>
                                        </div>
                                    }
                                })
                        })}
                    </Suspense>
                </div>
            </header>
            <main class="mx-auto max-w-6xl px-4 py-6">{children()}</main>
            <Toasts />
        </div>
    }
}

/// A friendly message box for errors and empty states.
#[component]
pub fn Notice(#[prop(into)] title: String, #[prop(into)] body: String) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
            <h2 class="text-base font-semibold text-slate-800">{title}</h2>
            <p class="mt-1 text-sm text-slate-500">{body}</p>
        </div>
    }
}
