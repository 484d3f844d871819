//! Media types of manifests, configs and layers, and what kind of document each one names.

use std::collections::BTreeMap;

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
/// `artifactType` of BuildKit attestation manifests stored as OCI 1.1 artifacts.
pub const DOCKER_ATTESTATION_MANIFEST: &str = "application/vnd.docker.attestation.manifest.v1+json";
/// The withdrawn OCI artifact manifest (image-spec 1.1.0-rc1/rc2 only); some registries still hold them.
pub const OCI_ARTIFACT_MANIFEST: &str = "application/vnd.oci.artifact.manifest.v1+json";

/// OCI layer, uncompressed tar.
pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
/// OCI layer, gzip tar.
pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// OCI layer, zstd tar.
pub const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
/// OCI non-distributable layer, uncompressed tar (deprecated).
pub const OCI_NONDISTRIBUTABLE_LAYER: &str =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
/// OCI non-distributable layer, gzip tar (deprecated).
pub const OCI_NONDISTRIBUTABLE_LAYER_GZIP: &str =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
/// OCI non-distributable layer, zstd tar (deprecated).
pub const OCI_NONDISTRIBUTABLE_LAYER_ZSTD: &str =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
/// The suffix that marks an encrypted layer (`…tar+gzip+encrypted`).
pub const ENCRYPTED_SUFFIX: &str = "+encrypted";
/// Docker layer, gzip tar.
pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
/// Docker layer, "tar": containerd treats it as possibly compressed, so its compression is sniffed.
pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";
/// Docker layer, zstd tar: a non-standard variant containerd and regclient recognise.
pub const DOCKER_LAYER_ZSTD: &str = "application/vnd.docker.image.rootfs.diff.tar.zstd";
/// Docker foreign layer (Windows base layers), gzip tar, fetched from its `urls`.
pub const DOCKER_FOREIGN_LAYER_GZIP: &str =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
/// Docker foreign layer, "tar" (compression sniffed).
pub const DOCKER_FOREIGN_LAYER: &str = "application/vnd.docker.image.rootfs.foreign.diff.tar";
/// EROFS layer, recognised by containerd.
pub const EROFS_LAYER: &str = "application/vnd.erofs.layer.v1";

/// Helm chart config (Chart.yaml as JSON).
pub const HELM_CONFIG: &str = "application/vnd.cncf.helm.config.v1+json";
/// Helm chart content.
pub const HELM_CHART_CONTENT: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// Helm chart provenance file.
pub const HELM_CHART_PROVENANCE: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";
/// The layer type of Helm charts pushed before Helm 3.8.
pub const HELM_LEGACY_CHART_CONTENT: &str = "application/tar+gzip";

/// Cosign simple-signing payload, the layer type of `.sig` manifests.
pub const COSIGN_SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// DSSE envelope, the layer type of cosign `.att` manifests.
pub const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
/// `artifactType` of cosign signatures stored as OCI 1.1 referrers.
pub const COSIGN_SIGNATURE_ARTIFACT: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";
/// `artifactType` of cosign SBOMs stored as OCI 1.1 referrers.
pub const COSIGN_SBOM_ARTIFACT: &str = "application/vnd.dev.cosign.artifact.sbom.v1+json";
/// Sigstore bundle v0.3, the `artifactType` of cosign v3 signatures and attestations.
pub const SIGSTORE_BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Sigstore bundle with the version as a parameter (`;version=0.2`), as older bundles write it.
pub const SIGSTORE_BUNDLE: &str = "application/vnd.dev.sigstore.bundle+json";

/// SOCI index v1: found through the referrers API (it has a `subject`).
pub const SOCI_INDEX_V1: &str = "application/vnd.amazon.soci.index.v1+json";
/// SOCI index v2: no `subject`; the image manifest names it in an annotation.
pub const SOCI_INDEX_V2: &str = "application/vnd.amazon.soci.index.v2+json";

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
    let essence = essence(media_type);
    describe_document(essence)
        .or_else(|| describe_layer(essence))
        .or_else(|| describe_special(essence))
        .unwrap_or("other")
}

