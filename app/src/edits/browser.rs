//! The outbox's browser side: entries kept in IndexedDB (they survive a reload and a closed
//! tab), and the PATCH that sends one with its Idempotency-Key.

use js_sys::{Array, Promise};
use uuid::Uuid;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

use super::queue::QueuedEdit;

const DB: &str = "switchboard";
const STORE: &str = "outbox";

/// A promise settled by an IndexedDB request's success (with its result) or error.
fn settled(req: &IdbRequest) -> Promise {
    let req = req.clone();
    Promise::new(&mut |resolve, reject| {
        let done = req.clone();
        let ok = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let err = Closure::once_into_js(move |_: JsValue| {
            let _ = reject.call1(
                &JsValue::NULL,
                &JsValue::from_str("IndexedDB request failed"),
            );
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(err.unchecked_ref()));
    })
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()?
        .ok_or("no IndexedDB")?;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB, 1)?;
    let upgrade = Closure::once_into_js(move |e: JsValue| {
        let db = e
            .dyn_into::<web_sys::Event>()
            .ok()
            .and_then(|e| e.target())
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
        if let Some(db) = db {
            let _ = db.create_object_store(STORE);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(JsFuture::from(settled(&req)).await?.unchecked_into())
}

async fn store_request(
    mode: IdbTransactionMode,
    act: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(STORE, mode)?;
    let req = act(&tx.object_store(STORE)?)?;
    let out = JsFuture::from(settled(&req)).await;
    db.close();
    out
}

/// Every queued edit, in no particular order (the caller sorts).
pub async fn load_all() -> Vec<QueuedEdit> {
    let Ok(all) = store_request(IdbTransactionMode::Readonly, |s| s.get_all()).await else {
        return vec![];
    };
    Array::from(&all)
        .iter()
        .filter_map(|v| v.as_string())
        .filter_map(|s| serde_json::from_str(&s).ok())
        .collect()
}

pub async fn put(edit: &QueuedEdit) {
    let json = serde_json::to_string(edit).expect("a queued edit serializes");
    let key = edit.mutation_id.to_string();
    let res = store_request(IdbTransactionMode::Readwrite, |s| {
        s.put_with_key(&JsValue::from_str(&json), &JsValue::from_str(&key))
    })
    .await;
    if let Err(e) = res {
        leptos::logging::warn!("could not keep an edit in IndexedDB: {e:?}");
    }
}

pub async fn delete(mutation_id: Uuid) {
    let key = mutation_id.to_string();
    let _ = store_request(IdbTransactionMode::Readwrite, |s| {
        s.delete(&JsValue::from_str(&key))
    })
    .await;
}

/// PATCH the edit; the status and body, or `None` when no answer came (offline, refused
/// connection).
pub async fn send(edit: &QueuedEdit) -> Option<(u16, String)> {
    let window = web_sys::window()?;
    let init = web_sys::RequestInit::new();
    init.set_method("PATCH");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_body(&JsValue::from_str(&edit.body()));
    let headers = web_sys::Headers::new().ok()?;
    headers.set("content-type", "application/json").ok()?;
    headers
        .set("idempotency-key", &edit.mutation_id.to_string())
        .ok()?;
    init.set_headers(&headers);
    let res = JsFuture::from(window.fetch_with_str_and_init(&edit.url(), &init))
        .await
        .ok()?;
    let res: web_sys::Response = res.dyn_into().ok()?;
    let text = JsFuture::from(res.text().ok()?).await.ok()?;
    Some((res.status(), text.as_string().unwrap_or_default()))
}

/// Run `f` whenever the browser comes back online.
pub fn on_online(f: impl Fn() + 'static) {
    let cb = Closure::<dyn Fn()>::new(f);
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("online", cb.as_ref().unchecked_ref());
    }
    cb.forget();
}
