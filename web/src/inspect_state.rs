//! The inspect page's state: every document of the tree, keyed by how it was asked for, and the loader that
//! fetches them. A child is fetched only when its parent verified, so nothing below a mismatch is trusted.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use strata_image::artifact::{self, CosignSuffix, HelmChart};
use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::manifest::{self, ChildKind, Document, ImageManifest, ReadDocument};
use strata_image::reference::Reference;
use strata_image::verification::{self, Expected, Verification, VerifyState};
use strata_registry_api::registry_error::RateLimit;
use strata_registry_api::upstream_trace::TraceStep;
use strata_supply_chain::referrer_source::ReferrerKind;
use yew::prelude::*;

use crate::page_clock;
use crate::registry_api::{Fetched, Repository};

/// Where a document sits: the root, or a child named by its digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeKey {
    /// The document the reference names.
    Root,
    /// A document named by a parent descriptor's digest.
    Child(String),
    /// A cosign tag (`sha256-<hex>.sig`) probed for the root.
    CosignTag(String),
}

/// What a fetched document turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A manifest-endpoint document.
    Document(ReadDocument),
    /// An image config.
    Config(ImageConfig),
    /// A Helm chart's config.
    HelmChart(HelmChart),
    /// Bytes that could not be read as what they should be.
    Unreadable(String),
}

/// A fetched, hashed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The exact bytes.
    pub bytes: Rc<Vec<u8>>,
    /// Whether they match what was asked for.
    pub verification: Verification,
    /// What they are.
    pub content: Content,
    /// The registry's `Content-Type`.
    pub content_type: Option<String>,
    /// Docker Hub's rate-limit headers on this answer.
    pub rate_limit: RateLimit,
    /// How the proxy fetched it.
    pub trace: Vec<TraceStep>,
    /// What the page asked the proxy.
    pub exchange: crate::registry_api::Exchange,
}

/// The state of one node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeState {
    /// Being fetched.
    Pending,
    /// Fetched and hashed.
    Loaded(Rc<Loaded>),
    /// The fetch failed; the message says why in plain words.
    Failed(String),
    /// An optional document the registry does not have (404).
    Absent,
}

impl NodeState {
    /// The `data-verify` value.
    pub fn data_verify(&self) -> VerifyState {
        match self {
            NodeState::Pending => VerifyState::Pending,
            NodeState::Loaded(loaded) => loaded.verification.data_verify(),
            NodeState::Failed(_) => VerifyState::Error,
            NodeState::Absent => VerifyState::NotFetched,
        }
    }
}

/// Everything the inspect page knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectState {
    /// Documents by position.
    pub nodes: HashMap<NodeKey, NodeState>,
    /// The platform entry the reader chose (`os/arch[/variant]`), if any.
    pub chosen_platform: Option<String>,
    /// Layers read to their end: `data-verify` and a sentence, by layer digest.
    pub layer_checks: HashMap<String, LayerCheck>,
    /// The OCI 1.1 referrers listed for a manifest, by its digest; why not, when they could not be.
    pub referrers: HashMap<String, Result<Vec<manifest::Descriptor>, String>>,
}

/// What reading a layer to its end proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerCheck {
    /// `verified` only when both the compressed digest and the diff_id matched.
    pub data_verify: VerifyState,
    /// Both verdicts in plain words.
    pub note: String,
}

/// What changes the state.
pub enum Action {
    /// A fetch started.
    Started(NodeKey),
    /// A fetch ended.
    Finished(NodeKey, NodeState),
    /// The reader chose a platform (`None`: no machine in particular).
    ChoosePlatform(Option<String>),
    /// A layer was read to its end (or failed).
    LayerChecked(String, LayerCheck),
    /// A manifest's referrers were listed (or could not be).
    Referrers(String, Result<Vec<manifest::Descriptor>, String>),
    /// Several of the above, in order, rendered once.
    Batch(Vec<Action>),
}

impl Reducible for InspectState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

impl InspectState {
    fn apply(&mut self, action: Action) {
        match action {
            Action::Started(key) => {
                self.nodes.insert(key, NodeState::Pending);
            }
            Action::Finished(key, state) => {
                self.nodes.insert(key, state);
            }
            Action::ChoosePlatform(platform) => self.chosen_platform = platform,
            Action::LayerChecked(digest, check) => {
                self.layer_checks.insert(digest, check);
            }
            Action::Referrers(digest, listed) => {
                self.referrers.insert(digest, listed);
            }
            Action::Batch(actions) => {
                for action in actions {
                    self.apply(action);
                }
            }
        }
    }

    /// The state of a node; a node never asked for is `None`.
    pub fn node(&self, key: &NodeKey) -> Option<&NodeState> {
        self.nodes.get(key)
    }

