//! The OCI 1.1 referrers that tell an image's supply chain, told apart by their artifact type: SBOM
//! documents attached as they are (`oras attach`), in-toto statements, and Sigstore bundles, whose DSSE
//! envelope carries either an attestation (cosign v3 `attest`, GitHub's artifact attestations) or a
//! signature (cosign v3 `sign`); and one layer of such a referrer read against the manifest it refers to.

use strata_image::digest::Digest;
use strata_image::manifest::{Descriptor, ImageManifest};
use strata_image::media_type::{self, OCI_EMPTY};

use crate::attestation::{self, Attestation};
use crate::sigstore_bundle::{self, Content};
use crate::statement::{self, StatementError};

/// SPDX JSON, as `oras attach --artifact-type` names it.
pub const SPDX_ARTIFACT: &str = "application/spdx+json";
/// The annotation saying what a bundle referrer holds: `dsse-envelope` or `message-signature`.
pub const BUNDLE_CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";
/// The annotation naming the predicate type a bundle referrer's envelope carries.
pub const BUNDLE_PREDICATE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";
/// The predicate of a statement that only signs its subject (cosign v3 `sign`).
pub const SIGN_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";

/// What a referrer holds, by its artifact type (and, for a bundle, its annotations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferrerKind {
    /// An SPDX or CycloneDX document, as it is.
    Sbom,
    /// In-toto statements, plain or in DSSE envelopes.
    Statements,
    /// A Sigstore bundle that says it attests (a predicate other than signing).
    AttestationBundle,
    /// A Sigstore bundle that says it signs the image.
    SignatureBundle,
    /// A Sigstore bundle that does not say (a registry's fallback tag index may drop annotations): which
    /// one it is shows once it is read.
    Bundle,
}

impl ReferrerKind {
    /// The kind of the referrer `descriptor` lists, if it is one of the supply chain's.
    pub fn of(descriptor: &Descriptor) -> Option<ReferrerKind> {
        let artifact_type = descriptor.artifact_type.as_deref()?;
        if sigstore_bundle::is_bundle_media_type(artifact_type) {
            let annotation = |name: &str| descriptor.annotations.get(name).map(String::as_str);
            return Some(
                match (
                    annotation(BUNDLE_CONTENT_ANNOTATION),
                    annotation(BUNDLE_PREDICATE_ANNOTATION),
                ) {
                    (Some("message-signature"), _) | (_, Some(SIGN_PREDICATE)) => {
                        ReferrerKind::SignatureBundle
                    }
                    (_, Some(_)) => ReferrerKind::AttestationBundle,
                    (_, None) => ReferrerKind::Bundle,
                },
            );
        }
        if !sbom_layer_type(artifact_type).is_empty() {
            return Some(ReferrerKind::Sbom);
        }
        (essence(artifact_type) == media_type::IN_TOTO).then_some(ReferrerKind::Statements)
    }

    /// Whether it may hold an SBOM, a provenance or another attestation (not only a signature).
    pub fn tells_supply_chain(self) -> bool {
        self != ReferrerKind::SignatureBundle
    }

    /// Whether it may hold a signature of the image.
    pub fn may_sign(self) -> bool {
        matches!(self, ReferrerKind::SignatureBundle | ReferrerKind::Bundle)
    }
}

/// The layers of a referrer manifest worth reading: every one but empty descriptors.
pub fn layers(manifest: &ImageManifest) -> impl Iterator<Item = &Descriptor> {
    manifest
        .layers
        .iter()
        .filter(|layer| layer.media_type != OCI_EMPTY)
}

/// The digest a referrer manifest names as the manifest it refers to (its `subject`): what binds an SBOM
/// attached as it is to the image, since the document itself names no image.
pub fn named_subject(manifest: &ImageManifest) -> Option<&str> {
    manifest.subject.as_ref().map(|named| named.digest.as_str())
}

/// Reads one layer of a referrer of `kind`, listed among `subject`'s referrers (the manifest's artifact
/// type given, and the subject it names): `None` for a bundle that only signs (a signature, not
/// something to show here).
pub fn read_layer(
    kind: ReferrerKind,
    artifact_type: &str,
    layer: &Descriptor,
    bytes: &[u8],
    subject: &Digest,
    named_subject: Option<&str>,
) -> Result<Option<Attestation>, StatementError> {
    match kind {
        ReferrerKind::Sbom => {
            let media_type = [layer.media_type.as_str(), artifact_type]
                .into_iter()
                .map(sbom_layer_type)
                .find(|known| !known.is_empty())
                .unwrap_or(layer.media_type.as_str());
            let mut read = attestation::read_attached_sbom(bytes, media_type)?;
            read.about_subject = Some(named_subject == Some(subject.to_string().as_str()));
            read.subjects = named_subject.map(str::to_owned).into_iter().collect();
            Ok(Some(read))
        }
        ReferrerKind::Statements => attestation::read(bytes, subject).map(Some),
        ReferrerKind::AttestationBundle | ReferrerKind::SignatureBundle | ReferrerKind::Bundle => {
            let bundle = sigstore_bundle::read(bytes)
                .map_err(|error| StatementError::Shape(error.to_string()))?;
            let Content::Envelope(envelope) = bundle.content else {
                return Ok(None);
            };
            let read = statement::from_envelope(envelope)?;
            if read.statement.predicate_type == SIGN_PREDICATE {
                return Ok(None);
            }
            Ok(Some(attestation::from_statement(read, subject)))
        }
    }
}

