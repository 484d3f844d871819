//! One node of the tree (index, manifest, config, attestation, artifact) with its verification, and the
//! children it leads to. Every node carries `data-kind`, `data-digest` and `data-verify`.
//!
//! Nodes and platform entries are the items of a WAI-ARIA tree (`role="treeitem"` with `aria-level`, their
//! children in a `role="group"`); `tree_keyboard` moves between them. Only platform entries open and close
//! (`aria-expanded`) and are selectable (`aria-selected`); a node always shows its children, and its raw
//! bytes, trace and annotations are disclosures inside the item, reached with Tab.

use std::rc::Rc;
use strata_explain::concept::Concept;
use strata_image::artifact::{self, HelmChart, ManifestRole};
use strata_image::manifest::{Descriptor, Document, ImageManifest, Index};
use strata_image::media_type;
use strata_image::node_kind::NodeKind;
use strata_image::verification::VerifyState;

use yew::prelude::*;

use super::artifact_view;
use super::concept_help::help;
use super::config_view;
use super::context::NodeContext;
use super::document_panels::DocumentPanels;
use super::findings;
use super::format::{short_digest, size, untrusted_value, visible, visible_string};
use super::platform_picker;
use super::size_bar::size_bar;
use super::tree_keyboard;
use crate::inspect_state::{Content, Loaded, NodeKey, NodeState};
use crate::route::{FilesRequest, files_href, tag_href};

/// What the element with `role="tree"` does when focus moves inside it (see `tree_keyboard`).
fn tree_focus() -> Callback<FocusEvent> {
    Callback::from(|event: FocusEvent| tree_keyboard::handle_focus(&event))
}

