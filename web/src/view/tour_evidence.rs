//! What each tour step shows as evidence: the documents of the live tree it is about, found in the
//! inspect state, and their real exchanges with the proxy and the proxy's with the registry.

use std::rc::Rc;

use strata_explain::tour::{Highlight, TOUR_REFERENCE, TourStep};
use strata_image::manifest::{Document, ImageManifest, Index};
use strata_image::node_kind::NodeKind;
use strata_image::platform::{self, Matcher, Platform, Selection};
use strata_image::reference::Reference;
use strata_image::registry_host;
use strata_registry_api::registry_header;
use yew::prelude::*;

use super::format::{short_digest, size};
use super::trace;
use crate::inspect_state::{Content, InspectState, Loaded, NodeKey, NodeState};
use crate::navigation::navigate;
use crate::registry_api::{FetchError, Fetched};
use crate::route::{FilesRequest, files_href, tour_href};

/// The documents of a pull, as far as they have loaded.
pub struct Pulled {
    /// The document the tag names.
    pub root: Option<Rc<Loaded>>,
    /// The chosen platform's manifest: digest, fetch, content.
    pub manifest: Option<(String, Rc<Loaded>, ImageManifest)>,
    /// Its config: digest and fetch.
    pub config: Option<(String, Rc<Loaded>)>,
}

fn loaded(state: &InspectState, key: &NodeKey) -> Option<Rc<Loaded>> {
    match state.node(key)? {
        NodeState::Loaded(loaded) => Some(loaded.clone()),
        _ => None,
    }
}

fn document(loaded: &Loaded) -> Option<&Document> {
    match &loaded.content {
        Content::Document(read) if loaded.verification.is_trusted() => Some(&read.document),
        _ => None,
    }
}

/// Finds the root, the platform manifest the reader's machine takes, and its config.
pub fn pulled(state: &InspectState) -> Pulled {
    let root = loaded(state, &NodeKey::Root);
    let manifest_digest = root
        .as_deref()
        .and_then(document)
        .and_then(|document| match document {
            Document::Index(index) => {
                let entries = index.entries();
                let chosen = entries
                    .select_for_view(state.chosen_platform.as_deref())
                    .chosen?;
                Some(entries.platforms.get(chosen)?.descriptor.digest.clone())
            }
            _ => None,
        });
    let manifest = manifest_digest.and_then(|digest| {
        let fetched = loaded(state, &NodeKey::Child(digest.clone()))?;
        let manifest = match document(&fetched)? {
            Document::Manifest(manifest) => manifest.as_ref().clone(),
            _ => return None,
        };
        Some((digest, fetched, manifest))
    });
    let config = manifest.as_ref().and_then(|(_, _, manifest)| {
        let digest = manifest.config.digest.clone();
        Some((digest.clone(), loaded(state, &NodeKey::Child(digest))?))
    });
    Pulled {
        root,
        manifest,
        config,
    }
}

/// The CSS selector of what a step highlights, once it is on the page.
pub fn highlight_selector(step: TourStep, pulled: &Pulled) -> Option<String> {
    let node = |kind: NodeKind, digest: &str| {
        format!(".tour-tree .node[data-kind=\"{kind}\"][data-digest=\"{digest}\"]")
    };
    match step.highlight() {
        Highlight::Reference => Some("#reference".to_owned()),
        Highlight::Root => {
            let digest = pulled.root.as_ref()?.verification.digest()?.to_string();
            Some(node(NodeKind::Index, &digest))
        }
        Highlight::SelectedPlatform => {
            Some(".tour-tree .platform[data-selected=\"true\"]".to_owned())
        }
        Highlight::PlatformManifest => Some(node(NodeKind::Manifest, &pulled.manifest.as_ref()?.0)),
        Highlight::Config => Some(node(NodeKind::Config, &pulled.config.as_ref()?.0)),
        Highlight::FirstLayer => {
            let (_, _, manifest) = pulled.manifest.as_ref()?;
            Some(node(NodeKind::Layer, &manifest.layers.first()?.digest))
        }
    }
}

/// A request the step made on its own (the version check, a layer's HEAD).
pub type Probe = Result<Fetched, FetchError>;

/// The evidence for one step.
pub fn evidence(
    step: TourStep,
    state: &InspectState,
    pulled: &Pulled,
    probe: Option<&Probe>,
) -> Html {
    match step {
        TourStep::ParseName => references(),
        TourStep::FindRegistry => registries(),
        TourStep::ChallengeAndToken => challenge(probe, pulled.root.as_deref()),
        TourStep::FetchIndex => fetched_document(pulled.root.as_deref(), "the index"),
        TourStep::PickPlatform => pick_platform(state, pulled),
        TourStep::FetchManifest => fetched_document(
            pulled
                .manifest
                .as_ref()
                .map(|(_, loaded, _)| loaded.as_ref()),
            "the platform's manifest",
        ),
        TourStep::FetchConfig => config(pulled),
        TourStep::FetchLayers => layers(state, pulled, probe),
    }
}

