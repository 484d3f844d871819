//! Manifests and indexes: reading the bytes a registry sent, whatever their kind, into a tree of descriptors.
//!
//! Reading is lenient: a document that breaks the spec still renders whatever can be shown, with findings.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::digest::{Digest, DigestError};
use crate::finding::{Finding, Severity};
use crate::media_type::{self, DocumentKind};
use crate::platform::{self, Platform};
use crate::schema1::{self, Schema1Manifest};

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
            == Some("attestation-manifest")
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

/// Reads a manifest-endpoint document. The kind comes from the `Content-Type` header, then the `mediaType`
/// field, then the shape; a disagreement between header and field is a warning. Documents of unknown kinds
/// (including JSON that is not an object) read as [`Document::Unknown`]; only bytes that are not JSON, or
/// a document without the shape of the kind it claims, are errors.
pub fn read_document(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<ReadDocument, ManifestError> {
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|error| ManifestError::NotJson(error.to_string()))?;
    let mut findings = Vec::new();
    let field = value
        .get("mediaType")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let header = content_type
        .map(media_type::essence)
        .filter(|header| media_type::document_kind(header) != DocumentKind::Unknown);
    if let (Some(header), Some(field)) = (header, field.as_deref())
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
        .or(field
            .as_deref()
            .filter(|field| media_type::document_kind(field) != DocumentKind::Unknown))
        .map(str::to_owned)
        .unwrap_or_else(|| shape_media_type(&value).to_owned());
    let kind = media_type::document_kind(&media_type);
    if field.is_none()
        && matches!(kind, DocumentKind::Index | DocumentKind::Manifest)
        && value.get("schemaVersion").and_then(Value::as_i64) == Some(2)
    {
        findings.push(Finding::new(
            Severity::Info,
            "The document has no mediaType field.",
        ));
    }
    let document = match kind {
        DocumentKind::Index => {
            findings.extend(v2_findings(&mut value, &media_type));
            let index: Index = typed(value, "an index")?;
            findings.extend(index_findings(&index));
            Document::Index(Box::new(index))
        }
        DocumentKind::Manifest => {
            findings.extend(v2_findings(&mut value, &media_type));
            let manifest: ImageManifest = typed(value, "an image manifest")?;
            findings.extend(manifest_findings(&manifest));
            Document::Manifest(Box::new(manifest))
        }
        DocumentKind::Schema1 => {
            let manifest = read_schema1(bytes, &mut findings)?;
            Document::Schema1(Box::new(manifest))
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

/// The bytes whose digest names a document of this media type: the JWS payload of a signed schema 1
/// manifest, otherwise the bytes as they are (also when a schema 1 document cannot be read).
pub fn verification_input<'a>(bytes: &'a [u8], media_type: &str) -> Cow<'a, [u8]> {
    if media_type::document_kind(media_type) == DocumentKind::Schema1 {
        schema1::digest_input(bytes).unwrap_or(Cow::Borrowed(bytes))
    } else {
        Cow::Borrowed(bytes)
    }
}

fn typed<T: serde::de::DeserializeOwned>(
    value: Value,
    kind: &'static str,
) -> Result<T, ManifestError> {
    serde_json::from_value(value).map_err(|error| ManifestError::WrongShape {
        kind,
        reason: error.to_string(),
    })
}

/// Go writes empty slices and maps as `null` (Docker 25's `docker save` writes `"manifests":null`).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn shape_media_type(value: &Value) -> &'static str {
    if value.get("manifests").is_some_and(Value::is_array) {
        media_type::OCI_INDEX
    } else if value.get("config").is_some() && value.get("layers").is_some() {
        media_type::OCI_MANIFEST
    } else if value.get("schemaVersion").and_then(Value::as_i64) == Some(1)
        || value.get("fsLayers").is_some_and(Value::is_array)
    {
        media_type::DOCKER_SCHEMA1
    } else {
        ""
    }
}

