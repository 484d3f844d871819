//! Strata's front end: reads the URL, fetches through the proxy, verifies every document with `core`, and
//! renders the image tree. The only code that knows the DOM.

// The first-load module leaves out pages whose helpers the shared code keeps; the full build, checked with
// every lint, is where unused code shows.
#![cfg_attr(not(feature = "all-pages"), allow(dead_code, unused_imports))]

#[cfg(feature = "all-pages")]
mod compare_files_state;
#[cfg(feature = "all-pages")]
mod download;
#[cfg(feature = "all-pages")]
mod files_state;
mod hand_over;
#[cfg(feature = "all-pages")]
mod inflated_archive;
mod inspect_state;
#[cfg(feature = "all-pages")]
mod layer_stream;
mod local_archive;
mod navigation;
#[cfg(feature = "all-pages")]
mod open_archive;
mod page_clock;
mod registry_api;
mod route;
mod signature_check;
#[cfg(feature = "all-pages")]
mod tag_details;
mod tag_pages;
mod url_state;
mod view;

use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the app on the page body.
#[wasm_bindgen(start)]
pub fn start() {
    hand_over::keep(yew::Renderer::<view::App>::new().render());
}
