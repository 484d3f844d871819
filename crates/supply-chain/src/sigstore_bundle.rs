//! Sigstore bundles (JSON, v0.1 to v0.3, as cosign v2 and v3 and the Sigstore clients write them, and as
//! OCI 1.1 referrers carry them): what was signed (a message's digest, or a DSSE envelope), with what
//! (a public key named by a hint, one certificate, or a certificate chain), and the transparency-log
//! entries; and a bundle checked for an image, with a reader's keys or, keyless, against a trust root.

use serde::Deserialize;
use serde_json::Value;
use strata_image::digest::Digest;

use crate::base64::{self, Base64Error};
use crate::certificate_chain::{self, Certificate};
use crate::dsse::{Envelope, EnvelopeError, EnvelopeSignature};
use crate::log_entry;
use crate::public_key::PublicKey;
use crate::statement::Statement;
use crate::trust_root::KeylessTrust;
use strata_image::media_type;

/// Bundle v0.1's media type.
pub const BUNDLE_V01: &str = "application/vnd.dev.sigstore.bundle+json;version=0.1";
/// Bundle v0.2's media type.
pub const BUNDLE_V02: &str = "application/vnd.dev.sigstore.bundle+json;version=0.2";

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
    /// The log's ID: the SHA-256 of its key.
    pub log_id: Vec<u8>,
    /// When the log integrated it, in Unix seconds.
    pub integrated_time: i64,
    /// `hashedrekord`, `dsse`, `intoto`…
    pub kind: String,
    /// The kind's version, `0.0.1` and the like.
    pub version: String,
    /// The entry as the log keeps it, base64 as the bundle gives it (empty when it gives none).
    pub canonicalized_body: String,
    /// The log's signed entry timestamp, when the bundle carries one.
    pub signed_entry_timestamp: Option<Vec<u8>>,
    /// The inclusion proof, when the bundle carries one.
    pub inclusion_proof: Option<InclusionProof>,
}

/// That an entry is in the log's Merkle tree: the path from its leaf to a root the log signed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InclusionProof {
    /// The entry's index in the tree.
    pub log_index: u64,
    /// The tree's root hash.
    pub root_hash: Vec<u8>,
    /// The tree's size.
    pub tree_size: u64,
    /// The audit path, from the leaf up.
    pub hashes: Vec<Vec<u8>>,
    /// The log's signed checkpoint (a signed note) for that tree.
    pub checkpoint: String,
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
    log_id: Option<RawLogId>,
    kind_version: Option<RawKindVersion>,
    inclusion_promise: Option<RawPromise>,
    inclusion_proof: Option<RawProof>,
    #[serde(default)]
    canonicalized_body: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    #[serde(default)]
    key_id: String,
}

