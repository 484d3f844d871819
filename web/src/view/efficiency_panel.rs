//! The files view's `<section id="efficiency">`: how much of what the layers ship the final image still
//! contains, the paths whose overwritten or removed versions waste bytes (largest first, naming the layers
//! and build steps that wrote and then hid them), and what each layer adds that survives.

use strata_image::config::{self, ImageConfig};
use strata_layers::{Efficiency, WastedPath};
use yew::prelude::*;

use super::format::{size, visible, visible_string};
use super::size_bar::{bar, size_bar};

/// The efficiency section for an image of `layer_count` layers built as `config`'s history says.
pub fn efficiency_panel(efficiency: &Efficiency, config: &ImageConfig, layer_count: usize) -> Html {
    let alignment = config::align_history(&config.history, layer_count);
    let layer_name = |layer: usize| match alignment.created_by(layer) {
        Some(step) => format!("layer #{} ({})", layer + 1, visible_string(step)),
        None => format!("layer #{}", layer + 1),
    };
    let kept = efficiency.total_bytes - efficiency.wasted_bytes.min(efficiency.total_bytes);
    let largest_layer = efficiency
        .surviving_by_layer
        .iter()
        .copied()
        .max()
        .unwrap_or(0);
    html! {
        <section id="efficiency" class="efficiency" data-wasted-bytes={efficiency.wasted_bytes.to_string()}
            data-total-bytes={efficiency.total_bytes.to_string()}>
            <h3>{"Efficiency"}</h3>
            <p>
                <strong>{format!("{:.1}% efficient", efficiency.score() * 100.0)}</strong>
                {format!(": the layers ship {} of regular files, and {} of it ({} paths) is files a later layer \
                          overwrote or removed, so it is downloaded and never seen.",
                    size(efficiency.total_bytes), size(efficiency.wasted_bytes), efficiency.paths.len())}
            </p>
            <div class="efficiency-bar" title={format!("{kept} of {} bytes kept", efficiency.total_bytes)}>
                { bar(kept, efficiency.total_bytes) }
            </div>
            if !efficiency.paths.is_empty() {
                <table class="wasted-paths">
                    <thead><tr><th>{"path"}</th><th>{"wasted"}</th><th>{"written, then hidden by"}</th></tr></thead>
                    <tbody>{ for efficiency.paths.iter().map(|wasted| wasted_row(wasted, &layer_name)) }</tbody>
                </table>
            }
            <h4>{"What each layer adds that the final image keeps"}</h4>
            <ol class="surviving-bytes">
                { for efficiency.surviving_by_layer.iter().enumerate().map(|(layer, bytes)| html! {
                    <li data-layer={(layer + 1).to_string()} data-surviving-bytes={bytes.to_string()}>
                        { size_bar(*bytes, largest_layer) }{" "}{visible(&layer_name(layer))}
                    </li>
                }) }
            </ol>
        </section>
    }
}

fn wasted_row(wasted: &WastedPath, layer_name: &impl Fn(usize) -> String) -> Html {
    html! {
        <tr data-wasted-path={wasted.path.clone()} data-wasted-bytes={wasted.wasted_bytes.to_string()}>
            <td><code>{visible(&wasted.path)}</code></td>
            <td class="size">{size(wasted.wasted_bytes)}</td>
            <td>
                <ul class="hidden-versions">
                    { for wasted.versions.iter().map(|version| html! {
                        <li>{format!("{} in {}, hidden by {}", size(version.size), layer_name(version.written_by),
                            if version.hidden_by == version.written_by { "a later entry of the same layer".to_owned() } else { layer_name(version.hidden_by) })}</li>
                    }) }
                </ul>
            </td>
        </tr>
    }
}
