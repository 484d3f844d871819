//! One side of a comparison: where its loader stands, and the image it settles on once every document on
//! the way verified (never before: unverified bytes are not compared).

use strata_image::config::ImageConfig;
use strata_image::manifest::{Document, ImageManifest};
use strata_image::platform::Platform;
use strata_image::verification::VerifyState;
use yew::prelude::*;

use super::format::{short_digest, visible, visible_string};
use crate::inspect_state::{Content, InspectState, Loaded, NodeKey, NodeState};
use crate::route::inspect_href;

/// What one side has come to.
#[derive(Debug, Clone, PartialEq)]
pub enum SideStatus {
    /// Still fetching; says what.
    Loading(&'static str),
    /// It cannot be compared; says why in plain words.
    Failed(String),
    /// A document on the way did not verify (its `data-verify`, and why), so nothing below it is trusted.
    Unverified(VerifyState, String),
    /// The image, verified from the reference down to its config.
    Ready(Box<ReadyImage>),
}

/// A verified image ready to be compared.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadyImage {
    /// Its manifest.
    pub manifest: ImageManifest,
    /// Its config.
    pub config: ImageConfig,
    /// The digest of its manifest.
    pub manifest_digest: String,
    /// The index it was chosen from, and the entry's platform.
    pub index: Option<(String, String)>,
}

impl SideStatus {
    /// The `data-verify` value of the side.
    pub fn data_verify(&self) -> VerifyState {
        match self {
            SideStatus::Loading(_) => VerifyState::Pending,
            SideStatus::Failed(_) => VerifyState::Error,
            SideStatus::Unverified(verify, _) => *verify,
            SideStatus::Ready(_) => VerifyState::Verified,
        }
    }
}

/// Walks the loaded tree from the root to the chosen image and its config.
pub fn status(state: &InspectState) -> SideStatus {
    let root = match trusted(state.node(&NodeKey::Root), "the reference") {
        Ok(root) => root,
        Err(status) => return status,
    };
    let Content::Document(read) = &root.content else {
        return SideStatus::Failed(
            "the registry's answer is not a manifest Strata can read.".into(),
        );
    };
    let root_digest = root
        .verification
        .digest()
        .map(ToString::to_string)
        .unwrap_or_default();
    match &read.document {
        Document::Manifest(manifest) => image(state, manifest, root_digest, None),
        Document::Index(index) => {
            let entries = index.entries();
            let selection = entries.select_for_view(state.chosen_platform.as_deref());
            let Some(entry) = selection
                .chosen
                .and_then(|chosen| entries.platforms.get(chosen))
            else {
                return SideStatus::Failed(
                    selection.notice.unwrap_or_else(|| {
                        "the index has no platform entry to compare.".to_owned()
                    }),
                );
            };
            let descriptor = entry.descriptor;
            let label = descriptor
                .platform
                .as_ref()
                .map(Platform::os_arch_variant)
                .unwrap_or_default();
            let key = NodeKey::Child(descriptor.digest.clone());
            let child = match trusted(state.node(&key), "the platform's manifest") {
                Ok(child) => child,
                Err(status) => return status,
            };
            match &child.content {
                Content::Document(read) => match &read.document {
                    Document::Manifest(manifest) => image(
                        state,
                        manifest,
                        descriptor.digest.clone(),
                        Some((root_digest, label)),
                    ),
                    _ => SideStatus::Failed(format!(
                        "the {label} entry is not an image manifest (a nested index?): open it on the inspect page."
                    )),
                },
                _ => SideStatus::Failed(format!(
                    "the {label} entry could not be read as a manifest."
                )),
            }
        }
        Document::Schema1(_) => SideStatus::Failed(
            "this is a deprecated schema 1 manifest: it has no image config to compare.".into(),
        ),
        Document::Unknown => {
            SideStatus::Failed("this is neither an image manifest nor an index.".into())
        }
    }
}

fn image(
    state: &InspectState,
    manifest: &ImageManifest,
    manifest_digest: String,
    index: Option<(String, String)>,
) -> SideStatus {
    if manifest.is_artifact() {
        return SideStatus::Failed(format!(
            "this is an artifact (config type {}), not a runnable image.",
            manifest.config.media_type
        ));
    }
    let key = NodeKey::Child(manifest.config.digest.clone());
    let config = match trusted(state.node(&key), "the config") {
        Ok(config) => config,
        Err(status) => return status,
    };
    match &config.content {
        Content::Config(config) => SideStatus::Ready(Box::new(ReadyImage {
            manifest: manifest.clone(),
            config: config.clone(),
            manifest_digest,
            index,
        })),
        Content::Unreadable(reason) => {
            SideStatus::Failed(format!("its config could not be read: {reason}"))
        }
        _ => SideStatus::Failed("its config is not an image config.".into()),
    }
}

/// A node that loaded and verified, or the status that explains why not.
fn trusted<'a>(node: Option<&'a NodeState>, what: &'static str) -> Result<&'a Loaded, SideStatus> {
    match node {
        None | Some(NodeState::Pending) => Err(SideStatus::Loading(what)),
        Some(NodeState::Failed(message)) => Err(SideStatus::Failed(format!(
            "{what} could not be fetched: {message}"
        ))),
        Some(NodeState::Absent) => Err(SideStatus::Failed(format!("{what} does not exist."))),
        Some(NodeState::Loaded(loaded)) if loaded.verification.is_trusted() => Ok(loaded),
        Some(NodeState::Loaded(loaded)) => Err(SideStatus::Unverified(
            loaded.verification.data_verify(),
            format!("{what} did not verify. {}", loaded.verification.explain()),
        )),
    }
}

/// The side's header: its reference, platform, digests and verification.
pub fn header(
    side: &'static str,
    reference: &str,
    requested_platform: Option<&str>,
    status: &SideStatus,
) -> Html {
    let verify = status.data_verify().as_str();
    let platform = match status {
        SideStatus::Ready(image) => image.index.as_ref().map(|(_, platform)| platform.clone()),
        _ => requested_platform.map(str::to_owned),
    };
    let body = match status {
        SideStatus::Loading(what) => html! {
            <p class="muted">{format!("Fetching and verifying {what}…")}</p>
        },
        SideStatus::Failed(reason) | SideStatus::Unverified(_, reason) => html! {
            <p class="error" role="alert">
                <strong>{format!("The {side} side cannot be compared: ")}</strong>{visible(reason)}
            </p>
        },
        SideStatus::Ready(image) => html! {
            <table class="facts">
                if let Some((index_digest, _)) = &image.index {
                    <tr><th>{"Index"}</th><td><code title={visible_string(index_digest)}>{short_digest(index_digest)}</code></td></tr>
                }
                <tr><th>{"Manifest"}</th><td><code class="compare-digest" title={visible_string(&image.manifest_digest)}>{visible(&image.manifest_digest)}</code></td></tr>
                <tr><th>{"Config"}</th><td><code title={visible_string(&image.manifest.config.digest)}>{short_digest(&image.manifest.config.digest)}</code></td></tr>
            </table>
        },
    };
    html! {
        <section class={classes!("compare-side", side)} data-side={side} data-verify={verify}>
            <h3>
                {if side == "left" { "Left " } else { "Right " }}
                <span class={classes!("badge", verify)}>{verify}</span>
            </h3>
            <p class="compare-reference">
                <a href={inspect_href(reference, platform.as_deref())}><code>{visible(reference)}</code></a>
                if let Some(platform) = &platform { {" "}<span class="badge compare-platform" data-side-platform={platform.clone()}>{visible(platform)}</span> }
            </p>
            {body}
        </section>
    }
}
