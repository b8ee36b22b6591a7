//! What a room and a broadcast event may be called: short, printable, predictable names, so
//! they are safe in SQL arrays, NOTIFY payloads and logs, and a typo is a 400, not a room
//! nobody else is in. One definition for the server (which enforces it) and the browser
//! (which names a page's room).

/// The room every reported connection is also in: the organization itself (the count of
/// active users reads it).
pub const ORG_ROOM: &str = "org";
/// Most rooms one report may name (a browser's tabs together).
pub const MAX_ROOMS: usize = 20;

/// `kind` or `kind:key`: a lowercase kind (`campaign`, `clients`, `trip`) of at most 32
/// characters, then optionally `:` and a key of letters, digits, `-` and `_` (an id) of at
/// most 64.
pub fn check_room(room: &str) -> Result<(), String> {
    let (kind, key) = match room.split_once(':') {
        Some((kind, key)) => (kind, Some(key)),
        None => (room, None),
    };
    let kind_ok = (1..=32).contains(&kind.len())
        && kind.starts_with(|c: char| c.is_ascii_lowercase())
        && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let key_ok = key.is_none_or(|k| {
        (1..=64).contains(&k.len())
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    if kind_ok && key_ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a room: use `kind` or `kind:key` (e.g. `campaign:<id>`): a lowercase kind of up to 32 letters, a key of up to 64 letters, digits, `-` or `_`",
            truncate(room)
        ))
    }
}

/// A lowercase letter, then up to 31 lowercase letters, digits, `_`, `-` or `.`.
pub fn check_event(event: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&event.len())
        && event.starts_with(|c: char| c.is_ascii_lowercase())
        && event
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not an event name: a lowercase letter, then up to 31 lowercase letters, digits, `_`, `-` or `.`",
            truncate(event)
        ))
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_a_kind_and_an_optional_key() {
        for ok in [
            "org",
            "clients",
            "campaign:6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7c",
            "trip:42",
            "follow_ups",
        ] {
            assert!(check_room(ok).is_ok(), "{ok}");
        }
        let long_key = format!("campaign:{}", "a".repeat(65));
        for bad in [
            "",
            "Campaign",
            "campaign:",
            ":x",
            "campaign:a:b",
            "a b",
            "campaign:é",
            "1x",
            &long_key,
        ] {
            assert!(check_room(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn event_names_are_short_lowercase_words() {
        for ok in ["cursor", "typing", "cursor.move", "a1_b-c"] {
            assert!(check_event(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Cursor", "1cursor", "cur sor", "x\n", &"a".repeat(33)] {
            assert!(check_event(bad).is_err(), "{bad}");
        }
    }
}
