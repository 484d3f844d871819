//! Inclusion proofs of a transparency log (RFC 9162, as Rekor keeps its Merkle tree): the root hash a
//! leaf and its audit path make, which the log's signed checkpoint must name.

use sha2::{Digest as _, Sha256};

/// A SHA-256 tree hash.
pub type TreeHash = [u8; 32];

/// Why an audit path proves nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf's index is not inside the tree.
    #[error("the entry's index {index} is outside a tree of {size} entries")]
    OutsideTree {
        /// The leaf's index.
        index: u64,
        /// The tree's size.
        size: u64,
    },
    /// The path is longer or shorter than the tree's shape needs.
    #[error("the inclusion proof has {given} hashes, not the number a tree of this size needs")]
    PathLength {
        /// How many hashes the proof has.
        given: usize,
    },
}

/// The hash of a leaf: its bytes after a zero byte (what keeps a leaf from passing for a node).
pub fn leaf_hash(entry: &[u8]) -> TreeHash {
    let mut hasher = Sha256::new();
    hasher.update([0]);
    hasher.update(entry);
    hasher.finalize().into()
}

/// The hash of an inner node: its children's hashes after a one byte.
pub fn node_hash(left: &TreeHash, right: &TreeHash) -> TreeHash {
    let mut hasher = Sha256::new();
    hasher.update([1]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root hash that the leaf `leaf` at `index` of a tree of `size` leaves and its audit path `path`
/// (the siblings from the leaf up) make (RFC 9162, section 2.1.3.2).
pub fn root_from_inclusion(
    index: u64,
    size: u64,
    leaf: TreeHash,
    path: &[TreeHash],
) -> Result<TreeHash, ProofError> {
    if index >= size {
        return Err(ProofError::OutsideTree { index, size });
    }
    let wrong_length = ProofError::PathLength { given: path.len() };
    let (mut node, mut last) = (index, size - 1);
    let mut hash = leaf;
    for sibling in path {
        if last == 0 {
            return Err(wrong_length);
        }
        if node & 1 == 1 || node == last {
            hash = node_hash(sibling, &hash);
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            hash = node_hash(&hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(wrong_length);
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6962's recursive definitions, written apart from the iterative check above: the tree hash of
    /// `leaves`, and the audit path of leaf `index` in it.
    fn tree_hash(leaves: &[TreeHash]) -> TreeHash {
        match leaves {
            [leaf] => *leaf,
            _ => {
                let split = split_point(leaves.len());
                node_hash(&tree_hash(&leaves[..split]), &tree_hash(&leaves[split..]))
            }
        }
    }

    fn audit_path(index: usize, leaves: &[TreeHash]) -> Vec<TreeHash> {
        if leaves.len() == 1 {
            return Vec::new();
        }
        let split = split_point(leaves.len());
        let (mut path, sibling) = if index < split {
            (
                audit_path(index, &leaves[..split]),
                tree_hash(&leaves[split..]),
            )
        } else {
            (
                audit_path(index - split, &leaves[split..]),
                tree_hash(&leaves[..split]),
            )
        };
        path.push(sibling);
        path
    }

    /// The largest power of two below `n`.
    fn split_point(n: usize) -> usize {
        let mut split = 1;
        while split * 2 < n {
            split *= 2;
        }
        split
    }

    fn leaves(count: usize) -> Vec<TreeHash> {
        (0..count)
            .map(|n| leaf_hash(format!("entry {n}").as_bytes()))
            .collect()
    }

    #[test]
    fn every_leaf_of_trees_of_one_to_forty_entries_proves_the_root() {
        for size in 1..=40 {
            let leaves = leaves(size);
            let root = tree_hash(&leaves);
            for index in 0..size {
                let path = audit_path(index, &leaves);
                assert_eq!(
                    root_from_inclusion(index as u64, size as u64, leaves[index], &path),
                    Ok(root),
                    "leaf {index} of {size}"
                );
            }
        }
    }

    #[test]
    fn a_wrong_leaf_index_size_or_path_proves_another_root_or_nothing() {
        let leaves = leaves(13);
        let root = tree_hash(&leaves);
        let path = audit_path(6, &leaves);
        let other_leaf = leaf_hash(b"not logged");
        let mut shortened = path.clone();
        shortened.pop();
        let mut lengthened = path.clone();
        lengthened.push(root);
        let mut altered = path.clone();
        altered[1][0] ^= 1;
        for (case, proved) in [
            (
                "another leaf",
                root_from_inclusion(6, 13, other_leaf, &path),
            ),
            (
                "another index",
                root_from_inclusion(7, 13, leaves[6], &path),
            ),
            ("another size", root_from_inclusion(6, 8, leaves[6], &path)),
            (
                "an altered hash",
                root_from_inclusion(6, 13, leaves[6], &altered),
            ),
        ] {
            assert_ne!(proved, Ok(root), "{case}");
        }
        for (case, proved) in [
            (
                "a hash short",
                root_from_inclusion(6, 13, leaves[6], &shortened),
            ),
            (
                "a hash too many",
                root_from_inclusion(6, 13, leaves[6], &lengthened),
            ),
            (
                "outside the tree",
                root_from_inclusion(13, 13, leaves[6], &path),
            ),
            ("an empty tree", root_from_inclusion(0, 0, leaves[6], &[])),
        ] {
            assert!(proved.is_err(), "{case}: {proved:?}");
        }
    }

    #[test]
    fn leaves_and_nodes_hash_apart() {
        let leaf = leaf_hash(b"");
        // SHA-256 of the single byte 0x00.
        assert_eq!(
            leaf.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_ne!(node_hash(&leaf, &leaf), leaf_hash(&[leaf, leaf].concat()));
    }
}
