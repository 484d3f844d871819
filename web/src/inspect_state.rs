//! The inspect page's state: every document of the tree, keyed by how it was asked for, and the loader that
//! fetches them. A child is fetched only when its parent verified, so nothing below a mismatch is trusted.

use std::collections::HashMap;
use std::rc::Rc;

use strata_core::config::ImageConfig;
use strata_core::digest::Digest;
use strata_core::manifest::{self, Descriptor, Document, ReadDocument};
use strata_core::reference::Reference;
use strata_core::verification::{self, Expected, Verification};
use yew::prelude::*;

use crate::registry_api::{Fetched, Repository};

/// Where a document sits: the root, or a child named by its digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeKey {
    /// The document the reference names.
    Root,
    /// A document named by a parent descriptor's digest.
    Child(String),
}

/// What a fetched document turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A manifest-endpoint document.
    Document(ReadDocument),
    /// An image config.
    Config(ImageConfig),
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
}

impl NodeState {
    /// The `data-verify` value.
    pub fn data_verify(&self) -> &'static str {
        match self {
            NodeState::Pending => "pending",
            NodeState::Loaded(loaded) => loaded.verification.data_verify(),
            NodeState::Failed(_) => "error",
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
}

/// What changes the state.
pub enum Action {
    /// A fetch started.
    Started(NodeKey),
    /// A fetch ended.
    Finished(NodeKey, NodeState),
    /// The reader chose a platform.
    ChoosePlatform(String),
}

impl Reducible for InspectState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Started(key) => {
                next.nodes.insert(key, NodeState::Pending);
            }
            Action::Finished(key, state) => {
                next.nodes.insert(key, state);
            }
            Action::ChoosePlatform(platform) => next.chosen_platform = Some(platform),
        }
        Rc::new(next)
    }
}

impl InspectState {
    /// The state of a node; a node never asked for is `None`.
    pub fn node(&self, key: &NodeKey) -> Option<&NodeState> {
        self.nodes.get(key)
    }
}

/// What a document is expected to be, deciding how its bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    ManifestEndpoint,
    ConfigBlob,
}

struct Job {
    repository: Rc<Repository>,
    key: NodeKey,
    /// Tag or digest sent to the registry.
    reference: String,
    expected_digest: Option<Digest>,
    expected_size: Option<u64>,
    expect: Expect,
}

/// Starts loading the tree of a reference.
pub fn load(reference: &Reference, dispatcher: UseReducerDispatcher<InspectState>) {
    let repository = Rc::new(Repository {
        registry: reference.registry().to_owned(),
        repository: reference.repository().to_owned(),
    });
    spawn(
        Job {
            repository,
            key: NodeKey::Root,
            reference: reference.pull_reference(),
            expected_digest: reference.digest().cloned(),
            expected_size: None,
            expect: Expect::ManifestEndpoint,
        },
        dispatcher,
    );
}

fn spawn(job: Job, dispatcher: UseReducerDispatcher<InspectState>) {
    dispatcher.dispatch(Action::Started(job.key.clone()));
    yew::platform::spawn_local(async move {
        let fetched = match job.expect {
            Expect::ManifestEndpoint => job.repository.manifest(&job.reference).await,
            Expect::ConfigBlob => job.repository.blob(&job.reference).await,
        };
        let state = match fetched {
            Ok(fetched) => {
                let loaded = examine(&job, fetched);
                if loaded.verification.is_trusted() {
                    for child in children(&job, &loaded) {
                        spawn(child, dispatcher.clone());
                    }
                }
                NodeState::Loaded(Rc::new(loaded))
            }
            Err(message) => NodeState::Failed(message),
        };
        dispatcher.dispatch(Action::Finished(job.key, state));
    });
}

fn examine(job: &Job, fetched: Fetched) -> Loaded {
    let expected = match &job.expected_digest {
        Some(digest) => Expected::Digest {
            digest,
            size: job.expected_size,
        },
        None => Expected::Tag {
            registry_digest: fetched.registry_digest.as_deref(),
        },
    };
    let verification = verification::verify(&fetched.bytes, expected);
    let content = match job.expect {
        Expect::ManifestEndpoint => {
            match manifest::read_document(&fetched.bytes, fetched.content_type.as_deref()) {
                Ok(read) => Content::Document(read),
                Err(error) => Content::Unreadable(error.to_string()),
            }
        }
        Expect::ConfigBlob => match ImageConfig::parse(&fetched.bytes) {
            Ok(config) => Content::Config(config),
            Err(error) => Content::Unreadable(error.to_string()),
        },
    };
    Loaded {
        bytes: Rc::new(fetched.bytes),
        verification,
        content,
        content_type: fetched.content_type,
    }
}

fn children(job: &Job, loaded: &Loaded) -> Vec<Job> {
    let Content::Document(read) = &loaded.content else {
        return Vec::new();
    };
    read.document
        .children_to_verify()
        .into_iter()
        .filter_map(|descriptor| child_job(job, &read.document, descriptor))
        .collect()
}

fn child_job(parent: &Job, document: &Document, descriptor: &Descriptor) -> Option<Job> {
    let digest = descriptor.parsed_digest().ok()?;
    let expect = match document {
        Document::Manifest(manifest)
            if strata_core::media_type::is_image_config(&manifest.config.media_type) =>
        {
            Expect::ConfigBlob
        }
        Document::Manifest(_) => return None,
        _ => Expect::ManifestEndpoint,
    };
    Some(Job {
        repository: parent.repository.clone(),
        key: NodeKey::Child(descriptor.digest.clone()),
        reference: digest.to_string(),
        expected_digest: Some(digest),
        expected_size: Some(descriptor.size),
        expect,
    })
}
