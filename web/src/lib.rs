//! Strata's front end: reads the URL, fetches through the proxy, verifies every document with `core`, and
//! renders the image tree. The only code that knows the DOM.

mod files_state;
mod inspect_state;
mod layer_stream;
mod navigation;
mod page_clock;
mod registry_api;
mod route;
mod tag_pages;
mod url_state;
mod view;

use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the app on the page body.
#[wasm_bindgen(start)]
pub fn start() {
    // `cargo xtask bench` reads the module's memory size (it only grows, so it is the peak) from here.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"strataWasmMemory".into(), &wasm_bindgen::memory());
    }
    yew::Renderer::<view::App>::new().render();
}
