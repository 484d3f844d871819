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
mod referrer_probe;
mod registry_api;
mod route;
mod signature_check;
#[cfg(feature = "all-pages")]
mod supply_chain_island;
#[cfg(feature = "all-pages")]
mod supply_chain_state;
#[cfg(feature = "all-pages")]
mod tag_details;
mod tag_pages;
mod url_state;
mod view;

use wasm_bindgen::prelude::wasm_bindgen;

/// The first-load module mounts its app on the page body as soon as it is loaded.
#[cfg(not(feature = "all-pages"))]
#[wasm_bindgen(start)]
pub fn start() {
    hand_over::keep(yew::Renderer::<view::App>::new().render());
}

/// The module with every page mounts its app when the first-load module hands the page over (`www/boot.js`
/// calls this); until then it may only show an image's supply chain inside the first-load page.
#[cfg(feature = "all-pages")]
#[wasm_bindgen]
pub fn mount_app() {
    supply_chain_island::remove();
    hand_over::keep(yew::Renderer::<view::App>::new().render());
}
