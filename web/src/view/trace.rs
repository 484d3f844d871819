//! "How it was fetched": what the page asked the proxy, and the steps the proxy took (challenge, token,
//! request, redirect) for one document.

use strata_registry_api::upstream_trace::TraceStep;
use yew::prelude::*;

use super::format::{size, visible};
use crate::registry_api::Exchange;

/// Both sides of one fetch, folded away until asked for: what the page asked the proxy, and what the
/// proxy asked the registry.
pub fn exchange_and_steps(exchange: &Exchange, steps: &[TraceStep]) -> Html {
    html! {
        <details class="trace">
            <summary>{format!("How it was fetched ({} {} {})", exchange.method, exchange.status.map(|s| s.to_string()).unwrap_or_default(), size(exchange.bytes as u64))}</summary>
            { both_sides(std::slice::from_ref(exchange), steps) }
        </details>
    }
}

/// The page's exchanges and the proxy's steps, unfolded.
pub fn both_sides(exchanges: &[Exchange], steps: &[TraceStep]) -> Html {
    html! {
        <div class="exchanges">
            <h4>{"What the page asked the proxy"}</h4>
            { exchange_table(exchanges) }
            <h4>{"What the proxy asked the registry"}</h4>
            if steps.is_empty() {
                <p class="muted">{"The proxy sent no trace for this answer."}</p>
            } else {
                { steps_table(steps) }
            }
        </div>
    }
}

/// The page's requests to the proxy: method, URL, status, bytes, time, then the Accept sent and the
/// response headers that matter, one `<tbody>` per exchange.
pub fn exchange_table(exchanges: &[Exchange]) -> Html {
    html! {
        <table class="exchange-table" tabindex="0">
            <thead><tr><th>{"request"}</th><th>{"status"}</th><th>{"bytes"}</th><th>{"time"}</th></tr></thead>
            { for exchanges.iter().map(exchange_rows) }
        </table>
    }
}

fn exchange_rows(exchange: &Exchange) -> Html {
    let accept: Vec<String> = exchange
        .accept
        .iter()
        .flat_map(|accept| accept.split(','))
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .collect();
    let status = exchange
        .status
        .map(|status| status.to_string())
        .unwrap_or_default();
    html! {
        <tbody class="exchange" data-exchange="page" data-method={exchange.method} data-url={exchange.url.clone()} data-status={status.clone()}>
            <tr>
                <td><code>{visible(&format!("{} {}", exchange.method, exchange.url))}</code></td>
                <td class="status">{ if status.is_empty() { "no answer".to_owned() } else { status } }</td>
                <td>{size(exchange.bytes as u64)}</td>
                <td>{format!("{} ms", exchange.ms.round() as u64)}</td>
            </tr>
            <tr class="exchange-headers">
                <td colspan="4">
                    if !accept.is_empty() {
                        <div class="sent">{"Accept sent:"}
                            <ul class="accept-list">{ for accept.into_iter().map(|value| html! { <li><code>{value}</code></li> }) }</ul>
                        </div>
                    }
                    <div class="received">{"Response headers:"}
                        <ul class="trace-details">{ for exchange.headers.iter().map(|(name, value)| html! {
                            <li data-header={name.clone()}><code>{visible(&format!("{name}: {value}"))}</code></li>
                        }) }</ul>
                    </div>
                </td>
            </tr>
        </tbody>
    }
}

fn steps_table(steps: &[TraceStep]) -> Html {
    html! {
        <table class="trace-steps" tabindex="0">
            <thead><tr><th>{"step"}</th><th>{"request"}</th><th>{"auth"}</th><th>{"status"}</th><th>{"time"}</th><th>{"size"}</th></tr></thead>
            { for steps.iter().map(row) }
        </table>
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
        <tbody class="trace-step">
            <tr data-step={step.step.as_str()}>
                <td>{step.step.as_str()}</td>
                <td><code>{visible(&request)}</code></td>
                <td>{visible(step.auth.as_deref().unwrap_or_default())}</td>
                <td>{step.status.map(|s| s.to_string()).unwrap_or_default()}</td>
                <td>{step.ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                <td>{step.bytes.map(size).unwrap_or_default()}</td>
            </tr>
            if !details.is_empty() {
                <tr class="step-details">
                    <td></td>
                    <td colspan="5"><ul class="trace-details">{ for details.into_iter().map(|d| html! { <li><code>{visible(&d)}</code></li> }) }</ul></td>
                </tr>
            }
        </tbody>
    }
}
