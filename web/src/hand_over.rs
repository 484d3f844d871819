//! The first-load module (built without the `all-pages` feature) holds the pages most links open: the
//! landing page, the inspect tree, an image's tag names and concepts. When the reader goes anywhere else
//! (files, compare, the tour, a repository's tag table, a registry's catalog), it loads the module with
//! every page, lets it render the same address, and unmounts itself: the page stays (no reload, the
//! history intact), and the by-digest answers come from the browser cache. An image's SBOMs and provenance
//! are read by that module too, shown in a place this page keeps for them, without a hand-over.

use std::cell::RefCell;

#[cfg(not(feature = "all-pages"))]
use wasm_bindgen::JsCast;
use yew::AppHandle;
#[cfg(not(feature = "all-pages"))]
use yew::prelude::*;

use crate::view::App;

/// What `www/boot.js` defines to call a function of `www/load-all-pages.js`, which loads the module with
/// every page.
#[cfg(not(feature = "all-pages"))]
const ALL_PAGES_LOADER: &str = "strataAllPages";

thread_local! {
    /// This module's mounted app, unmounted once the full module has taken the page.
    static MOUNTED: RefCell<Option<AppHandle<App>>> = const { RefCell::new(None) };
}

/// Keeps the mounted app, for [`HandOver`] to unmount.
pub fn keep(app: AppHandle<App>) {
    MOUNTED.with(|slot| *slot.borrow_mut() = Some(app));
}

/// Shown where this module has no page for the address: loads the one that has, then steps aside.
#[cfg(not(feature = "all-pages"))]
#[component]
pub fn HandOver() -> Html {
    let failure = use_state(|| None::<String>);
    {
        let failure = failure.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match load_all_pages().await {
                    Ok(()) => {
                        if let Some(app) = MOUNTED.with(|slot| slot.borrow_mut().take()) {
                            app.destroy();
                        }
                    }
                    Err(message) => failure.set(Some(message)),
                }
            });
        });
    }
    match &*failure {
        None => html! { <p class="muted hand-over" role="status">{"Loading this page…"}</p> },
        Some(message) => html! {
            <div class="error" role="alert">
                {"Strata could not load this page's code: "}{message.clone()}
                {". "}<a href="/">{"Go to the start page."}</a>
            </div>
        },
    }
}

#[cfg(not(feature = "all-pages"))]
async fn load_all_pages() -> Result<(), String> {
    call_all_pages("mountApp", &js_sys::Array::new()).await
}

/// Has the module with every page show an image's supply chain (SBOMs, provenance) in `element`: the
/// arguments of `supply_chain_island::show_supply_chain` after the element, in its order (registry,
/// repository, root digest, platform, cosign's `.att` and `.sbom` digests, the digests whose referrers to
/// read).
#[cfg(not(feature = "all-pages"))]
pub async fn show_supply_chain(
    element: web_sys::Element,
    arguments: [Option<String>; 7],
) -> Result<(), String> {
    let passed = js_sys::Array::of1(&element);
    for argument in arguments {
        passed.push(&argument.map_or(wasm_bindgen::JsValue::NULL, Into::into));
    }
    call_all_pages("showSupplyChain", &passed).await
}

/// Calls what `www/load-all-pages.js` exports as `name` (through `www/boot.js`, which loads it once), and
/// waits for it.
#[cfg(not(feature = "all-pages"))]
async fn call_all_pages(name: &str, arguments: &js_sys::Array) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let loader = js_sys::Reflect::get(&window, &ALL_PAGES_LOADER.into())
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Function>().ok())
        .ok_or("the page's boot script is missing")?;
    arguments.unshift(&name.into());
    let done = loader
        .apply(&window, arguments)
        .map_err(describe)?
        .dyn_into::<js_sys::Promise>()
        .map_err(|_| "the boot script did not return a promise".to_owned())?;
    wasm_bindgen_futures::JsFuture::from(done)
        .await
        .map(drop)
        .map_err(describe)
}

#[cfg(not(feature = "all-pages"))]
fn describe(error: wasm_bindgen::JsValue) -> String {
    js_sys::Error::from(error)
        .message()
        .as_string()
        .unwrap_or_else(|| "unknown error".to_owned())
}
