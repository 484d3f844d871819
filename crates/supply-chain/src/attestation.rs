//! One attestation as the page shows it: which layers of an attestation manifest hold in-toto
//! statements, and what one statement says about the manifest it is attached to (an SBOM, a provenance,
//! or another predicate), its subject checked against that manifest's digest; and the SBOM documents
//! cosign attaches as they are (`cosign attach sbom`), which name no subject at all.

use strata_image::digest::Digest;
use strata_image::manifest::{Descriptor, ImageManifest};
use strata_image::media_type;

use crate::dsse::Envelope;
use crate::provenance::{self, Provenance};
use crate::public_key::PublicKey;
use crate::sbom::{self, Sbom};
use crate::statement::{self, StatementError};

/// An SPDX JSON document, as `cosign attach sbom` stores it.
pub const SPDX_JSON_LAYER: &str = "text/spdx+json";
/// A CycloneDX JSON document, as `cosign attach sbom` stores it.
pub const CYCLONEDX_JSON_LAYER: &str = "application/vnd.cyclonedx+json";

/// The layers of an attestation manifest that hold statements, plain or enveloped.
pub fn statement_layers(manifest: &ImageManifest) -> impl Iterator<Item = &Descriptor> {
    manifest.layers.iter().filter(|layer| {
        matches!(
            layer.media_type.as_str(),
            media_type::IN_TOTO | media_type::DSSE_ENVELOPE
        )
    })
}

/// The layers of a cosign `.sbom` manifest that are SBOM documents Strata reads.
pub fn attached_sbom_layers(manifest: &ImageManifest) -> impl Iterator<Item = &Descriptor> {
    manifest.layers.iter().filter(|layer| {
        matches!(
            layer.media_type.as_str(),
            SPDX_JSON_LAYER | CYCLONEDX_JSON_LAYER
        )
    })
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
    /// about this image, and the page says so loudly. `None`: it names no subject (an SBOM cosign
    /// attached as it is, bound to the image by its tag's name only).
    pub about_subject: Option<bool>,
    /// Its subjects' SHA-256 digests (`sha256:<hex>`), for the reader to compare.
    pub subjects: Vec<String>,
    /// Whether it came in a DSSE envelope.
    pub enveloped: bool,
    /// The envelope it came in, whose signatures a reader's key checks ([`Attestation::signed_by`]).
    pub envelope: Option<Envelope>,
    /// What it says.
    pub predicate: Predicate,
}

/// Reads a statement layer's bytes, attached to the manifest `subject`.
pub fn read(bytes: &[u8], subject: &Digest) -> Result<Attestation, StatementError> {
    Ok(from_statement(statement::read(bytes)?, subject))
}

/// What a statement, already read (from a layer or a bundle's envelope), says about `subject`.
pub fn from_statement(read: statement::ReadStatement, subject: &Digest) -> Attestation {
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
    Attestation {
        about_subject: Some(statement.is_about(subject)),
        subjects: statement
            .subject
            .iter()
            .filter_map(|named| named.digest.get("sha256"))
            .map(|hex| format!("sha256:{hex}"))
            .collect(),
        enveloped: read.envelope.is_some(),
        envelope: read.envelope,
        predicate_type,
        predicate,
    }
}

impl Attestation {
    /// For a statement in a DSSE envelope: whether one of its signatures verifies with one of `keys`
    /// over the envelope's pre-authentication encoding. `None` for a plain statement.
    pub fn signed_by(&self, keys: &[PublicKey]) -> Option<bool> {
        let envelope = self.envelope.as_ref()?;
        let signed = envelope.signed_bytes();
        Some(envelope.signatures.iter().any(|signature| {
            keys.iter()
                .any(|key| key.verifies(&signed, &signature.signature))
        }))
    }
}