fn read_schema1(
    bytes: &[u8],
    findings: &mut Vec<Finding>,
) -> Result<Schema1Manifest, ManifestError> {
    findings.push(Finding::new(
        Severity::Warning,
        "Docker schema 1 is deprecated: current Docker and containerd refuse to pull it.",
    ));
    let manifest = schema1::parse(bytes).map_err(|error| ManifestError::WrongShape {
        kind: "a schema 1 manifest",
        reason: error.to_string(),
    })?;
    findings.extend(manifest.findings());
    if let Err(error) = schema1::digest_input(bytes) {
        findings.push(Finding::new(
            Severity::Error,
            format!(
                "The signatures cannot be read, so the digest the registry computed cannot be rebuilt: {error}."
            ),
        ));
    }
    Ok(manifest)
}

/// Checks every v2 document needs before it is typed: `schemaVersion` 2, and sizes. Negative sizes are
/// replaced by 0 so the document still renders.
fn v2_findings(value: &mut Value, media_type: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let name = media_type::describe(media_type);
    match value.get("schemaVersion") {
        Some(version) if version.as_i64() == Some(2) => {}
        Some(version) => findings.push(Finding::new(
            Severity::Error,
            format!("schemaVersion is {version}, but this {name} must say 2."),
        )),
        None => findings.push(Finding::new(
            Severity::Error,
            format!("The document has no schemaVersion; this {name} must say 2."),
        )),
    }
    if let Some(object) = value.as_object_mut() {
        findings.extend(size_findings(object));
    }
    findings
}

/// Where a descriptor sits in its document, for messages and for which sizes are possible.
#[derive(Debug, Clone, Copy)]
enum Place {
    Config,
    Layer(usize),
    Entry(usize),
    Subject,
}

impl Place {
    fn label(self) -> String {
        match self {
            Place::Config => "The config".to_owned(),
            Place::Layer(index) => format!("Layer {}", index + 1),
            Place::Entry(index) => format!("Entry {}", index + 1),
            Place::Subject => "The subject".to_owned(),
        }
    }

    /// Manifests and configs are JSON (at least `{}`), and image layers are tar or compressed tar, so none
    /// of those can be empty; an artifact's blobs can.
    fn may_be_empty(self, media_type: &str) -> bool {
        match self {
            Place::Config => {
                !media_type::is_image_config(media_type)
                    && media_type::essence(media_type) != media_type::OCI_EMPTY
            }
            Place::Layer(_) => !media_type::is_image_layer(media_type),
            Place::Entry(_) | Place::Subject => false,
        }
    }
}

fn size_findings(document: &mut Map<String, Value>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(config) = document.get_mut("config") {
        findings.extend(size_finding(config, Place::Config));
    }
    for (key, place) in [
        ("layers", Place::Layer as fn(usize) -> Place),
        ("manifests", Place::Entry),
    ] {
        if let Some(Value::Array(descriptors)) = document.get_mut(key) {
            for (index, descriptor) in descriptors.iter_mut().enumerate() {
                findings.extend(size_finding(descriptor, place(index)));
            }
        }
    }
    if let Some(subject) = document.get_mut("subject") {
        findings.extend(size_finding(subject, Place::Subject));
    }
    findings
}

fn size_finding(descriptor: &mut Value, place: Place) -> Option<Finding> {
    let descriptor = descriptor.as_object_mut()?;
    let media_type = descriptor
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or("");
    let may_be_empty = place.may_be_empty(media_type);
    let label = place.label();
    let message = match descriptor.get("size") {
        None | Some(Value::Null) => {
            descriptor.remove("size");
            format!("{label} states no size.")
        }
        Some(size) => match size.as_i64() {
            Some(negative) if negative < 0 => {
                descriptor.insert("size".to_owned(), Value::from(0));
                format!("{label} states a negative size ({negative}); it is shown as 0.")
            }
            Some(0) if !may_be_empty => format!("{label} states size 0, but it cannot be empty."),
            _ => return None,
        },
    };
    Some(Finding::new(Severity::Warning, message))
}

fn digest_finding(descriptor: &Descriptor, place: Place) -> Option<Finding> {
    let error = descriptor.parsed_digest().err()?;
    Some(Finding::new(
        Severity::Error,
        format!(
            "{}'s digest \"{}\" does not parse: {error}.",
            place.label(),
            descriptor.digest
        ),
    ))
}

