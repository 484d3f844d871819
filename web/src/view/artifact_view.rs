//! Manifests that are not runnable images: attestations, signatures, Helm charts, SOCI indexes, OCI 1.1
//! artifacts, and deprecated schema 1 manifests. Each says what it is and lists its blobs.

use strata_image::artifact::{
    self, HelmChart, IN_TOTO_PREDICATE_TYPE, ManifestRole, TITLE_ANNOTATION,
};
use strata_image::manifest::{Descriptor, ImageManifest};
use strata_image::node_kind::NodeKind;
use strata_image::schema1::Schema1Manifest;
use strata_image::verification::VerifyState;
use yew::prelude::*;

use super::context::NodeContext;
use super::format::{short_digest, size, visible, visible_string};
use crate::route::digest_href;

/// An attestation manifest: its in-toto statements.
pub fn attestation_body(manifest: &ImageManifest) -> Html {
    html! {
        <ul class="statements">
            { for manifest.layers.iter().map(|layer| {
                let predicate = layer.annotations.get(IN_TOTO_PREDICATE_TYPE).cloned().unwrap_or_else(|| layer.media_type.clone());
                html! {
                    <li>
                        <strong>{artifact::predicate_name(&predicate)}</strong>{" "}<code>{visible(&predicate)}</code>{" "}
                        <span class="size">{size(layer.size)}</span>{" "}
                        <code class="digest" title={visible_string(&layer.digest)}>{short_digest(&layer.digest)}</code>
                    </li>
                }
            }) }
        </ul>
    }
}

/// Any other non-image manifest: what it is, what it refers to, and its blobs.
pub fn artifact_body(
    context: &NodeContext,
    manifest: &ImageManifest,
    role: &ManifestRole,
    chart: Option<&HelmChart>,
    heading: &'static str,
) -> Html {
    let artifact_type = manifest
        .artifact_type
        .clone()
        .unwrap_or_else(|| manifest.config.media_type.clone());
    let chart = chart.or(match role {
        ManifestRole::HelmChart(chart) => chart.as_ref(),
        _ => None,
    });
    html! {
        <div class="artifact">
            <table class="facts">
                <tr><th>{"What it is"}</th><td>{role.describe()}</td></tr>
                <tr><th>{"Artifact type"}</th><td><code>{visible(&artifact_type)}</code></td></tr>
                if let Some(subject) = &manifest.subject { { subject_row(context, subject) } }
                if let Some(chart) = chart {
                    <tr><th>{"Chart"}</th><td><code>{visible(&format!("{} {}", chart.name, chart.version))}</code></td></tr>
                    if let Some(app) = &chart.app_version { <tr><th>{"App version"}</th><td><code>{visible(app)}</code></td></tr> }
                    if let Some(description) = &chart.description { <tr><th>{"Description"}</th><td>{visible(description)}</td></tr> }
                }
            </table>
            <@{heading}>{format!("{} blobs", manifest.layers.len())}</@>
            <ul class="blobs">
                { for manifest.layers.iter().map(blob_row) }
            </ul>
        </div>
    }
}

/// The image an artifact refers to, linked when the manifest names it by a valid digest.
fn subject_row(context: &NodeContext, subject: &Descriptor) -> Html {
    let name = format!("{}/{}", context.registry, context.repository);
    let digest = html! { <code>{visible(&subject.digest)}</code> };
    let target = match digest_href(&name, &subject.digest) {
        Ok(href) => html! { <a class="subject" {href}>{digest}</a> },
        Err(error) => {
            html! { <span class="subject invalid-digest" title={error.to_string()}>{digest}</span> }
        }
    };
    html! {
        <tr>
            <th>{"Refers to"}</th>
            <td>{target}</td>
        </tr>
    }
}

fn blob_row(blob: &Descriptor) -> Html {
    let title = blob.annotations.get(TITLE_ANNOTATION).cloned();
    html! {
        <li>
            if let Some(title) = title { <strong>{visible(&title)}</strong>{" "} }
            <span class="media-type" title={visible_string(&blob.media_type)}>{strata_image::media_type::describe(&blob.media_type)}</span>{" "}
            <code class="muted">{visible(&blob.media_type)}</code>{" "}
            <span class="size">{size(blob.size)}</span>{" "}
            <code class="digest" title={visible_string(&blob.digest)}>{short_digest(&blob.digest)}</code>
        </li>
    }
}

/// A schema 1 manifest: deprecated, layers bottom first with the command that made each.
pub fn schema1_body(manifest: &Schema1Manifest) -> Html {
    html! {
        <div class="schema1">
            <p class="warning">{"Docker schema 1 (deprecated): current Docker and containerd refuse to pull it. Its layers are listed top first in the document; here they are bottom first, like schema 2."}</p>
            <table class="facts">
                <tr><th>{"Name"}</th><td><code>{visible(&manifest.name)}</code></td></tr>
                <tr><th>{"Tag"}</th><td><code>{visible(&manifest.tag)}</code></td></tr>
                <tr><th>{"Architecture"}</th><td><code>{visible(&manifest.architecture)}</code></td></tr>
                <tr><th>{"Signed"}</th><td>{if manifest.is_signed() { "yes (JWS; the digest covers the payload, not the signatures)" } else { "no" }}</td></tr>
            </table>
            <ul class="layers">
                { for manifest.layers_bottom_first().into_iter().enumerate().map(|(index, layer)| {
                    let command = layer.history.map(|history| history.cmd.join(" ")).unwrap_or_default();
                    let empty = layer.history.is_some_and(|history| history.throwaway);
                    html! {
                        <li class="layer-row">
                            <div class="node layer" data-kind={NodeKind::Layer.as_str()} data-digest={layer.blob_sum.to_owned()} data-verify={VerifyState::NotFetched.as_str()}>
                                <span class="layer-number">{format!("#{}", index + 1)}</span>
                                <code class="digest" title={visible_string(layer.blob_sum)}>{short_digest(layer.blob_sum)}</code>
                                if empty { <span class="muted">{"(throwaway: no content)"}</span> }
                                <span class="badge not-fetched">{VerifyState::NotFetched.as_str()}</span>
                                if !command.is_empty() { <div class="command"><code>{visible(&command)}</code></div> }
                            </div>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