/// The root: the document the reference names.
pub fn root(context: &NodeContext, requested_digest: Option<String>) -> Html {
    let state = context.node(&NodeKey::Root);
    let kind = match &state {
        Some(NodeState::Loaded(loaded)) => document_kind(loaded),
        _ => NodeKind::Manifest,
    };
    let digest = requested_digest.or_else(|| match &state {
        Some(NodeState::Loaded(loaded)) => loaded.verification.digest().map(ToString::to_string),
        _ => None,
    });
    let failure = match &state {
        Some(NodeState::Failed(message)) => Some(message.clone()),
        Some(NodeState::Loaded(loaded)) if !loaded.verification.is_trusted() => {
            Some(loaded.verification.explain())
        }
        Some(NodeState::Loaded(loaded)) => match &loaded.content {
            Content::Unreadable(reason) => Some(format!(
                "The registry's answer for {} is not a document Strata can read: {reason}",
                context.reference
            )),
            _ => None,
        },
        _ => None,
    };
    let failure = match failure {
        Some(message) => html! { <div class="error" role="alert">{visible(&message)}</div> },
        None => html! {},
    };
    let tree = node(
        context,
        &NodeKey::Root,
        kind,
        digest.unwrap_or_default(),
        None,
        1,
    );
    let single_platform = match &state {
        Some(NodeState::Loaded(loaded)) => match &loaded.content {
            Content::Document(read) => match &read.document {
                Document::Manifest(manifest) if artifact::role(manifest) == ManifestRole::Image => {
                    Some(config_platform(context, manifest))
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    let tree = match single_platform {
        Some(platform) => html! {
            <div class="platform single" data-platform={platform} data-selected="true">
                <p class="muted">{"A single image manifest (no index): one platform, named by its config."}</p>
                {tree}
            </div>
        },
        None => tree,
    };
    let cosign = match &state {
        Some(NodeState::Loaded(loaded)) if loaded.verification.is_trusted() => loaded
            .verification
            .digest()
            .map(|digest| cosign_section(context, digest)),
        _ => None,
    };
    let rate_limit = match &state {
        Some(NodeState::Loaded(loaded)) => loaded.rate_limit.describe().map(|quota| html! {
            <p class="rate-limit muted" title="Docker Hub's RateLimit-Limit and RateLimit-Remaining headers">
                {visible(&format!("Registry rate limit: {quota}. Strata resolves tags with HEAD, which Docker Hub does not count."))}
            </p>
        }),
        _ => None,
    };
    // The tree holds only its items and their groups: the notices go before it, cosign's tags after it
    // (each one found a tree of its own, beside the tag's link).
    html! {
        <>
            {failure}
            { rate_limit.unwrap_or_default() }
            <div class="tree-items" role="tree" aria-label="Image tree" onfocusin={tree_focus()}>
                {tree}
            </div>
            { cosign.unwrap_or_default() }
        </>
    }
}

/// Whether cosign stored a signature, attestation or SBOM for the root under its tag scheme.
fn cosign_section(context: &NodeContext, root: &strata_image::digest::Digest) -> Html {
    html! {
        <section class="cosign">
            <h3>{"Signed with cosign?"}</h3>
            <p class="muted">{"cosign stores what it signs or attests about an image under tags named after the image's digest."}</p>
            <ul class="cosign-tags">
                { for crate::inspect_state::cosign_tags(root).into_iter().map(|tag| {
                    let key = NodeKey::CosignTag(tag.clone());
                    let found = match context.node(&key) {
                        Some(NodeState::Absent) => html! { <span class="muted">{" none"}</span> },
                        Some(NodeState::Pending) | None => html! { <span class="muted" data-probe="pending">{" looking…"}</span> },
                        Some(NodeState::Loaded(loaded)) => {
                            let digest = loaded.verification.digest().map(ToString::to_string).unwrap_or_default();
                            html! {
                                <div role="tree" aria-label={format!("{tag}, the manifest")} onfocusin={tree_focus()}>
                                    { node(context, &key, NodeKind::Artifact, digest, None, 1) }
                                </div>
                            }
                        }
                        Some(NodeState::Failed(message)) => html! { <span class="error">{" "}{visible(&message)}</span> },
                    };
                    let name = format!("{}/{}", context.registry, context.repository);
                    let tag_text = html! { <code>{visible(&tag)}</code> };
                    match tag_href(&name, &tag) {
                        Ok(href) => html! { <li><a {href}>{tag_text}</a>{found}</li> },
                        Err(error) => html! { <li class="invalid-tag" title={error.to_string()}>{tag_text}{found}</li> },
                    }
                }) }
            </ul>
        </section>
    }
}

/// `os/arch[/variant]` from a manifest's config, once it has been fetched.
fn config_platform(context: &NodeContext, manifest: &ImageManifest) -> String {
    match context.node(&NodeKey::Child(manifest.config.digest.clone())) {
        Some(NodeState::Loaded(loaded)) => match &loaded.content {
            Content::Config(config) => config.platform(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// `data-kind` of a fetched document: what it turned out to be, not only where it was listed.
fn document_kind(loaded: &Loaded) -> NodeKind {
    match &loaded.content {
        Content::Document(read) => NodeKind::of_document(&read.document),
        Content::Config(_) | Content::HelmChart(_) => NodeKind::Config,
        Content::Unreadable(_) => NodeKind::Manifest,
    }
}

/// A node: its heading with the verification badge, what it contains, and its raw bytes on request.
/// `level` is its depth in the tree, from 1.
fn node(
    context: &NodeContext,
    key: &NodeKey,
    kind: NodeKind,
    digest: String,
    descriptor: Option<&Descriptor>,
    level: u32,
) -> Html {
    let state = context.node(key);
    let kind = match &state {
        Some(NodeState::Loaded(loaded)) if matches!(loaded.content, Content::Document(_)) => {
            document_kind(loaded)
        }
        _ => kind,
    }
    .as_str();
    // The root is always fetched: before its fetch starts (the first frame) it is already pending.
    let unfetched = if *key == NodeKey::Root {
        VerifyState::Pending
    } else {
        VerifyState::NotFetched
    };
    let verify = state
        .as_ref()
        .map_or(unfetched, NodeState::data_verify)
        .as_str();
    let media_type = match (&state, descriptor) {
        (Some(NodeState::Loaded(loaded)), _) => match &loaded.content {
            Content::Document(read) => read.media_type.clone(),
            _ => descriptor.map(|d| d.media_type.clone()).unwrap_or_default(),
        },
        (_, Some(descriptor)) => descriptor.media_type.clone(),
        _ => String::new(),
    };
    let size_text = match (&state, descriptor) {
        (Some(NodeState::Loaded(loaded)), _) => size(loaded.bytes.len() as u64),
        (_, Some(descriptor)) => size(descriptor.size),
        _ => String::new(),
    };
    let body = match &state {
        None => {
            html! { <p class="muted">{"Not fetched: what lists it did not verify, so Strata does not follow it."}</p> }
        }
        Some(NodeState::Pending) => html! { <p class="muted">{"Fetching and hashing…"}</p> },
        Some(NodeState::Absent) => {
            html! { <p class="muted">{"The registry has no such document."}</p> }
        }
        Some(NodeState::Failed(message)) => html! { <p class="error">{visible(message)}</p> },
        Some(NodeState::Loaded(loaded)) => {
            loaded_body(context, loaded, descriptor, *key == NodeKey::Root, level)
        }
    };
    let explanation = match &state {
        Some(NodeState::Loaded(loaded)) => visible_string(&loaded.verification.explain()),
        _ => String::new(),
    };
    // The root is where Tab first enters the tree; `tree_keyboard` moves the stop from then on.
    let tab_stop = if *key == NodeKey::Root { "0" } else { "-1" };
    html! {
        <div class={classes!("node", kind)} data-kind={kind} data-digest={digest.clone()} data-verify={verify}
            role="treeitem" aria-level={level.to_string()} tabindex={tab_stop}
            onkeydown={Callback::from(|event: KeyboardEvent| { tree_keyboard::handle_key(&event); })}>
            <div class="node-head">
                <span class="kind">{kind}</span>
                <span class="media-type" title={visible_string(&media_type)}>{media_type::describe(&media_type)}</span>
                <code class="digest" title={visible_string(&digest)}>{short_digest(&digest)}</code>
                <span class="size">{size_text}</span>
                <span class={classes!("badge", verify)} title={explanation.clone()}>{verify}</span>
            </div>
            // What the item holds beside its own line is a group: the item's accessible name is that line.
            <div class="node-body" role="group">
                if !explanation.is_empty() { <p class={classes!("verify-note", verify)}>{explanation}</p> }
                {body}
            </div>
        </div>
    }
}

/// The Helm chart a manifest's config describes, once fetched.
fn helm_chart(context: &NodeContext, manifest: &ImageManifest) -> Option<HelmChart> {
    match context.node(&NodeKey::Child(manifest.config.digest.clone())) {
        Some(NodeState::Loaded(loaded)) => match &loaded.content {
            Content::HelmChart(chart) => Some(chart.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn loaded_body(
    context: &NodeContext,
    loaded: &Rc<Loaded>,
    descriptor: Option<&Descriptor>,
    is_root: bool,
    level: u32,
) -> Html {
    let raw_digest = descriptor
        .map(|descriptor| descriptor.digest.clone())
        .or_else(|| loaded.verification.digest().map(ToString::to_string))
        .unwrap_or_default();
    let content = match &loaded.content {
        Content::Unreadable(reason) => {
            html! { <p class="error">{visible(&format!("Strata cannot read this document: {reason}"))}</p> }
        }
        Content::Config(_) | Content::HelmChart(_) => html! {},
        Content::Document(read) => {
            let findings = findings::list(&read.findings);
            let inner = match &read.document {
                Document::Index(index) => index_body(context, index, is_root, level),
                Document::Manifest(manifest) => match artifact::role(manifest) {
                    ManifestRole::Image => manifest_body(context, manifest, descriptor, level),
                    ManifestRole::Attestation { .. } => artifact_view::attestation_body(manifest),
                    role => artifact_view::artifact_body(
                        context,
                        manifest,
                        &role,
                        helm_chart(context, manifest).as_ref(),
                        heading_for(level),
                    ),
                },
                Document::Schema1(manifest) => artifact_view::schema1_body(manifest),
                Document::Unknown => html! {},
            };
            html! { <>{findings}{inner}</> }
        }
    };
    html! {
        <>
            {content}
            <DocumentPanels loaded={loaded.clone()} digest={raw_digest} />
        </>
    }
}

/// An index's platforms and other entries. Only the top index gets the machine picker; a nested index
/// follows the same choice. `level` is the index's own.
fn index_body(context: &NodeContext, index: &Index, is_root: bool, level: u32) -> Html {
    let entries = index.entries();
    let chosen = context.state.chosen_platform.clone();
    let view = entries.select_for_view(chosen.as_deref());
    let platform_sizes: Vec<Option<u64>> = entries
        .platforms
        .iter()
        .map(|entry| compressed_size(context, &entry.descriptor.digest))
        .collect();
    let largest = platform_sizes
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    let notice = match &view.notice {
        Some(notice) => html! { <p class="notice" role="status">{visible(notice)}</p> },
        None => html! {},
    };
    html! {
        <>
            <h3>{format!("{} platforms", entries.platforms.len())}</h3>
            if is_root { { platform_picker::picker(context, chosen.as_deref(), view.requested.as_ref()) } }
            {notice}
            <div role="group">
                <div class="platforms">
                    { for entries.platforms.iter().enumerate().map(|(position, entry)| {
                        let selected = view.chosen == Some(position);
                        let size = platform_sizes.get(position).copied().flatten();
                        platform_entry(context, entry.descriptor, &entry.attestations, selected, size.map(|s| (s, largest)), level + 1)
                    }) }
                </div>
                if !entries.others.is_empty() {
                    <h3>{"Other entries"}</h3>
                    { for entries.others.iter().map(|descriptor| {
                        node(context, &NodeKey::Child(descriptor.digest.clone()), NodeKind::of_listed_entry(descriptor), descriptor.digest.clone(), Some(descriptor), level + 1)
                    }) }
                }
            </div>
        </>
    }
}

fn platform_label(descriptor: &Descriptor) -> String {
    descriptor
        .platform
        .as_ref()
        .map(|platform| platform.os_arch_variant())
        .unwrap_or_default()
}

/// The compressed size of a platform's image (its layers), once its manifest verified.
fn compressed_size(context: &NodeContext, digest: &str) -> Option<u64> {
    match context.node(&NodeKey::Child(digest.to_owned()))? {
        NodeState::Loaded(loaded) if loaded.verification.is_trusted() => match &loaded.content {
            Content::Document(read) => match &read.document {
                Document::Manifest(manifest) => Some(manifest.layers_size()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

fn platform_entry(
    context: &NodeContext,
    descriptor: &Descriptor,
    attestations: &[&Descriptor],
    selected: bool,
    compressed: Option<(u64, u64)>,
    level: u32,
) -> Html {
    let label = platform_label(descriptor);
    let onclick = {
        let context = context.clone();
        let label = label.clone();
        Callback::from(move |event: MouseEvent| {
            // Choosing an entry opens it; the summary's own toggle would close it again right after.
            if !selected {
                event.prevent_default();
            }
            platform_picker::choose(&context, Some(label.clone()))
        })
    };
    // Enter or Space on the entry selects it, as a click on its summary does, and shows it.
    let onkeydown = {
        let context = context.clone();
        let label = label.clone();
        Callback::from(move |event: KeyboardEvent| {
            if let Some(item) = tree_keyboard::handle_key(&event) {
                tree_keyboard::expand(&item);
                platform_picker::choose(&context, Some(label.clone()));
            }
        })
    };
    let key = NodeKey::Child(descriptor.digest.clone());
    let kind = if descriptor.is_index() {
        NodeKind::Index
    } else {
        NodeKind::Manifest
    };
    let verify = context
        .node(&key)
        .as_ref()
        .map_or(VerifyState::NotFetched, NodeState::data_verify)
        .as_str();
    let os_version = descriptor
        .platform
        .as_ref()
        .and_then(|p| p.os_version.clone());
    let name = if label.is_empty() {
        "(no platform given)".to_owned()
    } else {
        label.clone()
    };
    html! {
        <div class="platform-item" role="treeitem" aria-level={level.to_string()}
            aria-expanded={selected.to_string()} aria-selected={selected.to_string()} tabindex="-1"
            {onkeydown}>
        <details class="platform" data-platform={label.clone()} data-selected={selected.to_string()} open={selected}
            ontoggle={Callback::from(|event: Event| tree_keyboard::sync_expanded(&event))}>
            // The entry itself takes focus; its summary stays clickable but is not a second tab stop.
            <summary {onclick} tabindex="-1">
                <span class="platform-name">{visible(&name)}</span>
                if let Some(version) = os_version { <span class="muted">{" "}{visible(&version)}</span> }
                <code class="digest">{short_digest(&descriptor.digest)}</code>
                <span class={classes!("badge", verify)}>{verify}</span>
                if let Some((bytes, largest)) = compressed { { size_bar(bytes, largest) } }
                if !attestations.is_empty() {
                    <span class="muted">{format!(" + {} attestation{}", attestations.len(), if attestations.len() == 1 { "" } else { "s" })}</span>
                }
            </summary>
            <div role="group">
                { node(context, &key, kind, descriptor.digest.clone(), Some(descriptor), level + 1) }
                if !attestations.is_empty() {
                    <div class="attestations">
                        <h4>{"Attestations (SBOM, provenance) for this platform"}{ help(Concept::Attestations) }</h4>
                        { for attestations.iter().map(|attestation| {
                            node(context, &NodeKey::Child(attestation.digest.clone()), NodeKind::Attestation, attestation.digest.clone(), Some(attestation), level + 1)
                        }) }
                    </div>
                }
            </div>
        </details>
        </div>
    }
}

fn manifest_body(
    context: &NodeContext,
    manifest: &ImageManifest,
    descriptor: Option<&Descriptor>,
    level: u32,
) -> Html {
    let config_key = NodeKey::Child(manifest.config.digest.clone());
    let config = match context.node(&config_key) {
        Some(NodeState::Loaded(loaded)) => match &loaded.content {
            Content::Config(config) => Some(config.clone()),
            _ => None,
        },
        _ => None,
    };
    let index_entry = descriptor.and_then(|d| d.platform.as_ref());
    let config_node = if manifest.is_artifact() {
        html! {
            <p class="muted">{visible(&format!("Artifact of type {}: its config is not an image config, so it is not read as one.",
                manifest.artifact_type.clone().unwrap_or_else(|| manifest.config.media_type.clone())))}</p>
        }
    } else {
        let extra = config
            .as_ref()
            .map(|config| config_view::summary(config, index_entry))
            .unwrap_or_default();
        html! {
            <>
                <div role="group">
                    { node(context, &config_key, NodeKind::Config, manifest.config.digest.clone(), Some(&manifest.config), level + 1) }
                </div>
                {extra}
            </>
        }
    };
    html! {
        <>
            { annotations(&manifest.annotations) }
            {config_node}
            <@{heading_for(level)}>
                {format!("{} layers, {} compressed", manifest.layers.len(), size(manifest.layers_size()))}{" "}
                <a class="open-files" href={files_href(&context.reference, index_entry.map(|p| p.os_arch_variant()).as_deref(), &FilesRequest::default())}>
                    {"browse the merged filesystem"}
                </a>
            </@>
            { config_view::layers(context, manifest, config.as_ref(), index_entry.map(|p| p.os_arch_variant()).as_deref()) }
        </>
    }
}

pub fn annotations(annotations: &std::collections::BTreeMap<String, String>) -> Html {
    if annotations.is_empty() {
        return html! {};
    }
    html! {
        <details class="annotations">
            <summary>{format!("{} annotations", annotations.len())}</summary>
            <table class="facts">
                { for annotations.iter().map(|(key, value)| html! { <tr><th><code>{visible(key)}</code></th><td>{untrusted_value(value)}</td></tr> }) }
            </table>
        </details>
    }
}

/// The heading level inside a node at tree level `level`: right under the tree's own heading (`h2`) at
/// the top, one further down below it, so that heading levels never skip one.
fn heading_for(level: u32) -> &'static str {
    if level <= 1 { "h3" } else { "h4" }
}
