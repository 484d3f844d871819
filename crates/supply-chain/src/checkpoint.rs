//! A transparency log's checkpoint (a signed note, as Rekor writes one into an inclusion proof): its
//! origin, tree size and root hash, trusted once one of its signatures verifies with a log's key.

use sha2::{Digest as _, Sha256};

use crate::base64;
use crate::public_key::PublicKey;

/// What a verified checkpoint says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name, as its first line gives it.
    pub origin: String,
    /// The number of entries in the tree.
    pub tree_size: u64,
    /// The tree's root hash.
    pub root_hash: Vec<u8>,
}

/// Why a checkpoint is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Not a signed note's shape: its text, a blank line, its signature lines.
    #[error("the checkpoint is not a signed note: {0}")]
    Shape(&'static str),
    /// No signature verifies with a log key.
    #[error("the checkpoint is not signed by a transparency log key Strata trusts")]
    NotSignedByLog,
}

/// The em dash that starts a signed note's signature line.
const SIGNATURE_LINE_START: &str = "\u{2014} ";

/// Reads `note` and checks its signatures with `log_keys`: each signature line is `— <name> <base64 of a
/// 4-byte key hint and the signature>`, the signature over the text up to the blank line (its final
/// newline included).
pub fn verify(note: &str, log_keys: &[PublicKey]) -> Result<Checkpoint, CheckpointError> {
    let (text, signatures) = note.split_once("\n\n").ok_or(CheckpointError::Shape(
        "no blank line before its signatures",
    ))?;
    let signed = format!("{text}\n");
    let mut lines = text.split('\n');
    let origin = lines
        .next()
        .filter(|origin| !origin.is_empty())
        .ok_or(CheckpointError::Shape("no origin line"))?;
    let tree_size = lines
        .next()
        .filter(|size| !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|size| size.parse().ok())
        .ok_or(CheckpointError::Shape("no tree size line"))?;
    let root_hash = lines
        .next()
        .and_then(|hash| base64::decode(hash).ok())
        .ok_or(CheckpointError::Shape("no root hash line"))?;
    let verified = signatures
        .lines()
        .filter_map(|line| line.strip_prefix(SIGNATURE_LINE_START))
        .filter_map(|line| line.rsplit_once(' '))
        .filter_map(|(_name, signature)| base64::decode(signature).ok())
        .filter(|signature| signature.len() > 4)
        .any(|signature| {
            let (hint, signature) = signature.split_at(4);
            log_keys
                .iter()
                .filter(|key| key_hint(key) == hint)
                .any(|key| key.verifies(signed.as_bytes(), signature))
        });
    if !verified {
        return Err(CheckpointError::NotSignedByLog);
    }
    Ok(Checkpoint {
        origin: origin.to_owned(),
        tree_size,
        root_hash,
    })
}

/// The 4 bytes a signature line names its key by: the start of the SHA-256 of the key's DER.
fn key_hint(key: &PublicKey) -> [u8; 4] {
    let hash = Sha256::digest(key.der());
    [hash[0], hash[1], hash[2], hash[3]]
}

/// A checkpoint for `tree_size` and `root_hash`, signed with `key` as Rekor signs one (for tests).
#[cfg(test)]
pub(crate) fn signed_for_tests(
    origin: &str,
    tree_size: u64,
    root_hash: &[u8],
    key: &p256::ecdsa::SigningKey,
    public: &PublicKey,
) -> String {
    let text = format!(
        "{origin}\n{tree_size}\n{}\n",
        base64::encode(root_hash, false)
    );
    let signature = [
        &key_hint(public)[..],
        &crate::public_key::test_keys::sign(key, text.as_bytes()),
    ]
    .concat();
    format!(
        "{text}\n{SIGNATURE_LINE_START}{origin} {}\n",
        base64::encode(&signature, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_key::test_keys::pair;

    #[test]
    fn a_checkpoint_signed_by_a_log_key_is_read_and_any_change_is_refused() {
        let (key, public) = pair(7);
        let (_, other) = pair(8);
        let root = [9u8; 32];
        let note = signed_for_tests("log.test - 42", 1234, &root, &key, &public);
        assert_eq!(
            verify(&note, std::slice::from_ref(&public)),
            Ok(Checkpoint {
                origin: "log.test - 42".to_owned(),
                tree_size: 1234,
                root_hash: root.to_vec(),
            })
        );
        assert_eq!(
            verify(&note, &[other.clone(), public.clone()]).map(|c| c.tree_size),
            Ok(1234)
        );
        let refused = [
            ("another key", verify(&note, std::slice::from_ref(&other))),
            ("no key", verify(&note, &[])),
            (
                "another size",
                verify(
                    &note.replace("\n1234\n", "\n1235\n"),
                    std::slice::from_ref(&public),
                ),
            ),
            (
                "no signature",
                verify(
                    &note[..note.find("\n\n").unwrap() + 2],
                    std::slice::from_ref(&public),
                ),
            ),
        ];
        for (case, found) in refused {
            assert_eq!(found, Err(CheckpointError::NotSignedByLog), "{case}");
        }
        for (case, text) in [
            ("no blank line", "log.test\n1234\nAAAA\n"),
            (
                "no size",
                "log.test\nmany\nAAAA\n\n\u{2014} log.test AAAA\n",
            ),
            ("no root hash", "log.test\n1234\n\n\u{2014} log.test AAAA\n"),
            ("empty", ""),
        ] {
            assert!(
                matches!(
                    verify(text, std::slice::from_ref(&public)),
                    Err(CheckpointError::Shape(_))
                ),
                "{case}"
            );
        }
    }
}
