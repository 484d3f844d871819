//! The comparison core computed, as tables: totals with size bars, layers, config fields, history.

use strata_compare::{
    Change, Comparison, EntryDiff, FieldDiff, FieldValues, HistoryRow, LayerPresence, LayerRow,
    LayerSide, StepSide,
};
use strata_image::media_type;
use yew::prelude::*;

use super::format::{short_digest, size, visible, visible_string};
use super::size_bar::size_bar;

/// `+1.2 MB`, `−300 B` or `no difference`.
fn difference(bytes: i128) -> String {
    let magnitude = size(u64::try_from(bytes.unsigned_abs()).unwrap_or(u64::MAX));
    match bytes.signum() {
        1 => format!("+{magnitude}"),
        -1 => format!("−{magnitude}"),
        _ => "no difference".to_owned(),
    }
}

/// Sizes of both images, and how much of them they share.
pub fn totals(comparison: &Comparison) -> Html {
    let totals = &comparison.totals;
    let largest = totals.left_bytes.max(totals.right_bytes);
    let bar_row = |label: &str, class: &'static str, count: Option<usize>, bytes: u64| {
        html! {
            <tr class={class}>
                <th>{label.to_owned()}</th>
                <td class="count">{count.map(|count| format!("{count} layer{}", if count == 1 { "" } else { "s" })).unwrap_or_default()}</td>
                <td>{ size_bar(bytes, largest) }</td>
            </tr>
        }
    };
    let changed: Vec<&str> = comparison
        .config_changes()
        .map(|row| row.field.label())
        .collect();
    html! {
        <section class="compare-totals" id="compare-totals">
            <h3>{"Sizes"}</h3>
            <p class="compare-summary">
                {format!(
                    "{} of {} left layers and {} of {} right layers are shared ({}). ",
                    totals.shared_layers, totals.left_layers, totals.shared_layers, totals.right_layers,
                    size(totals.shared_bytes)
                )}
                if changed.is_empty() {
                    {"The configs agree on every field compared."}
                } else {
                    {format!("The configs differ in: {}.", changed.join(", "))}
                }
            </p>
            <table class="compare-sizes" tabindex="0">
                { bar_row("Left image", "left", Some(totals.left_layers), totals.left_bytes) }
                { bar_row("Right image", "right", Some(totals.right_layers), totals.right_bytes) }
                { bar_row("Shared", "shared", Some(totals.shared_layers), totals.shared_bytes) }
                { bar_row("Only left", "left-only", None, totals.left_only_bytes) }
                { bar_row("Only right", "right-only", None, totals.right_only_bytes) }
                <tr class="difference" data-bytes={totals.layers_difference().to_string()}>
                    <th>{"Right − left (layers)"}</th><td></td><td>{difference(totals.layers_difference())}</td>
                </tr>
                <tr class="difference" data-bytes={totals.config_difference().to_string()}>
                    <th>{"Right − left (config)"}</th><td></td>
                    <td>{format!("{} ({} → {})", difference(totals.config_difference()), size(totals.left_config), size(totals.right_config))}</td>
                </tr>
            </table>
            <p class="muted">{"Compressed sizes, as the manifests state them: what a pull downloads. A pull of one image after the other fetches only the layers it does not share."}</p>
        </section>
    }
}