    /// The digest the root verified as (for a tag: the one the registry vouched for).
    pub fn root_digest(&self) -> Option<Digest> {
        match self.node(&NodeKey::Root)? {
            NodeState::Loaded(loaded) if loaded.verification.is_trusted() => {
                loaded.verification.digest().cloned()
            }
            _ => None,
        }
    }

    /// How many documents and layers were fetched and failed to match their digests.
    pub fn mismatches(&self) -> usize {
        let documents = self
            .nodes
            .values()
            .filter(|node| node.data_verify() == VerifyState::Mismatch)
            .count();
        let layers = self
            .layer_checks
            .values()
            .filter(|check| check.data_verify == VerifyState::Mismatch)
            .count();
        documents + layers
    }

    /// The verified document at `key`, when it is one.
    fn verified_document(&self, key: &NodeKey) -> Option<(&Loaded, &Document)> {
        match self.node(key)? {
            NodeState::Loaded(loaded) if loaded.verification.is_trusted() => {
                match &loaded.content {
                    Content::Document(read) => Some((loaded, &read.document)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Once the root verified as an index, the platform manifest the page shows: its digest and
    /// `os/arch[/variant]`.
    pub fn shown_platform(&self) -> Option<(String, String)> {
        let (_, Document::Index(index)) = self.verified_document(&NodeKey::Root)? else {
            return None;
        };
        let entry = shown_entry(index, self.chosen_platform.as_deref())?;
        Some((entry.descriptor.digest.clone(), platform_name(&entry)))
    }

    /// What the supply-chain section reads, once the root verified and there is any: the attestations
    /// attached to the platform the page shows (see [`platform_attestations`]), and cosign's `.att` and
    /// `.sbom` manifests when the tree found them.
    pub fn supply_chain_sources(&self) -> Option<SupplyChainSources> {
        let root = self.root_digest()?;
        let attested = match self.verified_document(&NodeKey::Root) {
            Some((_, Document::Index(index))) => {
                platform_attestations(index, self.chosen_platform.as_deref())
            }
            _ => None,
        };
        let cosign = |suffix| match self
            .node(&NodeKey::CosignTag(artifact::cosign_tag_for(&root, suffix)))
        {
            Some(NodeState::Loaded(loaded)) if loaded.verification.is_trusted() => {
                loaded.verification.digest().map(ToString::to_string)
            }
            _ => None,
        };
        let mut referred: Vec<String> = [
            Some(root.to_string()),
            self.shown_platform().map(|(digest, _)| digest),
        ]
        .into_iter()
        .flatten()
        .filter(|digest| self.referred(digest, ReferrerKind::tells_supply_chain))
        .collect();
        referred.dedup();
        let sources = SupplyChainSources {
            root: root.to_string(),
            attested,
            cosign_attestation: cosign(CosignSuffix::Attestation),
            cosign_sbom: cosign(CosignSuffix::Sbom),
            referred,
        };
        let any = sources.attested.is_some()
            || sources.cosign_attestation.is_some()
            || sources.cosign_sbom.is_some()
            || !sources.referred.is_empty();
        any.then_some(sources)
    }

    /// Whether `digest`'s listed referrers include one whose kind passes `wanted` (false until listed).
    pub fn referred(&self, digest: &str, wanted: fn(ReferrerKind) -> bool) -> bool {
        matches!(self.referrers.get(digest), Some(Ok(listed)) if listed
            .iter()
            .filter_map(ReferrerKind::of)
            .any(wanted))
    }

    /// The image the page shows expanded (the selected platform's, or the root manifest), with its config,
    /// once both verified: what the file views read layers of.
    pub fn selected_image(&self) -> Option<(ImageManifest, ImageConfig)> {
        let (_, root) = self.verified_document(&NodeKey::Root)?;
        let manifest = match root {
            Document::Manifest(manifest) => manifest.as_ref().clone(),
            Document::Index(index) => {
                let entries = index.entries();
                let chosen = entries
                    .select_for_view(self.chosen_platform.as_deref())
                    .chosen?;
                let digest = &entries.platforms.get(chosen)?.descriptor.digest;
                match self.verified_document(&NodeKey::Child(digest.clone()))? {
                    (_, Document::Manifest(manifest)) => manifest.as_ref().clone(),
                    _ => return None,
                }
            }
            _ => return None,
        };
        let config = match self.node(&NodeKey::Child(manifest.config.digest.clone()))? {
            NodeState::Loaded(loaded) if loaded.verification.is_trusted() => {
                match &loaded.content {
                    Content::Config(config) => config.clone(),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some((manifest, config))
    }
}

/// Where an image's supply chain is told: what the supply-chain section reads.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyChainSources {
    /// The root document's verified digest: what cosign's attestations are about.
    pub root: String,
    /// The platform the page shows, with the attestations attached to it.
    pub attested: Option<AttestedPlatform>,
    /// cosign's `.att` manifest, by the digest the tree verified it as.
    pub cosign_attestation: Option<String>,
    /// cosign's `.sbom` manifest, likewise.
    pub cosign_sbom: Option<String>,
    /// The manifests (the root, the shown platform's) whose OCI 1.1 referrers include SBOMs, statements
    /// or attestation bundles.
    pub referred: Vec<String>,
}

/// A platform entry of an index with attestations attached to it.
#[derive(Debug, Clone, PartialEq)]
pub struct AttestedPlatform {
    /// The platform manifest's digest: what the attestations are about.
    pub manifest: String,
    /// `os/arch[/variant]`.
    pub platform: String,
    /// The attestation manifests, as the index lists them.
    pub attestations: Vec<manifest::Descriptor>,
}

/// The platform entry of `index` the page shows for `chosen` (as the tree picks it), when attestations
/// are attached to it.
pub fn platform_attestations(
    index: &manifest::Index,
    chosen: Option<&str>,
) -> Option<AttestedPlatform> {
    let entry = shown_entry(index, chosen)?;
    if entry.attestations.is_empty() {
        return None;
    }
    Some(AttestedPlatform {
        manifest: entry.descriptor.digest.clone(),
        platform: platform_name(&entry),
        attestations: entry
            .attestations
            .iter()
            .map(|&descriptor| descriptor.clone())
            .collect(),
    })
}

/// The platform entry of `index` the tree shows for `chosen`.
fn shown_entry<'a>(
    index: &'a manifest::Index,
    chosen: Option<&str>,
) -> Option<manifest::PlatformEntry<'a>> {
    let entries = index.entries();
    let chosen = entries.select_for_view(chosen).chosen?;
    entries.platforms.into_iter().nth(chosen)
}

/// A platform entry's `os/arch[/variant]`.
fn platform_name(entry: &manifest::PlatformEntry<'_>) -> String {
    entry
        .descriptor
        .platform
        .as_ref()
        .map(|platform| platform.os_arch_variant())
        .unwrap_or_default()
}

struct Job {
    repository: Rc<Repository>,
    key: NodeKey,
    /// Tag or digest sent to the registry.
    reference: String,
    expected_digest: Option<Digest>,
    expected_size: Option<u64>,
    expect: ChildKind,
    /// A 404 means "there is none", not an error.
    optional: bool,
}

/// Starts loading the tree of a reference.
pub fn load(reference: &Reference, dispatcher: UseReducerDispatcher<InspectState>) {
    let repository = Rc::new(Repository::of(reference));
    spawn(
        Job {
            repository,
            key: NodeKey::Root,
            reference: reference.pull_reference(),
            expected_digest: reference.digest().cloned(),
            expected_size: None,
            expect: ChildKind::Manifest,
            optional: false,
        },
        Updates::new(dispatcher),
    );
}

/// The longest a change waits to be rendered.
const RENDER_WITHIN_MS: i32 = 100;

/// The loads' changes to the state, gathered and applied together: once the tree's documents are all in,
/// or [`RENDER_WITHIN_MS`] after the first waiting change, whichever comes first. A fast registry's whole
/// tree is rendered once, not once per round of answers (each render builds the whole tree again); a slow
/// one's still shows each round as it comes.
#[derive(Clone)]
struct Updates {
    dispatcher: UseReducerDispatcher<InspectState>,
    queued: Rc<RefCell<Vec<Action>>>,
    /// Loads of the tree's own documents under way.
    in_flight: Rc<std::cell::Cell<usize>>,
    /// Loads that wait until the tree's documents are all in: cosign's tags, which are seldom there, must
    /// not hold the browser's few connections to the proxy while the tree needs them.
    afterwards: Rc<RefCell<Vec<Job>>>,
}

impl Updates {
    fn new(dispatcher: UseReducerDispatcher<InspectState>) -> Updates {
        Updates {
            dispatcher,
            queued: Rc::new(RefCell::new(Vec::new())),
            in_flight: Rc::default(),
            afterwards: Rc::default(),
        }
    }

    fn started(&self) {
        self.in_flight.set(self.in_flight.get() + 1);
    }

    /// One load ended: once none is left, what waits is rendered and the deferred loads start.
    fn finished(&self) {
        self.in_flight.set(self.in_flight.get().saturating_sub(1));
        if self.in_flight.get() == 0 {
            let updates = self.clone();
            page_clock::after_this_turn(move || updates.apply());
            let deferred = std::mem::take(&mut *self.afterwards.borrow_mut());
            for job in deferred {
                spawn(job, self.clone());
            }
        }
    }

    fn dispatch(&self, action: Action) {
        let first = {
            let mut queued = self.queued.borrow_mut();
            queued.push(action);
            queued.len() == 1
        };
        if first {
            let updates = self.clone();
            page_clock::after_ms(RENDER_WITHIN_MS, move || updates.apply());
        }
    }

    /// Renders the changes waiting, if any.
    fn apply(&self) {
        let actions = std::mem::take(&mut *self.queued.borrow_mut());
        if !actions.is_empty() {
            self.dispatcher.dispatch(Action::Batch(actions));
        }
    }
}

fn spawn(job: Job, updates: Updates) {
    updates.dispatch(Action::Started(job.key.clone()));
    updates.started();
    yew::platform::spawn_local(async move {
        let fetched = match job.expect {
            ChildKind::Manifest => job.repository.manifest(&job.reference).await,
            ChildKind::ImageConfig | ChildKind::HelmConfig => {
                job.repository.blob(&job.reference).await
            }
        };
        let state = match fetched {
            Ok(fetched) => {
                let loaded = examine(&job, fetched);
                if loaded.verification.is_trusted() {
                    for child in children(&job, &loaded) {
                        spawn(child, updates.clone());
                    }
                    updates
                        .afterwards
                        .borrow_mut()
                        .extend(cosign_probes(&job, &loaded));
                }
                NodeState::Loaded(Rc::new(loaded))
            }
            Err(error) if job.optional && error.not_found => NodeState::Absent,
            Err(error) => NodeState::Failed(error.message),
        };
        updates.dispatch(Action::Finished(job.key, state));
        updates.finished();
    });
}

fn examine(job: &Job, fetched: Fetched) -> Loaded {
    let (content, media_type) = match job.expect {
        ChildKind::Manifest => {
            match manifest::read_document(&fetched.bytes, fetched.content_type.as_deref()) {
                Ok(read) => {
                    let media_type = read.media_type.clone();
                    (Content::Document(read), media_type)
                }
                Err(error) => (Content::Unreadable(error.to_string()), String::new()),
            }
        }
        ChildKind::ImageConfig => match ImageConfig::parse(&fetched.bytes) {
            Ok(config) => (Content::Config(config), String::new()),
            Err(error) => (Content::Unreadable(error.to_string()), String::new()),
        },
        ChildKind::HelmConfig => match artifact::helm_chart(&fetched.bytes) {
            Some(chart) => (Content::HelmChart(chart), String::new()),
            None => (
                Content::Unreadable("not a Helm chart config".to_owned()),
                String::new(),
            ),
        },
    };
    let expected = match &job.expected_digest {
        Some(digest) => Expected::Digest {
            digest,
            size: job.expected_size,
        },
        None => Expected::Tag {
            registry_digest: fetched.registry_digest.as_deref(),
        },
    };
    let verification = verification::verify(
        &manifest::verification_input(&fetched.bytes, &media_type),
        expected,
    );
    Loaded {
        bytes: Rc::new(fetched.bytes),
        verification,
        content,
        content_type: fetched.content_type,
        rate_limit: fetched.rate_limit,
        trace: fetched.trace,
        exchange: fetched.exchange,
    }
}

fn children(job: &Job, loaded: &Loaded) -> Vec<Job> {
    let Content::Document(read) = &loaded.content else {
        return Vec::new();
    };
    read.document
        .children_to_fetch()
        .into_iter()
        .filter_map(|(expect, descriptor)| {
            let digest = descriptor.parsed_digest().ok()?;
            Some(Job {
                repository: job.repository.clone(),
                key: NodeKey::Child(descriptor.digest.clone()),
                reference: digest.to_string(),
                expected_digest: Some(digest),
                expected_size: Some(descriptor.size),
                expect,
                optional: false,
            })
        })
        .collect()
}

/// The cosign tags that would sign or attest the root (`sha256-<hex>.sig`, `.att`, `.sbom`).
pub fn cosign_tags(root: &Digest) -> Vec<String> {
    [
        CosignSuffix::Signature,
        CosignSuffix::Attestation,
        CosignSuffix::Sbom,
    ]
    .into_iter()
    .map(|suffix| artifact::cosign_tag_for(root, suffix))
    .collect()
}

/// Looks for cosign's tags next to a verified root: a 404 just means "not signed this way".
fn cosign_probes(job: &Job, loaded: &Loaded) -> Vec<Job> {
    let (NodeKey::Root, Some(digest)) = (&job.key, loaded.verification.digest()) else {
        return Vec::new();
    };
    cosign_tags(digest)
        .into_iter()
        .map(|tag| Job {
            repository: job.repository.clone(),
            key: NodeKey::CosignTag(tag.clone()),
            reference: tag,
            expected_digest: None,
            expected_size: None,
            expect: ChildKind::Manifest,
            optional: true,
        })
        .collect()
}