const EXAMPLES: [&str; 5] = [
    TOUR_REFERENCE,
    "alpine",
    "bitnami/redis:7.2",
    "ghcr.io/org/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "localhost:5000/team/app",
];

fn references() -> Html {
    html! {
        <table class="evidence facts" data-evidence="references">
            <tr><th>{"as typed"}</th><th>{"registry"}</th><th>{"repository"}</th><th>{"tag"}</th><th>{"digest"}</th><th>{"what is pulled"}</th></tr>
            { for EXAMPLES.iter().map(|typed| match Reference::parse(typed) {
                Ok(reference) => html! {
                    <tr>
                        <td><code>{typed.to_owned()}</code></td>
                        <td><code>{reference.registry().to_owned()}</code></td>
                        <td><code>{reference.repository().to_owned()}</code></td>
                        <td><code>{reference.effective_tag().unwrap_or("—").to_owned()}</code></td>
                        <td><code>{reference.digest().map(|d| d.to_string()).unwrap_or_else(|| "—".to_owned())}</code></td>
                        <td><code>{reference.full()}</code></td>
                    </tr>
                },
                Err(error) => html! { <tr><td><code>{typed.to_owned()}</code></td><td colspan="5" class="error">{error.to_string()}</td></tr> },
            }) }
        </table>
    }
}

fn registries() -> Html {
    html! {
        <table class="evidence facts" data-evidence="registries">
            <tr><th>{"registry in the reference"}</th><th>{"host the client connects to"}</th><th>{"what this page asks the proxy"}</th></tr>
            { for EXAMPLES.iter().filter_map(|typed| Reference::parse(typed).ok()).map(|reference| {
                let host = registry_host::api_host(reference.registry());
                let connects = if reference.registry() == registry_host::DEMO_REGISTRY {
                    "none: embedded in Strata's proxy".to_owned()
                } else {
                    format!("https://{host}/v2/{}/…", reference.repository())
                };
                html! {
                    <tr>
                        <td><code>{reference.registry().to_owned()}</code></td>
                        <td><code>{connects}</code></td>
                        <td><code>{format!("/v2/{}/{}/manifests/{}", reference.registry(), reference.repository(), reference.pull_reference())}</code></td>
                    </tr>
                }
            }) }
        </table>
    }
}

fn challenge(probe: Option<&Probe>, root: Option<&Loaded>) -> Html {
    let root = root.map(|root| {
        html! {
            <>
                <p>{"The tag's own request went through without a challenge too: the proxy's trace shows it sent \
                    no Authorization (auth: none)."}</p>
                { trace::exchange_and_steps(&root.exchange, &root.trace) }
            </>
        }
    });
    let fetched = match probe {
        None => html! { <p class="muted" data-probe="pending">{"Asking the proxy…"}</p> },
        Some(Ok(fetched)) => html! {
            <>
                { trace::exchange_table(std::slice::from_ref(&fetched.exchange)) }
                <p>{"Fetched just now: the proxy answers 200 with no challenge. It fetches from registries \
                    itself, anonymously or with its own credentials, so the browser never handles a token. \
                    demo.invalid is answered inside the proxy, and needs none."}</p>
            </>
        },
        Some(Err(error)) => html! {
            <>
                { trace::exchange_table(std::slice::from_ref(&error.exchange)) }
                <p class="error">{error.message.clone()}</p>
            </>
        },
    };
    html! {
        <div class="evidence" data-evidence="challenge">
            <h4>{"This page's version check, through the proxy"}</h4>
            {fetched}
            { root.unwrap_or_default() }
            <aside class="explained" data-explained="docker-hub">
                <h4>{"Explained, not fetched here: what docker does against Docker Hub"}</h4>
                <ol>
                    <li>{"Anonymous request "}<code>{"GET https://registry-1.docker.io/v2/library/alpine/manifests/latest"}</code>
                        {" → "}<code>{"401 Unauthorized"}</code>{" with"}<br/>
                        <code>{"WWW-Authenticate: Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\""}</code></li>
                    <li>{"Token request to the realm, with the service and scope: "}
                        <code>{"GET https://auth.docker.io/token?service=registry.docker.io&scope=repository:library/alpine:pull"}</code>
                        {" → "}<code>{"200"}</code>{" with "}<code>{"{\"token\": \"…\", \"expires_in\": 300}"}</code>
                        {" (anonymous, or with Basic credentials from "}<code>{"docker login"}</code>{")."}</li>
                    <li>{"The request again, with "}<code>{"Authorization: Bearer <token>"}</code>{" → "}<code>{"200"}</code>
                        {". The token is reused for the same scope until it expires."}</li>
                </ol>
                <p class="muted">{"For a real registry, the proxy's own trace (\"What the proxy asked the registry\") shows these \
                    challenge and token steps as they happened."}</p>
            </aside>
        </div>
    }
}

