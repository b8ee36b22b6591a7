//! The built site's files. `/pkg/...` (the WASM, its JS glue, the stylesheet) comes from
//! `LEPTOS_SITE_ROOT`, as the `.br` or `.gz` file the release build left beside it when the
//! browser accepts that encoding, and is cached for a year when its name carries the content
//! hash cargo-leptos gives it (`hash-files`): a new build means new names, never a stale file.
//! Everything else there is revalidated on every use.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// Where cargo-leptos writes the hashes of the file names it gave: next to the server binary.
const HASH_FILE: &str = "hash.txt";
/// The crate's output name (`[package.metadata.leptos]` `output-name`, the project's name).
pub const OUTPUT_NAME: &str = "switchboard";

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
const A_DAY: HeaderValue = HeaderValue::from_static("public, max-age=86400");

/// The hash file of this build, when cargo-leptos hashed the file names.
pub fn hash_file() -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join(HASH_FILE);
    path.is_file().then_some(path)
}

/// `/pkg/switchboard.<hash>.css` of a hashed build, else `/pkg/switchboard.css`.
pub fn stylesheet_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        let hashes = hash_file()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default();
        match hash_of(&hashes, "css") {
            Some(hash) => format!("/pkg/{OUTPUT_NAME}.{hash}.css"),
            None => format!("/pkg/{OUTPUT_NAME}.css"),
        }
    })
}

/// The hash recorded for `kind` (`js`, `wasm`, `css`) in a hash file's `kind: hash` lines.
fn hash_of<'a>(hashes: &'a str, kind: &str) -> Option<&'a str> {
    hashes.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == kind)
            .then(|| v.trim())
            .filter(|v| !v.is_empty())
    })
}

/// `/pkg/...` and `/favicon.svg`, from the site root.
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &str) -> Router<S> {
    let root = Path::new(site_root);
    let pkg = ServeDir::new(root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let favicon = ServeFile::new(root.join("favicon.svg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", pkg)
        .route_service("/favicon.svg", favicon)
        .layer(middleware::from_fn(cache_policy))
}

async fn cache_policy(req: Request, next: Next) -> Response {
    let policy = if req.uri().path() == "/favicon.svg" {
        A_DAY
    } else if is_hashed(req.uri().path()) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(CACHE_CONTROL, policy);
    }
    res
}

/// A name cargo-leptos hashed: `stem.<22 characters of URL-safe base64>.ext` (an MD5 of the
/// content). wasm-bindgen's `snippets/` keep their names, so they are never immutable.
fn is_hashed(path: &str) -> bool {
    if path.contains("/snippets/") {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.split('.');
    let (Some(_stem), Some(hash), Some(_ext)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_hashed_names_are_cached_for_good() {
        assert!(is_hashed("/pkg/switchboard.Ab3_-xYz0123456789ABCD.wasm"));
        assert!(is_hashed("/switchboard.Ab3_-xYz0123456789ABCD.css"));
        assert!(!is_hashed("/pkg/switchboard.wasm"));
        assert!(!is_hashed("/pkg/switchboard_bg.wasm"));
        assert!(!is_hashed(
            "/pkg/snippets/app-0123/inline0.Ab3_-xYz0123456789ABCD.js"
        ));
        assert!(!is_hashed("/pkg/switchboard.short.js"));
    }

    #[test]
    fn the_hash_file_names_each_kind_of_file() {
        let hashes = "js: AAAA\nwasm: BBBB\ncss: CCCC\n";
        assert_eq!(hash_of(hashes, "css"), Some("CCCC"));
        assert_eq!(hash_of(hashes, "wasm"), Some("BBBB"));
        assert_eq!(hash_of(hashes, "manifest"), None);
    }
}
