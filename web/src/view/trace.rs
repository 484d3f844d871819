//! "How the proxy fetched this": the steps of a pull (challenge, token, request, redirect) for one document.

use strata_core::upstream_trace::TraceStep;
use yew::prelude::*;

use super::format::size;

/// The trace as a table, folded away until asked for; nothing when the proxy sent none (the demo).
pub fn steps(steps: &[TraceStep]) -> Html {
    if steps.is_empty() {
        return html! {};
    }
    html! {
        <details class="trace">
            <summary>{format!("How the proxy fetched it ({} steps)", steps.len())}</summary>
            <table class="trace-steps">
                <tr><th>{"step"}</th><th>{"request"}</th><th>{"auth"}</th><th>{"status"}</th><th>{"time"}</th><th>{"size"}</th><th>{"details"}</th></tr>
                { for steps.iter().map(row) }
            </table>
        </details>
    }
}

fn row(step: &TraceStep) -> Html {
    let request = match (&step.method, &step.url) {
        (Some(method), Some(url)) => format!("{method} {url}"),
        (None, Some(url)) => url.clone(),
        _ => String::new(),
    };
    let details: Vec<String> = step
        .headers
        .iter()
        .chain(step.params.iter())
        .map(|(key, value)| format!("{key}: {value}"))
        .chain(step.note.clone())
        .collect();
    html! {
        <tr data-step={step.step.clone()}>
            <td>{step.step.clone()}</td>
            <td><code>{request}</code></td>
            <td>{step.auth.clone().unwrap_or_default()}</td>
            <td>{step.status.map(|s| s.to_string()).unwrap_or_default()}</td>
            <td>{step.ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
            <td>{step.bytes.map(size).unwrap_or_default()}</td>
            <td><ul class="trace-details">{ for details.into_iter().map(|d| html! { <li><code>{d}</code></li> }) }</ul></td>
        </tr>
    }
}
