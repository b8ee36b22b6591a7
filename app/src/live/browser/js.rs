//! The few browser APIs the realtime layer needs that web-sys does not cover stably.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// `navigator.locks.request(name, cb)`: `on_acquired` runs once this tab holds the lock, which
/// it then keeps until the tab goes away. Returns `false` when the browser has no Web Locks
/// (e.g. a page served over plain http from a non-local address).
pub fn hold_lock_forever(name: &str, on_acquired: impl FnOnce() + 'static) -> bool {
    let Some(locks) = Reflect::get(&web_sys::window().unwrap().navigator(), &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())
    else {
        return false;
    };
    let Some(request) = Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    let cb = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        on_acquired();
        // Never settles: the lock is released only when the tab closes or navigates away.
        Promise::new(&mut |_, _| {})
    });
    request.call2(&locks, &name.into(), &cb).is_ok()
}

/// How many requests for the Web Lock `name` wait behind its holder (other tabs of this
/// origin), from `navigator.locks.query()`; `None` when the browser cannot say.
pub async fn lock_waiters(name: &str) -> Option<usize> {
    let locks = Reflect::get(&web_sys::window()?.navigator(), &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())?;
    let query = Reflect::get(&locks, &"query".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    let promise = query.call0(&locks).ok()?.dyn_into::<Promise>().ok()?;
    let snapshot = JsFuture::from(promise).await.ok()?;
    let pending = Reflect::get(&snapshot, &"pending".into()).ok()?;
    let pending: js_sys::Array = pending.dyn_into().ok()?;
    Some(
        pending
            .iter()
            .filter(|req| {
                Reflect::get(req, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
                    .is_some_and(|n| n == name)
            })
            .count(),
    )
}

/// `navigator.onLine`.
pub fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

pub fn visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
        .unwrap_or(true)
}

/// Why a fetch failed.
#[derive(Clone, Debug)]
pub enum FetchError {
    /// The session is gone (401): the user must sign in again.
    SignedOut,
    /// Anything else: the network, another status, a body that does not parse.
    Other(String),
}

impl From<&str> for FetchError {
    fn from(s: &str) -> Self {
        FetchError::Other(s.to_owned())
    }
}

impl From<String> for FetchError {
    fn from(s: String) -> Self {
        FetchError::Other(s)
    }
}

/// Leave for the login page, coming back here after signing in.
pub fn go_to_login() {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let here = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
    let next = String::from(js_sys::encode_uri_component(crate::navigation::safe_next(
        Some(&here),
    )));
    let _ = location.assign(&format!("/login?next={next}"));
}

/// GET a same-origin JSON resource with the session cookie.
pub async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, FetchError> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_cache(web_sys::RequestCache::NoStore);
    let res = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| FetchError::Other(format!("network error: {e:?}")))?;
    let res: web_sys::Response = res.dyn_into().map_err(|_| "not a response")?;
    if res.status() == 401 {
        return Err(FetchError::SignedOut);
    }
    if !res.ok() {
        return Err(format!("HTTP {}", res.status()).into());
    }
    let text = JsFuture::from(res.text().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let text = text.as_string().unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| format!("bad JSON: {e}").into())
}

/// POST a JSON body to a same-origin URL with the session cookie; `Ok` on any 2xx.
pub async fn post_json(url: &str, body: &str) -> Result<(), FetchError> {
    send_json("POST", url, body).await.map(|_| ())
}

/// Send a JSON body with `method` to a same-origin URL with the session cookie; the status
/// of any 2xx answer.
pub async fn send_json(method: &str, url: &str, body: &str) -> Result<u16, FetchError> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_body(&JsValue::from_str(body));
    let headers = web_sys::Headers::new().map_err(|e| format!("{e:?}"))?;
    headers
        .set("content-type", "application/json")
        .map_err(|e| format!("{e:?}"))?;
    init.set_headers(&headers);
    let res = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| FetchError::Other(format!("network error: {e:?}")))?;
    let res: web_sys::Response = res.dyn_into().map_err(|_| "not a response")?;
    match res.status() {
        401 => Err(FetchError::SignedOut),
        s if (200..300).contains(&s) => Ok(s),
        s => Err(format!("HTTP {s}").into()),
    }
}
