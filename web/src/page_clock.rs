//! The page's clock: milliseconds from the Performance API, for progress rates, work slices and timings,
//! and work put off until the current turn of the page is over.

use wasm_bindgen::JsCast as _;

/// Milliseconds since the page started (0 where the browser offers no clock).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// Runs `work` in a task of its own once the page's current one and those already waiting are done
/// (`setTimeout(0)`).
pub fn after_this_turn(work: impl FnOnce() + 'static) {
    after_ms(0, work);
}

/// Runs `work` in a task of its own, `delay_ms` from now at the earliest (`setTimeout`).
pub fn after_ms(delay_ms: i32, work: impl FnOnce() + 'static) {
    let callback = wasm_bindgen::closure::Closure::once_into_js(work);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            delay_ms,
        );
    }
}

/// Resolves in a task of its own (see [`after_this_turn`]): awaited between two pieces of work, it lets the
/// page render and answer the reader in between.
pub async fn next_turn() {
    let (resolve, resolved) = futures::channel::oneshot::channel();
    after_this_turn(move || {
        let _ = resolve.send(());
    });
    let _ = resolved.await;
}