fn subject_findings(subject: Option<&Descriptor>) -> Vec<Finding> {
    let Some(subject) = subject else {
        return Vec::new();
    };
    let mut findings = vec![Finding::new(
        Severity::Info,
        format!("This document refers to {} (its subject).", subject.digest),
    )];
    findings.extend(digest_finding(subject, Place::Subject));
    findings
}

fn index_findings(index: &Index) -> Vec<Finding> {
    let mut findings: Vec<Finding> = index
        .manifests
        .iter()
        .enumerate()
        .filter_map(|(position, entry)| digest_finding(entry, Place::Entry(position)))
        .collect();
    let without_platform = index
        .manifests
        .iter()
        .filter(|entry| entry.platform.is_none())
        .count();
    if without_platform > 0 {
        findings.push(Finding::new(
            Severity::Info,
            format!(
                "{without_platform} of {} entries have no platform; runtimes rank them after every entry whose platform matches.",
                index.manifests.len()
            ),
        ));
    }
    findings.extend(subject_findings(index.subject.as_ref()));
    findings
}

fn manifest_findings(manifest: &ImageManifest) -> Vec<Finding> {
    let mut findings: Vec<Finding> = digest_finding(&manifest.config, Place::Config)
        .into_iter()
        .collect();
    for (position, layer) in manifest.layers.iter().enumerate() {
        findings.extend(digest_finding(layer, Place::Layer(position)));
        findings.extend(layer_findings(layer, Place::Layer(position)));
    }
    findings.extend(artifact_findings(manifest));
    findings.extend(subject_findings(manifest.subject.as_ref()));
    findings
}

fn layer_findings(layer: &Descriptor, place: Place) -> Vec<Finding> {
    let kind = media_type::layer_kind(&layer.media_type);
    let label = place.label();
    let mut findings = Vec::new();
    let info = |message: String| Finding::new(Severity::Info, message);
    if kind.foreign && layer.urls.is_empty() {
        findings.push(Finding::new(
            Severity::Warning,
            format!("{label} is a foreign layer but lists no urls to fetch it from."),
        ));
    } else if kind.foreign {
        findings.push(info(format!(
            "{label} is a foreign layer: it is fetched from its urls, not the registry."
        )));
    } else if kind.non_distributable {
        findings.push(info(format!(
            "{label} is non-distributable (deprecated): it may be fetched from its urls, not the registry."
        )));
    } else if !layer.urls.is_empty() {
        findings.push(info(format!(
            "{label} lists urls but is neither foreign nor non-distributable: clients fetch it from the registry."
        )));
    }
    if kind.encrypted {
        findings.push(info(format!(
            "{label} is encrypted: no file tree can be shown."
        )));
    }
    findings
}

/// How a child document is read once fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    /// From the manifests endpoint: an index entry.
    Manifest,
    /// An image config blob.
    ImageConfig,
    /// A Helm chart's config blob (Chart.yaml as JSON).
    HelmConfig,
}

impl Document {
    /// The children a reader verifies to show this document's tree: every entry of an index, the config of
    /// a manifest when it says something worth showing (an image config, a Helm chart's). Layers and
    /// artifact blobs are fetched only when opened.
    pub fn children_to_fetch(&self) -> Vec<(ChildKind, &Descriptor)> {
        match self {
            Document::Index(index) => index
                .manifests
                .iter()
                .map(|entry| (ChildKind::Manifest, entry))
                .collect(),
            Document::Manifest(manifest) => {
                match media_type::essence(&manifest.config.media_type) {
                    media_type::HELM_CONFIG => vec![(ChildKind::HelmConfig, &manifest.config)],
                    config if media_type::is_image_config(config) => {
                        vec![(ChildKind::ImageConfig, &manifest.config)]
                    }
                    _ => Vec::new(),
                }
            }
            Document::Schema1(_) | Document::Unknown => Vec::new(),
        }
    }

