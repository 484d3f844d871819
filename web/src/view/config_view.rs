//! An image config as a reader wants it: how the container runs, its labels, and its build history lined up
//! with the layers each step produced.

use strata_explain::concept::Concept;
use strata_image::config::{self, ImageConfig};
use strata_image::digest::Digest;
use strata_image::manifest::{Descriptor, ImageManifest};
use strata_image::media_type::{self, Compression};
use strata_image::node_kind::NodeKind;
use strata_image::platform::Platform;
use strata_image::verification::VerifyState;
use yew::prelude::*;

use super::concept_help::help;
use super::context::NodeContext;
use super::findings;
use super::format::{short_digest, untrusted_value, visible, visible_string};
use super::size_bar::size_bar;
use crate::route::{FilesRequest, files_href};

/// The config's facts, shown under the config node.
pub fn summary(config: &ImageConfig, index_entry: Option<&Platform>) -> Html {
    let run = config.config.clone().unwrap_or_default();
    let created = match config.created.as_deref() {
        Some(created) if config::is_placeholder_time(created) => {
            format!("unknown ({created}, a reproducible-build placeholder)")
        }
        Some(created) => created.to_owned(),
        None => "unknown".to_owned(),
    };
    let platform = config.platform();
    let platform_warning = findings::list(&config::platform_findings(config, index_entry));
    let list = |values: &Option<Vec<String>>| match values {
        Some(values) => {
            html! { <code>{visible(&serde_json::to_string(values).unwrap_or_default())}</code> }
        }
        None => html! { <span class="muted">{"—"}</span> },
    };
    let ports: Vec<String> = run
        .exposed_ports
        .as_ref()
        .map(|ports| ports.keys().cloned().collect())
        .unwrap_or_default();
    html! {
        <div class="config-summary">
            {platform_warning}
            <table class="facts">
                <tr><th>{"Platform"}</th><td><code>{visible(&platform)}</code></td></tr>
                <tr><th>{"Created"}</th><td>{visible(&created)}</td></tr>
                if let Some(author) = &config.author { <tr><th>{"Author"}</th><td>{visible(author)}</td></tr> }
                if let Some(user) = run.user.as_ref().filter(|u| !u.is_empty()) { <tr><th>{"User"}</th><td><code>{visible(user)}</code></td></tr> }
                if let Some(dir) = run.working_dir.as_ref().filter(|d| !d.is_empty()) { <tr><th>{"Working dir"}</th><td><code>{visible(dir)}</code></td></tr> }
                <tr><th>{"Entrypoint"}</th><td>{ list(&run.entrypoint) }</td></tr>
                <tr><th>{"Cmd"}</th><td>{ list(&run.cmd) }</td></tr>
                if !ports.is_empty() { <tr><th>{"Exposed ports"}</th><td><code>{visible(&ports.join(", "))}</code></td></tr> }
                <tr><th>{"Env"}</th><td>
                    <ul class="env">{ for run.env.iter().flatten().map(|variable| html! { <li><code>{visible(variable)}</code></li> }) }</ul>
                </td></tr>
            </table>
            if let Some(labels) = run.labels.as_ref().filter(|labels| !labels.is_empty()) {
                <details class="labels" open=true>
                    <summary>{format!("{} labels", labels.len())}</summary>
                    <table class="facts">
                        { for labels.iter().map(|(key, value)| html! { <tr><th><code>{visible(key)}</code></th><td>{untrusted_value(value)}</td></tr> }) }
                    </table>
                </details>
            }
        </div>
    }
}

