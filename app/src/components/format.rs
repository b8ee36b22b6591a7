//! Time formatting that gives the same text on the server and in the browser (UTC, fixed
//! formats), so hydration never mismatches.

use chrono::{DateTime, Utc};

/// `14:03:07` (UTC).
pub fn clock(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

/// `2026-11-20 14:03 UTC`.
pub fn date_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `0:07`, `12:45`, `1:02:03`.
pub fn duration_secs(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `$0.45` from cents.
pub fn money(cents: i32) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_call_timer() {
        assert_eq!(duration_secs(7), "0:07");
        assert_eq!(duration_secs(765), "12:45");
        assert_eq!(duration_secs(3723), "1:02:03");
        assert_eq!(duration_secs(-5), "0:00");
    }

    #[test]
    fn cents_render_as_dollars() {
        assert_eq!(money(45), "$0.45");
        assert_eq!(money(1250), "$12.50");
    }
}