    /// The descriptors of [`children_to_fetch`](Self::children_to_fetch).
    pub fn children_to_verify(&self) -> Vec<&Descriptor> {
        self.children_to_fetch()
            .into_iter()
            .map(|(_, descriptor)| descriptor)
            .collect()
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

impl IndexEntries<'_> {
    /// The platform entry to show for `?platform=` (see [`platform::select_for_view`]): an index into
    /// `platforms`, or none with the reason.
    pub fn select_for_view(&self, requested: Option<&str>) -> platform::ViewSelection {
        let platforms: Vec<Option<&Platform>> = self
            .platforms
            .iter()
            .map(|entry| entry.descriptor.platform.as_ref())
            .collect();
        platform::select_for_view(requested, &platforms)
    }
}

impl Index {
    /// Splits the entries into platforms (with their attestations attached) and the rest. Attestations are
    /// never platforms, whatever their `platform` says.
    pub fn entries(&self) -> IndexEntries<'_> {
        let mut entries = IndexEntries::default();
        for descriptor in &self.manifests {
            if descriptor.is_runnable_entry() {
                entries.platforms.push(PlatformEntry {
                    descriptor,
                    attestations: Vec::new(),
                });
            }
        }
        for descriptor in self.manifests.iter().filter(|d| !d.is_runnable_entry()) {
            let subject = descriptor.is_attestation().then(|| {
                entries
                    .platforms
                    .iter_mut()
                    .find(|entry| Some(entry.descriptor.digest.as_str()) == descriptor.attests())
            });
            match subject.flatten() {
                Some(entry) => entry.attestations.push(descriptor),
                None => entries.others.push(descriptor),
            }
        }
        entries
    }
}

