//! Verification: do the bytes the browser holds hash to the digest they were asked for?

use crate::digest::Digest;

/// What the bytes must match.
#[derive(Debug, Clone, Copy)]
pub enum Expected<'a> {
    /// A digest the reader asked for (from a parent descriptor or the reference), and the size the parent
    /// descriptor states, when there is one.
    Digest {
        /// The digest asked for.
        digest: &'a Digest,
        /// The size the descriptor states.
        size: Option<u64>,
    },
    /// A tag: nothing to compare with but the registry's `Docker-Content-Digest` header, if it sent one.
    Tag {
        /// The header, as sent.
        registry_digest: Option<&'a str>,
    },
}

/// The outcome of checking bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verification {
    /// The bytes hash to the digest asked for.
    Verified {
        /// The digest.
        digest: Digest,
    },
    /// Fetched by tag: the bytes hash to the digest the registry vouched for in `Docker-Content-Digest`.
    VouchedByRegistry {
        /// The digest.
        digest: Digest,
    },
    /// The bytes hash to something else.
    Mismatch {
        /// What was asked for (or what the registry claimed).
        expected: String,
        /// What the bytes hash to.
        actual: Digest,
    },
    /// The digest matches but the descriptor states another size.
    SizeMismatch {
        /// The descriptor's size.
        expected: u64,
        /// The byte count received.
        actual: u64,
    },
    /// Nothing to compare with, or an algorithm the browser cannot compute.
    Unverifiable {
        /// The digest of the bytes, as computed.
        actual: Digest,
        /// Why no comparison was possible.
        reason: String,
    },
}

/// What a node's `data-verify` attribute says: one value per state, spelled once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyState {
    /// The bytes hash to the digest they were asked by (or the registry's, for a tag).
    Verified,
    /// They do not, or their size is not the descriptor's.
    Mismatch,
    /// There was nothing to check them against.
    Unverifiable,
    /// Still being fetched.
    Pending,
    /// Not fetched: nothing above it was trusted, or nobody asked yet.
    NotFetched,
    /// The fetch failed.
    Error,
}

impl VerifyState {
    /// The attribute's value.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyState::Verified => "verified",
            VerifyState::Mismatch => "mismatch",
            VerifyState::Unverifiable => "unverifiable",
            VerifyState::Pending => "pending",
            VerifyState::NotFetched => "not-fetched",
            VerifyState::Error => "error",
        }
    }
}

impl std::fmt::Display for VerifyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Verification {
    /// The value of the `data-verify` attribute.
    pub fn data_verify(&self) -> VerifyState {
        match self {
            Verification::Verified { .. } | Verification::VouchedByRegistry { .. } => {
                VerifyState::Verified
            }
            Verification::Mismatch { .. } | Verification::SizeMismatch { .. } => {
                VerifyState::Mismatch
            }
            Verification::Unverifiable { .. } => VerifyState::Unverifiable,
        }
    }

    /// Whether what is below this document may be trusted.
    pub fn is_trusted(&self) -> bool {
        matches!(
            self,
            Verification::Verified { .. } | Verification::VouchedByRegistry { .. }
        )
    }

    /// The digest the bytes were identified by, when trusted; otherwise the computed digest.
    pub fn digest(&self) -> Option<&Digest> {
        match self {
            Verification::Verified { digest } | Verification::VouchedByRegistry { digest } => {
                Some(digest)
            }
            Verification::Mismatch { actual, .. } | Verification::Unverifiable { actual, .. } => {
                Some(actual)
            }
            Verification::SizeMismatch { .. } => None,
        }
    }

    /// One sentence for the reader.
    pub fn explain(&self) -> String {
        match self {
            Verification::Verified { digest } => {
                format!(
                    "Verified in this browser: the bytes hash to {digest}, the digest they were requested by."
                )
            }
            Verification::VouchedByRegistry { digest } => format!(
                "Verified in this browser against the registry's word: a tag has no digest of its own, and the bytes hash to {digest}, the Docker-Content-Digest the registry sent for this tag."
            ),
            Verification::Mismatch { expected, actual } => format!(
                "MISMATCH: expected {expected}, but the bytes hash to {actual}. Nothing below this is trusted."
            ),
            Verification::SizeMismatch { expected, actual } => format!(
                "MISMATCH: the descriptor says {expected} bytes, but {actual} bytes arrived. Nothing below this is trusted."
            ),
            Verification::Unverifiable { actual, reason } => {
                format!("Not verified: {reason} The bytes hash to {actual}.")
            }
        }
    }
}