fn describe_document(essence: &str) -> Option<&'static str> {
    Some(match essence {
        OCI_INDEX => "OCI image index",
        OCI_MANIFEST => "OCI image manifest",
        OCI_CONFIG => "OCI image config",
        OCI_EMPTY => "empty descriptor",
        OCI_ARTIFACT_MANIFEST => "OCI artifact manifest (withdrawn before OCI 1.1)",
        DOCKER_MANIFEST_LIST => "Docker manifest list",
        DOCKER_MANIFEST => "Docker image manifest v2",
        DOCKER_CONFIG => "Docker image config",
        DOCKER_SCHEMA1 | DOCKER_SCHEMA1_SIGNED => "Docker schema 1 manifest (deprecated)",
        _ => return None,
    })
}

fn describe_layer(essence: &str) -> Option<&'static str> {
    Some(match essence {
        OCI_LAYER => "layer, uncompressed tar",
        OCI_LAYER_GZIP | DOCKER_LAYER_GZIP => "layer, gzip tar",
        OCI_LAYER_ZSTD => "layer, zstd tar",
        DOCKER_LAYER_ZSTD => "layer, zstd tar (Docker variant)",
        DOCKER_LAYER => "layer, tar (compression sniffed)",
        DOCKER_FOREIGN_LAYER_GZIP => "foreign layer, gzip tar",
        DOCKER_FOREIGN_LAYER => "foreign layer, tar (compression sniffed)",
        OCI_NONDISTRIBUTABLE_LAYER => "non-distributable layer, uncompressed tar",
        OCI_NONDISTRIBUTABLE_LAYER_GZIP => "non-distributable layer, gzip tar",
        OCI_NONDISTRIBUTABLE_LAYER_ZSTD => "non-distributable layer, zstd tar",
        EROFS_LAYER => "EROFS layer",
        other if other.ends_with(ENCRYPTED_SUFFIX) => "encrypted layer",
        _ => return None,
    })
}

fn describe_special(essence: &str) -> Option<&'static str> {
    Some(match essence {
        IN_TOTO => "in-toto attestation",
        DOCKER_ATTESTATION_MANIFEST => "BuildKit attestation manifest",
        HELM_CONFIG => "Helm chart config",
        HELM_CHART_CONTENT => "Helm chart",
        HELM_CHART_PROVENANCE => "Helm chart provenance",
        HELM_LEGACY_CHART_CONTENT => "gzip tar (legacy Helm chart)",
        COSIGN_SIMPLE_SIGNING => "cosign signature payload",
        DSSE_ENVELOPE => "DSSE envelope (cosign attestation)",
        COSIGN_SIGNATURE_ARTIFACT => "cosign signature",
        COSIGN_SBOM_ARTIFACT => "cosign SBOM",
        SIGSTORE_BUNDLE_V03 | SIGSTORE_BUNDLE => "Sigstore bundle",
        SOCI_INDEX_V1 => "SOCI index v1 (lazy loading)",
        SOCI_INDEX_V2 => "SOCI index v2 (lazy loading)",
        _ => return None,
    })
}

/// How a layer blob is compressed, as far as its media type (or its first bytes) tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// gzip (magic `1f 8b`).
    Gzip,
    /// zstd (magic `28 b5 2f fd`).
    Zstd,
    /// Not compressed.
    None,
    /// Docker's plain tar type: could be anything, so read the first bytes with [`sniff_compression`].
    Sniff,
    /// Not a layer type Strata knows, or bytes it does not recognise.
    Unknown,
}

/// What a layer media type says about the blob: how to decompress it and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerKind {
    /// Compression of the (decrypted) tar.
    pub compression: Compression,
    /// A Docker foreign layer: fetched from its `urls`, never pushed to the registry.
    pub foreign: bool,
    /// An OCI non-distributable layer (deprecated).
    pub non_distributable: bool,
    /// Encrypted (`+encrypted`): no file tree can be shown.
    pub encrypted: bool,
}

impl LayerKind {
    fn compressed(compression: Compression) -> LayerKind {
        LayerKind {
            compression,
            foreign: false,
            non_distributable: false,
            encrypted: false,
        }
    }
}

