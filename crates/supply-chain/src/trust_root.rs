//! A Sigstore trust root (`trusted_root.json`, as the Sigstore TUF repository publishes it and the proxy's
//! `--sigstore-trust-root` gives it): the certificate authorities keyless certificates chain up to and
//! the transparency logs whose keys sign entries, each trusted only within its `validFor` period.

use sha2::{Digest as _, Sha256};
use strata_image::tag_table::created_seconds;
use strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE;

use crate::base64;
use crate::certificate_chain::Certificate;
use crate::public_key::PublicKey;

/// When a CA or a log key is trusted: from `start` until `end` (Unix seconds), either open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validity {
    /// The first second, if any.
    pub start: Option<i64>,
    /// The last second, if any.
    pub end: Option<i64>,
}

impl Validity {
    /// Whether `at` is inside the period.
    pub fn contains(&self, at: i64) -> bool {
        self.start.is_none_or(|start| start <= at) && self.end.is_none_or(|end| at <= end)
    }
}

/// A certificate authority: its chain's certificates, every one trusted within its period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// The certificates of its chain.
    pub certificates: Vec<Certificate>,
    /// When certificates it issued are trusted.
    pub valid: Validity,
}

/// A transparency log: the key it signs entries and checkpoints with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransparencyLog {
    /// Its ECDSA key.
    pub key: PublicKey,
    /// When entries it signed are trusted.
    pub valid: Validity,
}

impl TransparencyLog {
    /// A log valid at any time.
    pub fn always(key: PublicKey) -> TransparencyLog {
        TransparencyLog {
            key,
            valid: Validity::default(),
        }
    }

    /// The log's ID as its entries name it: the SHA-256 of its key's DER.
    pub fn log_id(&self) -> Vec<u8> {
        Sha256::digest(self.key.der()).to_vec()
    }
}

/// What keyless signatures are checked against: the CAs and the transparency logs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeylessTrust {
    /// Trusted CAs (Fulcio's, or one's own PKI's).
    pub authorities: Vec<Authority>,
    /// The transparency logs (Rekor).
    pub logs: Vec<TransparencyLog>,
}

/// Why a trust root could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustRootError {
    /// Not a trust root's JSON.
    #[error("not a Sigstore trust root: {0}")]
    Shape(String),
    /// A certificate, key or time in it that cannot be read.
    #[error("the trust root's {0}")]
    Content(String),
    /// No CA: nothing keyless could be checked.
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
    public_key: RawLogKey,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogKey {
    raw_bytes: String,
    valid_for: Option<RawPeriod>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthority {
    cert_chain: RawChain,
    valid_for: Option<RawPeriod>,
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

#[derive(serde::Deserialize)]
struct RawPeriod {
    start: Option<String>,
    end: Option<String>,
}

impl KeylessTrust {
    /// Reads a trust root: every certificate of every CA's chain is trusted within the CA's period, and
    /// every transparency log's ECDSA key within its own (other keys are not a log's, as containers/image
    /// holds). One with CAs and no log is one's own PKI's: it checks certificates with no log entry.
    pub fn from_trusted_root(bytes: &[u8]) -> Result<KeylessTrust, TrustRootError> {
        let raw: RawTrustRoot = serde_json::from_slice(bytes)
            .map_err(|error| TrustRootError::Shape(error.to_string()))?;
        if raw.media_type != TRUST_ROOT_MEDIA_TYPE {
            return Err(TrustRootError::Shape(format!(
                "media type {:?}, not {TRUST_ROOT_MEDIA_TYPE}",
                raw.media_type
            )));
        }
        let decoded = |what: &str, text: &str| {
            base64::decode(text)
                .map_err(|error| TrustRootError::Content(format!("{what}: {error}")))
        };
        let mut authorities = Vec::new();
        for authority in &raw.certificate_authorities {
            let mut certificates = Vec::new();
            for certificate in &authority.cert_chain.certificates {
                let der = decoded("certificate", &certificate.raw_bytes)?;
                certificates.push(
                    Certificate::from_der(&der)
                        .map_err(|error| TrustRootError::Content(error.to_string()))?,
                );
            }
            authorities.push(Authority {
                certificates,
                valid: period(authority.valid_for.as_ref())?,
            });
        }
        let mut logs = Vec::new();
        for log in &raw.tlogs {
            let key = decoded("log key", &log.public_key.raw_bytes)
                .ok()
                .and_then(|der| PublicKey::from_der(&der).ok())
                .filter(PublicKey::is_ecdsa);
            if let Some(key) = key {
                logs.push(TransparencyLog {
                    key,
                    valid: period(log.public_key.valid_for.as_ref())?,
                });
            }
        }
        if authorities
            .iter()
            .all(|authority| authority.certificates.is_empty())
        {
            return Err(TrustRootError::Missing("certificate authority"));
        }
        Ok(KeylessTrust { authorities, logs })
    }

    /// The CA certificates trusted at `at`.
    pub fn roots_at(&self, at: i64) -> Vec<Certificate> {
        self.authorities
            .iter()
            .filter(|authority| authority.valid.contains(at))
            .flat_map(|authority| authority.certificates.iter().cloned())
            .collect()
    }

    /// Every log's key, whatever its period.
    pub fn log_keys(&self) -> Vec<PublicKey> {
        self.logs.iter().map(|log| log.key.clone()).collect()
    }
}

fn period(raw: Option<&RawPeriod>) -> Result<Validity, TrustRootError> {
    let time = |text: &Option<String>| {
        text.as_deref()
            .map(|text| {
                created_seconds(text)
                    .map(|(seconds, _)| seconds)
                    .ok_or_else(|| {
                        TrustRootError::Content(format!("validFor time {text:?} is not RFC 3339"))
                    })
            })
            .transpose()
    };
    Ok(match raw {
        None => Validity::default(),
        Some(raw) => Validity {
            start: time(&raw.start)?,
            end: time(&raw.end)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_as_unix_seconds_and_bound_what_is_trusted() {
        let period_of = |start: Option<&str>, end: Option<&str>| {
            period(Some(&RawPeriod {
                start: start.map(str::to_owned),
                end: end.map(str::to_owned),
            }))
        };
        let bounded = period_of(
            Some("2021-03-07T03:20:29.000Z"),
            Some("2022-12-31T23:59:59.999Z"),
        )
        .expect("a period");
        assert_eq!(
            bounded,
            Validity {
                start: Some(1_615_087_229),
                end: Some(1_672_531_199),
            }
        );
        for (at, inside) in [
            (1_615_087_228, false),
            (1_615_087_229, true),
            (1_650_000_000, true),
            (1_672_531_199, true),
            (1_672_531_200, false),
        ] {
            assert_eq!(bounded.contains(at), inside, "{at}");
        }
        let open = period_of(Some("2022-04-13T20:06:15Z"), None).expect("a period");
        assert!(open.contains(4_000_000_000) && !open.contains(0));
        assert!(Validity::default().contains(i64::MIN));
        assert!(period_of(Some("yesterday"), None).is_err());
    }
}
