//! When a tab hands the changes it queued to its live views.
//!
//! In a task of its own, at most once per [`FLUSH_SPACING_MS`] (a frame at 60 Hz). Not from an
//! animation-frame callback: there the views' script and the browser's style, layout and paint
//! of that frame make one task — on a board of 100 calls all changing at once, ~28 ms of script
//! and ~40 ms of rendering, so a click waited ~70 ms. Apart, neither passes 50 ms, and input is
//! handled between them. (A hidden tab's timers run at most once a second; it shows nothing
//! meanwhile.)

/// The shortest time between two hand-overs, in milliseconds.
pub const FLUSH_SPACING_MS: f64 = 16.0;

/// How long changes that arrive at `now_ms` wait when the last hand-over was at
/// `last_flush_ms` (wall-clock milliseconds): the rest of the spacing, never more — a clock
/// set back must not hold them for as long.
pub fn flush_wait_ms(last_flush_ms: f64, now_ms: f64) -> f64 {
    (last_flush_ms + FLUSH_SPACING_MS - now_ms).clamp(0.0, FLUSH_SPACING_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_wait_only_for_the_rest_of_the_spacing_since_the_last_hand_over() {
        assert_eq!(flush_wait_ms(1_000.0, 1_010.0), 6.0);
        assert_eq!(flush_wait_ms(1_000.0, 1_016.0), 0.0);
        assert_eq!(flush_wait_ms(1_000.0, 5_000.0), 0.0);
        assert_eq!(flush_wait_ms(0.0, 1_700_000_000_000.0), 0.0);
    }

    #[test]
    fn a_clock_set_back_never_holds_changes_longer_than_the_spacing() {
        assert_eq!(
            flush_wait_ms(1_700_000_000_000.0, 1_699_999_000_000.0),
            FLUSH_SPACING_MS
        );
    }
}
