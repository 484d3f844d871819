//! View state kept in the address bar (chosen platform, open panels), so that copying the address copies
//! the view. Changes replace the current history entry and announce themselves with a `strata:url` event,
//! which the share links listen for.

use strata_explain::share_link;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The event sent on `window` after the address changed.
pub const URL_CHANGED_EVENT: &str = "strata:url";

/// The current `?…`.
pub fn search() -> String {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default()
}

/// The current path.
pub fn path() -> String {
    web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default()
}

/// The whole current address.
pub fn href() -> String {
    web_sys::window()
        .and_then(|window| window.location().href().ok())
        .unwrap_or_default()
}

/// `origin`, for turning a path into a link someone else can open.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}

/// Sets (or with `None` removes) query parameters in the address bar.
pub fn set_params(changes: &[(&str, Option<&str>)]) {
    let changed = changes.iter().fold(search(), |search, (key, value)| {
        share_link::with_query_value(&search, key, *value)
    });
    replace_search(&changed);
}

/// Whether `open=` names this panel.
pub fn is_open(panel: &str) -> bool {
    share_link::open_panels(&search())
        .iter()
        .any(|open| open == panel)
}

/// Records in the address bar that a panel was opened or closed.
pub fn set_open(panel: &str, open: bool) {
    replace_search(&share_link::with_panel(&search(), panel, open));
}

/// An `ontoggle` for a `<details>` whose open state belongs in the link.
pub fn panel_toggle(panel: &str) -> Callback<Event> {
    let panel = panel.to_owned();
    Callback::from(move |event: Event| {
        let Some(details) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        else {
            return;
        };
        if details.open() != is_open(&panel) {
            set_open(&panel, details.open());
        }
    })
}

fn replace_search(search: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let url = format!(
        "{}{search}{}",
        path(),
        window.location().hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    announce_change();
}

/// Tells whoever shows the address (the share links) that it changed.
pub fn announce_change() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(event) = web_sys::Event::new(URL_CHANGED_EVENT) {
        let _ = window.dispatch_event(&event);
    }
}

/// The page's path and query, as the address bar has them.
pub fn current_address() -> String {
    format!("{}{}", path(), search())
}
