//! Sigstore bundles (JSON, v0.1 to v0.3, as cosign v2 and v3 and the Sigstore clients write them, and as
//! OCI 1.1 referrers carry them): what was signed (a message's digest, or a DSSE envelope), with what
//! (a public key named by a hint, one certificate, or a certificate chain), and the transparency-log
//! entries; and a bundle checked, with a reader's keys, for an image.

use serde::Deserialize;
use serde_json::Value;
use strata_image::digest::Digest;

use crate::base64::{self, Base64Error};
use crate::dsse::{Envelope, EnvelopeError, EnvelopeSignature, IN_TOTO_PAYLOAD_TYPE};
use crate::public_key::PublicKey;
use crate::statement::Statement;

/// Bundle v0.1's media type.
pub const BUNDLE_V01: &str = "application/vnd.dev.sigstore.bundle+json;version=0.1";
/// Bundle v0.2's media type.
pub const BUNDLE_V02: &str = "application/vnd.dev.sigstore.bundle+json;version=0.2";
/// Bundle v0.3's media type (also the artifact type of its OCI referrers).
pub const BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// Which bundle version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleVersion {
    /// v0.1: a transparency-log entry carries a signed entry timestamp.
    V01,
    /// v0.2: an inclusion proof.
    V02,
    /// v0.3: one certificate instead of a chain.
    V03,
}

/// What the signature was made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Material {
    /// A public key the verifier must already have, named by a hint.
    PublicKey {
        /// The hint, often empty.
        hint: String,
    },
    /// One certificate (DER), Fulcio's for keyless signing.
    Certificate(Vec<u8>),
    /// A certificate chain (DER), leaf first.
    CertificateChain(Vec<Vec<u8>>),
}

/// What was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A message, by its digest: the signature is over the message.
    MessageSignature {
        /// `SHA2_256` and the like.
        algorithm: String,
        /// The message's digest.
        digest: Vec<u8>,
        /// The signature.
        signature: Vec<u8>,
    },
    /// A DSSE envelope: its signatures are over its payload's pre-authentication encoding.
    Envelope(Envelope),
}

/// One transparency-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogEntry {
    /// The entry's index in the log.
    pub log_index: u64,
    /// When the log integrated it, in Unix seconds.
    pub integrated_time: i64,
    /// `hashedrekord`, `dsse`, `intoto`…
    pub kind: String,
    /// The log's signed entry timestamp, when the bundle carries one.
    pub signed_entry_timestamp: Option<Vec<u8>>,
    /// Whether the bundle carries an inclusion proof.
    pub has_inclusion_proof: bool,
}

/// A bundle, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// Its version.
    pub version: BundleVersion,
    /// What the signature was made with.
    pub material: Material,
    /// What was signed.
    pub content: Content,
    /// The transparency-log entries.
    pub tlog_entries: Vec<TlogEntry>,
}

