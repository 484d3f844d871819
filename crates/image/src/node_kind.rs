//! What a node of the inspect tree is, as its `data-kind` attribute says: one name per kind, and the kind a
//! fetched document turns out to be (not only where it was listed).

use crate::artifact::{self, ManifestRole};
use crate::manifest::{Descriptor, Document};

/// The kind of a tree node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// An image index or manifest list.
    Index,
    /// An image manifest (OCI, Docker v2 or schema 1), or a document still being fetched as one.
    Manifest,
    /// A BuildKit attestation manifest.
    Attestation,
    /// Any other manifest: signatures, SBOMs, Helm charts, SOCI indexes, OCI artifacts, unknown documents.
    Artifact,
    /// A config blob (an image's or a Helm chart's).
    Config,
    /// A layer blob.
    Layer,
}

impl NodeKind {
    /// Every kind, in tree order.
    pub const ALL: [NodeKind; 6] = [
        NodeKind::Index,
        NodeKind::Manifest,
        NodeKind::Attestation,
        NodeKind::Artifact,
        NodeKind::Config,
        NodeKind::Layer,
    ];

    /// The value of `data-kind` (and the CSS class and label the tree shows).
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Index => "index",
            NodeKind::Manifest => "manifest",
            NodeKind::Attestation => "attestation",
            NodeKind::Artifact => "artifact",
            NodeKind::Config => "config",
            NodeKind::Layer => "layer",
        }
    }

    /// What a fetched document is.
    pub fn of_document(document: &Document) -> NodeKind {
        match document {
            Document::Index(_) => NodeKind::Index,
            Document::Manifest(manifest) => match artifact::role(manifest) {
                ManifestRole::Image => NodeKind::Manifest,
                ManifestRole::Attestation { .. } => NodeKind::Attestation,
                _ => NodeKind::Artifact,
            },
            Document::Schema1(_) => NodeKind::Manifest,
            Document::Unknown => NodeKind::Artifact,
        }
    }

    /// What an index entry that is not a platform's image is expected to be, before it is fetched.
    pub fn of_listed_entry(descriptor: &Descriptor) -> NodeKind {
        if descriptor.is_attestation() {
            NodeKind::Attestation
        } else {
            NodeKind::Artifact
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::read_document;

    #[test]
    fn names_are_distinct_lowercase_words() {
        let names: std::collections::BTreeSet<&str> =
            NodeKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(names.len(), NodeKind::ALL.len());
        assert!(
            names
                .iter()
                .all(|name| name.chars().all(|c| c.is_ascii_lowercase()))
        );
    }

    #[test]
    fn documents_are_what_they_turn_out_to_be() {
        let config = r#""config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2}"#;
        let cases = [
            (
                r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.to_owned(),
                NodeKind::Index,
            ),
            (
                format!(r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",{config},"layers":[]}}"#),
                NodeKind::Manifest,
            ),
            (
                format!(r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.report",{config},"layers":[]}}"#),
                NodeKind::Artifact,
            ),
            (r#"{"hello":"world"}"#.to_owned(), NodeKind::Artifact),
        ];
        for (json, expected) in cases {
            let read =
                read_document(json.as_bytes(), None).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(NodeKind::of_document(&read.document), expected, "{json}");
        }
    }
}
