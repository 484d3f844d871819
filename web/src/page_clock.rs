//! The page's clock (a worker's too): milliseconds from the Performance API, for progress rates and timings,
//! and work put off until the current turn of the page is over.

use wasm_bindgen::JsCast;

/// Milliseconds since the page started (0 where the browser offers no clock).
pub fn now_ms() -> f64 {
    // The page's window, or the global scope of a worker: both have `performance`.
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|performance| performance.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |performance| performance.now())
}

/// Runs `work` in a task of its own once the page's current one and those already waiting are done
/// (`setTimeout(0)`).
pub fn after_this_turn(work: impl FnOnce() + 'static) {
    let callback = wasm_bindgen::closure::Closure::once_into_js(work);
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0);
    }
}
