//! "Latest only, at most one every N ms, never queued": what a live cursor sends.

/// Holds the newest value offered; hands one out when the interval has passed and nothing
/// is in flight. Older values are dropped, never queued.
#[derive(Debug)]
pub struct Throttle<T> {
    interval_ms: i64,
    last_sent: Option<i64>,
    in_flight: bool,
    pending: Option<T>,
}

impl<T> Throttle<T> {
    pub fn new(interval_ms: i64) -> Self {
        Throttle {
            interval_ms,
            last_sent: None,
            in_flight: false,
            pending: None,
        }
    }

    /// A newer value: it replaces any not sent yet. Returns it if it may go now.
    pub fn offer(&mut self, value: T, now: i64) -> Option<T> {
        self.pending = Some(value);
        self.poll(now)
    }

    /// The value to send now, if any (call when a send finishes and on a timer).
    pub fn poll(&mut self, now: i64) -> Option<T> {
        let due = self.last_sent.is_none_or(|t| now - t >= self.interval_ms);
        if self.in_flight || !due {
            return None;
        }
        let value = self.pending.take()?;
        self.in_flight = true;
        self.last_sent = Some(now);
        Some(value)
    }

    /// The send in flight finished (whatever its outcome).
    pub fn done(&mut self) {
        self.in_flight = false;
    }

    pub fn has_pending(&self) -> bool {
        self.pending.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_value_goes_at_most_once_per_interval() {
        let mut t = Throttle::new(50);
        assert_eq!(t.offer(1, 0), Some(1));
        assert_eq!(t.offer(2, 10), None, "one in flight");
        assert_eq!(t.offer(3, 20), None);
        t.done();
        assert_eq!(t.poll(30), None, "the interval has not passed");
        assert_eq!(t.poll(50), Some(3), "the latest, 2 was dropped");
        t.done();
        assert_eq!(t.poll(200), None, "nothing pending");
        assert!(!t.has_pending());
        assert_eq!(t.offer(4, 200), Some(4));
        assert_eq!(t.poll(400), None, "still in flight: never two at once");
    }
}
