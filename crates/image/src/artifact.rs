//! Not every manifest is a runnable image: this tells attestations, signatures, SBOMs, Helm charts, SOCI
//! indexes and other OCI 1.1 artifacts apart, and names the tags and referrers that link them to images.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::digest::Digest;
use crate::manifest::{Descriptor, ImageManifest, Index};
use crate::media_type;

/// Layer annotation naming the predicate of an in-toto statement.
pub const IN_TOTO_PREDICATE_TYPE: &str = "in-toto.io/predicate-type";
/// Layer annotation holding a cosign signature.
pub const COSIGN_SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Manifest annotation with the name of an OCI artifact (a Helm chart's name).
pub const TITLE_ANNOTATION: &str = "org.opencontainers.image.title";
/// Manifest annotation with the version of an OCI artifact (a Helm chart's version).
pub const VERSION_ANNOTATION: &str = "org.opencontainers.image.version";
/// Manifest annotation with a description.
pub const DESCRIPTION_ANNOTATION: &str = "org.opencontainers.image.description";
/// Manifest annotation with the time the image or artifact was created (RFC 3339).
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";
/// `index.json` annotation naming an image in an OCI layout (its tag).
pub const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";

/// What a manifest is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestRole {
    /// A runnable image.
    Image,
    /// A BuildKit attestation manifest (SBOM, provenance), with the predicates of its in-toto layers.
    Attestation {
        /// `in-toto.io/predicate-type` of each layer, in order, without repeats.
        predicate_types: Vec<String>,
    },
    /// A cosign `.sig` manifest: simple-signing payloads with signatures in annotations.
    CosignSignature,
    /// A cosign `.att` manifest: DSSE envelopes.
    CosignAttestation,
    /// A cosign `.sbom` manifest: SBOM documents as layers.
    CosignSbom,
    /// A Sigstore bundle (cosign v3 signatures and attestations).
    SigstoreBundle,
    /// A Helm chart, with its Chart.yaml fields when the manifest's annotations carry them.
    HelmChart(Option<HelmChart>),
    /// A SOCI index for lazy loading.
    SociIndex {
        /// 1 (found through referrers) or 2 (named from the image manifest).
        version: u8,
    },
    /// Any other OCI artifact.
    Artifact {
        /// `artifactType`, else the config's media type.
        artifact_type: String,
    },
}

impl ManifestRole {
    /// A short human name, as the tree shows it.
    pub fn describe(&self) -> &'static str {
        match self {
            ManifestRole::Image => "image",
            ManifestRole::Attestation { .. } => "attestation",
            ManifestRole::CosignSignature => "cosign signature",
            ManifestRole::CosignAttestation => "cosign attestation",
            ManifestRole::CosignSbom => "cosign SBOM",
            ManifestRole::SigstoreBundle => "Sigstore bundle",
            ManifestRole::HelmChart(_) => "Helm chart",
            ManifestRole::SociIndex { .. } => "SOCI index",
            ManifestRole::Artifact { .. } => "artifact",
        }
    }
}

/// The Chart.yaml fields Helm copies into its config blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmChart {
    /// Chart name.
    pub name: String,
    /// Chart version (SemVer).
    pub version: String,
    /// Version of the application the chart installs.
    pub app_version: Option<String>,
    /// One-line description.
    pub description: Option<String>,
}

/// Classifies a manifest. Known types (by `artifactType`, else config media type) come first, then the
/// layers (in-toto, cosign simple signing, DSSE), then `artifactType`, then whether the config is an image
/// config. An image config over blobs none of which is a filesystem layer is an artifact too: there is no
/// file tree to show.
pub fn role(manifest: &ImageManifest) -> ManifestRole {
    let declared = manifest
        .artifact_type
        .as_deref()
        .unwrap_or(&manifest.config.media_type);
    if let Some(role) = role_of_type(declared, &manifest.layers, &manifest.annotations) {
        return role;
    }
    if let Some(role) = role_of_layers(&manifest.layers) {
        return role;
    }
    if let Some(artifact_type) = &manifest.artifact_type {
        return ManifestRole::Artifact {
            artifact_type: artifact_type.clone(),
        };
    }
    if media_type::is_image_config(&manifest.config.media_type) {
        if is_cosign_sbom(&manifest.layers) {
            return ManifestRole::CosignSbom;
        }
        if !has_no_filesystem_layers(&manifest.layers) {
            return ManifestRole::Image;
        }
    }
    ManifestRole::Artifact {
        artifact_type: manifest.config.media_type.clone(),
    }
}

