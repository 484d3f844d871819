//! A signer's public key as a reader gives it: PEM (`-----BEGIN PUBLIC KEY-----`, what `cosign
//! generate-key-pair` writes) or the DER SubjectPublicKeyInfo itself (base64url in a page address,
//! `?key=`). ECDSA P-256, cosign's default, is what Strata verifies.

use p256::ecdsa::VerifyingKey;
use p256::pkcs8::{DecodePublicKey, EncodePublicKey};

use crate::base64;

/// A public key signatures are checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    der: Vec<u8>,
}

/// Why text is not a key Strata can verify with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not PEM, nor base64 of DER.
    #[error("not a public key: {0}")]
    Unreadable(String),
    /// A SubjectPublicKeyInfo of another algorithm or curve.
    #[error("not an ECDSA P-256 public key (the kind cosign makes): {0}")]
    NotP256(String),
}

impl PublicKey {
    /// A key from its DER SubjectPublicKeyInfo.
    pub fn from_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let key = VerifyingKey::from_public_key_der(der)
            .map_err(|error| KeyError::NotP256(error.to_string()))?;
        Ok(PublicKey {
            key,
            der: der.to_vec(),
        })
    }

    /// A key from PEM (`PUBLIC KEY`).
    pub fn from_pem(text: &str) -> Result<PublicKey, KeyError> {
        let (label, der) = pem_rfc7468::decode_vec(text.trim().as_bytes())
            .map_err(|error| KeyError::Unreadable(error.to_string()))?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::Unreadable(format!(
                "a PEM {label:?} block, not a PUBLIC KEY"
            )));
        }
        PublicKey::from_der(&der)
    }

    /// A key as a page address carries it: base64url (or standard base64) of its DER.
    pub fn from_address_value(value: &str) -> Result<PublicKey, KeyError> {
        let der = base64::decode(value.trim())
            .map_err(|error| KeyError::Unreadable(error.to_string()))?;
        PublicKey::from_der(&der)
    }

    /// The value a page address carries: unpadded base64url of the DER.
    pub fn address_value(&self) -> String {
        base64::encode(&self.der, true)
    }

    /// The DER SubjectPublicKeyInfo, as it would be written again (what Rekor entries compare).
    pub fn der(&self) -> Vec<u8> {
        self.key
            .to_public_key_der()
            .map(|document| document.as_bytes().to_vec())
            .unwrap_or_else(|_| self.der.clone())
    }

    /// Whether `signature` (ASN.1 DER ECDSA) signs `message` (hashed with SHA-256) with this key.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        use p256::ecdsa::signature::Verifier as _;
        p256::ecdsa::DerSignature::from_bytes(signature)
            .ok()
            .and_then(|signature| p256::ecdsa::Signature::from_der(signature.as_bytes()).ok())
            .is_some_and(|signature| self.key.verify(message, &signature).is_ok())
    }
}

/// The DER inside a PEM `PUBLIC KEY` block, as a reader pastes it (any line breaks and spaces), without
/// checking that it is a key Strata can verify with ([`PublicKey::from_der`] does): the page's first-load
/// module turns a pasted key into `key=` with it, and carries no crypto.
pub fn pem_public_key_der(text: &str) -> Option<Vec<u8>> {
    let body = text
        .trim()
        .strip_prefix("-----BEGIN PUBLIC KEY-----")?
        .strip_suffix("-----END PUBLIC KEY-----")?;
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::decode(&compact).ok().filter(|der| !der.is_empty())
}

/// A key and signatures made in tests (RFC 6979: no random numbers).
#[cfg(test)]
pub(crate) mod test_keys {
    use p256::ecdsa::SigningKey;
    use p256::pkcs8::EncodePublicKey;

    /// The signing key numbered `n` and its public key.
    pub fn pair(n: u8) -> (SigningKey, super::PublicKey) {
        let signing = SigningKey::from_slice(&[n; 32]).expect("a scalar");
        let der = signing
            .verifying_key()
            .to_public_key_der()
            .expect("DER")
            .as_bytes()
            .to_vec();
        (signing, super::PublicKey::from_der(&der).expect("a key"))
    }

    /// `message` signed with `key`, ASN.1 DER.
    pub fn sign(key: &SigningKey, message: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::Signer as _;
        let signature: p256::ecdsa::Signature = key.sign(message);
        signature.to_der().as_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::test_keys::{pair, sign};
    use super::*;

    #[test]
    fn keys_read_from_pem_and_address_values_and_check_signatures() {
        let (signing, key) = pair(7);
        let pem = pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &key.der())
            .expect("PEM");
        let from_pem = PublicKey::from_pem(&pem).expect("a P-256 key");
        let from_address =
            PublicKey::from_address_value(&key.address_value()).expect("the same key");
        assert_eq!((from_pem.der(), from_address.der()), (key.der(), key.der()));
        assert!(!key.address_value().contains(['+', '/', '=']));

        let signature = sign(&signing, b"payload");
        assert!(key.verifies(b"payload", &signature));
        assert!(!key.verifies(b"another payload", &signature));
        assert!(!pair(8).1.verifies(b"payload", &signature), "another key");
        assert!(!key.verifies(b"payload", &signature[..signature.len() - 1]));

        for (text, expected) in [
            ("not a key", "not a public key"),
            (
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                "not a public key",
            ),
        ] {
            let error = PublicKey::from_pem(text).expect_err("refused").to_string();
            assert!(error.contains(expected), "{error}");
        }
        assert!(matches!(
            PublicKey::from_address_value("AAAA"),
            Err(KeyError::NotP256(_))
        ));
    }

    #[test]
    fn a_pasted_pem_gives_its_der_as_typed() {
        let (_, key) = pair(5);
        let pem =
            pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::CRLF, &key.der())
                .expect("PEM");
        assert_eq!(pem_public_key_der(&format!("  {pem}\n")), Some(key.der()));
        for text in [
            "",
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
            "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "-----BEGIN PUBLIC KEY-----\nAAAA",
        ] {
            assert_eq!(pem_public_key_der(text), None, "{text:?}");
        }
    }
}