/// Reads a layer media type: compression, foreign, non-distributable, encrypted. Unknown types give
/// `Compression::Unknown` with no flags (except `+encrypted`, which is a suffix on any type).
pub fn layer_kind(media_type: &str) -> LayerKind {
    let essence = essence(media_type);
    match essence.strip_suffix(ENCRYPTED_SUFFIX) {
        Some(plain) => LayerKind {
            encrypted: true,
            ..plain_layer_kind(plain)
        },
        None => plain_layer_kind(essence),
    }
}

fn plain_layer_kind(essence: &str) -> LayerKind {
    let kind = LayerKind::compressed;
    match essence {
        OCI_LAYER | EROFS_LAYER => kind(Compression::None),
        OCI_LAYER_GZIP | DOCKER_LAYER_GZIP | HELM_CHART_CONTENT | HELM_LEGACY_CHART_CONTENT => {
            kind(Compression::Gzip)
        }
        OCI_LAYER_ZSTD | DOCKER_LAYER_ZSTD => kind(Compression::Zstd),
        DOCKER_LAYER => kind(Compression::Sniff),
        DOCKER_FOREIGN_LAYER_GZIP => LayerKind {
            foreign: true,
            ..kind(Compression::Gzip)
        },
        DOCKER_FOREIGN_LAYER => LayerKind {
            foreign: true,
            ..kind(Compression::Sniff)
        },
        OCI_NONDISTRIBUTABLE_LAYER => non_distributable(Compression::None),
        OCI_NONDISTRIBUTABLE_LAYER_GZIP => non_distributable(Compression::Gzip),
        OCI_NONDISTRIBUTABLE_LAYER_ZSTD => non_distributable(Compression::Zstd),
        other if other.ends_with("+gzip") => kind(Compression::Gzip),
        other if other.ends_with("+zstd") => kind(Compression::Zstd),
        _ => kind(Compression::Unknown),
    }
}

fn non_distributable(compression: Compression) -> LayerKind {
    LayerKind {
        non_distributable: true,
        ..LayerKind::compressed(compression)
    }
}

