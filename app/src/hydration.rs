//! The script that loads the WASM and hydrates the server-rendered page — after the page's
//! first paint rather than beside it.
//!
//! Leptos' `HydrationScripts` preloads the JS and the WASM from `<head>`, so on a fast link the
//! 640 KB module can finish downloading before the browser has painted the page, and the
//! paint then waits behind its compilation and the hydration task. Lighthouse models that as
//! a largest contentful paint that needs the whole module (4–6 s on its simulated phone for a
//! campaign page that painted its heading at 0.3 s). Here the page paints from its HTML and
//! CSS first; the module is fetched, compiled and run from the first frame on. The page is
//! usable without it (links and the sign-in form are plain HTML); live updates and editing
//! start when hydration ends, as before.

use std::sync::OnceLock;

use leptos::prelude::*;

/// Waits for the first frame to be painted (a task queued from an animation frame runs after
/// it), then imports the JS glue, instantiates the WASM and hydrates. A hidden tab paints no
/// frames, so it starts at once; the timeout is a backstop for browsers that never run the
/// frame callback.
const SCRIPT: &str = r#"((js, wasm) => {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    import(js).then((m) => m.default({ module_or_path: wasm }).then(() => m.hydrate()));
  };
  if (document.visibilityState === 'hidden') start();
  else requestAnimationFrame(() => setTimeout(start, 0));
  setTimeout(start, 3000);
})"#;

/// The JS and WASM file names of this build: content-hashed (`hash-files`) as cargo-leptos
/// recorded them in the hash file beside the server binary, or the plain names.
fn file_names(options: &LeptosOptions) -> &'static (String, String) {
    static NAMES: OnceLock<(String, String)> = OnceLock::new();
    NAMES.get_or_init(|| {
        let (mut js, mut wasm) = (
            options.output_name.to_string(),
            options.output_name.to_string(),
        );
        if !options.hash_files {
            if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                wasm.push_str("_bg");
            }
            return (js, wasm);
        }
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_else(|| {
                // As Leptos' own `HydrationScripts` does: the page will not hydrate, say why.
                leptos::logging::error!("hash-files is on but the hash file could not be read");
                String::new()
            });
        for (file, hash) in hashes.lines().filter_map(|l| l.trim().split_once(':')) {
            match file {
                "js" => js = format!("{js}.{}", hash.trim()),
                "wasm" => wasm = format!("{wasm}.{}", hash.trim()),
                _ => {}
            }
        }
        (js, wasm)
    })
}

/// In `<head>`: the inline script (carrying the response's CSP nonce) that hydrates the page.
#[component]
pub fn HydrationScript(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = file_names(&options);
    let pkg = &options.site_pkg_dir;
    let call = format!(
        "{SCRIPT}({:?}, {:?});",
        format!("/{pkg}/{js}.js"),
        format!("/{pkg}/{wasm}.wasm")
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{call}</script> }
}
