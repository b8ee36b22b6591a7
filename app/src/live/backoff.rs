//! Exponential backoff with full jitter for stream reconnects.

/// First retry delay.
pub const BASE_MS: f64 = 250.0;
/// Longest wait between two attempts.
pub const CAP_MS: f64 = 10_000.0;

/// Delay before attempt `attempt` (0 = first retry), given a random `unit` in `[0, 1)`:
/// half of the exponential step plus a random share of the other half, so many browsers that
/// lost the same server do not all come back in the same instant.
pub fn delay_ms(attempt: u32, unit: f64) -> f64 {
    let step = (BASE_MS * 2f64.powi(attempt.min(16) as i32)).min(CAP_MS);
    step / 2.0 + step / 2.0 * unit.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_per_attempt_and_stop_at_the_cap() {
        assert_eq!(delay_ms(0, 1.0), 250.0);
        assert_eq!(delay_ms(1, 1.0), 500.0);
        assert_eq!(delay_ms(3, 1.0), 2000.0);
        assert_eq!(delay_ms(30, 1.0), CAP_MS);
    }

    #[test]
    fn jitter_keeps_a_delay_between_half_and_all_of_its_step() {
        for attempt in 0..10 {
            let lo = delay_ms(attempt, 0.0);
            let hi = delay_ms(attempt, 0.999);
            assert!(lo > 0.0 && lo * 2.0 >= hi, "attempt {attempt}: {lo}..{hi}");
        }
    }
}