/// Hashes the bytes and compares them with what was expected.
pub fn verify(bytes: &[u8], expected: Expected<'_>) -> Verification {
    match expected {
        Expected::Digest { digest, size } => {
            let Some(actual) = digest.compute_same_algorithm(bytes) else {
                return Verification::Unverifiable {
                    actual: Digest::sha256_of(bytes),
                    reason: format!("the browser cannot compute the digest algorithm of {digest}."),
                };
            };
            if actual != *digest {
                return Verification::Mismatch { expected: digest.to_string(), actual };
            }
            let received = bytes.len() as u64;
            match size {
                Some(size) if size != received => Verification::SizeMismatch { expected: size, actual: received },
                _ => Verification::Verified { digest: actual },
            }
        }
        Expected::Tag { registry_digest: None } => Verification::Unverifiable {
            actual: Digest::sha256_of(bytes),
            reason: "the registry sent no Docker-Content-Digest for this tag, so there is nothing to compare with."
                .to_owned(),
        },
        Expected::Tag { registry_digest: Some(header) } => match Digest::parse(header.trim()) {
            Ok(claimed) => match claimed.compute_same_algorithm(bytes) {
                Some(actual) if actual == claimed => Verification::VouchedByRegistry { digest: actual },
                Some(actual) => Verification::Mismatch { expected: claimed.to_string(), actual },
                None => Verification::Unverifiable {
                    actual: Digest::sha256_of(bytes),
                    reason: format!("the registry's digest {claimed} uses an algorithm the browser cannot compute."),
                },
            },
            Err(error) => Verification::Unverifiable {
                actual: Digest::sha256_of(bytes),
                reason: format!("the registry's Docker-Content-Digest is not a digest ({error})."),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_SHA256: &str =
        "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    #[test]
    fn verifies_by_digest_tag_and_size() {
        let hello = Digest::parse(HELLO_SHA256).unwrap();
        let other = Digest::sha256_of(b"other");
        let other_text = other.to_string();
        let md5 = Digest::parse("md5:5d41402abc4b2a76b9719d911017c592").unwrap();
        let cases: Vec<(Expected<'_>, &str)> = vec![
            (
                Expected::Digest {
                    digest: &hello,
                    size: None,
                },
                "verified",
            ),
            (
                Expected::Digest {
                    digest: &hello,
                    size: Some(5),
                },
                "verified",
            ),
            (
                Expected::Digest {
                    digest: &hello,
                    size: Some(6),
                },
                "mismatch",
            ),
            (
                Expected::Digest {
                    digest: &other,
                    size: None,
                },
                "mismatch",
            ),
            (
                Expected::Digest {
                    digest: &md5,
                    size: None,
                },
                "unverifiable",
            ),
            (
                Expected::Tag {
                    registry_digest: Some(HELLO_SHA256),
                },
                "verified",
            ),
            (
                Expected::Tag {
                    registry_digest: Some(&other_text),
                },
                "mismatch",
            ),
            (
                Expected::Tag {
                    registry_digest: None,
                },
                "unverifiable",
            ),
            (
                Expected::Tag {
                    registry_digest: Some("garbage"),
                },
                "unverifiable",
            ),
        ];
        for (expected, outcome) in cases {
            let verification = verify(b"hello", expected);
            assert_eq!(
                verification.data_verify().as_str(),
                outcome,
                "{expected:?}: {verification:?}"
            );
            assert_eq!(verification.is_trusted(), outcome == "verified");
        }
    }

    #[test]
    fn a_tag_is_vouched_for_not_verified() {
        let verification = verify(
            b"hello",
            Expected::Tag {
                registry_digest: Some(HELLO_SHA256),
            },
        );
        assert!(matches!(
            verification,
            Verification::VouchedByRegistry { .. }
        ));
        assert!(verification.explain().contains("registry"));
    }
}
