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
    yew::Renderer::<view::App>::new().render();
}
