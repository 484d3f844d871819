//! Cosign's keyless signatures, checked as containers/image checks them with a Fulcio trust root: the
//! layer's certificate (`dev.sigstore.cosign/certificate`) chains through its intermediates
//! (`dev.sigstore.cosign/chain`, the root last and not trusted for being there) to a trusted root at
//! the time the Rekor log integrated the signature (its signed entry timestamp, checked offline with the
//! log's key), the certificate's key verifies the signature over the payload, and the payload vouches for
//! the image's digest. What the page shows of it: who signed (the certificate's identities) and with which
//! OIDC issuer. A certificate of one's own PKI (BYO-PKI) is checked the same way, against one's CA at a
//! given time, with no log.

use std::collections::BTreeMap;

use strata_image::digest::Digest;

use crate::base64;
use crate::certificate_chain::{self, Certificate};
use crate::cosign_signature::{SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE};
use crate::public_key::PublicKey;
use crate::rekor_set::{self, BUNDLE_ANNOTATION, Signer};
use crate::simple_signing::{self, SignedClaim};

/// The layer annotation holding the leaf certificate (PEM).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The layer annotation holding the chain (PEM, the root last).
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";

/// What keyless signatures are checked against: the CA roots and the transparency logs' keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeylessTrust {
    /// Trusted CA certificates (Fulcio's roots and intermediates, as a trust root lists them).
    pub roots: Vec<Certificate>,
    /// The Rekor logs' public keys.
    pub log_keys: Vec<PublicKey>,
}

/// Who a valid keyless signature says signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeylessSigner {
    /// What the payload claims.
    pub claim: SignedClaim,
    /// The certificate's subject alternative names (an email, a workflow's URI).
    pub identities: Vec<String>,
    /// The OIDC issuer that vouched for them.
    pub issuer: Option<String>,
    /// When the log integrated the signature (Unix seconds).
    pub logged_at: i64,
}

/// What one layer of a signature manifest is, checked keyless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeylessCheck {
    /// Not a simple-signing layer.
    NotASignature,
    /// Signed with a key, not a certificate: a key checks it.
    NotKeyless,
    /// Valid: who signed.
    Valid(KeylessSigner),
    /// Why not, in words.
    Invalid(String),
}

/// Checks one layer keyless, for the image whose manifest digest is `image`.
pub fn check_layer(
    media_type: &str,
    payload: &[u8],
    annotations: &BTreeMap<String, String>,
    image: &Digest,
    trust: &KeylessTrust,
) -> KeylessCheck {
    certified(
        media_type,
        payload,
        annotations,
        image,
        &trust.roots,
        &[],
        When::Logged(&trust.log_keys),
    )
}

/// Checks one layer signed with a certificate of one's own PKI (cosign's BYO-PKI, as containers/image
/// checks it): the chain up to `roots`, through the layer's chain and `intermediates`, valid at `now`
/// (Unix seconds; no log is involved), then the signature and the digest as for a keyless one.
pub fn check_layer_with_ca(
    media_type: &str,
    payload: &[u8],
    annotations: &BTreeMap<String, String>,
    image: &Digest,
    roots: &[Certificate],
    intermediates: &[Certificate],
    now: i64,
) -> KeylessCheck {
    certified(
        media_type,
        payload,
        annotations,
        image,
        roots,
        intermediates,
        When::At(now),
    )
}

/// When a certificate chain must hold: when a transparency log (one of these keys) integrated the
/// signature, or at a given time.
enum When<'a> {
    Logged(&'a [PublicKey]),
    At(i64),
}

