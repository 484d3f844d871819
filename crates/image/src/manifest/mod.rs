//! Manifests and indexes: reading the bytes a registry sent, whatever their kind, into a tree of descriptors.
//!
//! Reading is lenient: a document that breaks the spec still renders whatever can be shown, with findings.
//! `descriptor` is what a parent says of a child, `read` turns bytes into a [`Document`], `findings` is
//! what the lenient reader notices, and `children` which documents a verified one leads to.

mod children;
mod descriptor;
mod findings;
mod read;
#[cfg(test)]
mod test_support;

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::finding::Finding;
use crate::media_type;
use crate::schema1::Schema1Manifest;

pub use children::{ChildKind, IndexEntries, PlatformEntry};
pub use descriptor::Descriptor;
pub use findings::artifact_findings;
pub use read::{read_document, verification_input};

/// Annotation buildx puts on attestation entries of an index.
pub const REFERENCE_TYPE_ANNOTATION: &str = "vnd.docker.reference.type";
/// Annotation naming the manifest an attestation describes.
pub const REFERENCE_DIGEST_ANNOTATION: &str = "vnd.docker.reference.digest";
/// The value of [`REFERENCE_TYPE_ANNOTATION`] on an attestation manifest.
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";

/// An OCI image index or a Docker manifest list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Index {
    /// `mediaType` as written.
    #[serde(default, rename = "mediaType")]
    pub media_type: Option<String>,
    /// The entries.
    #[serde(default, deserialize_with = "null_as_default")]
    pub manifests: Vec<Descriptor>,
    /// Annotations.
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, rename = "artifactType")]
    pub artifact_type: Option<String>,
    /// The manifest this index refers to (OCI 1.1).
    #[serde(default)]
    pub subject: Option<Descriptor>,
}

/// An OCI or Docker v2 image manifest.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ImageManifest {
    /// `mediaType` as written.
    #[serde(default, rename = "mediaType")]
    pub media_type: Option<String>,
    /// The config blob.
    pub config: Descriptor,
    /// The layers, bottom first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub layers: Vec<Descriptor>,
    /// Annotations.
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, rename = "artifactType")]
    pub artifact_type: Option<String>,
    /// The manifest this one refers to (OCI 1.1).
    #[serde(default)]
    pub subject: Option<Descriptor>,
}

impl ImageManifest {
    /// Whether this manifest is an artifact rather than a runnable image (its config is not an image config).
    pub fn is_artifact(&self) -> bool {
        !media_type::is_image_config(&self.config.media_type)
    }

    /// Total of the layer sizes, as the descriptors state them.
    pub fn layers_size(&self) -> u64 {
        self.layers
            .iter()
            .fold(0u64, |total, layer| total.saturating_add(layer.size))
    }
}

/// A document read from a manifest endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// An index or manifest list.
    Index(Box<Index>),
    /// An image manifest.
    Manifest(Box<ImageManifest>),
    /// A deprecated schema 1 manifest.
    Schema1(Box<Schema1Manifest>),
    /// A JSON document of a kind Strata does not know, shown raw.
    Unknown,
}

/// A read document with what the reader noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDocument {
    /// The document.
    pub document: Document,
    /// The media type it was read as.
    pub media_type: String,
    /// What the reader noticed.
    pub findings: Vec<Finding>,
}

/// Why a manifest could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The bytes are not JSON.
    #[error("the document is not valid JSON: {0}")]
    NotJson(String),
    /// The JSON does not have the shape its media type requires.
    #[error("the document claims to be {kind} but does not have its shape: {reason}")]
    WrongShape {
        /// What it claimed to be.
        kind: &'static str,
        /// What serde said.
        reason: String,
    },
}

/// Go writes empty slices and maps as `null` (Docker 25's `docker save` writes `"manifests":null`).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
