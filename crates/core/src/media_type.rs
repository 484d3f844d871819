//! Media types of manifests, configs and layers, and what kind of document each one names.

/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image config.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// OCI empty descriptor (`{}`), used as the config of artifacts.
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// Docker manifest list.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker image config.
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
/// Docker schema 1 manifest, unsigned.
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
/// Docker schema 1 manifest, signed.
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";
/// In-toto statement, the layer type of buildx attestations.
pub const IN_TOTO: &str = "application/vnd.in-toto+json";

/// The `Accept` header a manifest request sends: every manifest type the inspector reads.
/// Distribution 2.8 answers 404 when the OCI types are missing, so they are always included.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.v1+prettyjws, \
application/vnd.docker.distribution.manifest.v1+json";

/// What a media type says a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// An OCI index or a Docker manifest list.
    Index,
    /// An OCI or Docker v2 image manifest.
    Manifest,
    /// A deprecated schema 1 manifest.
    Schema1,
    /// Anything else: shown raw, never an error.
    Unknown,
}

/// Classifies a manifest media type (parameters such as `; charset=utf-8` are ignored).
pub fn document_kind(media_type: &str) -> DocumentKind {
    match essence(media_type) {
        OCI_INDEX | DOCKER_MANIFEST_LIST => DocumentKind::Index,
        OCI_MANIFEST | DOCKER_MANIFEST => DocumentKind::Manifest,
        DOCKER_SCHEMA1 | DOCKER_SCHEMA1_SIGNED => DocumentKind::Schema1,
        _ => DocumentKind::Unknown,
    }
}

/// The media type without parameters, trimmed.
pub fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or("").trim()
}

/// Whether a config media type describes a runnable image (as opposed to an artifact).
pub fn is_image_config(media_type: &str) -> bool {
    matches!(essence(media_type), OCI_CONFIG | DOCKER_CONFIG)
}

/// A short human name for a media type, as the tree shows it.
pub fn describe(media_type: &str) -> &'static str {
    match essence(media_type) {
        OCI_INDEX => "OCI image index",
        OCI_MANIFEST => "OCI image manifest",
        OCI_CONFIG => "OCI image config",
        OCI_EMPTY => "empty descriptor",
        DOCKER_MANIFEST_LIST => "Docker manifest list",
        DOCKER_MANIFEST => "Docker image manifest v2",
        DOCKER_CONFIG => "Docker image config",
        DOCKER_SCHEMA1 | DOCKER_SCHEMA1_SIGNED => "Docker schema 1 manifest (deprecated)",
        IN_TOTO => "in-toto attestation",
        "application/vnd.oci.image.layer.v1.tar" => "layer, uncompressed tar",
        "application/vnd.oci.image.layer.v1.tar+gzip" => "layer, gzip tar",
        "application/vnd.oci.image.layer.v1.tar+zstd" => "layer, zstd tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip" => "layer, gzip tar",
        "application/vnd.docker.image.rootfs.diff.tar" => "layer, tar (compression sniffed)",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" => "foreign layer, gzip tar",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_media_type() {
        let cases = [
            (OCI_INDEX, DocumentKind::Index),
            (DOCKER_MANIFEST_LIST, DocumentKind::Index),
            (OCI_MANIFEST, DocumentKind::Manifest),
            (DOCKER_MANIFEST, DocumentKind::Manifest),
            (
                "application/vnd.oci.image.manifest.v1+json; charset=utf-8",
                DocumentKind::Manifest,
            ),
            (DOCKER_SCHEMA1_SIGNED, DocumentKind::Schema1),
            ("application/json", DocumentKind::Unknown),
            ("", DocumentKind::Unknown),
        ];
        for (media_type, kind) in cases {
            assert_eq!(document_kind(media_type), kind, "{media_type}");
        }
    }

    #[test]
    fn image_configs_are_recognised() {
        assert!(is_image_config(OCI_CONFIG));
        assert!(is_image_config(DOCKER_CONFIG));
        assert!(!is_image_config(OCI_EMPTY));
        assert!(!is_image_config("application/vnd.cncf.helm.config.v1+json"));
    }
}
