//! What reading a layer reports: progress while it streams, and both verifications and findings at the end.

use strata_image::digest::{Algorithm, Digest};
use strata_image::finding::Finding;
use strata_image::verification::{Verification, VerifyState};

/// How far a layer has been read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// Bytes of the blob (as fetched, compressed) received.
    pub compressed_bytes: u64,
    /// Bytes after decompression.
    pub uncompressed_bytes: u64,
    /// Tar entries read (whiteouts included, extended headers not).
    pub entries: usize,
}

/// The outcome of reading a whole layer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LayerSummary {
    /// The blob's bytes against the manifest's layer digest.
    pub compressed: Verification,
    /// The decompressed tar against the config's `diff_id`; `Unverifiable` when there is none.
    pub uncompressed: Verification,
    /// Final counts.
    pub progress: Progress,
    /// Oddities met on the way: unsafe paths that were skipped, duplicate paths, invalid whiteouts.
    pub findings: Vec<Finding>,
}

impl LayerSummary {
    /// `data-verify` of the layer: `verified` only when both the blob and the tar matched, `mismatch` when
    /// either did not, `unverifiable` otherwise.
    pub fn data_verify(&self) -> VerifyState {
        let verdicts = [
            self.compressed.data_verify(),
            self.uncompressed.data_verify(),
        ];
        if verdicts == [VerifyState::Verified; 2] {
            VerifyState::Verified
        } else if verdicts.contains(&VerifyState::Mismatch) {
            VerifyState::Mismatch
        } else {
            VerifyState::Unverifiable
        }
    }

    /// Both verdicts, in plain words.
    pub fn explain(&self) -> String {
        format!(
            "Compressed bytes: {} Uncompressed tar (diff_id): {}",
            self.compressed.explain(),
            self.uncompressed.explain()
        )
    }
}

/// Compares a streamed SHA-256 with what was expected.
pub(crate) fn verify_streamed(
    expected: Option<&Digest>,
    actual: Digest,
    what: &str,
) -> Verification {
    match expected {
        None => Verification::Unverifiable {
            actual,
            reason: format!("there is no {what} to compare with."),
        },
        Some(expected) if *expected.algorithm() != Algorithm::Sha256 => {
            Verification::Unverifiable {
                actual,
                reason: format!(
                    "the {what} {expected} uses {}, and layers are hashed with sha256 as they stream.",
                    expected.algorithm()
                ),
            }
        }
        Some(expected) if *expected == actual => Verification::Verified { digest: actual },
        Some(expected) => Verification::Mismatch {
            expected: expected.to_string(),
            actual,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_digests_decide_the_verdict() {
        let digest = Digest::sha256_of(b"layer");
        let other = Digest::sha256_of(b"other");
        let verified = || verify_streamed(Some(&digest), digest.clone(), "digest");
        let mismatch = || verify_streamed(Some(&other), digest.clone(), "digest");
        let unverifiable = || verify_streamed(None, digest.clone(), "diff_id");
        let cases = [
            (verified(), verified(), "verified"),
            (mismatch(), verified(), "mismatch"),
            (verified(), mismatch(), "mismatch"),
            (verified(), unverifiable(), "unverifiable"),
            (unverifiable(), mismatch(), "mismatch"),
        ];
        for (compressed, uncompressed, expected) in cases {
            let summary = LayerSummary {
                compressed,
                uncompressed,
                progress: Progress::default(),
                findings: Vec::new(),
            };
            assert_eq!(summary.data_verify().as_str(), expected, "{summary:?}");
            assert!(summary.explain().contains("diff_id"));
        }
    }
}