/// The layers with the build step that made each, and the empty-layer steps between them.
pub fn layers(
    context: &NodeContext,
    manifest: &ImageManifest,
    config: Option<&ImageConfig>,
    platform: Option<&str>,
) -> Html {
    let history = config
        .map(|config| config.history.as_slice())
        .unwrap_or_default();
    let alignment = config::align_history(history, manifest.layers.len());
    let largest = manifest
        .layers
        .iter()
        .map(|layer| layer.size)
        .max()
        .unwrap_or(1);
    let layer_row = |index: usize, created_by: Option<&str>| {
        let Some(layer) = manifest.layers.get(index) else {
            return html! {};
        };
        let check = context.state.layer_checks.get(&layer.digest);
        let verify = check
            .map_or(VerifyState::NotFetched, |check| check.data_verify)
            .as_str();
        let note = check
            .map(|check| visible_string(&check.note))
            .unwrap_or_default();
        // A layer's own files are linked only by a digest that names it; any other text is not a link.
        let files = Digest::parse(&layer.digest).ok().map(|digest| {
            files_href(
                &context.reference,
                platform,
                &FilesRequest {
                    layer: Some(digest.to_string()),
                    ..FilesRequest::default()
                },
            )
        });
        html! {
            <li class="layer-row">
                <div class="node layer" data-kind={NodeKind::Layer.as_str()} data-digest={layer.digest.clone()} data-verify={verify} title={note}>
                    <span class="layer-number">{format!("#{}", index + 1)}</span>
                    <span class="media-type" title={visible_string(&layer.media_type)}>{strata_image::media_type::describe(&layer.media_type)}</span>
                    { size_bar(layer.size, largest) }
                    <code class="digest" title={visible_string(&layer.digest)}>{short_digest(&layer.digest)}</code>
                    { layer_badges(layer) }
                    <span class={classes!("badge", verify)}>{verify}</span>
                    if let Some(href) = files { <a class="open-files" {href}>{"files"}</a> }
                    if let Some(command) = created_by { <div class="command"><code>{visible(command)}</code></div> }
                </div>
            </li>
        }
    };
    if config.is_none() {
        return html! { <ul class="layers">{ for (0..manifest.layers.len()).map(|index| layer_row(index, None)) }</ul> };
    }
    html! {
        <>
            { findings::list(&alignment.findings) }
            <p class="muted layers-help">{"Layers and their two digests "}{ help(Concept::LayersAndDiffIds) }</p>
            <ul class="layers history">
                { for alignment.steps.iter().map(|step| {
                    let command = step.entry.created_by.as_deref().unwrap_or("");
                    match step.layer {
                        Some(index) => layer_row(index, Some(command)),
                        None => html! {
                            <li class="empty-step" title="This build step changed only the config: it made no layer.">
                                <span class="muted">{"no layer"}</span>{" "}<code>{visible(command)}</code>
                            </li>
                        },
                    }
                }) }
                { for alignment.unattributed_layers.iter().map(|&index| layer_row(index, None)) }
            </ul>
        </>
    }
}

/// What kind of layer this is, beyond its compression: foreign, non-distributable, encrypted, eStargz.
fn layer_badges(layer: &Descriptor) -> Html {
    let kind = media_type::layer_kind(&layer.media_type);
    let mut badges: Vec<(&str, String)> = Vec::new();
    if kind.compression == Compression::Sniff {
        badges.push((
            "compression unknown",
            "Docker's plain tar type: the first bytes tell gzip, zstd or tar apart".into(),
        ));
    }
    if kind.foreign {
        badges.push((
            "foreign",
            visible_string(&format!(
                "Never pushed to the registry: fetched from {}",
                layer.urls.join(", ")
            )),
        ));
    }
    if kind.non_distributable {
        badges.push((
            "non-distributable",
            "Deprecated OCI type: may be fetched from its urls instead of the registry".into(),
        ));
    }
    if kind.encrypted {
        badges.push((
            "encrypted",
            "Encrypted with ocicrypt: no file tree can be shown without the key".into(),
        ));
    }
    if media_type::estargz_hint(&layer.annotations) {
        badges.push(("eStargz", "Lazy-pullable: a table of contents at the end lets a snapshotter fetch files on demand".into()));
    }
    html! {
        <>
            { for badges.into_iter().map(|(label, title)| html! { <span class="badge layer-kind" {title}>{label}</span> }) }
        </>
    }
}