/// Whether a media type names a filesystem layer of an image (OCI, Docker, foreign, non-distributable,
/// encrypted, EROFS), as opposed to an artifact blob.
pub fn is_image_layer(media_type: &str) -> bool {
    let essence = essence(media_type);
    let plain = essence.strip_suffix(ENCRYPTED_SUFFIX).unwrap_or(essence);
    matches!(
        plain,
        OCI_LAYER
            | OCI_LAYER_GZIP
            | OCI_LAYER_ZSTD
            | OCI_NONDISTRIBUTABLE_LAYER
            | OCI_NONDISTRIBUTABLE_LAYER_GZIP
            | OCI_NONDISTRIBUTABLE_LAYER_ZSTD
            | DOCKER_LAYER
            | DOCKER_LAYER_GZIP
            | DOCKER_LAYER_ZSTD
            | DOCKER_FOREIGN_LAYER
            | DOCKER_FOREIGN_LAYER_GZIP
            | EROFS_LAYER
    )
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
const TAR_MAGIC: &[u8] = b"ustar";
const TAR_MAGIC_OFFSET: usize = 257;

/// What the first bytes of a blob say about its compression: gzip, zstd, or an uncompressed tar (`ustar`
/// at offset 257). Anything else, including too few bytes, is `Unknown`; never `Sniff`.
pub fn sniff_compression(first_bytes: &[u8]) -> Compression {
    if first_bytes.starts_with(GZIP_MAGIC) {
        Compression::Gzip
    } else if first_bytes.starts_with(ZSTD_MAGIC) {
        Compression::Zstd
    } else if first_bytes
        .get(TAR_MAGIC_OFFSET..)
        .is_some_and(|rest| rest.starts_with(TAR_MAGIC))
    {
        Compression::None
    } else {
        Compression::Unknown
    }
}

/// Annotation with the digest of an eStargz layer's table of contents.
pub const ESTARGZ_TOC_DIGEST: &str = "containerd.io/snapshot/stargz/toc.digest";
/// Annotation with the uncompressed size of an eStargz layer.
pub const ESTARGZ_UNCOMPRESSED_SIZE: &str = "io.containers.estargz.uncompressed-size";

/// Whether a layer's annotations mark it as eStargz (still gzip, but lazily pullable through its TOC).
pub fn estargz_hint(annotations: &BTreeMap<String, String>) -> bool {
    annotations.contains_key(ESTARGZ_TOC_DIGEST)
        || annotations.contains_key(ESTARGZ_UNCOMPRESSED_SIZE)
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

    fn flags(compression: Compression, foreign: bool, nd: bool, encrypted: bool) -> LayerKind {
        LayerKind {
            compression,
            foreign,
            non_distributable: nd,
            encrypted,
        }
    }

    #[test]
    fn layer_kinds_by_media_type() {
        use Compression::{Gzip, None as Plain, Sniff, Unknown, Zstd};
        let cases = [
            (OCI_LAYER, flags(Plain, false, false, false)),
            (OCI_LAYER_GZIP, flags(Gzip, false, false, false)),
            (OCI_LAYER_ZSTD, flags(Zstd, false, false, false)),
            (DOCKER_LAYER_GZIP, flags(Gzip, false, false, false)),
            (DOCKER_LAYER, flags(Sniff, false, false, false)),
            (DOCKER_LAYER_ZSTD, flags(Zstd, false, false, false)),
            (DOCKER_FOREIGN_LAYER_GZIP, flags(Gzip, true, false, false)),
            (DOCKER_FOREIGN_LAYER, flags(Sniff, true, false, false)),
            (OCI_NONDISTRIBUTABLE_LAYER, flags(Plain, false, true, false)),
            (
                OCI_NONDISTRIBUTABLE_LAYER_GZIP,
                flags(Gzip, false, true, false),
            ),
            (
                OCI_NONDISTRIBUTABLE_LAYER_ZSTD,
                flags(Zstd, false, true, false),
            ),
            (
                "application/vnd.oci.image.layer.v1.tar+encrypted",
                flags(Plain, false, false, true),
            ),
            (
                "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
                flags(Gzip, false, false, true),
            ),
            (
                "application/vnd.oci.image.layer.v1.tar+zstd+encrypted",
                flags(Zstd, false, false, true),
            ),
            (
                "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip+encrypted",
                flags(Gzip, false, true, true),
            ),
            (EROFS_LAYER, flags(Plain, false, false, false)),
            (HELM_CHART_CONTENT, flags(Gzip, false, false, false)),
            (HELM_LEGACY_CHART_CONTENT, flags(Gzip, false, false, false)),
            (
                "application/x-custom+zstd",
                flags(Zstd, false, false, false),
            ),
            (
                "application/vnd.oci.image.layer.v1.tar+gzip; charset=binary",
                flags(Gzip, false, false, false),
            ),
            (IN_TOTO, flags(Unknown, false, false, false)),
            (OCI_CONFIG, flags(Unknown, false, false, false)),
            (
                "application/octet-stream",
                flags(Unknown, false, false, false),
            ),
            ("", flags(Unknown, false, false, false)),
            ("+encrypted", flags(Unknown, false, false, true)),
        ];
        for (media_type, kind) in cases {
            assert_eq!(layer_kind(media_type), kind, "{media_type}");
        }
    }

    #[test]
    fn image_layers_are_told_from_artifact_blobs() {
        let cases = [
            (OCI_LAYER, true),
            (DOCKER_LAYER, true),
            (DOCKER_FOREIGN_LAYER_GZIP, true),
            (OCI_NONDISTRIBUTABLE_LAYER_ZSTD, true),
            (
                "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
                true,
            ),
            (EROFS_LAYER, true),
            (HELM_CHART_CONTENT, false),
            (IN_TOTO, false),
            (COSIGN_SIMPLE_SIGNING, false),
            ("application/example.sbom.breakfast", false),
            ("+encrypted", false),
        ];
        for (media_type, expected) in cases {
            assert_eq!(is_image_layer(media_type), expected, "{media_type}");
        }
    }

    fn tar_header() -> Vec<u8> {
        let mut block = vec![0u8; 512];
        block[..8].copy_from_slice(b"hello.tx");
        block[257..263].copy_from_slice(b"ustar\0");
        block
    }

    #[test]
    fn compression_is_sniffed_from_magic_bytes() {
        let tar = tar_header();
        let mut gnu_tar = tar.clone();
        gnu_tar[257..265].copy_from_slice(b"ustar  \0");
        let cases: [(&[u8], Compression); 11] = [
            (&[0x1f, 0x8b, 0x08, 0x00], Compression::Gzip),
            (&[0x1f, 0x8b], Compression::Gzip),
            (&[0x28, 0xb5, 0x2f, 0xfd, 0x04], Compression::Zstd),
            (&[0x28, 0xb5, 0x2f], Compression::Unknown),
            (&tar, Compression::None),
            (&gnu_tar, Compression::None),
            (&tar[..260], Compression::Unknown),
            (&[0x1f], Compression::Unknown),
            (&[], Compression::Unknown),
            (b"{\"schemaVersion\":2}", Compression::Unknown),
            (&[0u8; 1024], Compression::Unknown),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff_compression(bytes), expected, "{bytes:02x?}");
        }
    }

    #[test]
    fn estargz_is_hinted_by_either_annotation() {
        let with = |key: &str| BTreeMap::from([(key.to_owned(), "x".to_owned())]);
        assert!(estargz_hint(&with(ESTARGZ_TOC_DIGEST)));
        assert!(estargz_hint(&with(ESTARGZ_UNCOMPRESSED_SIZE)));
        assert!(!estargz_hint(&with("org.opencontainers.image.title")));
        assert!(!estargz_hint(&BTreeMap::new()));
    }

    #[test]
    fn every_known_type_has_a_name() {
        let cases = [
            (OCI_INDEX, "OCI image index"),
            (
                OCI_ARTIFACT_MANIFEST,
                "OCI artifact manifest (withdrawn before OCI 1.1)",
            ),
            (
                DOCKER_SCHEMA1_SIGNED,
                "Docker schema 1 manifest (deprecated)",
            ),
            (OCI_LAYER, "layer, uncompressed tar"),
            (OCI_LAYER_GZIP, "layer, gzip tar"),
            (DOCKER_LAYER_GZIP, "layer, gzip tar"),
            (OCI_LAYER_ZSTD, "layer, zstd tar"),
            (DOCKER_LAYER_ZSTD, "layer, zstd tar (Docker variant)"),
            (DOCKER_LAYER, "layer, tar (compression sniffed)"),
            (DOCKER_FOREIGN_LAYER_GZIP, "foreign layer, gzip tar"),
            (
                DOCKER_FOREIGN_LAYER,
                "foreign layer, tar (compression sniffed)",
            ),
            (
                OCI_NONDISTRIBUTABLE_LAYER,
                "non-distributable layer, uncompressed tar",
            ),
            (
                OCI_NONDISTRIBUTABLE_LAYER_GZIP,
                "non-distributable layer, gzip tar",
            ),
            (
                OCI_NONDISTRIBUTABLE_LAYER_ZSTD,
                "non-distributable layer, zstd tar",
            ),
            (
                "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
                "encrypted layer",
            ),
            (EROFS_LAYER, "EROFS layer"),
            (HELM_CONFIG, "Helm chart config"),
            (HELM_CHART_CONTENT, "Helm chart"),
            (HELM_CHART_PROVENANCE, "Helm chart provenance"),
            (HELM_LEGACY_CHART_CONTENT, "gzip tar (legacy Helm chart)"),
            (IN_TOTO, "in-toto attestation"),
            (DOCKER_ATTESTATION_MANIFEST, "BuildKit attestation manifest"),
            (COSIGN_SIMPLE_SIGNING, "cosign signature payload"),
            (DSSE_ENVELOPE, "DSSE envelope (cosign attestation)"),
            (COSIGN_SIGNATURE_ARTIFACT, "cosign signature"),
            (COSIGN_SBOM_ARTIFACT, "cosign SBOM"),
            (SIGSTORE_BUNDLE_V03, "Sigstore bundle"),
            (
                "application/vnd.dev.sigstore.bundle+json;version=0.2",
                "Sigstore bundle",
            ),
            (SOCI_INDEX_V1, "SOCI index v1 (lazy loading)"),
            (SOCI_INDEX_V2, "SOCI index v2 (lazy loading)"),
            (OCI_EMPTY, "empty descriptor"),
            ("application/vnd.example.unknown", "other"),
            ("", "other"),
        ];
        for (media_type, name) in cases {
            assert_eq!(describe(media_type), name, "{media_type}");
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
