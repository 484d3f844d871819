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
use crate::rekor_set::{self, BUNDLE_ANNOTATION, Signer};
use crate::simple_signing::{self, SignedClaim};
use crate::trust_root::{KeylessTrust, TransparencyLog};
use strata_image::artifact::COSIGN_SIGNATURE_ANNOTATION;
use strata_image::media_type::COSIGN_SIMPLE_SIGNING;

/// The layer annotation holding the leaf certificate (PEM).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The layer annotation holding the chain (PEM, the root last).
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";

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
        &[],
        When::Logged(trust),
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
        intermediates,
        When::At(roots, now),
    )
}

/// When a certificate chain must hold, and up to what: the trust root's CAs when one of its
/// transparency logs integrated the signature, or the given roots at a given time.
enum When<'a> {
    Logged(&'a KeylessTrust),
    At(&'a [Certificate], i64),
}

/// The time a log of `trust`, valid then, vouches for with `check` (given one log key, the time it
/// says the entry was logged at), or why none does.
fn logged_time<E: std::fmt::Display>(
    logs: &[TransparencyLog],
    check: impl Fn(&[crate::public_key::PublicKey]) -> Result<i64, E>,
) -> Result<i64, String> {
    let mut first_error = None;
    for log in logs {
        match check(std::slice::from_ref(&log.key)) {
            Ok(time) if log.valid.contains(time) => return Ok(time),
            Ok(_) => {
                first_error.get_or_insert_with(|| {
                    "it was signed by a transparency log key outside the period the trust root \
                     trusts that key for"
                        .to_owned()
                });
            }
            Err(error) => {
                first_error.get_or_insert_with(|| error.to_string());
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        "it was logged, and the trust root names no transparency log to check that with".to_owned()
    }))
}

fn certified(
    media_type: &str,
    payload: &[u8],
    annotations: &BTreeMap<String, String>,
    image: &Digest,
    configured_intermediates: &[Certificate],
    when: When,
) -> KeylessCheck {
    if media_type != COSIGN_SIMPLE_SIGNING {
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
        .get(COSIGN_SIGNATURE_ANNOTATION)
        .map(|encoded| encoded.chars().filter(|c| !c.is_whitespace()).collect())
        .unwrap_or_default();
    let Ok(signature) = base64::decode(&unwrapped) else {
        return invalid("the signature annotation is not base64".to_owned());
    };
    let (roots, logged_at) = match when {
        When::At(roots, now) => (roots.to_vec(), now),
        When::Logged(trust) => {
            let Some(bundle) = annotations.get(BUNDLE_ANNOTATION) else {
                return invalid(
                    "no Rekor entry: a keyless signature is trusted only once logged".to_owned(),
                );
            };
            let logged = logged_time(&trust.logs, |log_keys| {
                rekor_set::verify(
                    bundle,
                    log_keys,
                    &signature,
                    Signer::Certificate(leaf.der()),
                    payload,
                )
            });
            match logged {
                Ok(time) => (trust.roots_at(time), time),
                Err(error) => return invalid(format!("its Rekor entry: {error}")),
            }
        }
    };
    if let Err(error) = certificate_chain::verify_chain(&leaf, &intermediates, &roots, logged_at) {
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
