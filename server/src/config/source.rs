//! Where settings come from: the process environment, or a list of pairs in tests.

use std::collections::HashMap;
use std::str::FromStr;

use anyhow::{bail, Context};

pub struct Source {
    vars: HashMap<String, String>,
}

/// `1/true/yes/on` or `0/false/no/off`.
pub fn parse_flag(name: &str, value: &str) -> anyhow::Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => bail!("{name} must be on or off (1/0, true/false), not {other:?}"),
    }
}

impl Source {
    pub fn env() -> Self {
        Source {
            vars: std::env::vars().collect(),
        }
    }

    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Source {
            vars: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// A variable's value; unset and blank are the same.
    pub fn var(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .filter(|v| !v.trim().is_empty())
            .cloned()
    }

    pub fn flag(&self, name: &str, default: bool) -> anyhow::Result<bool> {
        self.var(name).map_or(Ok(default), |v| parse_flag(name, &v))
    }

    pub fn number<T: FromStr>(&self, name: &str, default: T) -> anyhow::Result<T> {
        self.var(name)
            .map(|v| {
                v.trim()
                    .parse()
                    .ok()
                    .with_context(|| format!("{name} must be a number, not {v:?}"))
            })
            .transpose()
            .map(|v| v.unwrap_or(default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_accept_the_usual_spellings_and_reject_others() {
        assert!(parse_flag("X", "on").unwrap());
        assert!(parse_flag("X", "TRUE").unwrap());
        assert!(!parse_flag("X", "0").unwrap());
        assert!(parse_flag("X", "maybe").is_err());
    }

    #[test]
    fn numbers_fall_back_to_the_default_and_reject_words() {
        let s = Source::from_pairs(&[("N", "12"), ("BLANK", " "), ("WORD", "ten")]);
        assert_eq!(s.number("N", 1u32).unwrap(), 12);
        assert_eq!(s.number("BLANK", 1u32).unwrap(), 1);
        assert_eq!(s.number("MISSING", 7u32).unwrap(), 7);
        assert!(s.number("WORD", 1u32).is_err());
    }
}
