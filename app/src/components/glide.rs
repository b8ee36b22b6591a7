//! Cards that glide to their new place when a live board reorders, instead of jumping there.
//!
//! A live board moves cards all the time: a call that ends leaves the active list and every
//! card after it takes the place before; a finished call enters at the top of its list and
//! pushes the others on. Jumping cards are hard to follow (and are what the browser counts as
//! layout shift). After each change to the board's DOM this measures where each card's layout
//! put it, moves the ones that moved back to where they were with a transform, and lets the
//! transform run to zero (FLIP: first, last, invert, play). Transforms change no layout and run
//! on the compositor.
//!
//! Positions are layout offsets (`offsetLeft` / `offsetTop`: no transform, no scroll), kept per
//! element in a `WeakMap`, so a card that leaves the DOM leaves the map. Boards past
//! [`GLIDE_AT_MOST`] cards, a board whose width changed since it was last measured, and readers
//! who asked for reduced motion get the plain jump.

use leptos::prelude::*;

/// Past this many cards a board's moves are too many to follow, and a compositor layer per
/// gliding card would cost the frame what the 100-call board cannot spare: they jump.
pub const GLIDE_AT_MOST: usize = 60;
/// How long a card takes to reach its new place.
pub const GLIDE_MS: u32 = 200;

/// The translation that puts a card moved from `first` to `last` back where it was, or `None`
/// when it did not move (by a whole pixel).
pub fn invert(first: (i32, i32), last: (i32, i32)) -> Option<(i32, i32)> {
    let d = (first.0 - last.0, first.1 - last.1);
    (d != (0, 0)).then_some(d)
}

/// Whether a board of `cards` cards is watched at all: big boards, and readers who asked for
/// reduced motion, get the plain jump (and the board costs nothing more per change).
pub fn watched(cards: usize, reduced_motion: bool) -> bool {
    cards <= GLIDE_AT_MOST && !reduced_motion
}

/// Whether a change to a watched board glides: not when the board was not measured before it,
/// and not after the board's width changed (every card moved with the columns, not with the
/// change).
pub fn glides(width_before: Option<i32>, width: i32) -> bool {
    width_before == Some(width)
}

