//! A content descriptor: what a parent document says about a child (media type, digest, size, platform).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    ATTESTATION_MANIFEST, REFERENCE_DIGEST_ANNOTATION, REFERENCE_TYPE_ANNOTATION, null_as_default,
};
use crate::digest::{Digest, DigestError};
use crate::media_type::{self, DocumentKind};
use crate::platform::Platform;

/// A content descriptor: what a parent document says about a child.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Descriptor {
    /// Media type of the child.
    #[serde(default, rename = "mediaType")]
    pub media_type: String,
    /// Digest of the child, as written.
    #[serde(default)]
    pub digest: String,
    /// Size in bytes of the child.
    #[serde(default)]
    pub size: u64,
    /// Platform of the child (index entries).
    #[serde(default)]
    pub platform: Option<Platform>,
    /// Annotations.
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, rename = "artifactType")]
    pub artifact_type: Option<String>,
    /// Other places the blob may be fetched from (foreign layers).
    #[serde(default, deserialize_with = "null_as_default")]
    pub urls: Vec<String>,
}

impl Descriptor {
    /// The parsed digest.
    pub fn parsed_digest(&self) -> Result<Digest, DigestError> {
        Digest::parse(&self.digest)
    }

    /// Whether buildx marked this entry as an attestation manifest.
    pub fn is_attestation(&self) -> bool {
        self.annotations
            .get(REFERENCE_TYPE_ANNOTATION)
            .map(String::as_str)
            == Some(ATTESTATION_MANIFEST)
    }

    /// The digest of the manifest an attestation describes.
    pub fn attests(&self) -> Option<&str> {
        self.annotations
            .get(REFERENCE_DIGEST_ANNOTATION)
            .map(String::as_str)
    }

    /// Whether an index entry is something a runtime may pull and run: not an attestation, not buildx's
    /// `unknown/unknown` placeholder, not an artifact (an entry with `artifactType`, such as a SOCI v2 index,
    /// which carries the same platform as the image it serves).
    pub fn is_runnable_entry(&self) -> bool {
        let placeholder = self.platform.as_ref().is_some_and(Platform::is_unknown);
        !self.is_attestation() && !placeholder && self.artifact_type.is_none()
    }

    /// Whether this entry is itself an index (a nested index).
    pub fn is_index(&self) -> bool {
        media_type::document_kind(&self.media_type) == DocumentKind::Index
    }
}