fn fetched_document(loaded: Option<&Loaded>, what: &str) -> Html {
    let Some(loaded) = loaded else {
        return html! { <p class="muted" data-probe="pending">{format!("Fetching {what}…")}</p> };
    };
    let exchange = &loaded.exchange;
    let verify = loaded.verification.data_verify().as_str();
    html! {
        <div class="evidence" data-evidence="document">
            { trace::both_sides(std::slice::from_ref(exchange), &loaded.trace) }
            <table class="facts">
                <tr><th>{"Status"}</th><td><code>{exchange.status.map(|s| s.to_string()).unwrap_or_default()}</code></td></tr>
                <tr><th>{"Content-Type"}</th><td><code>{exchange.header("content-type").unwrap_or("—").to_owned()}</code></td></tr>
                <tr><th>{"Docker-Content-Digest"}</th><td><code class="registry-digest">{exchange.header(registry_header::DOCKER_CONTENT_DIGEST).unwrap_or("—").to_owned()}</code></td></tr>
                <tr><th>{"Bytes"}</th><td>{format!("{} ({} B)", size(loaded.bytes.len() as u64), loaded.bytes.len())}</td></tr>
                <tr><th>{"Hashed in this browser"}</th><td class={classes!("hashed", verify)} data-verify={verify}>{loaded.verification.explain()}</td></tr>
            </table>
        </div>
    }
}

fn pick_platform(state: &InspectState, pulled: &Pulled) -> Html {
    let Some(Document::Index(index)) = pulled.root.as_deref().and_then(document) else {
        return html! { <p class="muted" data-probe="pending">{"Waiting for the index to verify…"}</p> };
    };
    let chosen = state.chosen_platform.clone();
    let requested = chosen
        .clone()
        .unwrap_or_else(|| platform::DEFAULT_PLATFORM.to_owned());
    let entries = index.entries();
    let platforms: Vec<Option<&Platform>> = index
        .manifests
        .iter()
        .map(|descriptor| descriptor.platform.as_ref())
        .collect();
    let selection = Platform::parse(&requested).map(|platform| {
        (
            Matcher::new(&platform).preference(),
            platform::select(&platform, &platforms),
        )
    });
    let machines = machine_form(chosen.as_deref());
    let result = match selection {
        Err(error) => {
            html! { <p class="error">{format!("{requested} is not a platform: {error}")}</p> }
        }
        Ok((chain, selection)) => html! {
            <>
                <p class="fallback-chain">{format!("A {requested} machine takes the first entry matching, in this order: ")}
                    { for chain.iter().enumerate().map(|(position, platform)| html! {
                        <>{if position > 0 { " → " } else { "" }}<code>{platform.clone()}</code></>
                    }) }
                </p>
                { platform_table(index, &selection) }
                if let Some(reason) = selection.reason { <p class="notice" role="status">{format!("Nothing to pull: {reason}.")}</p> }
            </>
        },
    };
    html! {
        <div class="evidence" data-evidence="pick-platform">
            {machines}
            <p class="muted">{format!("{} runnable platforms, {} other entries (attestations).", entries.platforms.len(), index.manifests.len().saturating_sub(entries.platforms.len()))}</p>
            {result}
            <p class="muted">{"No request happens in this step: the choice is made from the index's bytes."}</p>
        </div>
    }
}

/// The reader's machine, chosen from the list of common ones; choosing reloads the step for it.
fn machine_form(chosen: Option<&str>) -> Html {
    html! {
        <form class="tour-machine" method="get" action={tour_href(TourStep::PickPlatform.slug(), None)}>
            <label for="tour-machine">{"Your machine: "}</label>
            <select id="tour-machine" name="platform" onchange={Callback::from(|event: Event| {
                if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                    let value = select.value();
                    let platform = (!value.is_empty()).then_some(value.as_str());
                    navigate(&tour_href(TourStep::PickPlatform.slug(), platform));
                }
            })}>
                <option value="" selected={chosen.is_none()}>{format!("Not chosen ({} assumed)", platform::DEFAULT_PLATFORM)}</option>
                { for platform::MACHINES.iter().map(|machine| {
                    let specifier = machine.specifier();
                    let selected = chosen == Some(specifier.as_str());
                    html! { <option value={specifier.clone()} {selected}>{format!("{} — {specifier}", machine.label)}</option> }
                }) }
            </select>
            if let Some(reported) = browser_platform() {
                <span class="muted">{" Your browser reports "}<code>{reported}</code>{"."}</span>
            }
        </form>
    }
}

