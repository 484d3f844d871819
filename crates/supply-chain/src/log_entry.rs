//! A Sigstore bundle's transparency-log entry, checked offline against the trust root's logs as the
//! Sigstore clients check it: the log's signed entry timestamp over the entry, its inclusion proof up to
//! a checkpoint the log signed, and that the entry's body records this very signature by this signer
//! over this content. What it yields is the time the log integrated the entry, the time a keyless
//! certificate must have been valid at.

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::base64;
use crate::checkpoint;
use crate::merkle_proof::{self, TreeHash};
use crate::rekor_set::canonical_json;
use crate::sigstore_bundle::{Content, InclusionProof, TlogEntry};
use crate::trust_root::TransparencyLog;

/// Why an entry does not vouch for a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogEntryError {
    /// No log of the trust root has the entry's log ID.
    #[error("it was logged by a transparency log the trust root does not name")]
    UnknownLog,
    /// The signed entry timestamp is missing or not the log's.
    #[error("its signed entry timestamp {0}")]
    Promise(&'static str),
    /// The inclusion proof does not lead to a checkpoint the log signed.
    #[error("its inclusion proof {0}")]
    Proof(String),
    /// The log's key was not trusted when the entry was integrated.
    #[error("the log's key was not trusted at the time the entry was logged")]
    OutsidePeriod,
    /// The body is not readable, or records something else.
    #[error("the log's entry does not record this signature: {0}")]
    OtherEntry(String),
}

/// Checks `entry` for a bundle's `content` signed by the certificate or key whose DER is `signer`, with
/// the logs of a trust root; the Unix time the log integrated it.
pub fn verify(
    entry: &TlogEntry,
    content: &Content,
    signer: &[u8],
    logs: &[TransparencyLog],
) -> Result<i64, LogEntryError> {
    let log = logs
        .iter()
        .find(|log| log.log_id() == entry.log_id)
        .ok_or(LogEntryError::UnknownLog)?;
    let promise = entry
        .signed_entry_timestamp
        .as_deref()
        .ok_or(LogEntryError::Promise(
            "is missing: the time of the entry is not one the log signed",
        ))?;
    let promised = json!({
        "body": entry.canonicalized_body,
        "integratedTime": entry.integrated_time,
        "logID": hex(&entry.log_id),
        "logIndex": entry.log_index,
    });
    if !log
        .key
        .verifies(canonical_json(&promised).as_bytes(), promise)
    {
        return Err(LogEntryError::Promise("is not signed by the log's key"));
    }
    let body = base64::decode(&entry.canonicalized_body)
        .map_err(|error| LogEntryError::OtherEntry(format!("its body is {error}")))?;
    // A v0.1 bundle may carry a proof without the checkpoint it leads to: the promise alone vouches then.
    if let Some(proof) = &entry.inclusion_proof
        && !proof.checkpoint.is_empty()
    {
        included(&body, proof, log).map_err(LogEntryError::Proof)?;
    }
    if !log.valid.contains(entry.integrated_time) {
        return Err(LogEntryError::OutsidePeriod);
    }
    records(&body, &entry.kind, &entry.version, content, signer)
        .map_err(LogEntryError::OtherEntry)?;
    Ok(entry.integrated_time)
}

