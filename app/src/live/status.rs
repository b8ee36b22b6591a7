//! The connection state shown in the header pill.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnState {
    /// Opening the stream for the first time.
    Connecting,
    /// The stream is open and healthy.
    Live,
    /// The stream dropped; trying again (briefly, before polling takes over).
    Reconnecting,
    /// The stream is unavailable; changes arrive by polling every 10 s.
    Polling,
    /// The browser is offline, or neither stream nor polling reaches the server.
    Offline,
}

impl ConnState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnState::Connecting => "connecting",
            ConnState::Live => "live",
            ConnState::Reconnecting => "reconnecting",
            ConnState::Polling => "polling",
            ConnState::Offline => "offline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnState::Connecting => "Connecting",
            ConnState::Live => "Live",
            ConnState::Reconnecting => "Reconnecting",
            ConnState::Polling => "Polling",
            ConnState::Offline => "Offline",
        }
    }

    /// What a screen reader hears, and the pill's tooltip.
    pub fn description(self) -> &'static str {
        match self {
            ConnState::Connecting => "Connecting to live updates…",
            ConnState::Live => "Live: updates appear as they happen.",
            ConnState::Reconnecting => {
                "Connection lost; reconnecting. Missed updates will be caught up."
            }
            ConnState::Polling => "Live stream unavailable; checking for updates every 10 seconds.",
            ConnState::Offline => "Offline: updates resume when the connection returns.",
        }
    }

    /// Colour name and Tailwind classes of the pill (text and dot carry it together).
    pub fn style(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ConnState::Live => (
                "green",
                "bg-green-50 text-green-800 ring-green-600/30",
                "bg-green-500",
            ),
            ConnState::Connecting | ConnState::Reconnecting => (
                "yellow",
                "bg-yellow-50 text-yellow-800 ring-yellow-600/30",
                "bg-yellow-500",
            ),
            ConnState::Polling => (
                "orange",
                "bg-orange-50 text-orange-800 ring-orange-600/30",
                "bg-orange-500",
            ),
            ConnState::Offline => (
                "red",
                "bg-red-50 text-red-800 ring-red-600/30",
                "bg-red-500",
            ),
        }
    }
}

/// What the tab holding the stream knows about its connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Health {
    /// `navigator.onLine`.
    pub offline: bool,
    /// The stream is open and has said `ready`.
    pub stream_open: bool,
    /// The stream was live at least once in this tab's lifetime.
    pub ever_live: bool,
    /// Stream failures since it was last live.
    pub failures: u32,
    /// Outcome of the latest poll, if one ran since the stream was last live.
    pub last_poll_ok: Option<bool>,
}

/// Stream failures after which the pill says "Polling" rather than "Reconnecting".
pub const FAILURES_BEFORE_POLLING: u32 = 2;

impl Health {
    pub fn state(&self) -> ConnState {
        if self.offline {
            return ConnState::Offline;
        }
        if self.stream_open {
            return ConnState::Live;
        }
        let retrying = if self.ever_live {
            ConnState::Reconnecting
        } else {
            ConnState::Connecting
        };
        match (self.failures >= FAILURES_BEFORE_POLLING, self.last_poll_ok) {
            (_, Some(false)) if self.failures > 0 => ConnState::Offline,
            (true, Some(true)) => ConnState::Polling,
            _ => retrying,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_stream_is_live_and_the_browser_going_offline_wins_over_everything() {
        let mut h = Health {
            stream_open: true,
            ..Health::default()
        };
        assert_eq!(h.state(), ConnState::Live);
        h.offline = true;
        assert_eq!(h.state(), ConnState::Offline);
    }

    #[test]
    fn the_first_attempt_is_connecting_and_a_dropped_stream_is_reconnecting() {
        let mut h = Health::default();
        assert_eq!(h.state(), ConnState::Connecting);
        h.ever_live = true;
        h.failures = 1;
        assert_eq!(h.state(), ConnState::Reconnecting);
    }

    #[test]
    fn repeated_failures_with_working_polls_are_polling_and_with_failing_polls_offline() {
        let mut h = Health {
            ever_live: true,
            failures: 2,
            last_poll_ok: Some(true),
            ..Health::default()
        };
        assert_eq!(h.state(), ConnState::Polling);
        h.last_poll_ok = Some(false);
        assert_eq!(h.state(), ConnState::Offline);
    }

    #[test]
    fn every_state_has_a_distinct_colour_family_per_severity() {
        assert_eq!(ConnState::Live.style().0, "green");
        assert_eq!(ConnState::Connecting.style().0, "yellow");
        assert_eq!(ConnState::Reconnecting.style().0, "yellow");
        assert_eq!(ConnState::Offline.style().0, "red");
    }
}
