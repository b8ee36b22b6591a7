//! A list that renders only the rows in view once it grows past a few hundred items.

use std::hash::Hash;

use leptos::prelude::*;

/// Lists longer than this are windowed.
pub const VIRTUALIZE_AFTER: usize = 200;
/// Height of the scroll box of a windowed list.
const VIEWPORT_PX: f64 = 640.0;
/// Extra rows rendered above and below the visible ones.
const OVERSCAN: usize = 6;

/// The rows `[start, end)` a viewport at `scroll_top` shows, with overscan.
pub fn window(len: usize, row_px: f64, scroll_top: f64) -> (usize, usize) {
    let first = (scroll_top / row_px).floor().max(0.0) as usize;
    let visible = (VIEWPORT_PX / row_px).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(len);
    let end = (first + visible + OVERSCAN).min(len);
    (start, end)
}

/// Render `items` with `row`; past [`VIRTUALIZE_AFTER`] items only the visible window is in
/// the DOM (rows are then `row_px` tall).
#[component]
pub fn VirtualList<T, K, KF, V, VF>(
    #[prop(into)] items: Signal<Vec<T>>,
    key: KF,
    row: VF,
    row_px: f64,
    #[prop(into)] class: String,
    #[prop(into)] testid: String,
    /// The accessible name of the scroll box a windowed list sits in.
    #[prop(into)]
    label: String,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + Send + Sync + 'static,
    KF: Fn(&T) -> K + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    VF: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = NodeRef::<leptos::html::Div>::new();
    let long = move || items.with(|i| i.len() > VIRTUALIZE_AFTER);
    let (key2, row2) = (key.clone(), row.clone());
    let class2 = class.clone();
    view! {
        <Show
            when=long
            fallback=move || {
                let (key, row) = (key.clone(), row.clone());
                view! {
                    <ul class=class.clone() data-testid=testid.clone()>
                        <For each=move || items.get() key=key children=row />
                    </ul>
                }
            }
        >
            {
                let (key, row) = (key2.clone(), row2.clone());
                let len = move || items.with(|i| i.len());
                let range = move || window(len(), row_px, scroll_top.get());
                let slice = move || {
                    let (s, e) = range();
                    items.with(|i| i[s..e].to_vec())
                };
                view! {
                    <div
                        node_ref=viewport
                        class="overflow-y-auto rounded-md border border-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                        style=format!("height: {VIEWPORT_PX}px")
                        role="region"
                        aria-label=label.clone()
                        tabindex="0"
                        on:scroll=move |_| {
                            if let Some(el) = viewport.get() {
                                scroll_top.set(el.scroll_top() as f64);
                            }
                        }
                        data-virtualized="true"
                    >
                        <div style=move || format!("height: {}px; position: relative", len() as f64 * row_px)>
                            <ul
                                class=class2.clone()
                                style=move || format!("position: absolute; left: 0; right: 0; top: {}px", range().0 as f64 * row_px)
                            >
                                <For each=slice key=key.clone() children=row.clone() />
                            </ul>
                        </div>
                    </div>
                }
            }
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_viewport_plus_overscan_and_stays_in_bounds() {
        let (s, e) = window(1000, 40.0, 0.0);
        assert_eq!(s, 0);
        assert!(e >= (VIEWPORT_PX / 40.0) as usize && e < 40);
        let (s, e) = window(1000, 40.0, 40.0 * 500.0);
        assert_eq!(s, 500 - OVERSCAN);
        assert!(e > 500 + 16);
        assert_eq!(window(10, 40.0, 10_000.0), (10, 10));
    }
}
