//! One attestation as the page shows it: which layers of an attestation manifest hold in-toto
//! statements, and what one statement says about the manifest it is attached to (an SBOM, a provenance,
//! or another predicate), its subject checked against that manifest's digest.

use strata_image::digest::Digest;
use strata_image::manifest::{Descriptor, ImageManifest};

use crate::provenance::{self, Provenance};
use crate::sbom::{self, Sbom};
use crate::statement::{self, StatementError};

/// A plain in-toto statement layer, as BuildKit stores them.
pub const IN_TOTO_LAYER: &str = "application/vnd.in-toto+json";
/// A DSSE envelope layer, as cosign stores what it attests.
pub const DSSE_LAYER: &str = "application/vnd.dsse.envelope.v1+json";

/// The layers of an attestation manifest that hold statements, plain or enveloped.
pub fn statement_layers(manifest: &ImageManifest) -> impl Iterator<Item = &Descriptor> {
    manifest
        .layers
        .iter()
        .filter(|layer| matches!(layer.media_type.as_str(), IN_TOTO_LAYER | DSSE_LAYER))
}

/// What a statement's predicate is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Predicate {
    /// An SBOM: the packages it lists.
    Sbom(Sbom),
    /// A SLSA provenance: how the image was built.
    Provenance(Provenance),
    /// A predicate type Strata shows by name only.
    Other,
    /// An SBOM or provenance predicate that could not be read: why.
    Unreadable(String),
}

/// One statement, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// Its predicate type.
    pub predicate_type: String,
    /// Whether one of its subjects names the manifest it is attached to. When not, it says nothing
    /// about this image, and the page says so loudly.
    pub about_subject: bool,
    /// Its subjects' SHA-256 digests (`sha256:<hex>`), for the reader to compare.
    pub subjects: Vec<String>,
    /// Whether it came in a DSSE envelope (whose signatures are not checked here).
    pub enveloped: bool,
    /// What it says.
    pub predicate: Predicate,
}

/// Reads a statement layer's bytes, attached to the manifest `subject`.
pub fn read(bytes: &[u8], subject: &Digest) -> Result<Attestation, StatementError> {
    let read = statement::read(bytes)?;
    let statement = read.statement;
    let predicate_type = statement.predicate_type.clone();
    let predicate = match predicate_type.as_str() {
        sbom::SPDX_PREDICATE | sbom::CYCLONEDX_PREDICATE => {
            match sbom::read(&predicate_type, &statement.predicate) {
                Ok(read) => Predicate::Sbom(read),
                Err(error) => Predicate::Unreadable(error.to_string()),
            }
        }
        provenance::SLSA_V02 | provenance::SLSA_V1 => {
            match provenance::read(&predicate_type, &statement.predicate) {
                Ok(read) => Predicate::Provenance(read),
                Err(error) => Predicate::Unreadable(error.to_string()),
            }
        }
        _ => Predicate::Other,
    };
    Ok(Attestation {
        about_subject: statement.is_about(subject),
        subjects: statement
            .subject
            .iter()
            .filter_map(|named| named.digest.get("sha256"))
            .map(|hex| format!("sha256:{hex}"))
            .collect(),
        enveloped: read.envelope.is_some(),
        predicate_type,
        predicate,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SUBJECT: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const OTHER: &str = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    fn statement(predicate_type: &str, predicate: serde_json::Value, about: &str) -> Vec<u8> {
        json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": predicate_type,
            "subject": [{ "name": "pkg:docker/app@1", "digest": { "sha256": about.trim_start_matches("sha256:") } }],
            "predicate": predicate,
        })
        .to_string()
        .into_bytes()
    }

    fn spdx() -> serde_json::Value {
        json!({
            "spdxVersion": "SPDX-2.3",
            "SPDXID": "SPDXRef-DOCUMENT",
            "packages": [{ "name": "musl", "SPDXID": "SPDXRef-musl", "versionInfo": "1.2.5-r0" }],
        })
    }

    #[test]
    fn statements_read_as_what_their_predicate_is() {
        let subject = Digest::parse(SUBJECT).unwrap();
        let cases: [(&str, Vec<u8>, &str, bool); 5] = [
            (
                "an SPDX SBOM",
                statement(sbom::SPDX_PREDICATE, spdx(), SUBJECT),
                "sbom",
                true,
            ),
            (
                "provenance v0.2",
                statement(
                    provenance::SLSA_V02,
                    json!({ "builder": { "id": "https://ci.example/builder" } }),
                    SUBJECT,
                ),
                "provenance",
                true,
            ),
            (
                "an SBOM about another manifest",
                statement(sbom::SPDX_PREDICATE, spdx(), OTHER),
                "sbom",
                false,
            ),
            (
                "an unknown predicate",
                statement("https://example.com/scan", json!({}), SUBJECT),
                "other",
                true,
            ),
            (
                "an SPDX version Strata does not read",
                statement(
                    sbom::SPDX_PREDICATE,
                    json!({ "spdxVersion": "SPDX-9" }),
                    SUBJECT,
                ),
                "unreadable",
                true,
            ),
        ];
        for (case, bytes, kind, about) in cases {
            let read = read(&bytes, &subject).unwrap_or_else(|error| panic!("{case}: {error}"));
            let found = match read.predicate {
                Predicate::Sbom(_) => "sbom",
                Predicate::Provenance(_) => "provenance",
                Predicate::Other => "other",
                Predicate::Unreadable(_) => "unreadable",
            };
            assert_eq!(found, kind, "{case}");
            assert_eq!(read.about_subject, about, "{case}");
            assert_eq!(read.subjects.len(), 1, "{case}");
            assert!(!read.enveloped, "{case}");
        }
    }

    #[test]
    fn bytes_that_are_no_statement_are_an_error() {
        let subject = Digest::parse(SUBJECT).unwrap();
        for bytes in [
            &b"not json"[..],
            b"{}",
            b"[]",
            b"{\"payloadType\":1,\"payload\":2}",
        ] {
            assert!(
                read(bytes, &subject).is_err(),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn only_statement_layers_are_read() {
        let manifest: ImageManifest = serde_json::from_value(json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": SUBJECT, "size": 2 },
            "layers": [
                { "mediaType": IN_TOTO_LAYER, "digest": SUBJECT, "size": 2 },
                { "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": OTHER, "size": 2 },
                { "mediaType": DSSE_LAYER, "digest": OTHER, "size": 2 },
            ],
        }))
        .unwrap();
        let kinds: Vec<&str> = statement_layers(&manifest)
            .map(|layer| layer.media_type.as_str())
            .collect();
        assert_eq!(kinds, [IN_TOTO_LAYER, DSSE_LAYER]);
    }
}
