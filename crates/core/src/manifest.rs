//! Manifests and indexes: reading the bytes a registry sent, whatever their kind, into a tree of descriptors.
//!
//! Reading is lenient: a document that breaks the spec still renders whatever can be shown, with findings.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::digest::{Digest, DigestError};
use crate::finding::{Finding, Severity};
use crate::media_type::{self, DocumentKind};
use crate::platform::Platform;

/// Annotation buildx puts on attestation entries of an index.
pub const REFERENCE_TYPE_ANNOTATION: &str = "vnd.docker.reference.type";
/// Annotation naming the manifest an attestation describes.
pub const REFERENCE_DIGEST_ANNOTATION: &str = "vnd.docker.reference.digest";

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
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, rename = "artifactType")]
    pub artifact_type: Option<String>,
    /// Other places the blob may be fetched from (foreign layers).
    #[serde(default)]
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
            == Some("attestation-manifest")
    }

    /// The digest of the manifest an attestation describes.
    pub fn attests(&self) -> Option<&str> {
        self.annotations
            .get(REFERENCE_DIGEST_ANNOTATION)
            .map(String::as_str)
    }

    /// Whether this entry is itself an index (a nested index).
    pub fn is_index(&self) -> bool {
        media_type::document_kind(&self.media_type) == DocumentKind::Index
    }
}

/// An OCI image index or a Docker manifest list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Index {
    /// `mediaType` as written.
    #[serde(default, rename = "mediaType")]
    pub media_type: Option<String>,
    /// The entries.
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    /// Annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, rename = "artifactType")]
    pub artifact_type: Option<String>,
    /// The manifest this index refers to (OCI 1.1).
    #[serde(default)]
    pub subject: Option<Descriptor>,
}

/// An OCI or Docker v2 image manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ImageManifest {
    /// `mediaType` as written.
    #[serde(default, rename = "mediaType")]
    pub media_type: Option<String>,
    /// The config blob.
    pub config: Descriptor,
    /// The layers, bottom first.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    /// Annotations.
    #[serde(default)]
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
        self.layers.iter().map(|layer| layer.size).sum()
    }
}

/// A document read from a manifest endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// An index or manifest list.
    Index(Box<Index>),
    /// An image manifest.
    Manifest(Box<ImageManifest>),
    /// A deprecated schema 1 manifest, shown raw.
    Schema1,
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

/// Reads a manifest-endpoint document. The kind comes from the `Content-Type` header, then the `mediaType`
/// field, then the shape; a disagreement between header and field is a warning.
pub fn read_document(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<ReadDocument, ManifestError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| ManifestError::NotJson(error.to_string()))?;
    let mut findings = Vec::new();
    let field = value.get("mediaType").and_then(|field| field.as_str());
    let header = content_type
        .map(media_type::essence)
        .filter(|header| media_type::document_kind(header) != DocumentKind::Unknown);
    if let (Some(header), Some(field)) = (header, field)
        && header != field
    {
        findings.push(Finding::new(
            Severity::Warning,
            format!(
                "The registry sent Content-Type {header}, but the document says mediaType {field}."
            ),
        ));
    }
    let media_type = header
        .or(field.filter(|field| media_type::document_kind(field) != DocumentKind::Unknown))
        .map(str::to_owned)
        .unwrap_or_else(|| shape_media_type(&value).to_owned());
    if field.is_none() && value.get("schemaVersion").and_then(|v| v.as_i64()) == Some(2) {
        findings.push(Finding::new(
            Severity::Info,
            "The document has no mediaType field.",
        ));
    }
    let document = match media_type::document_kind(&media_type) {
        DocumentKind::Index => Document::Index(typed(value, "an index")?),
        DocumentKind::Manifest => Document::Manifest(typed(value, "an image manifest")?),
        DocumentKind::Schema1 => {
            findings.push(Finding::new(
                Severity::Warning,
                "Docker schema 1 is deprecated: current Docker and containerd refuse to pull it.",
            ));
            Document::Schema1
        }
        DocumentKind::Unknown => {
            findings.push(Finding::new(
                Severity::Info,
                "Strata does not know this kind of document; it is shown raw.",
            ));
            Document::Unknown
        }
    };
    Ok(ReadDocument {
        document,
        media_type,
        findings,
    })
}

fn typed<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    kind: &'static str,
) -> Result<T, ManifestError> {
    serde_json::from_value(value).map_err(|error| ManifestError::WrongShape {
        kind,
        reason: error.to_string(),
    })
}

fn shape_media_type(value: &serde_json::Value) -> &'static str {
    if value.get("manifests").is_some_and(|m| m.is_array()) {
        media_type::OCI_INDEX
    } else if value.get("config").is_some() && value.get("layers").is_some() {
        media_type::OCI_MANIFEST
    } else if value.get("schemaVersion").and_then(|v| v.as_i64()) == Some(1) {
        media_type::DOCKER_SCHEMA1
    } else {
        ""
    }
}

impl Document {
    /// The children a reader verifies to show this document's tree: every entry of an index, the config of
    /// a manifest. Layers are fetched only when opened.
    pub fn children_to_verify(&self) -> Vec<&Descriptor> {
        match self {
            Document::Index(index) => index.manifests.iter().collect(),
            Document::Manifest(manifest) => vec![&manifest.config],
            Document::Schema1 | Document::Unknown => Vec::new(),
        }
    }
}

