//! What an image says about how it was made, read in the page: the attestation manifests BuildKit
//! attaches to the shown platform, cosign's attestation (`.att`) and attached SBOM (`.sbom`) of the image,
//! and the OCI 1.1 referrers of the root and the shown platform that hold SBOMs, statements or attestation
//! bundles, each manifest fetched by its digest and hashed, each statement or SBOM layer in it fetched and hashed,
//! then read by `core` against what it should be about. Nothing is believed before its bytes matched their
//! digest.

use std::rc::Rc;

use strata_image::digest::Digest;
use strata_image::manifest::{Descriptor, Document, ImageManifest};
use strata_image::verification::Verification;
use strata_supply_chain::attestation::{self, Attestation};
use strata_supply_chain::referrer_source::{self, ReferrerKind};
use yew::prelude::*;

use crate::inspect_state::SupplyChainSources;
use crate::registry_api::{Fetched, Repository};

/// Where a statement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// An attestation manifest attached to the shown platform (BuildKit): about its manifest.
    Platform,
    /// cosign's `.att` tag: about the image's root document.
    CosignAttestation,
    /// cosign's `.sbom` tag: an SBOM attached as it is, naming no subject.
    CosignSbom,
    /// An OCI 1.1 referrer of the manifest the statement should be about.
    Referrer(ReferrerKind),
}

impl Origin {
    /// Where it comes from, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Platform => "attached to the platform",
            Origin::CosignAttestation => "cosign attestation",
            Origin::CosignSbom => "cosign attached SBOM",
            Origin::Referrer(ReferrerKind::Sbom) => "SBOM attached as a referrer",
            Origin::Referrer(ReferrerKind::Statements) => "in-toto referrer",
            Origin::Referrer(_) => "Sigstore bundle referrer",
        }
    }
}

/// One statement (or attached SBOM).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The layer that holds it.
    pub layer: Descriptor,
    /// Where it comes from.
    pub origin: Origin,
    /// What it should be about.
    pub subject: String,
    /// For a referrer: its manifest's artifact type, and the subject the manifest names.
    pub referrer: Option<(String, Option<String>)>,
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
    /// Verified, and a signature of the image rather than a statement about it (a bundle that only
    /// signs): the signature check reads it, not this section.
    Signature,
}

/// What the page knows of an image's supply chain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SupplyChain {
    /// Every statement found, in source, manifest and layer order.
    pub statements: Vec<Statement>,
    /// Manifests that could not be used: why.
    pub problems: Vec<String>,
    /// Whether every manifest has been looked at.
    pub listed: bool,
}

/// Reads what `sources` name.
#[hook]
pub fn use_supply_chain(
    repository: &Repository,
    sources: &SupplyChainSources,
) -> UseStateHandle<SupplyChain> {
    let state = use_state(SupplyChain::default);
    {
        let state = state.clone();
        let repository = repository.clone();
        use_effect_with(sources.clone(), move |sources| {
            state.set(SupplyChain::default());
            let sources = sources.clone();
            yew::platform::spawn_local(async move {
                read_all(&repository, &sources, &state).await;
            });
        });
    }
    state
}

/// The manifests to read, with where each comes from and what its statements should be about.
fn manifests(sources: &SupplyChainSources) -> Vec<(Origin, String, String, Option<u64>)> {
    let mut manifests = Vec::new();
    if let Some(attested) = &sources.attested {
        for descriptor in &attested.attestations {
            manifests.push((
                Origin::Platform,
                descriptor.digest.clone(),
                attested.manifest.clone(),
                Some(descriptor.size),
            ));
        }
    }
    for (origin, digest) in [
        (Origin::CosignAttestation, &sources.cosign_attestation),
        (Origin::CosignSbom, &sources.cosign_sbom),
    ] {
        if let Some(digest) = digest {
            manifests.push((origin, digest.clone(), sources.root.clone(), None));
        }
    }
    manifests
}