/// Every layer of both images, shared ones once.
pub fn layers(comparison: &Comparison) -> Html {
    let largest = comparison
        .layers
        .iter()
        .map(LayerRow::size)
        .max()
        .unwrap_or(1);
    let position = |side: &Option<LayerSide>| match side {
        Some(layer) => html! { {format!("#{}", layer.position + 1)} },
        None => html! { <span class="muted">{"—"}</span> },
    };
    let row = |row: &LayerRow| {
        let layer = row.left.as_ref().or(row.right.as_ref());
        let media_type = layer
            .map(|layer| layer.media_type.clone())
            .unwrap_or_default();
        let diff_ids: Vec<String> = [&row.left, &row.right]
            .into_iter()
            .flatten()
            .filter_map(|layer| layer.diff_id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let presence = match row.presence {
            LayerPresence::Shared => "shared",
            LayerPresence::LeftOnly => "only left",
            LayerPresence::RightOnly => "only right",
        };
        html! {
            <tr class={classes!("compare-layer", row.presence.data_compare())}
                data-digest={row.digest().to_owned()} data-compare={row.presence.data_compare()}>
                <td class="position">{ position(&row.left) }</td>
                <td class="position">{ position(&row.right) }</td>
                <td><span class={classes!("badge", row.presence.data_compare())}>{presence}</span>
                    if row.moved { {" "}<span class="badge" title="The other image has this layer at another place in its order.">{"moved"}</span> }
                    if row.recompressed { {" "}<span class="badge recompressed" title="The other image has a layer with the same diff_id (the same files), compressed differently.">{"same files, other compression"}</span> }
                </td>
                <td><code class="digest" title={visible_string(row.digest())}>{short_digest(row.digest())}</code></td>
                <td class="media-type" title={visible_string(&media_type)}>{media_type::describe(&media_type)}</td>
                <td>{ size_bar(row.size(), largest) }</td>
                <td>{ for diff_ids.iter().map(|id| html! { <code class="diff-id" title={visible_string(id)}>{short_digest(id)}</code> }) }</td>
            </tr>
        }
    };
    html! {
        <section class="compare-layers" id="compare-layers">
            <h3>{"Layers"}</h3>
            <table class="compare-table" tabindex="0">
                <thead><tr>
                    <th>{"Left"}</th><th>{"Right"}</th><th>{"Where"}</th><th>{"Digest"}</th><th>{"Type"}</th>
                    <th>{"Size"}</th><th>{"diff_id"}</th>
                </tr></thead>
                <tbody>{ for comparison.layers.iter().map(row) }</tbody>
            </table>
        </section>
    }
}

fn value(value: &Option<String>) -> Html {
    match value {
        Some(value) => html! { <code>{visible(value)}</code> },
        None => html! { <span class="muted">{"not set"}</span> },
    }
}

fn entry_row(entry: &EntryDiff) -> Html {
    let side = |side: &Option<String>| match side {
        Some(text) if text.is_empty() => html! { <code>{visible(&entry.key)}</code> },
        Some(text) => html! { <code>{visible(&format!("{}={text}", entry.key))}</code> },
        None => html! { <span class="muted">{"—"}</span> },
    };
    html! {
        <li class={classes!("compare-entry", entry.change.data_compare())}
            data-key={entry.key.clone()} data-compare={entry.change.data_compare()}>
            <span class="entry-left">{ side(&entry.left) }</span>
            <span class="entry-right">{ side(&entry.right) }</span>
        </li>
    }
}

fn field_row(row: &FieldDiff) -> Html {
    let cells = match &row.values {
        FieldValues::Single { left, right } => html! {
            <><td>{ value(left) }</td><td>{ value(right) }</td></>
        },
        FieldValues::Entries(entries) if entries.is_empty() => html! {
            <><td><span class="muted">{"none"}</span></td><td><span class="muted">{"none"}</span></td></>
        },
        FieldValues::Entries(entries) => {
            let unchanged = entries
                .iter()
                .filter(|entry| entry.change == Change::Same)
                .count();
            html! {
                <td colspan="2">
                    <ul class="compare-entries">
                        { for entries.iter().filter(|entry| entry.change != Change::Same).map(entry_row) }
                    </ul>
                    if unchanged > 0 {
                        <details class="unchanged-entries">
                            <summary>{format!("{unchanged} the same on both sides")}</summary>
                            <ul class="compare-entries">
                                { for entries.iter().filter(|entry| entry.change == Change::Same).map(entry_row) }
                            </ul>
                        </details>
                    }
                </td>
            }
        }
    };
    html! {
        <tr class={classes!("compare-field", row.change.data_compare())}
            data-field={row.field.name()} data-compare={row.change.data_compare()}>
            <th>{row.field.label()}</th>
            {cells}
        </tr>
    }
}

/// How the two containers would run: one row per config field.
pub fn config(comparison: &Comparison) -> Html {
    html! {
        <section class="compare-config" id="compare-config">
            <h3>{"Config"}</h3>
            <table class="compare-table" tabindex="0">
                <thead><tr><th>{"Field"}</th><th>{"Left"}</th><th>{"Right"}</th></tr></thead>
                <tbody>{ for comparison.config.iter().map(field_row) }</tbody>
            </table>
        </section>
    }
}

fn step_cell(step: &Option<StepSide>) -> Html {
    match step {
        Some(step) => html! {
            <td>
                if step.empty_layer {
                    <span class="badge" title="This step changed only the config.">{"no layer"}</span>{" "}
                } else if let Some(digest) = &step.layer_digest {
                    <code class="digest step-layer" title={visible_string(digest)}>{short_digest(digest)}</code>{" "}
                }
                <code class="command">{visible(&step.created_by)}</code>
            </td>
        },
        None => html! { <td><span class="muted">{"—"}</span></td> },
    }
}

/// The build steps of both images, aligned on the ones they have in common.
pub fn history(comparison: &Comparison) -> Html {
    let row = |row: &HistoryRow| {
        let layer = row.layer_change().map(|change| match change {
            Change::Same => html! { <span class="badge shared" title="Both steps made the same layer.">{"same layer"}</span> },
            _ => html! { <span class="badge changed" title="Both steps made a layer, and the layers differ.">{"other layer"}</span> },
        });
        html! {
            <tr class={classes!("compare-step", row.change.data_compare())} data-compare={row.change.data_compare()}
                data-layer={row.layer_change().map(|change| if change == Change::Same { "same" } else { "changed" })}>
                { step_cell(&row.left) }
                { step_cell(&row.right) }
                <td>{ layer.unwrap_or_default() }</td>
            </tr>
        }
    };
    let changed = comparison
        .history
        .iter()
        .filter(|row| row.change != Change::Same)
        .count();
    html! {
        <section class="compare-history" id="compare-history">
            <h3>{"History"}</h3>
            <p class="muted">{format!("{} steps, {changed} not the same on both sides.", comparison.history.len())}</p>
            <table class="compare-table" tabindex="0">
                <thead><tr><th>{"Left"}</th><th>{"Right"}</th><th>{"Layer"}</th></tr></thead>
                <tbody>{ for comparison.history.iter().map(row) }</tbody>
            </table>
        </section>
    }
}