/// An index entry for one platform, with the attestations that describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformEntry<'a> {
    /// The entry for the platform's manifest.
    pub descriptor: &'a Descriptor,
    /// Attestation manifests attached to it.
    pub attestations: Vec<&'a Descriptor>,
}

/// An index's entries, sorted the way a reader thinks of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexEntries<'a> {
    /// One entry per runnable platform, in index order.
    pub platforms: Vec<PlatformEntry<'a>>,
    /// Entries that are neither platforms nor attached attestations (artifacts, orphaned attestations).
    pub others: Vec<&'a Descriptor>,
}

impl Index {
    /// Splits the entries into platforms (with their attestations attached) and the rest. Attestations are
    /// never platforms, whatever their `platform` says.
    pub fn entries(&self) -> IndexEntries<'_> {
        let mut entries = IndexEntries::default();
        for descriptor in &self.manifests {
            let placeholder = descriptor
                .platform
                .as_ref()
                .is_some_and(Platform::is_unknown);
            if !descriptor.is_attestation() && !placeholder {
                entries.platforms.push(PlatformEntry {
                    descriptor,
                    attestations: Vec::new(),
                });
            }
        }
        for descriptor in &self.manifests {
            if descriptor.is_attestation() {
                let subject = entries
                    .platforms
                    .iter_mut()
                    .find(|entry| Some(entry.descriptor.digest.as_str()) == descriptor.attests());
                match subject {
                    Some(entry) => entry.attestations.push(descriptor),
                    None => entries.others.push(descriptor),
                }
            } else if descriptor
                .platform
                .as_ref()
                .is_some_and(Platform::is_unknown)
            {
                entries.others.push(descriptor);
            }
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST_A: &str =
        "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const DIGEST_B: &str =
        "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const DIGEST_C: &str =
        "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    fn index_json() -> String {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
            {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{DIGEST_A}","size":10,"platform":{{"os":"linux","architecture":"amd64"}}}},
            {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{DIGEST_B}","size":11,"platform":{{"os":"linux","architecture":"arm64","variant":"v8"}}}},
            {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{DIGEST_C}","size":12,"platform":{{"os":"unknown","architecture":"unknown"}},
              "annotations":{{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"{DIGEST_B}"}}}}]}}"#
        )
    }

    #[test]
    fn kind_comes_from_header_then_field_then_shape() {
        let manifest = r#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:x","size":1},"layers":[]}"#;
        let index = r#"{"schemaVersion":2,"manifests":[]}"#;
        let docker_list = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}"#;
        let cases: [(&str, Option<&str>, &str, usize); 6] = [
            (manifest, None, media_type::OCI_MANIFEST, 1),
            (
                manifest,
                Some("application/vnd.docker.distribution.manifest.v2+json"),
                media_type::DOCKER_MANIFEST,
                1,
            ),
            (index, Some("application/json"), media_type::OCI_INDEX, 1),
            (docker_list, None, media_type::DOCKER_MANIFEST_LIST, 0),
            (
                docker_list,
                Some("application/vnd.docker.distribution.manifest.list.v2+json"),
                media_type::DOCKER_MANIFEST_LIST,
                0,
            ),
            (
                docker_list,
                Some(media_type::OCI_INDEX),
                media_type::OCI_INDEX,
                1,
            ),
        ];
        for (json, header, expected, findings) in cases {
            let read = read_document(json.as_bytes(), header).unwrap();
            assert_eq!(read.media_type, expected, "{json} {header:?}");
            assert_eq!(read.findings.len(), findings, "{:?}", read.findings);
        }
    }

    #[test]
    fn unknown_and_schema1_documents_are_not_errors() {
        let read = read_document(br#"{"hello":"world"}"#, None).unwrap();
        assert_eq!(read.document, Document::Unknown);
        let read = read_document(br#"{"schemaVersion":1,"fsLayers":[]}"#, None).unwrap();
        assert_eq!(read.document, Document::Schema1);
        assert_eq!(read.findings[0].severity, Severity::Warning);
    }

    #[test]
    fn broken_documents_are_typed_errors() {
        assert!(matches!(
            read_document(b"{", None),
            Err(ManifestError::NotJson(_))
        ));
        assert!(matches!(
            read_document(
                br#"{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":7}"#,
                None
            ),
            Err(ManifestError::WrongShape { .. })
        ));
    }

    #[test]
    fn attestations_attach_to_their_platform() {
        let read = read_document(index_json().as_bytes(), None).unwrap();
        let Document::Index(index) = read.document else {
            panic!("not an index")
        };
        let entries = index.entries();
        let platforms: Vec<String> = entries
            .platforms
            .iter()
            .map(|entry| {
                entry
                    .descriptor
                    .platform
                    .as_ref()
                    .unwrap()
                    .os_arch_variant()
            })
            .collect();
        assert_eq!(platforms, ["linux/amd64", "linux/arm64/v8"]);
        assert!(entries.platforms[0].attestations.is_empty());
        assert_eq!(entries.platforms[1].attestations[0].digest, DIGEST_C);
        assert!(entries.others.is_empty());
    }

    #[test]
    fn orphaned_attestations_are_not_platforms() {
        let json = index_json().replace(
            &format!(r#""vnd.docker.reference.digest":"{DIGEST_B}""#),
            r#""vnd.docker.reference.digest":"sha256:gone""#,
        );
        let read = read_document(json.as_bytes(), None).unwrap();
        let Document::Index(index) = read.document else {
            panic!("not an index")
        };
        let entries = index.entries();
        assert_eq!(entries.platforms.len(), 2);
        assert_eq!(entries.others.len(), 1);
    }
}