/// What a lenient reader notices about a manifest as an artifact: the empty config requires an
/// `artifactType`.
pub fn artifact_findings(manifest: &ImageManifest) -> Vec<Finding> {
    let empty_config = media_type::essence(&manifest.config.media_type) == media_type::OCI_EMPTY;
    if empty_config && manifest.artifact_type.is_none() {
        vec![Finding::new(
            Severity::Error,
            "The config is the empty descriptor, so artifactType is required, but the manifest has none.",
        )]
    } else {
        Vec::new()
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
        let manifest = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{DIGEST_A}","size":1}},"layers":[]}}"#
        );
        let manifest = manifest.as_str();
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
        assert!(matches!(read.document, Document::Schema1(_)));
        assert_eq!(read.findings[0].severity, Severity::Warning);
    }

    #[test]
    fn json_that_is_not_an_object_never_panics() {
        let bodies: [&[u8]; 8] = [
            b"7",
            b"[]",
            b"null",
            b"\"text\"",
            b"true",
            b"[{\"manifests\":[]}]",
            b"{\"manifests\":7}",
            b"{\"fsLayers\":{}}",
        ];
        let headers = [
            None,
            Some(media_type::OCI_INDEX),
            Some(media_type::DOCKER_MANIFEST),
            Some(media_type::DOCKER_SCHEMA1_SIGNED),
            Some("application/json"),
        ];
        for body in bodies {
            for header in headers {
                match read_document(body, header) {
                    Ok(read) => {
                        if media_type::document_kind(&read.media_type) == DocumentKind::Unknown {
                            assert_eq!(read.document, Document::Unknown);
                        }
                    }
                    Err(ManifestError::WrongShape { .. }) => {}
                    Err(other) => panic!("{other} for {body:?} {header:?}"),
                }
            }
        }
        let read = read_document(b"[]", None).unwrap();
        assert_eq!(read.document, Document::Unknown);
        assert!(matches!(
            read_document(b"7", Some(media_type::OCI_MANIFEST)),
            Err(ManifestError::WrongShape { .. })
        ));
        assert!(matches!(
            read_document(b"[]", Some(media_type::DOCKER_SCHEMA1)),
            Err(ManifestError::WrongShape { .. })
        ));
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

    fn messages(json: &str, content_type: Option<&str>) -> Vec<(Severity, String)> {
        let read = read_document(json.as_bytes(), content_type)
            .unwrap_or_else(|error| panic!("{error}: {json}"));
        read.findings
            .into_iter()
            .map(|finding| (finding.severity, finding.message))
            .collect()
    }

    fn oci_manifest(config: &str, layers: &[String], extra: &str) -> String {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"{extra},"config":{config},"layers":[{}]}}"#,
            layers.join(",")
        )
    }

    fn blob(media_type: &str, size: &str, extra: &str) -> String {
        format!(r#"{{"mediaType":"{media_type}","digest":"{DIGEST_A}","size":{size}{extra}}}"#)
    }

    fn image_config() -> String {
        blob(media_type::OCI_CONFIG, "100", "")
    }

    #[test]
    fn manifest_level_findings() {
        use Severity::{Error, Info, Warning};
        let gzip = media_type::OCI_LAYER_GZIP;
        let foreign = media_type::DOCKER_FOREIGN_LAYER_GZIP;
        let urls = r#","urls":["https://example.com/blob"]"#;
        let cases: Vec<(String, Vec<(Severity, &str)>)> = vec![
            (oci_manifest(&image_config(), &[blob(gzip, "10", "")], ""), vec![]),
            (
                oci_manifest(&image_config(), &[blob(gzip, "10", urls)], ""),
                vec![(
                    Info,
                    "Layer 1 lists urls but is neither foreign nor non-distributable: clients fetch it from the registry.",
                )],
            ),
            (
                oci_manifest(&image_config(), &[blob(foreign, "10", urls)], ""),
                vec![(
                    Info,
                    "Layer 1 is a foreign layer: it is fetched from its urls, not the registry.",
                )],
            ),
            (
                oci_manifest(&image_config(), &[blob(foreign, "10", "")], ""),
                vec![(
                    Warning,
                    "Layer 1 is a foreign layer but lists no urls to fetch it from.",
                )],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[blob(media_type::OCI_NONDISTRIBUTABLE_LAYER_GZIP, "10", urls)],
                    "",
                ),
                vec![(
                    Info,
                    "Layer 1 is non-distributable (deprecated): it may be fetched from its urls, not the registry.",
                )],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[
                        blob(gzip, "10", ""),
                        blob("application/vnd.oci.image.layer.v1.tar+gzip+encrypted", "10", ""),
                    ],
                    "",
                ),
                vec![(Info, "Layer 2 is encrypted: no file tree can be shown.")],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[r#"{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:nope","size":3}"#.to_owned()],
                    "",
                ),
                vec![(
                    Error,
                    "Layer 1's digest \"sha256:nope\" does not parse: invalid checksum digest length.",
                )],
            ),
            (
                oci_manifest(&blob(media_type::OCI_CONFIG, "0", ""), &[], ""),
                vec![(Warning, "The config states size 0, but it cannot be empty.")],
            ),
            (
                oci_manifest(&image_config(), &[blob(gzip, "-5", "")], ""),
                vec![(Warning, "Layer 1 states a negative size (-5); it is shown as 0.")],
            ),
            (
                oci_manifest(&image_config(), &[blob(gzip, "0", "")], ""),
                vec![(Warning, "Layer 1 states size 0, but it cannot be empty.")],
            ),
            (
                oci_manifest(&image_config(), &[blob(gzip, "null", "")], ""),
                vec![(Warning, "Layer 1 states no size.")],
            ),
            (
                oci_manifest(&image_config(), &[blob("application/x-empty-file", "0", "")], ""),
                vec![],
            ),
            (
                oci_manifest(&blob("application/x-config", "0", ""), &[], ""),
                vec![],
            ),
            (
                oci_manifest(&blob(media_type::OCI_EMPTY, "2", ""), &[], ""),
                vec![(
                    Error,
                    "The config is the empty descriptor, so artifactType is required, but the manifest has none.",
                )],
            ),
            (
                oci_manifest(
                    &blob(media_type::OCI_EMPTY, "2", ""),
                    &[],
                    &format!(
                        r#","artifactType":"application/example","subject":{}"#,
                        blob(media_type::OCI_MANIFEST, "500", "")
                    ),
                ),
                vec![(
                    Info,
                    "This document refers to sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (its subject).",
                )],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[],
                    &format!(r#","subject":{}"#, blob(media_type::OCI_MANIFEST, "-1", "")),
                ),
                vec![
                    (Warning, "The subject states a negative size (-1); it is shown as 0."),
                    (
                        Info,
                        "This document refers to sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (its subject).",
                    ),
                ],
            ),
            (
                oci_manifest(&image_config(), &[], "").replace(r#""schemaVersion":2"#, r#""schemaVersion":1"#),
                vec![(Error, "schemaVersion is 1, but this OCI image manifest must say 2.")],
            ),
            (
                oci_manifest(&image_config(), &[], "").replace(r#""schemaVersion":2,"#, ""),
                vec![(Error, "The document has no schemaVersion; this OCI image manifest must say 2.")],
            ),
        ];
        for (json, expected) in cases {
            let expected: Vec<(Severity, String)> = expected
                .into_iter()
                .map(|(severity, message)| (severity, message.to_owned()))
                .collect();
            assert_eq!(messages(&json, None), expected, "{json}");
        }
    }

    #[test]
    fn index_level_findings() {
        use Severity::{Error, Info};
        let entry = |platform: bool| {
            let platform = if platform {
                r#","platform":{"os":"linux","architecture":"amd64"}"#
            } else {
                ""
            };
            blob(media_type::OCI_MANIFEST, "500", platform)
        };
        let index = |entries: &[String], extra: &str| {
            format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"{extra},"manifests":[{}]}}"#,
                entries.join(",")
            )
        };
        let cases: Vec<(String, Vec<(Severity, &str)>)> = vec![
            (index(&[entry(true)], ""), vec![]),
            (index(&[], ""), vec![]),
            (
                index(&[entry(true), entry(false), entry(false)], ""),
                vec![(
                    Info,
                    "2 of 3 entries have no platform; runtimes rank them after every entry whose platform matches.",
                )],
            ),
            (
                index(&[entry(true).replace(DIGEST_A, "sha256")], ""),
                vec![(
                    Error,
                    "Entry 1's digest \"sha256\" does not parse: invalid checksum digest format.",
                )],
            ),
            (
                index(&[entry(true).replace(r#""size":500"#, r#""size":0"#)], ""),
                vec![(
                    Severity::Warning,
                    "Entry 1 states size 0, but it cannot be empty.",
                )],
            ),
            (
                index(
                    &[entry(true)],
                    &format!(
                        r#","artifactType":"application/example.loop","subject":{}"#,
                        blob(media_type::OCI_MANIFEST, "500", "")
                    ),
                ),
                vec![(
                    Info,
                    "This document refers to sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (its subject).",
                )],
            ),
            (
                index(&[entry(true)], "").replace(r#""schemaVersion":2"#, r#""schemaVersion":"2""#),
                vec![(
                    Error,
                    "schemaVersion is \"2\", but this OCI image index must say 2.",
                )],
            ),
        ];
        for (json, expected) in cases {
            let expected: Vec<(Severity, String)> = expected
                .into_iter()
                .map(|(severity, message)| (severity, message.to_owned()))
                .collect();
            assert_eq!(messages(&json, None), expected, "{json}");
        }
    }

    #[test]
    fn go_nulls_read_as_empty() {
        let cases = [
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":null}"#,
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":null}"#,
        ];
        for json in cases {
            let read = read_document(json.as_bytes(), None).unwrap();
            let Document::Index(index) = read.document else {
                panic!("not an index: {json}")
            };
            assert!(index.manifests.is_empty() && index.annotations.is_empty());
        }
        let json = oci_manifest(
            &image_config(),
            &[blob(
                media_type::OCI_LAYER,
                "3",
                r#","urls":null,"annotations":null"#,
            )],
            "",
        )
        .replace(r#""layers":["#, r#""annotations":null,"layers":["#);
        let read = read_document(json.as_bytes(), None).unwrap();
        assert!(matches!(read.document, Document::Manifest(_)), "{json}");
        let json = r#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:x","size":1},"layers":null}"#;
        let read = read_document(json.as_bytes(), None).unwrap();
        let Document::Manifest(manifest) = read.document else {
            panic!("not a manifest")
        };
        assert!(manifest.layers.is_empty());
    }

    fn tiny_schema1(schema_version: u8) -> String {
        format!(
            r#"{{"schemaVersion":{schema_version},"name":"library/x","tag":"1","architecture":"amd64","fsLayers":[{{"blobSum":"{DIGEST_A}"}}],"history":[{{"v1Compatibility":"{{\"id\":\"a\"}}"}}]}}"#
        )
    }

    fn signed_without_format(unsigned: &str) -> String {
        let open = &unsigned[..unsigned.len() - 1];
        format!(r#"{open},"signatures":[{{"protected":"e30"}}]}}"#)
    }

    #[test]
    fn schema1_is_read_with_its_findings() {
        let cases: [(String, Option<&str>, usize); 5] = [
            (tiny_schema1(1), None, 1),
            (tiny_schema1(1), Some(media_type::DOCKER_SCHEMA1), 1),
            (tiny_schema1(1), Some(media_type::DOCKER_SCHEMA1_SIGNED), 1),
            // a tampered schema 1 document that says 2 is still recognised by its fsLayers
            (tiny_schema1(2), None, 2),
            (signed_without_format(&tiny_schema1(1)), None, 2),
        ];
        for (json, header, count) in cases {
            let read = read_document(json.as_bytes(), header).unwrap();
            let Document::Schema1(manifest) = &read.document else {
                panic!("not schema 1: {json}")
            };
            assert_eq!(manifest.name, "library/x");
            assert_eq!(read.findings.len(), count, "{:?}", read.findings);
            assert!(read.findings[0].message.contains("deprecated"));
        }
        assert!(matches!(
            read_document(
                br#"{"schemaVersion":1,"history":[{"v1Compatibility":"{"}]}"#,
                None
            ),
            Err(ManifestError::WrongShape { .. })
        ));
    }

    #[test]
    fn verification_input_is_the_payload_only_for_signed_schema1() {
        let payload = tiny_schema1(1);
        let tail = "}";
        let format_length = payload.len() - tail.len();
        // base64url of {"formatLength":N,"formatTail":"fQ"} for the payload's length
        let header = format!(r#"{{"formatLength":{format_length},"formatTail":"fQ"}}"#);
        let protected = encode_for_test(header.as_bytes());
        let signed = format!(
            r#"{},"signatures":[{{"protected":"{protected}"}}]}}"#,
            &payload[..format_length]
        );
        let cases: [(&str, &str, &str); 6] = [
            (&signed, media_type::DOCKER_SCHEMA1_SIGNED, &payload),
            (&signed, media_type::DOCKER_SCHEMA1, &payload),
            (&payload, media_type::DOCKER_SCHEMA1, &payload),
            (&signed, media_type::OCI_MANIFEST, &signed),
            (&signed, "", &signed),
            ("{not json", media_type::DOCKER_SCHEMA1_SIGNED, "{not json"),
        ];
        for (bytes, media_type, expected) in cases {
            assert_eq!(
                &*verification_input(bytes.as_bytes(), media_type),
                expected.as_bytes(),
                "{media_type}"
            );
        }
    }

    fn encode_for_test(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bits = 0u32;
        let mut count = 0;
        let mut encoded = String::new();
        for byte in bytes {
            bits = (bits << 8) | u32::from(*byte);
            count += 8;
            while count >= 6 {
                count -= 6;
                encoded.push(char::from(ALPHABET[((bits >> count) & 0x3f) as usize]));
            }
        }
        if count > 0 {
            encoded.push(char::from(
                ALPHABET[((bits << (6 - count)) & 0x3f) as usize],
            ));
        }
        encoded
    }

    #[test]
    fn truncated_and_mutated_documents_never_panic() {
        let payload = tiny_schema1(1);
        let fixtures = [
            index_json(),
            oci_manifest(
                &image_config(),
                &[blob(media_type::DOCKER_FOREIGN_LAYER_GZIP, "-1", "")],
                r#","subject":{"size":-2}"#,
            ),
            signed_without_format(&payload),
            payload,
        ];
        let headers = [None, Some(media_type::DOCKER_SCHEMA1_SIGNED)];
        for fixture in &fixtures {
            let bytes = fixture.as_bytes();
            for end in 0..=bytes.len() {
                for header in headers {
                    let _ = read_document(&bytes[..end], header);
                }
                let _ = verification_input(&bytes[..end], media_type::DOCKER_SCHEMA1_SIGNED);
            }
            for position in 0..bytes.len() {
                for replacement in [b'{', b'[', b'-', b'0', b'"', b'}'] {
                    let mut mutated = bytes.to_vec();
                    mutated[position] = replacement;
                    let _ = read_document(&mutated, None);
                    let _ = verification_input(&mutated, media_type::DOCKER_SCHEMA1);
                }
            }
        }
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
