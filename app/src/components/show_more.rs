//! A long list shows its first few items and a button for the rest: the page renders (and the
//! browser hydrates) a fraction of the DOM, and the rest is one click away.

use leptos::prelude::*;

/// The first `initial` of `items`, or all of them once `expanded`.
pub fn first_or_all<T: Clone>(items: &[T], initial: usize, expanded: bool) -> Vec<T> {
    let n = if expanded {
        items.len()
    } else {
        initial.min(items.len())
    };
    items[..n].to_vec()
}

/// "Show all N …" under a list cut to its first `initial` items, "Show fewer" once expanded;
/// nothing while the list is short enough to show whole.
#[component]
pub fn ShowMoreButton(
    #[prop(into)] total: Signal<usize>,
    initial: usize,
    expanded: RwSignal<bool>,
    /// What the items are, plural ("finished calls").
    noun: &'static str,
) -> impl IntoView {
    let label = move || {
        if expanded.get() {
            "Show fewer".to_string()
        } else {
            format!("Show all {} {noun}", total.get())
        }
    };
    view! {
        <Show when=move || { total.get() > initial }>
            <button
                type="button"
                class="mt-2 rounded px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                aria-expanded=move || expanded.get().to_string()
                data-testid="show-more"
                on:click=move |_| expanded.update(|e| *e = !*e)
            >
                {label}
            </button>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collapsed_list_keeps_its_first_items_and_an_expanded_one_all() {
        let items: Vec<u32> = (0..50).collect();
        assert_eq!(first_or_all(&items, 12, false), (0..12).collect::<Vec<_>>());
        assert_eq!(first_or_all(&items, 12, true).len(), 50);
    }

    #[test]
    fn a_list_shorter_than_the_cut_is_shown_whole() {
        assert_eq!(first_or_all(&[1, 2, 3], 12, false), vec![1, 2, 3]);
        assert!(first_or_all::<u8>(&[], 12, false).is_empty());
    }
}
