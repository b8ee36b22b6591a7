#![recursion_limit = "256"]
//! Switchboard's Leptos application: pages and components (SSR + hydrate), server functions,
//! and — with the `ssr` feature — the data access both the pages and the JSON API use.

pub mod api;
pub mod components;
pub mod cursor;
#[cfg(feature = "ssr")]
pub mod data;
pub mod edits;
pub mod hydration;
pub mod live;
pub mod model;
pub mod navigation;
pub mod notifications;
pub mod pages;
pub mod presence;
pub mod views;

use hydration::HydrationScript;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use pages::agents::{
    agent_detail::AgentDetailPage, approvals::ApprovalsPage, command_centre::AgentsPage,
    contact_detail::ContactDetailPage, contacts::ContactsListPage, follow_ups::FollowUpsListPage,
};
use pages::clients::{
    client_detail::ClientDetailPage, trip_detail::TripDetailPage, ClientsListPage,
};
use pages::{
    admin_health::AdminHealthPage, campaign_detail::CampaignDetailPage, campaigns::CampaignsPage,
    login::LoginPage, not_found::NotFound,
};

/// What search engines and link previews say about every page.
const DESCRIPTION: &str = "Switchboard: live call campaigns at a glance. Follow calls as they are \
    queued, ring, connect and end, with each campaign's progress and activity as it happens.";

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <meta name="description" content=DESCRIPTION />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // The stylesheet under the name this build gave it (content-hashed in builds
                // with `hash-files`, which the server caches for a year).
                <HashedStylesheet id="leptos" options=options.clone() />
                <AutoReload options=options.clone() />
                <HydrationScript options />
                <MetaTags />
            </head>
            <body class="bg-slate-50 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    live::provide_realtime();
    presence::provide_presence();
    edits::provide_outbox();
    view! {
        <Title formatter=|t: String| if t.is_empty() { "Switchboard".to_string() } else { format!("{t} · Switchboard") } />
        // Each page is type-erased (`into_any`): the route tree's type stays small, which keeps
        // compile times and debug info in check.
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=|| view! { <LoginPage /> }.into_any() />
                // Async: the status code (404 for another organization's campaign) and the
                // whole page are ready before the first byte is sent.
                <Route path=path!("/") view=|| view! { <CampaignsPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/campaigns/:id") view=|| view! { <CampaignDetailPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/admin/health") view=|| view! { <AdminHealthPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/contacts") view=|| view! { <ContactsListPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/contacts/:id") view=|| view! { <ContactDetailPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/agents") view=|| view! { <AgentsPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/agents/:id") view=|| view! { <AgentDetailPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/approvals") view=|| view! { <ApprovalsPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/clients") view=|| view! { <ClientsListPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/clients/:id") view=|| view! { <ClientDetailPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/trips/:id") view=|| view! { <TripDetailPage /> }.into_any() ssr=SsrMode::Async />
                <Route path=path!("/follow-ups") view=|| view! { <FollowUpsListPage /> }.into_any() ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