/// Classifies an index that declares an `artifactType`; `None` for an ordinary index.
pub fn index_role(index: &Index) -> Option<ManifestRole> {
    let artifact_type = index.artifact_type.as_deref()?;
    Some(
        role_of_type(artifact_type, &[], &index.annotations).unwrap_or_else(|| {
            ManifestRole::Artifact {
                artifact_type: artifact_type.to_owned(),
            }
        }),
    )
}

fn role_of_type(
    declared: &str,
    layers: &[Descriptor],
    annotations: &BTreeMap<String, String>,
) -> Option<ManifestRole> {
    let essence = media_type::essence(declared);
    Some(match essence {
        media_type::SIGSTORE_BUNDLE_V03 | media_type::SIGSTORE_BUNDLE => {
            ManifestRole::SigstoreBundle
        }
        _ if essence.starts_with("application/vnd.dev.sigstore.bundle") => {
            ManifestRole::SigstoreBundle
        }
        media_type::DOCKER_ATTESTATION_MANIFEST => attestation(layers),
        media_type::SOCI_INDEX_V1 => ManifestRole::SociIndex { version: 1 },
        media_type::SOCI_INDEX_V2 => ManifestRole::SociIndex { version: 2 },
        media_type::HELM_CONFIG => {
            ManifestRole::HelmChart(helm_chart_from_annotations(annotations))
        }
        media_type::COSIGN_SIGNATURE_ARTIFACT => ManifestRole::CosignSignature,
        media_type::COSIGN_SBOM_ARTIFACT => ManifestRole::CosignSbom,
        _ => return None,
    })
}

fn role_of_layers(layers: &[Descriptor]) -> Option<ManifestRole> {
    let all = |media_type: &str| {
        !layers.is_empty()
            && layers
                .iter()
                .all(|layer| media_type::essence(&layer.media_type) == media_type)
    };
    if all(media_type::IN_TOTO) {
        Some(attestation(layers))
    } else if layers.iter().any(is_cosign_signature_layer) {
        Some(ManifestRole::CosignSignature)
    } else if all(media_type::DSSE_ENVELOPE) {
        Some(ManifestRole::CosignAttestation)
    } else {
        None
    }
}

fn is_cosign_signature_layer(layer: &Descriptor) -> bool {
    media_type::essence(&layer.media_type) == media_type::COSIGN_SIMPLE_SIGNING
}

fn attestation(layers: &[Descriptor]) -> ManifestRole {
    let mut predicate_types: Vec<String> = Vec::new();
    for layer in layers {
        if let Some(predicate) = layer.annotations.get(IN_TOTO_PREDICATE_TYPE)
            && !predicate_types.contains(predicate)
        {
            predicate_types.push(predicate.clone());
        }
    }
    ManifestRole::Attestation { predicate_types }
}

fn has_no_filesystem_layers(layers: &[Descriptor]) -> bool {
    !layers.is_empty()
        && !layers
            .iter()
            .any(|layer| media_type::is_image_layer(&layer.media_type))
}

/// Cosign's SBOM spec: an image-config manifest whose layers are SPDX, CycloneDX or Syft documents.
fn is_cosign_sbom(layers: &[Descriptor]) -> bool {
    !layers.is_empty()
        && layers.iter().all(|layer| {
            let essence = media_type::essence(&layer.media_type);
            essence.starts_with("text/spdx")
                || essence.starts_with("application/spdx")
                || essence.starts_with("application/vnd.cyclonedx")
                || essence == "application/vnd.syft+json"
        })
}

