//! Cross-site form posts to the sign-in and sign-out forms are refused: without this a page
//! elsewhere could sign a visitor into the attacker's account (login CSRF) or out of theirs.

use axum::http::header::{HOST, ORIGIN};
use axum::http::HeaderMap;

/// Why a form post was refused, if it was.
pub fn cross_site(headers: &HeaderMap, public_url: Option<&str>) -> Option<&'static str> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site").is_some_and(|s| s.eq_ignore_ascii_case("cross-site")) {
        return Some("the form was posted from another site");
    }
    let origin = text(ORIGIN.as_str())?;
    let ours = match public_url {
        Some(url) => origin.eq_ignore_ascii_case(url),
        None => {
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            host.is_some_and(|h| {
                text(HOST.as_str()).is_some_and(|ours| h.eq_ignore_ascii_case(ours))
            })
        }
    };
    (!ours).then_some("the form was posted from another origin")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_static("sb.example:3000"));
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_posts_pass_and_cross_site_ones_do_not() {
        for ok in [
            headers(&[]),
            headers(&[("sec-fetch-site", "same-origin")]),
            headers(&[("origin", "http://sb.example:3000")]),
            headers(&[("sec-fetch-site", "none")]),
        ] {
            assert_eq!(cross_site(&ok, None), None, "{ok:?}");
        }
        for bad in [
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("origin", "https://evil.example")]),
            headers(&[("origin", "null")]),
            headers(&[("origin", "http://sb.example:3000.evil.example")]),
            headers(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://x.sb.example"),
            ]),
        ] {
            assert!(cross_site(&bad, None).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn with_a_public_url_only_that_origin_is_ours() {
        let h = headers(&[("origin", "https://sb.example")]);
        assert_eq!(cross_site(&h, Some("https://sb.example")), None);
        assert!(cross_site(&h, Some("https://other.example")).is_some());
    }
}
