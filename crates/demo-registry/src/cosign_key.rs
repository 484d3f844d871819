//! The demo's cosign key pair: a real P-256 key made from a fixed seed (public, like everything in the
//! demo: it proves only that the page checks signatures, not who signed), and signatures made with it as
//! `cosign sign --key` makes them (ECDSA over SHA-256, DER-encoded).

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey as _;
use sha2::{Digest, Sha256};

use crate::error::{Context as _, Result};

fn signing_key() -> Result<SigningKey> {
    SigningKey::from_slice(&Sha256::digest(b"strata demo cosign key")).context("the demo key")
}

/// The public key's DER `SubjectPublicKeyInfo`.
pub(super) fn public_key_der() -> Result<Vec<u8>> {
    let der = signing_key()?
        .verifying_key()
        .to_public_key_der()
        .context("the demo key's DER")?;
    Ok(der.as_bytes().to_vec())
}

/// The public key as a `PUBLIC KEY` PEM block, as `cosign generate-key-pair` writes `cosign.pub`.
pub(super) fn public_key_pem() -> Result<String> {
    signing_key()?
        .verifying_key()
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .context("the demo key's PEM")
}

/// `bytes` signed with the demo key: a DER ECDSA signature, deterministic (RFC 6979).
pub(super) fn sign(bytes: &[u8]) -> Result<Vec<u8>> {
    let signature: Signature = signing_key()?.sign(bytes);
    Ok(signature.to_der().as_bytes().to_vec())
}