async fn read_all(
    repository: &Repository,
    sources: &SupplyChainSources,
    state: &UseStateHandle<SupplyChain>,
) {
    let mut known = SupplyChain::default();
    for (origin, digest, subject, size) in manifests(sources) {
        match manifest_at(repository, &digest, size).await {
            Ok(manifest) => {
                let layers: Vec<&Descriptor> = match origin {
                    Origin::CosignSbom => attestation::attached_sbom_layers(&manifest).collect(),
                    _ => attestation::statement_layers(&manifest).collect(),
                };
                known
                    .statements
                    .extend(layers.into_iter().map(|layer| Statement {
                        layer: layer.clone(),
                        origin,
                        subject: subject.clone(),
                        referrer: None,
                        reading: Reading::Pending,
                    }));
            }
            Err(problem) => known.problems.push(problem),
        }
    }
    for subject in &sources.referred {
        match referrer_statements(repository, subject).await {
            Ok(statements) => known.statements.extend(statements),
            Err(problem) => known.problems.push(problem),
        }
    }
    known.listed = true;
    state.set(known.clone());
    for at in 0..known.statements.len() {
        known.statements[at].reading = read_statement(repository, &known.statements[at]).await;
        state.set(known.clone());
    }
}

/// The layers to read of `subject`'s referrers that hold SBOMs, statements or attestation bundles, each
/// referrer manifest fetched by its digest and hashed.
async fn referrer_statements(
    repository: &Repository,
    subject: &str,
) -> Result<Vec<Statement>, String> {
    let digest = Digest::parse(subject).map_err(|error| format!("{subject}: {error}"))?;
    let listed = repository
        .referrers(&digest)
        .await
        .map_err(|error| error.message)?;
    let mut statements = Vec::new();
    for descriptor in listed {
        let Some(kind) = ReferrerKind::of(&descriptor).filter(|kind| kind.tells_supply_chain())
        else {
            continue;
        };
        let manifest = manifest_at(repository, &descriptor.digest, Some(descriptor.size)).await?;
        let artifact_type = manifest
            .artifact_type
            .clone()
            .or(descriptor.artifact_type)
            .unwrap_or_default();
        let named = referrer_source::named_subject(&manifest).map(str::to_owned);
        statements.extend(referrer_source::layers(&manifest).map(|layer| Statement {
            layer: layer.clone(),
            origin: Origin::Referrer(kind),
            subject: subject.to_owned(),
            referrer: Some((artifact_type.clone(), named.clone())),
            reading: Reading::Pending,
        }));
    }
    Ok(statements)
}

/// A manifest named by its digest (and size, when a descriptor gives it), once its bytes matched.
async fn manifest_at(
    repository: &Repository,
    digest: &str,
    size: Option<u64>,
) -> Result<ImageManifest, String> {
    let digest = Digest::parse(digest).map_err(|error| format!("{digest}: {error}"))?;
    match repository.manifest_by_digest(&digest, size).await?.document {
        Document::Manifest(manifest) => Ok(*manifest),
        _ => Err(format!("{digest} is not an attestation manifest")),
    }
}

async fn read_statement(repository: &Repository, statement: &Statement) -> Reading {
    let layer = &statement.layer;
    let (digest, subject) = match (layer.parsed_digest(), Digest::parse(&statement.subject)) {
        (Ok(digest), Ok(subject)) => (digest, subject),
        (Err(error), _) | (_, Err(error)) => return Reading::Failed(error.to_string()),
    };
    let fetched = match repository.blob(&digest.to_string()).await {
        Ok(fetched) => fetched,
        Err(error) => return Reading::Failed(error.message),
    };
    let bytes = match checked(&fetched, &digest, Some(layer.size)) {
        Ok(bytes) => bytes,
        Err(why) => return Reading::Mismatch(why),
    };
    let read = match (statement.origin, &statement.referrer) {
        (Origin::CosignSbom, _) => {
            attestation::read_attached_sbom(bytes, &layer.media_type).map(Some)
        }
        (Origin::Referrer(kind), Some((artifact_type, named))) => referrer_source::read_layer(
            kind,
            artifact_type,
            layer,
            bytes,
            &subject,
            named.as_deref(),
        ),
        _ => attestation::read(bytes, &subject).map(Some),
    };
    match read {
        Ok(Some(read)) => Reading::Read(Rc::new(read)),
        Ok(None) => Reading::Signature,
        Err(error) => Reading::Failed(error.to_string()),
    }
}

/// The bytes, when they hash to `digest` and have the stated size.
fn checked<'a>(
    fetched: &'a Fetched,
    digest: &Digest,
    size: Option<u64>,
) -> Result<&'a [u8], String> {
    match fetched.checked_against(digest, size) {
        Verification::Verified { .. } => Ok(&fetched.bytes),
        other => Err(other.explain()),
    }
}