/// The SBOM layer type Strata reads that `media_type` names (parameters and case aside), or "".
fn sbom_layer_type(media_type: &str) -> &'static str {
    match essence(media_type).as_str() {
        SPDX_ARTIFACT | attestation::SPDX_JSON_LAYER => attestation::SPDX_JSON_LAYER,
        attestation::CYCLONEDX_JSON_LAYER => attestation::CYCLONEDX_JSON_LAYER,
        _ => "",
    }
}

/// A media type without its parameters, lowercased.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::attestation::Predicate;
    use crate::dsse::pae;
    use crate::public_key::test_keys::{pair, sign};

    const IMAGE: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const OTHER: &str = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    fn listed(artifact_type: Option<&str>, annotations: &[(&str, &str)]) -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".to_owned(),
            digest: OTHER.to_owned(),
            size: 800,
            artifact_type: artifact_type.map(str::to_owned),
            annotations: annotations
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            ..Descriptor::default()
        }
    }

    /// An artifact type, the listed annotations, and the kind expected.
    type Case<'a> = (
        Option<&'a str>,
        &'a [(&'a str, &'a str)],
        Option<ReferrerKind>,
    );

    #[test]
    fn referrers_are_told_apart_by_artifact_type_and_bundle_annotations() {
        let bundle = media_type::SIGSTORE_BUNDLE_V03;
        let cases: &[Case] = &[
            (Some("application/spdx+json"), &[], Some(ReferrerKind::Sbom)),
            (Some("text/spdx+json"), &[], Some(ReferrerKind::Sbom)),
            (
                Some("application/vnd.cyclonedx+json; version=1.5"),
                &[],
                Some(ReferrerKind::Sbom),
            ),
            (
                Some("application/vnd.in-toto+json"),
                &[],
                Some(ReferrerKind::Statements),
            ),
            (
                Some(bundle),
                &[
                    (BUNDLE_CONTENT_ANNOTATION, "dsse-envelope"),
                    (
                        BUNDLE_PREDICATE_ANNOTATION,
                        "https://slsa.dev/provenance/v1",
                    ),
                ],
                Some(ReferrerKind::AttestationBundle),
            ),
            (
                Some(bundle),
                &[
                    (BUNDLE_CONTENT_ANNOTATION, "dsse-envelope"),
                    (BUNDLE_PREDICATE_ANNOTATION, SIGN_PREDICATE),
                ],
                Some(ReferrerKind::SignatureBundle),
            ),
            (
                Some(sigstore_bundle::BUNDLE_V02),
                &[(BUNDLE_CONTENT_ANNOTATION, "message-signature")],
                Some(ReferrerKind::SignatureBundle),
            ),
            (Some(bundle), &[], Some(ReferrerKind::Bundle)),
            (Some("application/vnd.cncf.notary.signature"), &[], None),
            (None, &[], None),
        ];
        for (artifact_type, annotations, expected) in cases {
            assert_eq!(
                ReferrerKind::of(&listed(*artifact_type, annotations)),
                *expected,
                "{artifact_type:?} {annotations:?}"
            );
        }
        assert!(!ReferrerKind::SignatureBundle.tells_supply_chain());
        assert!(ReferrerKind::Bundle.tells_supply_chain() && ReferrerKind::Bundle.may_sign());
        assert!(!ReferrerKind::Sbom.may_sign());
    }

    fn manifest(subject: Option<&str>, layers: &[&str]) -> ImageManifest {
        ImageManifest {
            subject: subject.map(|digest| Descriptor {
                digest: digest.to_owned(),
                ..Descriptor::default()
            }),
            layers: layers
                .iter()
                .map(|media_type| Descriptor {
                    media_type: (*media_type).to_owned(),
                    ..Descriptor::default()
                })
                .collect(),
            ..ImageManifest::default()
        }
    }

    #[test]
    fn a_referrer_names_its_subject_and_its_empty_layers_are_skipped() {
        let attached = manifest(Some(IMAGE), &[OCI_EMPTY, "application/spdx+json"]);
        assert_eq!(named_subject(&attached), Some(IMAGE));
        assert_eq!(named_subject(&manifest(None, &[])), None);
        let read: Vec<&str> = layers(&attached)
            .map(|layer| layer.media_type.as_str())
            .collect();
        assert_eq!(read, ["application/spdx+json"]);
    }

    fn spdx() -> Vec<u8> {
        json!({
            "spdxVersion": "SPDX-2.3",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": "app",
            "packages": [
                { "SPDXID": "SPDXRef-busybox", "name": "busybox", "versionInfo": "1.36.1" },
            ],
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn an_sbom_referrer_is_read_whatever_its_layer_says_and_bound_by_its_manifest() {
        let image = Digest::parse(IMAGE).expect("digest");
        for layer_type in [
            "application/spdx+json",
            "application/vnd.oci.image.layer.v1.tar",
        ] {
            let layer = Descriptor {
                media_type: layer_type.to_owned(),
                ..Descriptor::default()
            };
            for (named, about) in [(Some(IMAGE), true), (Some(OTHER), false), (None, false)] {
                let read = read_layer(
                    ReferrerKind::Sbom,
                    "application/spdx+json",
                    &layer,
                    &spdx(),
                    &image,
                    named,
                )
                .expect("read")
                .expect("shown");
                assert_eq!(read.about_subject, Some(about), "{layer_type} {named:?}");
                assert_eq!(
                    read.subjects,
                    named.map(str::to_owned).into_iter().collect::<Vec<_>>()
                );
                let Predicate::Sbom(sbom) = read.predicate else {
                    panic!("an SBOM: {:?}", read.predicate);
                };
                assert_eq!(sbom.packages[0].name_at_version(), "busybox@1.36.1");
            }
        }
        let layer = Descriptor {
            media_type: "application/vnd.oci.image.layer.v1.tar".to_owned(),
            ..Descriptor::default()
        };
        assert!(
            read_layer(
                ReferrerKind::Sbom,
                "application/x-unknown",
                &layer,
                &spdx(),
                &image,
                Some(IMAGE)
            )
            .is_err()
        );
    }

    fn statement(subject: &str, predicate_type: &str) -> Vec<u8> {
        json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{ "name": "app", "digest": { "sha256": subject.trim_start_matches("sha256:") } }],
            "predicateType": predicate_type,
            "predicate": {},
        })
        .to_string()
        .into_bytes()
    }

    fn bundle_with(payload: &[u8]) -> Vec<u8> {
        let (key, _) = pair(3);
        let signature = sign(&key, &pae(media_type::IN_TOTO, payload));
        json!({
            "mediaType": media_type::SIGSTORE_BUNDLE_V03,
            "verificationMaterial": {
                "publicKey": { "hint": "" },
                "tlogEntries": [{
                    "logIndex": "7", "integratedTime": "1767226200",
                    "kindVersion": { "kind": "dsse", "version": "0.0.1" },
                    "inclusionProof": { "logIndex": "7", "treeSize": "8" },
                }],
            },
            "dsseEnvelope": {
                "payloadType": media_type::IN_TOTO,
                "payload": crate::base64::encode(payload, false),
                "signatures": [{ "keyid": "", "sig": crate::base64::encode(&signature, false) }],
            },
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn statements_and_attesting_bundles_are_read_and_signing_bundles_are_left_to_the_signature() {
        let image = Digest::parse(IMAGE).expect("digest");
        let layer = Descriptor::default();
        let provenance = "https://example.test/predicate/v1";
        let plain = read_layer(
            ReferrerKind::Statements,
            media_type::IN_TOTO,
            &layer,
            &statement(IMAGE, provenance),
            &image,
            Some(IMAGE),
        )
        .expect("read")
        .expect("shown");
        assert_eq!(
            (plain.about_subject, plain.predicate_type.as_str()),
            (Some(true), provenance)
        );
        let elsewhere = read_layer(
            ReferrerKind::Statements,
            media_type::IN_TOTO,
            &layer,
            &statement(OTHER, provenance),
            &image,
            Some(IMAGE),
        )
        .expect("read")
        .expect("shown");
        assert_eq!(elsewhere.about_subject, Some(false));
        for kind in [ReferrerKind::AttestationBundle, ReferrerKind::Bundle] {
            let read = read_layer(
                kind,
                media_type::SIGSTORE_BUNDLE_V03,
                &layer,
                &bundle_with(&statement(IMAGE, provenance)),
                &image,
                Some(IMAGE),
            )
            .expect("read")
            .expect("shown");
            assert!(read.enveloped && read.about_subject == Some(true));
            assert_eq!(read.signed_by(&[pair(3).1]), Some(true));
            assert_eq!(read.signed_by(&[pair(4).1]), Some(false));
        }
        let signs = read_layer(
            ReferrerKind::Bundle,
            media_type::SIGSTORE_BUNDLE_V03,
            &layer,
            &bundle_with(&statement(IMAGE, SIGN_PREDICATE)),
            &image,
            Some(IMAGE),
        )
        .expect("read");
        assert_eq!(signs, None);
        assert!(
            read_layer(
                ReferrerKind::Bundle,
                media_type::SIGSTORE_BUNDLE_V03,
                &layer,
                b"{}",
                &image,
                Some(IMAGE)
            )
            .is_err()
        );
    }
}
