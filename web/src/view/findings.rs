//! What a lenient reader noticed, listed under the document it is about.

use strata_image::finding::Finding;
use yew::prelude::*;

use super::format::visible;

/// The findings as a list, each with `data-severity` (`error | warning | info`).
pub fn list(findings: &[Finding]) -> Html {
    if findings.is_empty() {
        return html! {};
    }
    html! {
        <ul class="findings">
            { for findings.iter().map(|finding| html! {
                <li class={finding.severity.as_str()} data-severity={finding.severity.as_str()}>{visible(&finding.message)}</li>
            }) }
        </ul>
    }
}
