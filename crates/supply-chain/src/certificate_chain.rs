//! X.509 certificates as keyless signing uses them: Fulcio's short-lived leaf, checked up through its
//! intermediates to a trusted root at the time the signature was logged (every link's signature, ECDSA
//! P-256 or P-384 over SHA-256 or SHA-384, or RSA PKCS #1 v1.5 over SHA-256 to SHA-512 as one's own PKI
//! signs, every certificate valid then, every issuer a CA), and the
//! identity the leaf vouches for: its subject alternative names and the OIDC issuer Fulcio records in an
//! extension of its own.

use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, SubjectAltName};

use crate::public_key::{P256_CURVE, PublicKey, RSA_ENCRYPTION};

/// Fulcio's OIDC issuer extension, v1: the issuer's URL as raw bytes.
const FULCIO_ISSUER_V1: &str = "1.3.6.1.4.1.57264.1.1";
/// Fulcio's OIDC issuer extension, v2: a DER UTF8String.
const FULCIO_ISSUER_V2: &str = "1.3.6.1.4.1.57264.1.8";
const SUBJECT_ALT_NAME: &str = "2.5.29.17";
const BASIC_CONSTRAINTS: &str = "2.5.29.19";
const ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_WITH_SHA384: &str = "1.2.840.10045.4.3.3";
const P384_CURVE: &str = "1.3.132.0.34";
const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
const SHA384_WITH_RSA: &str = "1.2.840.113549.1.1.12";
const SHA512_WITH_RSA: &str = "1.2.840.113549.1.1.13";
/// Longer chains are refused: Fulcio's has two links.
const MOST_LINKS: usize = 8;

/// One certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    parsed: x509_cert::Certificate,
}

/// Why a certificate or a chain is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// Not PEM, or not DER of a certificate.
    #[error("not a certificate: {0}")]
    Unreadable(String),
    /// A signature algorithm or key Strata does not check (it checks ECDSA P-256 and P-384, and RSA).
    #[error("a {0} Strata does not check")]
    Unsupported(String),
    /// A certificate outside its validity at the time asked.
    #[error(
        "the certificate for {subject} is valid from {not_before} to {not_after} (Unix seconds), not at {at}"
    )]
    NotValidAt {
        /// Its subject.
        subject: String,
        /// Its validity.
        not_before: i64,
        /// Its validity.
        not_after: i64,
        /// The time asked.
        at: i64,
    },
    /// No trusted root is reached.
    #[error("no trusted root issued the certificate for {0}")]
    Untrusted(String),
}

impl Certificate {
    /// A certificate from its DER.
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertificateError> {
        let parsed = x509_cert::Certificate::from_der(der)
            .map_err(|error| CertificateError::Unreadable(error.to_string()))?;
        Ok(Certificate {
            der: der.to_vec(),
            parsed,
        })
    }

    /// Every `CERTIFICATE` block of a PEM text, in order.
    pub fn from_pem(text: &str) -> Result<Vec<Certificate>, CertificateError> {
        const END: &str = "-----END CERTIFICATE-----";
        let mut certificates = Vec::new();
        for block in text
            .split_inclusive(END)
            .filter(|block| block.contains(END))
        {
            let (label, der) = pem_rfc7468::decode_vec(block.trim().as_bytes())
                .map_err(|error| CertificateError::Unreadable(error.to_string()))?;
            if label != "CERTIFICATE" {
                return Err(CertificateError::Unreadable(format!(
                    "a PEM {label:?} block"
                )));
            }
            certificates.push(Certificate::from_der(&der)?);
        }
        if certificates.is_empty() {
            return Err(CertificateError::Unreadable(
                "no PEM certificate".to_owned(),
            ));
        }
        Ok(certificates)
    }

    /// Its DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Its subject, as text.
    pub fn subject(&self) -> String {
        self.parsed.tbs_certificate().subject().to_string()
    }

