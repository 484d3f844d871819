//! What a platform's attestations say, read in the page: each attestation manifest fetched by its digest
//! and hashed, each statement layer in it fetched and hashed, then read by `core` against the platform
//! manifest it is attached to. Nothing is believed before its bytes matched their digest.

use std::rc::Rc;

use strata_image::digest::Digest;
use strata_image::manifest::{self, Descriptor, Document};
use strata_image::verification::Verification;
use strata_supply_chain::attestation::{self, Attestation};
use yew::prelude::*;

use crate::registry_api::{Fetched, Repository};

/// One statement of the platform's attestations.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The layer that holds it.
    pub layer: Descriptor,
    /// What reading it came to.
    pub reading: Reading,
}

/// Where a statement stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// Its bytes are being fetched.
    Pending,
    /// Its bytes did not hash to its digest: why, in words. Nothing in them is shown.
    Mismatch(String),
    /// It could not be fetched or read: why.
    Failed(String),
    /// Verified and read.
    Read(Rc<Attestation>),
}

/// What the page knows of a platform's attestations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SupplyChain {
    /// Every statement found, in manifest and layer order.
    pub statements: Vec<Statement>,
    /// Attestation manifests that could not be used: why.
    pub problems: Vec<String>,
    /// Whether every attestation manifest has been looked at.
    pub listed: bool,
}

/// Reads the attestations attached to the platform manifest `subject`.
#[hook]
pub fn use_supply_chain(
    repository: &Repository,
    subject: &str,
    attestations: &[Descriptor],
) -> UseStateHandle<SupplyChain> {
    let state = use_state(SupplyChain::default);
    {
        let state = state.clone();
        let repository = repository.clone();
        use_effect_with(
            (subject.to_owned(), attestations.to_vec()),
            move |(subject, attestations)| {
                state.set(SupplyChain::default());
                let (subject, attestations) = (subject.clone(), attestations.clone());
                yew::platform::spawn_local(async move {
                    read_all(&repository, &subject, &attestations, &state).await;
                });
            },
        );
    }
    state
}

async fn read_all(
    repository: &Repository,
    subject: &str,
    attestations: &[Descriptor],
    state: &UseStateHandle<SupplyChain>,
) {
    let mut known = SupplyChain::default();
    let Ok(subject) = Digest::parse(subject) else {
        known.problems.push(format!("{subject} is not a digest"));
        known.listed = true;
        state.set(known);
        return;
    };
    let mut layers = Vec::new();
    for descriptor in attestations {
        match statement_layers(repository, descriptor).await {
            Ok(found) => layers.extend(found),
            Err(problem) => known.problems.push(problem),
        }
    }
    known.listed = true;
    known.statements = layers
        .iter()
        .map(|layer| Statement {
            layer: layer.clone(),
            reading: Reading::Pending,
        })
        .collect();
    state.set(known.clone());
    for (at, layer) in layers.iter().enumerate() {
        known.statements[at].reading = read_statement(repository, layer, &subject).await;
        state.set(known.clone());
    }
}

/// The statement layers of one attestation manifest, once its bytes matched its digest.
async fn statement_layers(
    repository: &Repository,
    descriptor: &Descriptor,
) -> Result<Vec<Descriptor>, String> {
    let digest = descriptor
        .parsed_digest()
        .map_err(|error| format!("{}: {error}", descriptor.digest))?;
    let fetched = repository
        .manifest(&digest.to_string())
        .await
        .map_err(|error| error.message)?;
    let bytes = checked(&fetched, &digest, descriptor.size)?;
    let read = manifest::read_document(bytes, fetched.content_type.as_deref())
        .map_err(|error| format!("the attestation manifest {digest} cannot be read: {error}"))?;
    match read.document {
        Document::Manifest(manifest) => {
            Ok(attestation::statement_layers(&manifest).cloned().collect())
        }
        _ => Err(format!("{digest} is not an attestation manifest")),
    }
}

async fn read_statement(repository: &Repository, layer: &Descriptor, subject: &Digest) -> Reading {
    let digest = match layer.parsed_digest() {
        Ok(digest) => digest,
        Err(error) => return Reading::Failed(error.to_string()),
    };
    let fetched = match repository.blob(&digest.to_string()).await {
        Ok(fetched) => fetched,
        Err(error) => return Reading::Failed(error.message),
    };
    let bytes = match checked(&fetched, &digest, layer.size) {
        Ok(bytes) => bytes,
        Err(why) => return Reading::Mismatch(why),
    };
    match attestation::read(bytes, subject) {
        Ok(read) => Reading::Read(Rc::new(read)),
        Err(error) => Reading::Failed(error.to_string()),
    }
}

/// The bytes, when they hash to `digest` and have the stated size.
fn checked<'a>(fetched: &'a Fetched, digest: &Digest, size: u64) -> Result<&'a [u8], String> {
    match fetched.checked_against(digest, Some(size)) {
        Verification::Verified { .. } => Ok(&fetched.bytes),
        other => Err(other.explain()),
    }
}