/// Make the elements matching `selector` inside the `root` section glide when the DOM under it
/// changes (in the browser; the server renders the board as it is).
pub fn glide_moves(root: NodeRef<leptos::html::Section>, selector: &'static str) {
    #[cfg(feature = "hydrate")]
    {
        let watch = StoredValue::new_local(None::<browser::Watch>);
        root.on_load(move |el| watch.set_value(browser::Watch::start(el, selector)));
        on_cleanup(move || {
            if let Some(w) = watch.try_update_value(Option::take).flatten() {
                w.stop();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (root, selector);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::Duration;

    use leptos::prelude::{request_animation_frame, set_timeout};

    use js_sys::{Array, WeakMap};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlElement, MediaQueryList, MutationObserver, MutationObserverInit};

    use super::{glides, invert, watched, GLIDE_MS};

    /// A board being watched; `stop` when it unmounts.
    pub struct Watch {
        observer: MutationObserver,
        _callback: Closure<dyn FnMut()>,
    }

    struct Board {
        root: HtmlElement,
        selector: &'static str,
        seen: WeakMap,
        /// The glide each card is in (its stamp), so only the last one clears up after it.
        gliding: WeakMap,
        stamp: Cell<u32>,
        width: Cell<Option<i32>>,
        reduced_motion: Option<MediaQueryList>,
    }

    impl Watch {
        pub fn start(root: HtmlElement, selector: &'static str) -> Option<Watch> {
            let board = Rc::new(Board {
                root,
                selector,
                seen: WeakMap::new(),
                gliding: WeakMap::new(),
                stamp: Cell::new(0),
                width: Cell::new(None),
                reduced_motion: web_sys::window().and_then(|w| {
                    w.match_media("(prefers-reduced-motion: reduce)")
                        .ok()
                        .flatten()
                }),
            });
            // The first positions once the hydrated page has been laid out (after its frame,
            // so reading them costs no layout of its own).
            let first = board.clone();
            request_animation_frame(move || {
                set_timeout(move || first.changed(false), Duration::ZERO)
            });
            let b = board.clone();
            let callback = Closure::<dyn FnMut()>::new(move || b.changed(true));
            let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
            let init = MutationObserverInit::new();
            init.set_child_list(true);
            init.set_subtree(true);
            observer.observe_with_options(&board.root, &init).ok()?;
            Some(Watch {
                observer,
                _callback: callback,
            })
        }

        pub fn stop(self) {
            self.observer.disconnect();
        }
    }

    impl Board {
        /// The DOM under the board changed (a microtask after the change, before the frame):
        /// measure, and glide the cards that moved.
        fn changed(&self, animate: bool) {
            let Ok(cards) = self.root.query_selector_all(self.selector) else {
                return;
            };
            let reduced = self.reduced_motion.as_ref().is_some_and(|m| m.matches());
            if !watched(cards.length() as usize, reduced) {
                // Not measured at all (the big board's frames stay as they were); the next
                // change after the board shrinks measures without gliding.
                self.width.set(None);
                return;
            }
            let width = self.root.offset_width();
            let glide = animate && glides(self.width.get(), width);
            self.width.set(Some(width));
            let mut moved = Vec::new();
            for i in 0..cards.length() {
                let Some(card) = cards.item(i).and_then(|c| c.dyn_into::<HtmlElement>().ok())
                else {
                    continue;
                };
                let last = (card.offset_left(), card.offset_top());
                let before = self.seen.get(&card);
                self.seen
                    .set(&card, &Array::of2(&last.0.into(), &last.1.into()));
                if !glide || before.is_undefined() {
                    continue;
                }
                let before: Array = before.unchecked_into();
                let first = (
                    before.get(0).as_f64().unwrap_or_default() as i32,
                    before.get(1).as_f64().unwrap_or_default() as i32,
                );
                if let Some((dx, dy)) = invert(first, last) {
                    let style = card.style();
                    let _ = style.set_property("transition", "none");
                    let _ = style.set_property("transform", &format!("translate({dx}px, {dy}px)"));
                    // Rendered even where its new place is off screen (cards skip rendering
                    // there otherwise, and would vanish from where they are seen). It stays:
                    // switching back re-lays the card out, which is a shift of its own. Boards
                    // that glide are small; the big ones, which need the skipping, never do.
                    let _ = style.set_property("content-visibility", "visible");
                    moved.push(card);
                }
            }
            if moved.is_empty() {
                return;
            }
            let stamp = self.stamp.get().wrapping_add(1);
            self.stamp.set(stamp);
            for card in &moved {
                self.gliding.set(card, &stamp.into());
            }
            // One frame shows the cards where they were (a transform set and a transition
            // started in the same frame would count as a jump: the browser measures the
            // transition's end), the next plays them to zero; then the transition goes.
            // A later change that moves a card first takes it over (its stamp), and each step
            // leaves the cards of a later glide alone.
            let gliding = self.gliding.clone();
            let current = move |c: &&HtmlElement| gliding.get(c).as_f64() == Some(f64::from(stamp));
            request_animation_frame(move || {
                request_animation_frame(move || {
                    for card in moved.iter().filter(&current) {
                        let style = card.style();
                        let _ = style.set_property(
                            "transition",
                            &format!("transform {GLIDE_MS}ms ease-out"),
                        );
                        let _ = style.remove_property("transform");
                    }
                    set_timeout(
                        move || {
                            for card in moved.iter().filter(current) {
                                let _ = card.style().remove_property("transition");
                            }
                        },
                        Duration::from_millis(u64::from(GLIDE_MS) + 50),
                    );
                })
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_that_moved_is_put_back_by_the_difference() {
        assert_eq!(invert((0, 64), (248, 0)), Some((-248, 64)));
        assert_eq!(invert((248, 0), (248, 0)), None);
    }

    #[test]
    fn big_boards_and_reduced_motion_are_not_watched() {
        assert!(watched(GLIDE_AT_MOST, false));
        assert!(!watched(GLIDE_AT_MOST + 1, false));
        assert!(!watched(12, true));
    }

    #[test]
    fn a_change_glides_only_on_a_board_measured_before_at_the_same_width() {
        assert!(glides(Some(800), 800));
        assert!(!glides(Some(800), 640));
        assert!(!glides(None, 800));
    }
}
