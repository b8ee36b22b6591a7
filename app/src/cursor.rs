//! Positions in the realtime change log, shared by the server and the browser.
//!
//! A cursor names a point in commit order: `"<seq>"` is "after everything transaction `seq`
//! committed", `"<seq>.<id>"` is "after change `id` of transaction `seq`" (a page boundary
//! inside a large transaction). Cursors compare in commit order.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cursor {
    /// Commit sequence number of the transaction.
    pub seq: i64,
    /// Change id within that transaction; `i64::MAX` for "the whole transaction".
    pub id: i64,
}

impl Cursor {
    /// The very beginning: before every change.
    pub const START: Cursor = Cursor {
        seq: 0,
        id: i64::MAX,
    };

    /// After every change of transaction `seq`.
    pub fn after_commit(seq: i64) -> Self {
        Cursor { seq, id: i64::MAX }
    }

    /// After change `id` of transaction `seq`.
    pub fn at(seq: i64, id: i64) -> Self {
        Cursor { seq, id }
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.id == i64::MAX {
            write!(f, "{}", self.seq)
        } else {
            write!(f, "{}.{}", self.seq, self.id)
        }
    }
}

/// Why a cursor could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed cursor {0:?}: expected <seq> or <seq>.<id> with non-negative integers")]
pub struct BadCursor(pub String);

impl FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(s: &str) -> Result<Self, BadCursor> {
        let bad = || BadCursor(s.chars().take(64).collect());
        let num = |p: &str| -> Result<i64, BadCursor> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse::<i64>().map_err(|_| bad())
        };
        match s.trim().split_once('.') {
            None => Ok(Cursor::after_commit(num(s.trim())?)),
            Some((seq, id)) => {
                let id = num(id)?;
                if id == i64::MAX {
                    return Err(bad());
                }
                Ok(Cursor::at(num(seq)?, id))
            }
        }
    }
}

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_print_and_parse_back() {
        for c in [Cursor::START, Cursor::after_commit(42), Cursor::at(42, 7)] {
            assert_eq!(c.to_string().parse::<Cursor>().unwrap(), c);
        }
        assert_eq!(Cursor::after_commit(42).to_string(), "42");
        assert_eq!(Cursor::at(42, 7).to_string(), "42.7");
    }

    #[test]
    fn cursors_order_by_commit_then_change() {
        assert!(Cursor::at(1, 5) < Cursor::after_commit(1));
        assert!(Cursor::after_commit(1) < Cursor::at(2, 1));
        assert!(Cursor::START < Cursor::at(1, 1));
    }

    #[test]
    fn malformed_cursors_are_refused() {
        for s in [
            "",
            "abc",
            "-1",
            "1.",
            ".1",
            "1.2.3",
            "1.x",
            "99999999999999999999",
        ] {
            assert!(s.parse::<Cursor>().is_err(), "{s:?}");
        }
    }
}