/// Reads an SBOM document cosign attached as it is (a layer of `media_type`, one of
/// [`attached_sbom_layers`]'s), as an attestation that names no subject.
pub fn read_attached_sbom(bytes: &[u8], media_type: &str) -> Result<Attestation, StatementError> {
    let predicate_type = match media_type {
        SPDX_JSON_LAYER => sbom::SPDX_PREDICATE,
        CYCLONEDX_JSON_LAYER => sbom::CYCLONEDX_PREDICATE,
        other => {
            return Err(StatementError::Shape(format!(
                "{other} is not an SBOM document Strata reads"
            )));
        }
    };
    let document: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|error| StatementError::NotJson(error.to_string()))?;
    let predicate = match sbom::read(predicate_type, &document) {
        Ok(read) => Predicate::Sbom(read),
        Err(error) => Predicate::Unreadable(error.to_string()),
    };
    Ok(Attestation {
        predicate_type: predicate_type.to_owned(),
        about_subject: None,
        subjects: Vec::new(),
        enveloped: false,
        envelope: None,
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
            assert_eq!(read.about_subject, Some(about), "{case}");
            assert_eq!(read.subjects.len(), 1, "{case}");
            assert!(!read.enveloped, "{case}");
        }
    }

    #[test]
    fn an_enveloped_statement_is_checked_with_a_key() {
        use crate::dsse::pae;
        use crate::public_key::test_keys::{pair, sign};
        use strata_image::media_type;

        let subject = Digest::parse(SUBJECT).unwrap();
        let payload = statement(sbom::SPDX_PREDICATE, spdx(), SUBJECT);
        let (signer, ours) = pair(3);
        let (_, theirs) = pair(4);
        let envelope = json!({
            "payloadType": media_type::IN_TOTO,
            "payload": crate::base64::encode(&payload, false),
            "signatures": [{ "keyid": "", "sig": crate::base64::encode(&sign(&signer, &pae(media_type::IN_TOTO, &payload)), false) }],
        })
        .to_string();
        let read = read(envelope.as_bytes(), &subject).unwrap();
        assert!(read.enveloped);
        assert_eq!(read.signed_by(std::slice::from_ref(&ours)), Some(true));
        assert_eq!(read.signed_by(&[theirs]), Some(false));
        let plain = super::read(&payload, &subject).unwrap();
        assert_eq!(plain.signed_by(&[ours]), None);
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
    fn attached_sboms_read_by_their_media_type() {
        let cyclonedx = json!({
            "bomFormat": "CycloneDX", "specVersion": "1.5",
            "metadata": { "tools": [{ "name": "syft", "version": "1.19.0" }] },
            "components": [{ "type": "library", "name": "zlib", "version": "1.3.1-r0" }],
        })
        .to_string();
        let spdx = spdx().to_string();
        let cases: [(&str, &str, &str, Option<usize>); 4] = [
            ("SPDX JSON", SPDX_JSON_LAYER, &spdx, Some(1)),
            (
                "CycloneDX JSON, its tools not packages",
                CYCLONEDX_JSON_LAYER,
                &cyclonedx,
                Some(1),
            ),
            ("SPDX tag-value", "text/spdx", "SPDXVersion: SPDX-2.3", None),
            ("not JSON", SPDX_JSON_LAYER, "SPDXVersion: SPDX-2.3", None),
        ];
        for (case, media_type, bytes, packages) in cases {
            match (read_attached_sbom(bytes.as_bytes(), media_type), packages) {
                (Ok(read), Some(count)) => {
                    assert_eq!(read.about_subject, None, "{case}: no subject named");
                    let Predicate::Sbom(sbom) = read.predicate else {
                        panic!("{case}: an SBOM");
                    };
                    assert_eq!(sbom.packages.len(), count, "{case}");
                }
                (Err(_), None) => {}
                (found, _) => panic!("{case}: {found:?}"),
            }
        }
    }

    #[test]
    fn only_statement_layers_are_read() {
        let manifest: ImageManifest = serde_json::from_value(json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": SUBJECT, "size": 2 },
            "layers": [
                { "mediaType": media_type::IN_TOTO, "digest": SUBJECT, "size": 2 },
                { "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": OTHER, "size": 2 },
                { "mediaType": media_type::DSSE_ENVELOPE, "digest": OTHER, "size": 2 },
            ],
        }))
        .unwrap();
        let kinds: Vec<&str> = statement_layers(&manifest)
            .map(|layer| layer.media_type.as_str())
            .collect();
        assert_eq!(kinds, [media_type::IN_TOTO, media_type::DSSE_ENVELOPE]);
    }
}
