//! The main navigation, with the live count of drafts awaiting approval.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::agents::pending_approvals;
use crate::live::use_live;
use crate::views::agents::pending_count;

const LINK: &str =
    "text-sm font-medium text-slate-700 hover:text-slate-900 aria-[current=page]:text-indigo-700";

#[component]
pub fn MainNav() -> impl IntoView {
    view! {
        <nav aria-label="Main" class="flex flex-wrap items-center gap-x-4 gap-y-1">
            <A href="/" exact=true attr:class=LINK>"Campaigns"</A>
            <A href="/contacts" attr:class=LINK>"Contacts"</A>
            <A href="/clients" attr:class=LINK>"Clients"</A>
            <A href="/agents" attr:class=LINK>"Agents"</A>
            <A href="/approvals" attr:class=LINK>
                "Approvals"
                <PendingCount />
            </A>
            <A href="/follow-ups" attr:class=LINK>"Follow-ups"</A>
        </nav>
    }
}

/// "(3)" after "Approvals", kept current by the stream; read as "3 awaiting approval".
#[component]
fn PendingCount() -> impl IntoView {
    let initial = Resource::new(|| (), |_| pending_approvals());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                initial.await.ok().map(|p| {
                    let live = use_live(p.count, p.cursor, pending_count::apply, || async {
                        let p = pending_approvals().await.ok()?;
                        Some((p.count, p.cursor))
                    });
                    let count = live.data;
                    view! {
                        <span
                            class="ml-1 inline-flex min-w-5 justify-center rounded-full bg-amber-100 px-1.5 text-xs font-semibold tabular-nums text-amber-900"
                            data-testid="pending-approvals"
                            data-count=move || count.get().to_string()
                        >
                            <span class="sr-only">", "</span>
                            {move || count.get()}
                            <span class="sr-only">" awaiting approval"</span>
                        </span>
                    }
                })
            })}
        </Suspense>
    }
}
