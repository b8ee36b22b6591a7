//! Where a sign-in may send the user afterwards: only a path on this site.

/// Longest `next` path kept.
const MAX_NEXT_LEN: usize = 2048;

/// `next` if it is a local path made only of plain URL characters, else `/`.
///
/// Browsers drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example` or
/// `/\evil.example` would leave the site as `//evil.example`. Rather than list the tricks,
/// only a strict set of characters is accepted: letters, digits, `-._~!$&'()*+,;=:@/?` and
/// `%` followed by two hex digits; the path must start with one `/` (never `//`).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if is_local_path(n) => n,
        _ => "/",
    }
}

fn is_local_path(n: &str) -> bool {
    let b = n.as_bytes();
    if b.first() != Some(&b'/') || b.get(1) == Some(&b'/') || b.len() > MAX_NEXT_LEN {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 3;
                continue;
            }
            c if c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&c) => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_plain_local_paths_are_redirect_targets() {
        for ok in [
            "/",
            "/campaigns/6f1f0b5e-8d7c-4a43-9a43-8f6f0b5e8d7c",
            "/campaigns/abc?contacts_page=2&x=a%20b",
            "/a/b/c:d@e",
        ] {
            assert_eq!(safe_next(Some(ok)), ok, "{ok:?} should be kept");
        }
        for trick in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/%09/evil.example\u{0}",
            "/\\evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            " /evil",
            "/ evil",
            "/\u{b}/evil.example",
            "/\u{7f}",
            "/évil",
            "/\u{2028}/evil.example",
            "/%zz",
            "/%4",
            "/#frag",
            "",
            "evil.example",
        ] {
            assert_eq!(
                safe_next(Some(trick)),
                "/",
                "{trick:?} must not be followed"
            );
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), "/");
        assert_eq!(safe_next(None), "/");
    }
}