fn certified(
    media_type: &str,
    payload: &[u8],
    annotations: &BTreeMap<String, String>,
    image: &Digest,
    roots: &[Certificate],
    configured_intermediates: &[Certificate],
    when: When,
) -> KeylessCheck {
    if media_type != SIMPLE_SIGNING_MEDIA_TYPE {
        return KeylessCheck::NotASignature;
    }
    let Some(certificate) = annotations.get(CERTIFICATE_ANNOTATION) else {
        return KeylessCheck::NotKeyless;
    };
    let invalid = |why: String| KeylessCheck::Invalid(why);
    let leaf = match Certificate::from_pem(certificate) {
        Ok(mut certificates) if certificates.len() == 1 => certificates.remove(0),
        Ok(_) => {
            return invalid(
                "the certificate annotation holds more than one certificate".to_owned(),
            );
        }
        Err(error) => return invalid(format!("its certificate: {error}")),
    };
    let mut intermediates = match annotations.get(CHAIN_ANNOTATION) {
        Some(chain) => match Certificate::from_pem(chain) {
            // The chain's last certificate is its root: trusted only if the trust root has it.
            Ok(mut chain) => {
                chain.pop();
                chain
            }
            Err(error) => return invalid(format!("its chain: {error}")),
        },
        None => Vec::new(),
    };
    intermediates.extend_from_slice(configured_intermediates);
    let unwrapped: String = annotations
        .get(SIGNATURE_ANNOTATION)
        .map(|encoded| encoded.chars().filter(|c| !c.is_whitespace()).collect())
        .unwrap_or_default();
    let Ok(signature) = base64::decode(&unwrapped) else {
        return invalid("the signature annotation is not base64".to_owned());
    };
    let logged_at = match when {
        When::At(now) => now,
        When::Logged([]) => {
            return invalid(
                "it was logged in Rekor, and the trust root names no transparency log to check that with"
                    .to_owned(),
            );
        }
        When::Logged(log_keys) => {
            let Some(bundle) = annotations.get(BUNDLE_ANNOTATION) else {
                return invalid(
                    "no Rekor entry: a keyless signature is trusted only once logged".to_owned(),
                );
            };
            match rekor_set::verify(
                bundle,
                log_keys,
                &signature,
                Signer::Certificate(leaf.der()),
                payload,
            ) {
                Ok(time) => time,
                Err(error) => return invalid(format!("its Rekor entry: {error}")),
            }
        }
    };
    if let Err(error) = certificate_chain::verify_chain(&leaf, &intermediates, roots, logged_at) {
        return invalid(format!("its certificate: {error}"));
    }
    let key = match leaf.public_key() {
        Ok(key) => key,
        Err(error) => return invalid(format!("its certificate's key: {error}")),
    };
    if !key.verifies(payload, &signature) {
        return invalid("the signature does not verify with its certificate's key".to_owned());
    }
    let claim = match simple_signing::read(payload) {
        Ok(claim) => claim,
        Err(error) => return invalid(error.to_string()),
    };
    if claim.manifest_digest != image.to_string() {
        return invalid(format!(
            "the signature is genuine, but it vouches for {}, not this image ({image})",
            claim.manifest_digest
        ));
    }
    KeylessCheck::Valid(KeylessSigner {
        claim,
        identities: leaf.identities(),
        issuer: leaf.oidc_issuer(),
        logged_at,
    })
}

/// The media type of a Sigstore trust root (`trusted_root.json`), v0.1.
pub const TRUSTED_ROOT_MEDIA_TYPE: &str =
    "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

/// Why a trust root could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustRootError {
    /// Not a trust root's JSON.
    #[error("not a Sigstore trust root: {0}")]
    Shape(String),
    /// A certificate or key in it that cannot be read.
    #[error("the trust root's {0}")]
    Content(String),
    /// No CA, or no log key: nothing keyless could be checked.
    #[error("the trust root names no {0}")]
    Missing(&'static str),
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTrustRoot {
    media_type: String,
    #[serde(default)]
    tlogs: Vec<RawLog>,
    #[serde(default)]
    certificate_authorities: Vec<RawAuthority>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLog {
    public_key: RawRawBytes,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthority {
    cert_chain: RawChain,
}

#[derive(serde::Deserialize)]
struct RawChain {
    #[serde(default)]
    certificates: Vec<RawRawBytes>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRawBytes {
    raw_bytes: String,
}

impl KeylessTrust {
    /// Reads a Sigstore trust root (`trusted_root.json`, as the Sigstore TUF repository publishes it and
    /// `--sigstore-trust-root` gives it): every certificate of every CA's chain is trusted, and every
    /// transparency log's ECDSA P-256 key (other keys are not a log's, as containers/image holds). One
    /// with CAs and no log is one's own PKI's: it checks certificates with no log entry. Validity periods
    /// are not applied: a certificate's own validity is.
    pub fn from_trusted_root(bytes: &[u8]) -> Result<KeylessTrust, TrustRootError> {
        let raw: RawTrustRoot = serde_json::from_slice(bytes)
            .map_err(|error| TrustRootError::Shape(error.to_string()))?;
        if raw.media_type != TRUSTED_ROOT_MEDIA_TYPE {
            return Err(TrustRootError::Shape(format!(
                "media type {:?}, not {TRUSTED_ROOT_MEDIA_TYPE}",
                raw.media_type
            )));
        }
        let decoded = |what: &str, text: &str| {
            base64::decode(text)
                .map_err(|error| TrustRootError::Content(format!("{what}: {error}")))
        };
        let mut roots = Vec::new();
        for authority in &raw.certificate_authorities {
            for certificate in &authority.cert_chain.certificates {
                let der = decoded("certificate", &certificate.raw_bytes)?;
                roots.push(
                    Certificate::from_der(&der)
                        .map_err(|error| TrustRootError::Content(error.to_string()))?,
                );
            }
        }
        let log_keys: Vec<PublicKey> = raw
            .tlogs
            .iter()
            .filter_map(|log| decoded("log key", &log.public_key.raw_bytes).ok())
            .filter_map(|der| PublicKey::from_der(&der).ok())
            .filter(PublicKey::is_ecdsa)
            .collect();
        if roots.is_empty() {
            return Err(TrustRootError::Missing("certificate authority"));
        }
        Ok(KeylessTrust { roots, log_keys })
    }
}