#[derive(Deserialize)]
struct RawKindVersion {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProof {
    #[serde(default)]
    log_index: Value,
    #[serde(default)]
    root_hash: String,
    #[serde(default)]
    tree_size: Value,
    #[serde(default)]
    hashes: Vec<String>,
    checkpoint: Option<RawCheckpoint>,
}

#[derive(Deserialize)]
struct RawCheckpoint {
    #[serde(default)]
    envelope: String,
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

fn unsigned(value: &Value) -> u64 {
    integer(value)
        .and_then(|number| u64::try_from(number).ok())
        .unwrap_or_default()
}

fn proof(raw: &RawProof) -> Result<InclusionProof, BundleError> {
    Ok(InclusionProof {
        log_index: unsigned(&raw.log_index),
        root_hash: decoded("inclusion proof's root hash", &raw.root_hash)?,
        tree_size: unsigned(&raw.tree_size),
        hashes: raw
            .hashes
            .iter()
            .map(|hash| decoded("inclusion proof's hash", hash))
            .collect::<Result<_, _>>()?,
        checkpoint: raw
            .checkpoint
            .as_ref()
            .map(|checkpoint| checkpoint.envelope.clone())
            .unwrap_or_default(),
    })
}

/// The bundle version a media type names, if any.
fn version_of(media_type: &str) -> Option<BundleVersion> {
    match media_type {
        BUNDLE_V01 => Some(BundleVersion::V01),
        BUNDLE_V02 => Some(BundleVersion::V02),
        media_type::SIGSTORE_BUNDLE_V03
        | "application/vnd.dev.sigstore.bundle+json;version=0.3" => Some(BundleVersion::V03),
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
            let kind_version = entry.kind_version.as_ref();
            Ok(TlogEntry {
                log_index: unsigned(&entry.log_index),
                log_id: entry
                    .log_id
                    .as_ref()
                    .map(|id| decoded("log ID", &id.key_id))
                    .transpose()?
                    .unwrap_or_default(),
                integrated_time: integer(&entry.integrated_time).unwrap_or_default(),
                kind: kind_version
                    .map(|kind| kind.kind.clone())
                    .unwrap_or_default(),
                version: kind_version
                    .map(|kind| kind.version.clone())
                    .unwrap_or_default(),
                canonicalized_body: entry.canonicalized_body.clone(),
                signed_entry_timestamp: entry
                    .inclusion_promise
                    .as_ref()
                    .map(|promise| {
                        decoded("signed entry timestamp", &promise.signed_entry_timestamp)
                    })
                    .transpose()?,
                inclusion_proof: entry.inclusion_proof.as_ref().map(proof).transpose()?,
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

/// What a bundle, checked with a reader's keys or a trust root, says of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleCheck {
    /// Signed with one of the keys, and about this image: the statement's predicate type.
    Valid(String),
    /// Signed keyless, checked against the trust root, and about this image: who signed.
    ValidKeyless(CertifiedSigner),
    /// Why not, in words.
    Invalid(String),
    /// Made with a certificate (keyless): checking it needs a trust root, not a key.
    Keyless,
}

/// Who signed a bundle with a certificate, as its checked certificate and log entry say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedSigner {
    /// The certificate's subject alternative names (an email, a workflow's URI).
    pub identities: Vec<String>,
    /// The OIDC issuer that vouched for them.
    pub issuer: Option<String>,
    /// When the log integrated the signature (Unix seconds).
    pub logged_at: i64,
    /// The signed statement's predicate type.
    pub predicate_type: String,
}

impl Bundle {
    /// Whether it was signed with a certificate (keyless) rather than a key.
    pub fn is_keyless(&self) -> bool {
        !matches!(self.material, Material::PublicKey { .. })
    }

    /// Checks the bundle's envelope with `keys` for `image`: a signature verifies over its payload's
    /// pre-authentication encoding, the payload is an in-toto statement, and one of its subjects is
    /// the image's digest. A message signature names no image, so it is never valid for one.
    pub fn check_for_image(&self, image: &Digest, keys: &[PublicKey]) -> BundleCheck {
        if self.is_keyless() {
            return BundleCheck::Keyless;
        }
        match self.envelope_about(image, keys) {
            Ok(predicate_type) => BundleCheck::Valid(predicate_type),
            Err(why) => BundleCheck::Invalid(why),
        }
    }

    /// Checks a keyless bundle for `image` against `trust`, as the Sigstore clients do offline: one of
    /// its transparency-log entries is signed by a log of the trust root (and, with an inclusion proof,
    /// included in a tree the log signed) and records this signature and certificate; the certificate
    /// chains up to a CA of the trust root at the time the log integrated it; its key verifies the
    /// envelope; the envelope's statement is about the image.
    pub fn check_keyless(&self, image: &Digest, trust: &KeylessTrust) -> BundleCheck {
        let invalid = BundleCheck::Invalid;
        let ders = match &self.material {
            Material::PublicKey { .. } => {
                return invalid("signed with a key, not a certificate".to_owned());
            }
            Material::Certificate(der) => std::slice::from_ref(der),
            Material::CertificateChain(chain) => chain.as_slice(),
        };
        let certificates = match ders
            .iter()
            .map(|der| Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(certificates) => certificates,
            Err(error) => return invalid(format!("its certificate: {error}")),
        };
        let Some((leaf, intermediates)) = certificates.split_first() else {
            return invalid("its certificate chain is empty".to_owned());
        };
        if self.tlog_entries.is_empty() {
            return invalid(
                "no transparency-log entry: a keyless signature is trusted only once logged"
                    .to_owned(),
            );
        }
        let mut logged = Err(String::new());
        for entry in &self.tlog_entries {
            logged = log_entry::verify(entry, &self.content, leaf.der(), &trust.logs)
                .map_err(|error| error.to_string());
            if logged.is_ok() {
                break;
            }
        }
        let logged_at = match logged {
            Ok(time) => time,
            Err(why) => return invalid(format!("its transparency-log entry: {why}")),
        };
        if let Err(error) = certificate_chain::verify_chain(
            leaf,
            intermediates,
            &trust.roots_at(logged_at),
            logged_at,
        ) {
            return invalid(format!("its certificate: {error}"));
        }
        let key = match leaf.public_key() {
            Ok(key) => key,
            Err(error) => return invalid(format!("its certificate's key: {error}")),
        };
        match self.envelope_about(image, std::slice::from_ref(&key)) {
            Ok(predicate_type) => BundleCheck::ValidKeyless(CertifiedSigner {
                identities: leaf.identities(),
                issuer: leaf.oidc_issuer(),
                logged_at,
                predicate_type,
            }),
            Err(why) => invalid(why),
        }
    }

    /// That one of `keys` signed the envelope and its statement is about `image`: the predicate type.
    fn envelope_about(&self, image: &Digest, keys: &[PublicKey]) -> Result<String, String> {
        let Content::Envelope(envelope) = &self.content else {
            return Err(
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
            return Err(if matches!(self.material, Material::PublicKey { .. }) {
                "no signature of the bundle's envelope verifies with the key given".to_owned()
            } else {
                "no signature of the bundle's envelope verifies with its certificate's key"
                    .to_owned()
            });
        }
        if envelope.payload_type != media_type::IN_TOTO {
            return Err(format!(
                "the envelope carries {:?}, not an in-toto statement",
                envelope.payload_type
            ));
        }
        match serde_json::from_slice::<Statement>(&envelope.payload) {
            Ok(statement) if statement.is_about(image) => Ok(statement.predicate_type),
            Ok(_) => Err(format!(
                "the signed statement is about another digest, not {image}"
            )),
            Err(error) => Err(format!("the signed payload is no statement: {error}")),
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
        let signature = sign(&key, &pae(media_type::IN_TOTO, payload));
        json!({
            "mediaType": media_type::SIGSTORE_BUNDLE_V03,
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
                "payloadType": media_type::IN_TOTO,
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
                    "mediaType": media_type::SIGSTORE_BUNDLE_V03,
                    "verificationMaterial": { "certificate": { "rawBytes": certificate } },
                    "dsseEnvelope": { "payload": "", "payloadType": media_type::IN_TOTO, "signatures": [] },
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
                json!({ "mediaType": media_type::SIGSTORE_BUNDLE_V03, "dsseEnvelope": {} }),
            ),
            (
                "no content",
                json!({ "mediaType": media_type::SIGSTORE_BUNDLE_V03, "verificationMaterial": { "publicKey": {} } }),
            ),
            (
                "a certificate that is not base64",
                json!({ "mediaType": media_type::SIGSTORE_BUNDLE_V03, "verificationMaterial": { "certificate": { "rawBytes": "%%" } }, "messageSignature": { "messageDigest": { "digest": "" }, "signature": "" } }),
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
            "mediaType": media_type::SIGSTORE_BUNDLE_V03,
            "verificationMaterial": { "certificate": { "rawBytes": base64::encode(b"der", false) } },
            "dsseEnvelope": { "payload": "", "payloadType": media_type::IN_TOTO, "signatures": [] },
        });
        let bundle = read(keyless.to_string().as_bytes()).unwrap();
        assert_eq!(
            bundle.check_for_image(&image, &[ours]),
            BundleCheck::Keyless
        );
    }

    mod keyless {
        use super::*;
        use crate::certificate_chain::Certificate;
        use crate::log_entry::test_log;
        use crate::test_certificates::{Made, certificate, pem};
        use crate::trust_root::{Authority, TransparencyLog, Validity};

        /// 2026-01-01, inside the certificates' validity (2025 to 2035).
        const LOGGED_AT: i64 = 1_767_225_600;
        const EMAIL: &str = "builder@example.test";
        const ISSUER: &str = "https://issuer.example.test";

        /// The leaf certificate of key 21, issued by "Test CA" and signed with `ca_key`.
        fn leaf_signed_by(ca_key: &p256::ecdsa::SigningKey) -> Vec<u8> {
            let (_, leaf_public) = pair(21);
            let leaf = Made {
                subject: "",
                issuer: "Test CA",
                not_before: "250101000000Z",
                not_after: "350101000000Z",
                leaf_identity: Some((EMAIL, ISSUER)),
            };
            certificate(&leaf, &leaf_public, ca_key)
        }

        /// The CA (key 20), its leaf (key 21) and the log (key 22).
        struct World {
            leaf: Vec<u8>,
            trust: KeylessTrust,
        }

        fn world() -> World {
            let (ca_key, ca_public) = pair(20);
            let (_, log_public) = pair(22);
            let ca = Made {
                subject: "Test CA",
                issuer: "Test CA",
                not_before: "250101000000Z",
                not_after: "350101000000Z",
                leaf_identity: None,
            };
            let ca = certificate(&ca, &ca_public, &ca_key);
            let trust = KeylessTrust {
                authorities: vec![Authority {
                    certificates: vec![Certificate::from_der(&ca).expect("the CA")],
                    valid: Validity::default(),
                }],
                logs: vec![TransparencyLog::always(log_public)],
            };
            World {
                leaf: leaf_signed_by(&ca_key),
                trust,
            }
        }

        /// A v0.3 bundle: `statement` in an envelope signed by the leaf's key, logged at `time` by the log
        /// with key `log`; `edit` changes its JSON last.
        fn bundle(
            world: &World,
            statement: &[u8],
            time: i64,
            log: u8,
            edit: impl Fn(&mut Value),
        ) -> Bundle {
            let (leaf_key, _) = pair(21);
            let (log_key, log_public) = pair(log);
            let signature = sign(&leaf_key, &pae(media_type::IN_TOTO, statement));
            let envelope = json!({
                "payload": base64::encode(statement, false),
                "payloadType": media_type::IN_TOTO,
                "signatures": [{ "sig": base64::encode(&signature, false), "keyid": "" }],
            });
            let parsed = Envelope::parse(envelope.to_string().as_bytes()).expect("an envelope");
            let body = test_log::dsse_body(&parsed, &pem(&world.leaf));
            let mut bundle = json!({
                "mediaType": media_type::SIGSTORE_BUNDLE_V03,
                "verificationMaterial": {
                    "certificate": { "rawBytes": base64::encode(&world.leaf, false) },
                    "tlogEntries": [test_log::entry(&body, time, &log_key, &log_public)],
                },
                "dsseEnvelope": envelope,
            });
            edit(&mut bundle);
            read(bundle.to_string().as_bytes()).expect("a bundle")
        }

        #[test]
        fn a_keyless_bundle_logged_and_certified_is_valid_for_its_image_only() {
            let world = world();
            let image = Digest::parse(IMAGE).unwrap();
            let valid = bundle(&world, &statement_about(IMAGE), LOGGED_AT, 22, |_| {});
            assert_eq!(
                valid.check_keyless(&image, &world.trust),
                BundleCheck::ValidKeyless(CertifiedSigner {
                    identities: vec![EMAIL.to_owned()],
                    issuer: Some(ISSUER.to_owned()),
                    logged_at: LOGGED_AT,
                    predicate_type: "https://sigstore.dev/cosign/sign/v1".to_owned(),
                })
            );
            assert_eq!(valid.check_for_image(&image, &[]), BundleCheck::Keyless);
            // The same bundle with its chain given as v0.1/v0.2 bundles give it.
            let chained = bundle(&world, &statement_about(IMAGE), LOGGED_AT, 22, |bundle| {
                let material = &mut bundle["verificationMaterial"];
                let leaf = material["certificate"]["rawBytes"].take();
                material.as_object_mut().unwrap().remove("certificate");
                material["x509CertificateChain"] =
                    json!({ "certificates": [{ "rawBytes": leaf }] });
            });
            assert!(matches!(
                chained.check_keyless(&image, &world.trust),
                BundleCheck::ValidKeyless(_)
            ));
            // A proof without its checkpoint proves nothing, and the signed entry timestamp still vouches.
            let unproven = bundle(&world, &statement_about(IMAGE), LOGGED_AT, 22, |bundle| {
                let proof = &mut bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"];
                proof.as_object_mut().unwrap().remove("checkpoint");
            });
            assert!(matches!(
                unproven.check_keyless(&image, &world.trust),
                BundleCheck::ValidKeyless(_)
            ));
        }

        #[test]
        fn every_broken_link_makes_a_keyless_bundle_invalid_with_its_reason() {
            let world = world();
            let image = Digest::parse(IMAGE).unwrap();
            let about = statement_about(IMAGE);
            let (_, other_log) = pair(23);
            let (other_ca_key, _) = pair(24);
            let foreign_leaf = leaf_signed_by(&other_ca_key);
            let later_trust = |valid: Validity, log_valid: Validity| KeylessTrust {
                authorities: vec![Authority {
                    valid,
                    ..world.trust.authorities[0].clone()
                }],
                logs: vec![TransparencyLog {
                    valid: log_valid,
                    ..world.trust.logs[0].clone()
                }],
            };
            let from_2027 = Validity {
                start: Some(1_798_761_600),
                end: None,
            };
            let cases: Vec<(&str, Bundle, KeylessTrust, &str)> = vec![
                (
                    "about another image",
                    bundle(&world, &statement_about(OTHER), LOGGED_AT, 22, |_| {}),
                    world.trust.clone(),
                    "about another digest",
                ),
                (
                    "logged by a log the trust root does not name",
                    bundle(&world, &about, LOGGED_AT, 23, |_| {}),
                    world.trust.clone(),
                    "does not name",
                ),
                (
                    "a trust root naming another log",
                    bundle(&world, &about, LOGGED_AT, 22, |_| {}),
                    KeylessTrust {
                        logs: vec![TransparencyLog::always(other_log)],
                        ..world.trust.clone()
                    },
                    "does not name",
                ),
                (
                    "its time changed after the log signed it",
                    bundle(&world, &about, LOGGED_AT, 22, |bundle| {
                        bundle["verificationMaterial"]["tlogEntries"][0]["integratedTime"] =
                            json!("1767225601");
                    }),
                    world.trust.clone(),
                    "signed entry timestamp is not signed",
                ),
                (
                    "no signed entry timestamp",
                    bundle(&world, &about, LOGGED_AT, 22, |bundle| {
                        bundle["verificationMaterial"]["tlogEntries"][0]
                            .as_object_mut()
                            .unwrap()
                            .remove("inclusionPromise");
                    }),
                    world.trust.clone(),
                    "is missing",
                ),
                (
                    "an inclusion proof altered",
                    bundle(&world, &about, LOGGED_AT, 22, |bundle| {
                        bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"]
                            [0] = json!(base64::encode(&[7; 32], false));
                    }),
                    world.trust.clone(),
                    "another root hash",
                ),
                (
                    "a checkpoint for another tree",
                    bundle(&world, &about, LOGGED_AT, 22, |bundle| {
                        let proof =
                            &mut bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"];
                        let note = proof["checkpoint"]["envelope"]
                            .as_str()
                            .unwrap()
                            .replace("\n11\n", "\n12\n");
                        proof["checkpoint"]["envelope"] = json!(note);
                    }),
                    world.trust.clone(),
                    "checkpoint",
                ),
                (
                    "no log entry",
                    bundle(&world, &about, LOGGED_AT, 22, |bundle| {
                        bundle["verificationMaterial"]["tlogEntries"] = json!([]);
                    }),
                    world.trust.clone(),
                    "only once logged",
                ),
                (
                    "a certificate of another CA",
                    bundle(&world, &about, LOGGED_AT, 22, |bundle| {
                        bundle["verificationMaterial"]["certificate"]["rawBytes"] =
                            json!(base64::encode(&foreign_leaf, false));
                    }),
                    world.trust.clone(),
                    "another signature or signer was logged",
                ),
                (
                    "logged after the certificate expired",
                    bundle(&world, &about, 2_100_000_000, 22, |_| {}),
                    world.trust.clone(),
                    "certificate",
                ),
                (
                    "logged before the trust root trusts the CA",
                    bundle(&world, &about, LOGGED_AT, 22, |_| {}),
                    later_trust(from_2027, Validity::default()),
                    "certificate",
                ),
                (
                    "logged before the trust root trusts the log",
                    bundle(&world, &about, LOGGED_AT, 22, |_| {}),
                    later_trust(Validity::default(), from_2027),
                    "not trusted at the time",
                ),
            ];
            for (case, bundle, trust, reason) in cases {
                match bundle.check_keyless(&image, &trust) {
                    BundleCheck::Invalid(why) => assert!(why.contains(reason), "{case}: {why}"),
                    other => panic!("{case}: {other:?}"),
                }
            }
        }
    }
}
