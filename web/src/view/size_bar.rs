//! Size bars: a size against the largest of its kind, drawn as an SVG whose width is an attribute (a
//! `style` would be refused by the page's Content-Security-Policy).

use yew::prelude::*;

use super::format::size;

/// A bar for a size against the largest of its kind, so an image's shape is seen at a glance.
pub fn size_bar(bytes: u64, largest: u64) -> Html {
    html! {
        <span class="size-bar" title={format!("{bytes} bytes")}>
            { bar(bytes, largest) }
            <span class="size">{size(bytes)}</span>
        </span>
    }
}

/// The bar itself, `bytes` of `largest` wide. Its width is an SVG attribute, not a `style`, which the
/// page's Content-Security-Policy would refuse.
pub fn bar(bytes: u64, largest: u64) -> Html {
    let width = strata_explain::human_size::percent(bytes, largest);
    html! { <svg class="bar" aria-hidden="true" {width}></svg> }
}