/// Why bytes are not a bundle Strata reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not the bundle's JSON shape.
    #[error("not a Sigstore bundle: {0}")]
    Shape(String),
    /// A media type that names no bundle version Strata reads.
    #[error("{0:?} is not a Sigstore bundle version Strata reads (v0.1 to v0.3)")]
    Version(String),
    /// A field that is not base64.
    #[error("the bundle's {field} is {error}")]
    Encoding {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        error: Base64Error,
    },
    /// Its DSSE envelope.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// Neither a message signature nor an envelope, or no verification material.
    #[error("the bundle has no {0}")]
    Missing(&'static str),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBundle {
    media_type: String,
    verification_material: Option<RawMaterial>,
    message_signature: Option<RawMessageSignature>,
    dsse_envelope: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMaterial {
    public_key: Option<RawHint>,
    certificate: Option<RawCertificate>,
    x509_certificate_chain: Option<RawChain>,
    #[serde(default)]
    tlog_entries: Vec<RawTlogEntry>,
}

#[derive(Deserialize)]
struct RawHint {
    #[serde(default)]
    hint: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCertificate {
    raw_bytes: String,
}

#[derive(Deserialize)]
struct RawChain {
    #[serde(default)]
    certificates: Vec<RawCertificate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTlogEntry {
    #[serde(default)]
    log_index: Value,
    #[serde(default)]
    integrated_time: Value,
    kind_version: Option<RawKindVersion>,
    inclusion_promise: Option<RawPromise>,
    inclusion_proof: Option<Value>,
}

#[derive(Deserialize)]
struct RawKindVersion {
    #[serde(default)]
    kind: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPromise {
    signed_entry_timestamp: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMessageSignature {
    message_digest: Option<RawDigest>,
    signature: String,
}

#[derive(Deserialize)]
struct RawDigest {
    #[serde(default)]
    algorithm: String,
    digest: String,
}

fn decoded(field: &'static str, text: &str) -> Result<Vec<u8>, BundleError> {
    base64::decode(text).map_err(|error| BundleError::Encoding { field, error })
}

/// Protobuf's JSON writes 64-bit integers as strings; some writers use numbers.
fn integer(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
}

/// The bundle version a media type names, if any.
fn version_of(media_type: &str) -> Option<BundleVersion> {
    match media_type {
        BUNDLE_V01 => Some(BundleVersion::V01),
        BUNDLE_V02 => Some(BundleVersion::V02),
        BUNDLE_V03 | "application/vnd.dev.sigstore.bundle+json;version=0.3" => {
            Some(BundleVersion::V03)
        }
        _ => None,
    }
}

/// Whether `media_type` (an artifact type, say) names a bundle version Strata reads.
pub fn is_bundle_media_type(media_type: &str) -> bool {
    version_of(media_type).is_some()
}

/// Reads a bundle.
pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
    let raw: RawBundle =
        serde_json::from_slice(bytes).map_err(|error| BundleError::Shape(error.to_string()))?;
    let version =
        version_of(&raw.media_type).ok_or_else(|| BundleError::Version(raw.media_type.clone()))?;
    let material = raw
        .verification_material
        .ok_or(BundleError::Missing("verification material"))?;
    let tlog_entries = material
        .tlog_entries
        .iter()
        .map(|entry| {
            Ok(TlogEntry {
                log_index: integer(&entry.log_index)
                    .and_then(|index| u64::try_from(index).ok())
                    .unwrap_or_default(),
                integrated_time: integer(&entry.integrated_time).unwrap_or_default(),
                kind: entry
                    .kind_version
                    .as_ref()
                    .map(|kind| kind.kind.clone())
                    .unwrap_or_default(),
                signed_entry_timestamp: entry
                    .inclusion_promise
                    .as_ref()
                    .map(|promise| {
                        decoded("signed entry timestamp", &promise.signed_entry_timestamp)
                    })
                    .transpose()?,
                has_inclusion_proof: entry.inclusion_proof.is_some(),
            })
        })
        .collect::<Result<_, BundleError>>()?;
    let material = match (
        material.certificate,
        material.x509_certificate_chain,
        material.public_key,
    ) {
        (Some(certificate), _, _) => {
            Material::Certificate(decoded("certificate", &certificate.raw_bytes)?)
        }
        (None, Some(chain), _) if !chain.certificates.is_empty() => Material::CertificateChain(
            chain
                .certificates
                .iter()
                .map(|certificate| decoded("certificate", &certificate.raw_bytes))
                .collect::<Result<_, _>>()?,
        ),
        (None, _, Some(hint)) => Material::PublicKey { hint: hint.hint },
        _ => return Err(BundleError::Missing("key or certificate")),
    };
    let content = match (raw.message_signature, raw.dsse_envelope) {
        (_, Some(envelope)) => Content::Envelope(Envelope::parse(envelope.to_string().as_bytes())?),
        (Some(message), None) => {
            let digest = message
                .message_digest
                .ok_or(BundleError::Missing("message digest"))?;
            Content::MessageSignature {
                algorithm: digest.algorithm,
                digest: decoded("message digest", &digest.digest)?,
                signature: decoded("signature", &message.signature)?,
            }
        }
        (None, None) => return Err(BundleError::Missing("message signature or DSSE envelope")),
    };
    Ok(Bundle {
        version,
        material,
        content,
        tlog_entries,
    })
}

/// What a bundle, checked with a reader's keys, says of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleCheck {
    /// Signed with one of the keys, and about this image: the statement's predicate type.
    Valid(String),
    /// Why not, in words.
    Invalid(String),
    /// Made with a certificate (keyless): checking it needs a trust root, not a key.
    Keyless,
}

impl Bundle {
    /// Checks the bundle's envelope with `keys` for `image`: a signature verifies over its payload's
    /// pre-authentication encoding, the payload is an in-toto statement, and one of its subjects is
    /// the image's digest. A message signature names no image, so it is never valid for one.
    pub fn check_for_image(&self, image: &Digest, keys: &[PublicKey]) -> BundleCheck {
        if !matches!(self.material, Material::PublicKey { .. }) {
            return BundleCheck::Keyless;
        }
        let Content::Envelope(envelope) = &self.content else {
            return BundleCheck::Invalid(
                "the bundle signs a message by its digest, which names no image".to_owned(),
            );
        };
        let signed = envelope.signed_bytes();
        let verified = envelope
            .signatures
            .iter()
            .any(|EnvelopeSignature { signature, .. }| {
                keys.iter().any(|key| key.verifies(&signed, signature))
            });
        if !verified {
            return BundleCheck::Invalid(
                "no signature of the bundle's envelope verifies with the key given".to_owned(),
            );
        }
        if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return BundleCheck::Invalid(format!(
                "the envelope carries {:?}, not an in-toto statement",
                envelope.payload_type
            ));
        }
        match serde_json::from_slice::<Statement>(&envelope.payload) {
            Ok(statement) if statement.is_about(image) => {
                BundleCheck::Valid(statement.predicate_type)
            }
            Ok(_) => BundleCheck::Invalid(format!(
                "the signed statement is about another digest, not {image}"
            )),
            Err(error) => {
                BundleCheck::Invalid(format!("the signed payload is no statement: {error}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dsse::pae;
    use crate::public_key::test_keys::{pair, sign};

    const IMAGE: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const OTHER: &str = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    fn statement_about(digest: &str) -> Vec<u8> {
        json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{ "name": "registry.test/app", "digest": { "sha256": digest.trim_start_matches("sha256:") } }],
            "predicateType": "https://sigstore.dev/cosign/sign/v1",
            "predicate": {},
        })
        .to_string()
        .into_bytes()
    }

    /// A key-signed v0.3 bundle whose envelope carries `payload`, signed with the key numbered `signer`.
    fn keyed_bundle(payload: &[u8], signer: u8) -> Vec<u8> {
        let (key, _) = pair(signer);
        let signature = sign(&key, &pae(IN_TOTO_PAYLOAD_TYPE, payload));
        json!({
            "mediaType": BUNDLE_V03,
            "verificationMaterial": {
                "publicKey": { "hint": "" },
                "tlogEntries": [{
                    "logIndex": "25", "integratedTime": "1767226200",
                    "kindVersion": { "kind": "dsse", "version": "0.0.1" },
                    "inclusionProof": { "logIndex": "25", "treeSize": "26" },
                }],
            },
            "dsseEnvelope": {
                "payload": base64::encode(payload, false),
                "payloadType": IN_TOTO_PAYLOAD_TYPE,
                "signatures": [{ "sig": base64::encode(&signature, false), "keyid": "" }],
            },
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn every_version_and_kind_of_content_reads() {
        let certificate = base64::encode(b"not really DER", false);
        let cases: [(&str, Value, BundleVersion, &str); 3] = [
            (
                "v0.1, a message signature with a chain and a signed entry timestamp",
                json!({
                    "mediaType": BUNDLE_V01,
                    "verificationMaterial": {
                        "x509CertificateChain": { "certificates": [{ "rawBytes": certificate }] },
                        "tlogEntries": [{ "logIndex": 7, "integratedTime": 1700000000,
                            "kindVersion": { "kind": "hashedrekord" },
                            "inclusionPromise": { "signedEntryTimestamp": base64::encode(b"set", false) } }],
                    },
                    "messageSignature": {
                        "messageDigest": { "algorithm": "SHA2_256", "digest": base64::encode(&[1; 32], false) },
                        "signature": base64::encode(b"sig", false),
                    },
                }),
                BundleVersion::V01,
                "chain",
            ),
            (
                "v0.2, a public key hint and an envelope",
                json!({
                    "mediaType": BUNDLE_V02,
                    "verificationMaterial": { "publicKey": { "hint": "abc" }, "tlogEntries": [] },
                    "dsseEnvelope": { "payload": base64::encode(b"{}", false), "payloadType": "text/plain", "signatures": [] },
                }),
                BundleVersion::V02,
                "key",
            ),
            (
                "v0.3, one certificate",
                json!({
                    "mediaType": BUNDLE_V03,
                    "verificationMaterial": { "certificate": { "rawBytes": certificate } },
                    "dsseEnvelope": { "payload": "", "payloadType": IN_TOTO_PAYLOAD_TYPE, "signatures": [] },
                }),
                BundleVersion::V03,
                "certificate",
            ),
        ];
        for (case, bundle, version, material) in cases {
            let read = read(bundle.to_string().as_bytes())
                .unwrap_or_else(|error| panic!("{case}: {error}"));
            assert_eq!(read.version, version, "{case}");
            let found = match &read.material {
                Material::PublicKey { .. } => "key",
                Material::Certificate(_) => "certificate",
                Material::CertificateChain(_) => "chain",
            };
            assert_eq!(found, material, "{case}");
        }
        let first = read(cases_first_tlog().as_bytes()).unwrap();
        assert_eq!(first.tlog_entries[0].log_index, 7);
        assert_eq!(first.tlog_entries[0].integrated_time, 1_700_000_000);
        assert_eq!(
            first.tlog_entries[0].signed_entry_timestamp.as_deref(),
            Some(&b"set"[..])
        );
    }

    fn cases_first_tlog() -> String {
        json!({
            "mediaType": BUNDLE_V01,
            "verificationMaterial": {
                "publicKey": {},
                "tlogEntries": [{ "logIndex": "7", "integratedTime": "1700000000",
                    "inclusionPromise": { "signedEntryTimestamp": base64::encode(b"set", false) } }],
            },
            "messageSignature": { "messageDigest": { "digest": "" }, "signature": "" },
        })
        .to_string()
    }

    #[test]
    fn what_is_not_a_bundle_is_refused() {
        let cases: [(&str, Value); 4] = [
            (
                "another version",
                json!({ "mediaType": "application/vnd.dev.sigstore.bundle+json;version=9", "verificationMaterial": { "publicKey": {} } }),
            ),
            (
                "no material",
                json!({ "mediaType": BUNDLE_V03, "dsseEnvelope": {} }),
            ),
            (
                "no content",
                json!({ "mediaType": BUNDLE_V03, "verificationMaterial": { "publicKey": {} } }),
            ),
            (
                "a certificate that is not base64",
                json!({ "mediaType": BUNDLE_V03, "verificationMaterial": { "certificate": { "rawBytes": "%%" } }, "messageSignature": { "messageDigest": { "digest": "" }, "signature": "" } }),
            ),
        ];
        for (case, bundle) in cases {
            assert!(read(bundle.to_string().as_bytes()).is_err(), "{case}");
        }
        assert!(read(b"not json").is_err());
    }

    #[test]
    fn a_key_signed_bundle_is_checked_for_an_image() {
        let image = Digest::parse(IMAGE).unwrap();
        let (_, ours) = pair(1);
        let cases: [(&str, Vec<u8>, bool); 3] = [
            (
                "signed by the key, about the image",
                keyed_bundle(&statement_about(IMAGE), 1),
                true,
            ),
            (
                "signed by another key",
                keyed_bundle(&statement_about(IMAGE), 2),
                false,
            ),
            (
                "about another image",
                keyed_bundle(&statement_about(OTHER), 1),
                false,
            ),
        ];
        for (case, bytes, valid) in cases {
            let bundle = read(&bytes).unwrap_or_else(|error| panic!("{case}: {error}"));
            let check = bundle.check_for_image(&image, std::slice::from_ref(&ours));
            assert_eq!(
                matches!(check, BundleCheck::Valid(_)),
                valid,
                "{case}: {check:?}"
            );
        }
        let keyless = json!({
            "mediaType": BUNDLE_V03,
            "verificationMaterial": { "certificate": { "rawBytes": base64::encode(b"der", false) } },
            "dsseEnvelope": { "payload": "", "payloadType": IN_TOTO_PAYLOAD_TYPE, "signatures": [] },
        });
        let bundle = read(keyless.to_string().as_bytes()).unwrap();
        assert_eq!(
            bundle.check_for_image(&image, &[ours]),
            BundleCheck::Keyless
        );
    }
}