/// Helm 3.13 and later copy the chart's name, version and description into the manifest's annotations.
fn helm_chart_from_annotations(annotations: &BTreeMap<String, String>) -> Option<HelmChart> {
    let annotation = |key: &str| annotations.get(key).cloned();
    Some(HelmChart {
        name: annotation(TITLE_ANNOTATION)?,
        version: annotation(VERSION_ANNOTATION)?,
        app_version: None,
        description: annotation(DESCRIPTION_ANNOTATION),
    })
}

/// Reads the Chart.yaml fields from a Helm config blob (`application/vnd.cncf.helm.config.v1+json`).
/// `None` unless it is a JSON object with string `name` and `version`.
pub fn helm_chart(config_bytes: &[u8]) -> Option<HelmChart> {
    let value: Value = serde_json::from_slice(config_bytes).ok()?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    Some(HelmChart {
        name: text("name")?,
        version: text("version")?,
        app_version: text("appVersion"),
        description: text("description"),
    })
}

/// The tag suffixes cosign gives the manifests it attaches to an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CosignSuffix {
    /// `.sig`: signatures.
    Signature,
    /// `.att`: attestations.
    Attestation,
    /// `.sbom`: SBOMs.
    Sbom,
}

impl CosignSuffix {
    /// What cosign keeps under a tag with this suffix, in a reader's words.
    pub fn describe(self) -> &'static str {
        match self {
            CosignSuffix::Signature => "signatures",
            CosignSuffix::Attestation => "attestations",
            CosignSuffix::Sbom => "SBOM",
        }
    }

    /// The suffix without its dot.
    pub fn as_str(self) -> &'static str {
        match self {
            CosignSuffix::Signature => "sig",
            CosignSuffix::Attestation => "att",
            CosignSuffix::Sbom => "sbom",
        }
    }

    fn from_name(name: &str) -> Option<CosignSuffix> {
        match name {
            "sig" => Some(CosignSuffix::Signature),
            "att" => Some(CosignSuffix::Attestation),
            "sbom" => Some(CosignSuffix::Sbom),
            _ => None,
        }
    }
}

/// The tag cosign stores a signature, attestation or SBOM of `digest` under: `sha256-<hex>.sig`.
pub fn cosign_tag_for(digest: &Digest, suffix: CosignSuffix) -> String {
    format!(
        "{}-{}.{}",
        digest.algorithm(),
        digest.encoded(),
        suffix.as_str()
    )
}

/// The image digest and kind a cosign tag (`sha256-<hex>.sig|.att|.sbom`) stands for; `None` for any
/// other tag.
pub fn cosign_subject(tag: &str) -> Option<(Digest, CosignSuffix)> {
    let (subject, suffix) = tag.rsplit_once('.')?;
    let suffix = CosignSuffix::from_name(suffix)?;
    let (algorithm, encoded) = subject.split_once('-')?;
    let digest = Digest::parse(&format!("{algorithm}:{encoded}")).ok()?;
    Some((digest, suffix))
}

const REFERRERS_TAG_ALGORITHM_LIMIT: usize = 32;
const REFERRERS_TAG_ENCODED_LIMIT: usize = 64;

/// The tag a registry without the referrers API keeps the referrers index of `digest` under
/// (distribution-spec "Referrers Tag Schema"): `<alg>-<ref>`, the algorithm cut to 32 characters, the
/// encoded part to 64, and characters a tag cannot hold replaced by `-`.
pub fn referrers_fallback_tag(digest: &Digest) -> String {
    let algorithm = tag_safe(digest.algorithm().as_str(), REFERRERS_TAG_ALGORITHM_LIMIT);
    let encoded = tag_safe(digest.encoded(), REFERRERS_TAG_ENCODED_LIMIT);
    format!("{algorithm}-{encoded}")
}

