//! A signer's public key as a reader gives it: PEM (`-----BEGIN PUBLIC KEY-----`, what `cosign
//! generate-key-pair` writes) or the DER SubjectPublicKeyInfo itself (base64url in a page address,
//! `?key=`). The keys cosign signs with: ECDSA P-256 (its default, over SHA-256), RSA (PKCS #1 v1.5 over
//! SHA-256, as BYO-PKI certificates carry) and Ed25519.

use p256::pkcs8::DecodePublicKey;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use sha2::{Digest as _, Sha256};
use x509_cert::der::Decode as _;
use x509_cert::spki::SubjectPublicKeyInfoRef;

use crate::base64;

const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub(crate) const P256_CURVE: &str = "1.2.840.10045.3.1.7";
pub(crate) const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const ED25519: &str = "1.3.101.112";

/// A public key signatures are checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: Key,
    der: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    P256(p256::ecdsa::VerifyingKey),
    Rsa(Box<rsa::PublicKey>),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Why text is not a key Strata can verify with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not PEM, nor base64 of DER.
    #[error("not a public key: {0}")]
    Unreadable(String),
    /// A SubjectPublicKeyInfo of another algorithm or curve, or a malformed one.
    #[error("not a key Strata checks signatures with (ECDSA P-256, RSA, Ed25519): {0}")]
    Unsupported(String),
}

impl PublicKey {
    /// A key from its DER SubjectPublicKeyInfo.
    pub fn from_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let info = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|error| KeyError::Unsupported(error.to_string()))?;
        let unsupported = |error: String| KeyError::Unsupported(error);
        let bits = info.subject_public_key.raw_bytes();
        let key = match info.algorithm.oid.to_string().as_str() {
            EC_PUBLIC_KEY => {
                let curve = named_curve(info.algorithm.parameters);
                if curve != P256_CURVE {
                    return Err(unsupported(format!("an ECDSA key on curve {curve:?}")));
                }
                Key::P256(
                    p256::ecdsa::VerifyingKey::from_public_key_der(der)
                        .map_err(|error| unsupported(error.to_string()))?,
                )
            }
            RSA_ENCRYPTION => Key::Rsa(Box::new(
                rsa::PublicKey::from_pkcs1_der(bits)
                    .map_err(|error| unsupported(format!("an RSA key: {error}")))?,
            )),
            ED25519 => {
                let bytes: &[u8; 32] = bits
                    .try_into()
                    .map_err(|_| unsupported("an Ed25519 key of the wrong length".to_owned()))?;
                Key::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(bytes)
                        .map_err(|error| unsupported(format!("an Ed25519 key: {error}")))?,
                )
            }
            other => return Err(unsupported(format!("a key of algorithm {other}"))),
        };
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

    /// The DER SubjectPublicKeyInfo (an ECDSA key as it would be written again), what Rekor entries
    /// compare.
    pub fn der(&self) -> Vec<u8> {
        use p256::pkcs8::EncodePublicKey as _;
        match &self.key {
            Key::P256(key) => key
                .to_public_key_der()
                .map(|document| document.as_bytes().to_vec())
                .unwrap_or_else(|_| self.der.clone()),
            _ => self.der.clone(),
        }
    }

    /// Whether it is an ECDSA key (what a transparency log signs with).
    pub fn is_ecdsa(&self) -> bool {
        matches!(self.key, Key::P256(_))
    }

    /// Whether `signature` signs `message` with this key: ASN.1 DER ECDSA over SHA-256, RSA PKCS #1 v1.5
    /// over SHA-256, or Ed25519 over the message itself.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            Key::P256(key) => {
                use p256::ecdsa::signature::Verifier as _;
                p256::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|signature| key.verify(message, &signature).is_ok())
            }
            Key::Rsa(key) => key
                .verify(
                    rsa::Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(message),
                    signature,
                )
                .is_ok(),
            Key::Ed25519(key) => <&[u8; 64]>::try_from(signature).is_ok_and(|bytes| {
                key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(bytes))
                    .is_ok()
            }),
        }
    }
}

/// The curve an EC key's algorithm parameters name (its OID, dotted), or "" when they name none.
pub(crate) fn named_curve(parameters: Option<x509_cert::der::AnyRef<'_>>) -> String {
    parameters
        .and_then(|parameters| {
            parameters
                .decode_as::<x509_cert::der::asn1::ObjectIdentifier>()
                .ok()
        })
        .map(|oid| oid.to_string())
        .unwrap_or_default()
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
            Err(KeyError::Unsupported(_))
        ));
    }

    #[test]
    fn ed25519_keys_check_signatures_over_the_message_itself() {
        use ed25519_dalek::Signer as _;
        let signing = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        // SubjectPublicKeyInfo: the Ed25519 algorithm (1.3.101.112), then the 32 key bytes.
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(signing.verifying_key().as_bytes());
        let key = PublicKey::from_der(&der).expect("an Ed25519 key");
        assert!(!key.is_ecdsa());
        assert_eq!(key.der(), der);
        let signature = signing.sign(b"payload").to_bytes();
        assert!(key.verifies(b"payload", &signature));
        assert!(!key.verifies(b"another payload", &signature));
        assert!(!key.verifies(b"payload", &signature[..63]));
        let ecdsa = sign(&pair(1).0, b"payload");
        assert!(!key.verifies(b"payload", &ecdsa), "an ECDSA signature");
        assert!(
            !pair(1).1.verifies(b"payload", &signature),
            "an Ed25519 signature"
        );
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