/// That the body's leaf, with the proof's path, makes the root a checkpoint signed by `log` names.
fn included(body: &[u8], proof: &InclusionProof, log: &TransparencyLog) -> Result<(), String> {
    let path = proof
        .hashes
        .iter()
        .map(|hash| TreeHash::try_from(hash.as_slice()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| "has a hash that is not 32 bytes".to_owned())?;
    let root = merkle_proof::root_from_inclusion(
        proof.log_index,
        proof.tree_size,
        merkle_proof::leaf_hash(body),
        &path,
    )
    .map_err(|error| error.to_string())?;
    if root.as_slice() != proof.root_hash {
        return Err("leads to another root hash than the one it names".to_owned());
    }
    let signed = checkpoint::verify(&proof.checkpoint, std::slice::from_ref(&log.key))
        .map_err(|error| format!("names a checkpoint that does not hold: {error}"))?;
    if signed.tree_size != proof.tree_size || signed.root_hash != proof.root_hash {
        return Err("names another tree than its checkpoint signs".to_owned());
    }
    Ok(())
}

/// That the entry's body is a `hashedrekord` of this message signature or a `dsse` entry of this
/// envelope, by this signer.
fn records(
    body: &[u8],
    kind: &str,
    version: &str,
    content: &Content,
    signer: &[u8],
) -> Result<(), String> {
    let body: Value =
        serde_json::from_slice(body).map_err(|_| "its body is not JSON".to_owned())?;
    let (body_kind, body_version) = (
        body["kind"].as_str().unwrap_or_default(),
        body["apiVersion"].as_str().unwrap_or_default(),
    );
    if (body_kind, body_version) != (kind, version) {
        return Err(format!(
            "its body is a {body_kind} {body_version} entry, the bundle says {kind} {version}"
        ));
    }
    let spec = &body["spec"];
    let same_signer = |encoded: &Value| pem_der(encoded).as_deref() == Some(signer);
    match (body_kind, body_version, content) {
        (
            "hashedrekord",
            "0.0.1",
            Content::MessageSignature {
                digest, signature, ..
            },
        ) => {
            if decoded(&spec["signature"]["content"]).as_ref() != Some(signature) {
                return Err("another signature was logged".to_owned());
            }
            if !same_signer(&spec["signature"]["publicKey"]["content"]) {
                return Err("another signer was logged".to_owned());
            }
            let hash = &spec["data"]["hash"];
            if hash["algorithm"].as_str() != Some("sha256")
                || hash["value"].as_str() != Some(&hex(digest))
            {
                return Err("another message's hash was logged".to_owned());
            }
            Ok(())
        }
        ("dsse", "0.0.1", Content::Envelope(envelope)) => {
            let payload_hash = &spec["payloadHash"];
            if payload_hash["algorithm"].as_str() != Some("sha256")
                || payload_hash["value"].as_str() != Some(&hex(&Sha256::digest(&envelope.payload)))
            {
                return Err("another payload's hash was logged".to_owned());
            }
            let logged = spec["signatures"].as_array().into_iter().flatten();
            let matched = logged.clone().any(|logged| {
                same_signer(&logged["verifier"])
                    && envelope.signatures.iter().any(|signature| {
                        decoded(&logged["signature"]).as_ref() == Some(&signature.signature)
                    })
            });
            if !matched {
                return Err("another signature or signer was logged".to_owned());
            }
            Ok(())
        }
        _ => Err(format!(
            "Strata matches hashedrekord 0.0.1 entries with message signatures and dsse 0.0.1 entries \
             with envelopes; this is a {kind} {version} entry"
        )),
    }
}

fn decoded(value: &Value) -> Option<Vec<u8>> {
    value.as_str().and_then(|text| base64::decode(text).ok())
}

/// The DER inside a base64 PEM, as a log records a certificate or key.
fn pem_der(value: &Value) -> Option<Vec<u8>> {
    let pem = decoded(value)?;
    pem_rfc7468::decode_vec(&pem).ok().map(|(_, der)| der)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Entries made as Rekor makes them, for tests: a `dsse` body for an envelope, its leaf in a tree of
/// other entries, the signed entry timestamp and the checkpoint signed with the log's key.
#[cfg(test)]
pub(crate) mod test_log {
    use super::*;
    use crate::dsse::Envelope;
    use crate::public_key::PublicKey;

    /// The base64 `dsse` 0.0.1 body for `envelope` signed by the certificate `signer_pem`.
    pub fn dsse_body(envelope: &Envelope, signer_pem: &str) -> String {
        let body = json!({
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": {
                "envelopeHash": { "algorithm": "sha256", "value": "00" },
                "payloadHash": { "algorithm": "sha256", "value": hex(&Sha256::digest(&envelope.payload)) },
                "signatures": envelope.signatures.iter().map(|signature| json!({
                    "signature": base64::encode(&signature.signature, false),
                    "verifier": base64::encode(signer_pem.as_bytes(), false),
                })).collect::<Vec<_>>(),
            },
        });
        base64::encode(body.to_string().as_bytes(), false)
    }

    /// A bundle's `tlogEntries` item for `body` (base64), logged at `time` as the 6th entry of 11 in a
    /// log whose key is `log`.
    pub fn entry(
        body: &str,
        time: i64,
        log: &p256::ecdsa::SigningKey,
        log_public: &PublicKey,
    ) -> Value {
        let log_id = Sha256::digest(log_public.der()).to_vec();
        let index = 5u64;
        let promised = json!({
            "body": body, "integratedTime": time, "logID": hex(&log_id), "logIndex": index,
        });
        let promise = crate::public_key::test_keys::sign(log, canonical_json(&promised).as_bytes());
        let leaves: Vec<TreeHash> = (0..11u64)
            .map(|n| {
                if n == index {
                    merkle_proof::leaf_hash(&base64::decode(body).expect("base64"))
                } else {
                    merkle_proof::leaf_hash(format!("another entry {n}").as_bytes())
                }
            })
            .collect();
        let (root, path) = root_and_path(&leaves, index as usize);
        let checkpoint = checkpoint::signed_for_tests("log.test - 1", 11, &root, log, log_public);
        json!({
            "logIndex": index.to_string(),
            "logId": { "keyId": base64::encode(&log_id, false) },
            "kindVersion": { "kind": "dsse", "version": "0.0.1" },
            "integratedTime": time.to_string(),
            "inclusionPromise": { "signedEntryTimestamp": base64::encode(&promise, false) },
            "inclusionProof": {
                "logIndex": index.to_string(),
                "rootHash": base64::encode(&root, false),
                "treeSize": "11",
                "hashes": path.iter().map(|hash| base64::encode(hash, false)).collect::<Vec<_>>(),
                "checkpoint": { "envelope": checkpoint },
            },
            "canonicalizedBody": body,
        })
    }

    /// The root of `leaves` and the audit path of `index`, built bottom-up level by level (RFC 9162's
    /// tree, an odd node carried up unchanged).
    fn root_and_path(leaves: &[TreeHash], mut index: usize) -> (TreeHash, Vec<TreeHash>) {
        let mut level = leaves.to_vec();
        let mut path = Vec::new();
        while level.len() > 1 {
            let sibling = index ^ 1;
            if sibling < level.len() {
                path.push(level[sibling]);
            }
            level = level
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => merkle_proof::node_hash(left, right),
                    [single] => *single,
                    _ => unreachable!("chunks of two"),
                })
                .collect();
            index /= 2;
        }
        (level[0], path)
    }
}