fn tag_safe(text: &str, limit: usize) -> String {
    text.chars()
        .take(limit)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// What an in-toto predicate type is, in a reader's words.
pub fn predicate_name(predicate_type: &str) -> &'static str {
    let lower = predicate_type.to_ascii_lowercase();
    if lower.contains("spdx") {
        "SBOM (SPDX)"
    } else if lower.contains("cyclonedx") {
        "SBOM (CycloneDX)"
    } else if lower.contains("slsa.dev/provenance") {
        "SLSA provenance"
    } else if lower.contains("vuln") {
        "vulnerability scan"
    } else {
        "in-toto statement"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::media_type::OCI_EMPTY;

    #[test]
    fn predicate_types_have_reader_names() {
        for (predicate, name) in [
            ("https://spdx.dev/Document", "SBOM (SPDX)"),
            ("https://cyclonedx.org/bom", "SBOM (CycloneDX)"),
            ("https://slsa.dev/provenance/v0.2", "SLSA provenance"),
            ("https://slsa.dev/provenance/v1", "SLSA provenance"),
            (
                "https://cosign.sigstore.dev/attestation/vuln/v1",
                "vulnerability scan",
            ),
            ("https://example.com/custom", "in-toto statement"),
        ] {
            assert_eq!(predicate_name(predicate), name);
        }
    }
    use crate::media_type::*;

    const HEX: &str = "1304f174557314a7ed9eddb4eab12fed12cb0cd9809e4c28f29af86979a3c870";

    fn descriptor(media_type: &str, annotations: &[(&str, &str)]) -> Descriptor {
        Descriptor {
            media_type: media_type.to_owned(),
            digest: format!("sha256:{HEX}"),
            size: 2,
            annotations: annotations
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
            ..Descriptor::default()
        }
    }

    fn manifest(
        artifact_type: Option<&str>,
        config: &str,
        layers: &[(&str, &[(&str, &str)])],
    ) -> ImageManifest {
        ImageManifest {
            artifact_type: artifact_type.map(str::to_owned),
            config: descriptor(config, &[]),
            layers: layers
                .iter()
                .map(|(media_type, annotations)| descriptor(media_type, annotations))
                .collect(),
            ..ImageManifest::default()
        }
    }

    fn artifact(artifact_type: &str) -> ManifestRole {
        ManifestRole::Artifact {
            artifact_type: artifact_type.to_owned(),
        }
    }

    const SPDX: (&str, &str) = (IN_TOTO_PREDICATE_TYPE, "https://spdx.dev/Document");
    const SLSA: (&str, &str) = (IN_TOTO_PREDICATE_TYPE, "https://slsa.dev/provenance/v0.2");

    #[test]
    fn roles_by_rule() {
        let signature = (COSIGN_SIGNATURE_ANNOTATION, "MEYCIQ");
        let cases: Vec<(ImageManifest, ManifestRole)> = vec![
            (
                manifest(None, OCI_CONFIG, &[(OCI_LAYER_GZIP, &[])]),
                ManifestRole::Image,
            ),
            (
                manifest(None, DOCKER_CONFIG, &[(DOCKER_LAYER_GZIP, &[])]),
                ManifestRole::Image,
            ),
            (manifest(None, OCI_CONFIG, &[]), ManifestRole::Image),
            (
                manifest(
                    None,
                    OCI_CONFIG,
                    &[("application/vnd.example.build-type+json", &[])],
                ),
                artifact(OCI_CONFIG),
            ),
            (
                manifest(
                    None,
                    DOCKER_CONFIG,
                    &[("application/x-notes", &[]), (DOCKER_LAYER, &[])],
                ),
                ManifestRole::Image,
            ),
            (
                manifest(None, DOCKER_CONFIG, &[(DOCKER_FOREIGN_LAYER_GZIP, &[])]),
                ManifestRole::Image,
            ),
            (
                manifest(
                    None,
                    OCI_CONFIG,
                    &[(IN_TOTO, &[SPDX]), (IN_TOTO, &[SLSA]), (IN_TOTO, &[SPDX])],
                ),
                ManifestRole::Attestation {
                    predicate_types: vec![SPDX.1.to_owned(), SLSA.1.to_owned()],
                },
            ),
            (
                manifest(
                    Some(DOCKER_ATTESTATION_MANIFEST),
                    OCI_EMPTY,
                    &[(IN_TOTO, &[SLSA])],
                ),
                ManifestRole::Attestation {
                    predicate_types: vec![SLSA.1.to_owned()],
                },
            ),
            (
                manifest(Some(DOCKER_ATTESTATION_MANIFEST), OCI_EMPTY, &[]),
                ManifestRole::Attestation {
                    predicate_types: Vec::new(),
                },
            ),
            (
                manifest(None, OCI_CONFIG, &[(IN_TOTO, &[])]),
                ManifestRole::Attestation {
                    predicate_types: Vec::new(),
                },
            ),
            (
                manifest(None, OCI_CONFIG, &[(COSIGN_SIMPLE_SIGNING, &[signature])]),
                ManifestRole::CosignSignature,
            ),
            (
                manifest(
                    None,
                    OCI_CONFIG,
                    &[
                        (COSIGN_SIMPLE_SIGNING, &[signature]),
                        (COSIGN_SIMPLE_SIGNING, &[signature]),
                    ],
                ),
                ManifestRole::CosignSignature,
            ),
            (
                manifest(
                    Some(COSIGN_SIGNATURE_ARTIFACT),
                    OCI_EMPTY,
                    &[(COSIGN_SIMPLE_SIGNING, &[signature])],
                ),
                ManifestRole::CosignSignature,
            ),
            (
                manifest(
                    None,
                    OCI_CONFIG,
                    &[(DSSE_ENVELOPE, &[(COSIGN_SIGNATURE_ANNOTATION, "")])],
                ),
                ManifestRole::CosignAttestation,
            ),
            (
                manifest(None, OCI_CONFIG, &[("text/spdx", &[])]),
                ManifestRole::CosignSbom,
            ),
            (
                manifest(
                    None,
                    OCI_CONFIG,
                    &[
                        ("application/vnd.cyclonedx+json", &[]),
                        ("text/spdx+json", &[]),
                    ],
                ),
                ManifestRole::CosignSbom,
            ),
            (
                manifest(
                    Some(COSIGN_SBOM_ARTIFACT),
                    OCI_CONFIG,
                    &[("text/spdx", &[])],
                ),
                ManifestRole::CosignSbom,
            ),
            (
                manifest(
                    None,
                    OCI_CONFIG,
                    &[("text/spdx", &[]), (OCI_LAYER_GZIP, &[])],
                ),
                ManifestRole::Image,
            ),
            (
                manifest(
                    Some(SIGSTORE_BUNDLE_V03),
                    OCI_EMPTY,
                    &[(SIGSTORE_BUNDLE_V03, &[])],
                ),
                ManifestRole::SigstoreBundle,
            ),
            (
                manifest(
                    Some("application/vnd.dev.sigstore.bundle+json;version=0.2"),
                    OCI_EMPTY,
                    &[],
                ),
                ManifestRole::SigstoreBundle,
            ),
            (
                manifest(None, HELM_CONFIG, &[(HELM_CHART_CONTENT, &[])]),
                ManifestRole::HelmChart(None),
            ),
            (
                manifest(None, HELM_CONFIG, &[(HELM_LEGACY_CHART_CONTENT, &[])]),
                ManifestRole::HelmChart(None),
            ),
            (
                manifest(None, SOCI_INDEX_V1, &[("application/octet-stream", &[])]),
                ManifestRole::SociIndex { version: 1 },
            ),
            (
                manifest(Some(SOCI_INDEX_V1), OCI_EMPTY, &[]),
                ManifestRole::SociIndex { version: 1 },
            ),
            (
                manifest(None, SOCI_INDEX_V2, &[("application/octet-stream", &[])]),
                ManifestRole::SociIndex { version: 2 },
            ),
            (
                manifest(
                    Some("application/example.sbom"),
                    OCI_EMPTY,
                    &[("application/example.sbom.breakfast", &[])],
                ),
                artifact("application/example.sbom"),
            ),
            (
                manifest(
                    Some("application/vnd.example+type"),
                    OCI_CONFIG,
                    &[(OCI_LAYER, &[])],
                ),
                artifact("application/vnd.example+type"),
            ),
            (
                manifest(None, "test/signature.file", &[(OCI_LAYER, &[])]),
                artifact("test/signature.file"),
            ),
            (
                manifest(None, OCI_EMPTY, &[("application/x-thing", &[])]),
                artifact(OCI_EMPTY),
            ),
            (manifest(None, "", &[]), artifact("")),
            (
                manifest(None, "application/vnd.unknown.config.v1+json", &[]),
                artifact("application/vnd.unknown.config.v1+json"),
            ),
        ];
        for (manifest, expected) in cases {
            assert_eq!(role(&manifest), expected, "{manifest:?}");
        }
    }

    #[test]
    fn helm_chart_fields_come_from_annotations_or_config() {
        let mut chart = manifest(None, HELM_CONFIG, &[(HELM_CHART_CONTENT, &[])]);
        chart.annotations = BTreeMap::from([
            (TITLE_ANNOTATION.to_owned(), "nginx".to_owned()),
            (VERSION_ANNOTATION.to_owned(), "15.0.2".to_owned()),
            (DESCRIPTION_ANNOTATION.to_owned(), "NGINX".to_owned()),
        ]);
        assert_eq!(
            role(&chart),
            ManifestRole::HelmChart(Some(HelmChart {
                name: "nginx".to_owned(),
                version: "15.0.2".to_owned(),
                app_version: None,
                description: Some("NGINX".to_owned()),
            }))
        );
        chart.annotations.remove(VERSION_ANNOTATION);
        assert_eq!(role(&chart), ManifestRole::HelmChart(None));

        let cases: [(&[u8], Option<HelmChart>); 7] = [
            (
                br#"{"name":"nginx","version":"15.0.2","appVersion":"1.25.0","description":"NGINX","apiVersion":"v2"}"#,
                Some(HelmChart {
                    name: "nginx".to_owned(),
                    version: "15.0.2".to_owned(),
                    app_version: Some("1.25.0".to_owned()),
                    description: Some("NGINX".to_owned()),
                }),
            ),
            (
                br#"{"name":"tiny","version":"0.1.0"}"#,
                Some(HelmChart {
                    name: "tiny".to_owned(),
                    version: "0.1.0".to_owned(),
                    app_version: None,
                    description: None,
                }),
            ),
            (br#"{"name":"tiny"}"#, None),
            (br#"{"name":"tiny","version":1}"#, None),
            (b"{}", None),
            (b"[1]", None),
            (b"not json", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(
                helm_chart(bytes),
                expected,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn indexes_with_an_artifact_type_have_a_role() {
        let index = |artifact_type: Option<&str>| Index {
            media_type: Some(OCI_INDEX.to_owned()),
            manifests: Vec::new(),
            annotations: BTreeMap::new(),
            artifact_type: artifact_type.map(str::to_owned),
            subject: None,
        };
        let cases = [
            (None, None),
            (
                Some("application/example.loop"),
                Some(artifact("application/example.loop")),
            ),
            (
                Some(SIGSTORE_BUNDLE_V03),
                Some(ManifestRole::SigstoreBundle),
            ),
            (
                Some(SOCI_INDEX_V2),
                Some(ManifestRole::SociIndex { version: 2 }),
            ),
            (
                Some(DOCKER_ATTESTATION_MANIFEST),
                Some(ManifestRole::Attestation {
                    predicate_types: Vec::new(),
                }),
            ),
        ];
        for (artifact_type, expected) in cases {
            assert_eq!(
                index_role(&index(artifact_type)),
                expected,
                "{artifact_type:?}"
            );
        }
    }

    #[test]
    fn empty_config_requires_an_artifact_type() {
        let cases = [
            (manifest(None, OCI_EMPTY, &[]), 1),
            (manifest(Some("application/example"), OCI_EMPTY, &[]), 0),
            (manifest(None, OCI_CONFIG, &[]), 0),
            (manifest(None, "test/signature.file", &[]), 0),
        ];
        for (manifest, count) in cases {
            let findings = crate::manifest::artifact_findings(&manifest);
            assert_eq!(findings.len(), count, "{manifest:?}");
            assert!(findings.iter().all(|f| f.severity == Severity::Error));
        }
    }

    #[test]
    fn cosign_tags_round_trip() {
        let sha256 = Digest::parse(&format!("sha256:{HEX}")).unwrap();
        let computed = Digest::sha256_of(b"x");
        for digest in [&sha256, &computed] {
            for suffix in [
                CosignSuffix::Signature,
                CosignSuffix::Attestation,
                CosignSuffix::Sbom,
            ] {
                let tag = cosign_tag_for(digest, suffix);
                assert_eq!(
                    cosign_subject(&tag),
                    Some((digest.clone(), suffix)),
                    "{tag}"
                );
            }
        }
        assert_eq!(
            cosign_tag_for(&sha256, CosignSuffix::Signature),
            format!("sha256-{HEX}.sig")
        );
        let long = "a".repeat(128);
        let sha512 = Digest::parse(&format!("sha512:{long}")).unwrap();
        assert_eq!(
            cosign_tag_for(&sha512, CosignSuffix::Sbom),
            format!("sha512-{long}.sbom")
        );
    }

    #[test]
    fn other_tags_are_not_cosign_subjects() {
        let cases = [
            "latest".to_owned(),
            format!("sha256-{HEX}"),
            format!("sha256-{HEX}.sig.bak"),
            format!("sha256-{HEX}.signature"),
            format!("sha256:{HEX}.sig"),
            format!("sha256-{}.sig", &HEX[..63]),
            format!("sha256-{}.att", HEX.to_uppercase()),
            "sha256-.sig".to_owned(),
            ".sig".to_owned(),
            String::new(),
        ];
        for tag in cases {
            assert_eq!(cosign_subject(&tag), None, "{tag}");
        }
    }

    #[test]
    fn referrers_fallback_tags_follow_the_tag_schema() {
        let long_hex = "0123456789abcdef".repeat(8);
        let cases = [
            (format!("sha256:{HEX}"), format!("sha256-{HEX}")),
            (
                format!("sha512:{long_hex}"),
                format!("sha512-{}", &long_hex[..64]),
            ),
            ("a+b.c_d-e:Zm9v=".to_owned(), "a-b.c_d-e-Zm9v-".to_owned()),
            (
                format!("{}:abc", "x".repeat(40)),
                format!("{}-abc", "x".repeat(32)),
            ),
            (
                format!("blake3:{}", "A".repeat(70)),
                format!("blake3-{}", "A".repeat(64)),
            ),
        ];
        for (digest, expected) in cases {
            let parsed = Digest::parse(&digest).unwrap();
            let tag = referrers_fallback_tag(&parsed);
            assert_eq!(tag, expected, "{digest}");
            assert!(tag.len() <= 128);
        }
    }

    #[test]
    fn roles_have_names() {
        let cases = [
            (ManifestRole::Image, "image"),
            (ManifestRole::CosignSbom, "cosign SBOM"),
            (ManifestRole::HelmChart(None), "Helm chart"),
            (ManifestRole::SociIndex { version: 2 }, "SOCI index"),
            (artifact("x"), "artifact"),
        ];
        for (role, name) in cases {
            assert_eq!(role.describe(), name);
        }
    }
}