    /// Its validity, in Unix seconds: not before, not after.
    pub fn validity(&self) -> (i64, i64) {
        let validity = self.parsed.tbs_certificate().validity();
        let seconds = |time: &x509_cert::time::Time| {
            i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        (seconds(&validity.not_before), seconds(&validity.not_after))
    }

    /// Its subject alternative names: emails, URIs and DNS names, as text.
    pub fn identities(&self) -> Vec<String> {
        let Some(extension) = self.extension(SUBJECT_ALT_NAME) else {
            return Vec::new();
        };
        let Ok(names) = SubjectAltName::from_der(extension) else {
            return Vec::new();
        };
        names
            .0
            .iter()
            .filter_map(|name| match name {
                GeneralName::Rfc822Name(email) => Some(email.to_string()),
                GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                GeneralName::DnsName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect()
    }

    /// The OIDC issuer Fulcio recorded: its v2 extension (a UTF8String), else its v1 (raw bytes).
    pub fn oidc_issuer(&self) -> Option<String> {
        if let Some(value) = self.extension(FULCIO_ISSUER_V2) {
            return x509_cert::der::asn1::Utf8StringRef::from_der(value)
                .ok()
                .map(|text| text.to_string());
        }
        self.extension(FULCIO_ISSUER_V1)
            .and_then(|value| std::str::from_utf8(value).ok())
            .map(str::to_owned)
    }

    /// Its public key, when it is one Strata checks signatures with (the leaf's, which signs payloads).
    pub fn public_key(&self) -> Result<PublicKey, CertificateError> {
        let spki = self
            .parsed
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|error| CertificateError::Unreadable(error.to_string()))?;
        PublicKey::from_der(&spki).map_err(|error| CertificateError::Unsupported(error.to_string()))
    }

    fn extension(&self, oid: &str) -> Option<&[u8]> {
        self.parsed
            .tbs_certificate()
            .extensions()
            .into_iter()
            .flatten()
            .find(|extension| extension.extn_id.to_string() == oid)
            .map(|extension| extension.extn_value.as_bytes())
    }

    fn is_ca(&self) -> bool {
        self.extension(BASIC_CONSTRAINTS)
            .and_then(|value| BasicConstraints::from_der(value).ok())
            .is_some_and(|constraints| constraints.ca)
    }

    fn valid_at(&self, at: i64) -> Result<(), CertificateError> {
        let (not_before, not_after) = self.validity();
        if (not_before..=not_after).contains(&at) {
            return Ok(());
        }
        Err(CertificateError::NotValidAt {
            subject: self.subject(),
            not_before,
            not_after,
            at,
        })
    }

    /// Whether `issuer` named this certificate's issuer and signed it.
    fn issued_by(&self, issuer: &Certificate) -> Result<bool, CertificateError> {
        let tbs = self.parsed.tbs_certificate();
        if tbs.issuer() != issuer.parsed.tbs_certificate().subject() {
            return Ok(false);
        }
        let signed = tbs
            .to_der()
            .map_err(|error| CertificateError::Unreadable(error.to_string()))?;
        let signature = self.parsed.signature().raw_bytes();
        let key_info = issuer.parsed.tbs_certificate().subject_public_key_info();
        let rsa = |scheme: rsa::Pkcs1v15Sign, digest: &[u8]| {
            if key_info.algorithm.oid.to_string() != RSA_ENCRYPTION {
                return Err(CertificateError::Unsupported(
                    "RSA signature by a key that is not RSA".to_owned(),
                ));
            }
            let key = rsa::PublicKey::from_pkcs1_der(key_info.subject_public_key.raw_bytes())
                .map_err(|error| CertificateError::Unsupported(format!("RSA key: {error}")))?;
            Ok(key.verify(scheme, digest, signature).is_ok())
        };
        let digest = match self.parsed.signature_algorithm().oid.to_string().as_str() {
            ECDSA_WITH_SHA256 => Sha256::digest(&signed).to_vec(),
            ECDSA_WITH_SHA384 => Sha384::digest(&signed).to_vec(),
            SHA256_WITH_RSA => {
                return rsa(rsa::Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(&signed));
            }
            SHA384_WITH_RSA => {
                return rsa(rsa::Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(&signed));
            }
            SHA512_WITH_RSA => {
                return rsa(rsa::Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(&signed));
            }
            other => {
                return Err(CertificateError::Unsupported(format!(
                    "signature algorithm {other}"
                )));
            }
        };
        let curve =
            crate::public_key::named_curve(key_info.algorithm.parameters.as_ref().map(Into::into));
        let point = key_info.subject_public_key.raw_bytes();
        let verified = match curve.as_str() {
            P256_CURVE => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .zip(p256::ecdsa::Signature::from_der(signature).ok())
                .is_some_and(|(key, signature)| key.verify_prehash(&digest, &signature).is_ok()),
            P384_CURVE => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .zip(p384::ecdsa::Signature::from_der(signature).ok())
                .is_some_and(|(key, signature)| key.verify_prehash(&digest, &signature).is_ok()),
            other => {
                return Err(CertificateError::Unsupported(format!(
                    "issuer key on curve {other:?}"
                )));
            }
        };
        Ok(verified)
    }
}

/// Checks `leaf` up through `intermediates` to one of `roots`: each link issued and signed by the next,
/// each issuer a CA, each certificate valid at `at` (Unix seconds: for a keyless signature, when the log
/// integrated it, as Fulcio's leaves live ten minutes). Only `roots` are trusted.
pub fn verify_chain(
    leaf: &Certificate,
    intermediates: &[Certificate],
    roots: &[Certificate],
    at: i64,
) -> Result<(), CertificateError> {
    let mut current = leaf.clone();
    for _ in 0..MOST_LINKS {
        current.valid_at(at)?;
        if roots.iter().any(|root| root.der == current.der) {
            return Ok(());
        }
        let mut issuer = None;
        for candidate in roots.iter().chain(intermediates) {
            if candidate.der != current.der && candidate.is_ca() && current.issued_by(candidate)? {
                issuer = Some(candidate.clone());
                break;
            }
        }
        match issuer {
            Some(next) => current = next,
            None => return Err(CertificateError::Untrusted(current.subject())),
        }
    }
    Err(CertificateError::Untrusted(leaf.subject()))
}
