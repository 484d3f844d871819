//! The page's clock: milliseconds from the Performance API, for progress rates, work slices and timings.

/// Milliseconds since the page started (0 where the browser offers no clock).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}