/// Each index entry, and what the selection made of it for this machine.
fn platform_table(index: &Index, selection: &Selection) -> Html {
    html! {
        <table class="facts" data-evidence="platforms">
            <tr><th>{"index entry"}</th><th>{"platform"}</th><th>{"digest"}</th><th>{"for this machine"}</th></tr>
            { for index.manifests.iter().enumerate().map(|(position, descriptor)| {
                let label = descriptor.platform.as_ref().map(ToString::to_string).unwrap_or_else(|| "(none)".to_owned());
                let verdict = if selection.chosen == Some(position) {
                    "chosen".to_owned()
                } else if selection.ranked.contains(&position) {
                    "could run, lower in the order".to_owned()
                } else if descriptor.is_attestation() {
                    "attestation: never pulled".to_owned()
                } else {
                    "cannot run".to_owned()
                };
                html! {
                    <tr data-entry={position.to_string()} data-chosen={(selection.chosen == Some(position)).to_string()}>
                        <td>{format!("#{}", position + 1)}</td>
                        <td><code>{label}</code></td>
                        <td><code class="digest" title={descriptor.digest.clone()}>{short_digest(&descriptor.digest)}</code></td>
                        <td>{verdict}</td>
                    </tr>
                }
            }) }
        </table>
    }
}

fn config(pulled: &Pulled) -> Html {
    let Some((_, loaded)) = &pulled.config else {
        return html! { <p class="muted" data-probe="pending">{"Fetching the config…"}</p> };
    };
    let diff_ids = match &loaded.content {
        Content::Config(config) => config
            .rootfs
            .as_ref()
            .map(|rootfs| rootfs.diff_ids.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    html! {
        <>
            { fetched_document(Some(loaded), "the config") }
            <h4>{"rootfs.diff_ids: the uncompressed layers"}</h4>
            <ol class="diff-ids">{ for diff_ids.into_iter().map(|id| html! { <li><code>{id}</code></li> }) }</ol>
        </>
    }
}

fn layers(state: &InspectState, pulled: &Pulled, probe: Option<&Probe>) -> Html {
    let Some((_, _, manifest)) = &pulled.manifest else {
        return html! { <p class="muted" data-probe="pending">{"Waiting for the platform's manifest to verify…"}</p> };
    };
    let head = match probe {
        None => {
            html! { <p class="muted" data-probe="pending">{"Asking for the first layer's headers…"}</p> }
        }
        Some(Ok(fetched)) => {
            trace::both_sides(std::slice::from_ref(&fetched.exchange), &fetched.trace)
        }
        Some(Err(error)) => html! {
            <>
                { trace::exchange_table(std::slice::from_ref(&error.exchange)) }
                <p class="error">{error.message.clone()}</p>
            </>
        },
    };
    let platform = state.chosen_platform.as_deref();
    html! {
        <div class="evidence" data-evidence="layers">
            <table class="facts">
                <tr><th>{"#"}</th><th>{"compressed digest (the blob)"}</th><th>{"size"}</th><th>{"media type"}</th></tr>
                { for manifest.layers.iter().enumerate().map(|(position, layer)| html! {
                    <tr>
                        <td>{position + 1}</td>
                        <td><code class="digest" title={layer.digest.clone()}>{short_digest(&layer.digest)}</code></td>
                        <td>{size(layer.size)}</td>
                        <td title={layer.media_type.clone()}>{strata_image::media_type::describe(&layer.media_type)}</td>
                    </tr>
                }) }
            </table>
            <h4>{"The first layer's headers (HEAD), fetched just now"}</h4>
            {head}
            <p>
                <a class="open-files" href={files_href(TOUR_REFERENCE, platform, &FilesRequest::default())}>
                    {"Stream every layer and browse the merged filesystem"}
                </a>
                {": the browser fetches each blob, hashes it compressed and uncompressed, and checks both digests."}
            </p>
        </div>
    }
}

/// What the browser says about its machine (`navigator.platform`), a hint for choosing, never trusted.
fn browser_platform() -> Option<String> {
    web_sys::window()
        .and_then(|window| window.navigator().platform().ok())
        .filter(|platform| !platform.is_empty())
}
