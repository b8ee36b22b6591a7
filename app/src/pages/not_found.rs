use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::layout::{AppLayout, Notice};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <AppLayout>
            <Notice title="Page not found" body="There is nothing at this address. Use the navigation above to get back." />
        </AppLayout>
    }
}
