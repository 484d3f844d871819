//! Sigstore material for the multi-arch index: cosign's tag-based signature (`.sig`) and
//! attestation (`.att`), and the Sigstore bundle that cosign v3 attaches as an OCI 1.1
//! referrer instead; and an SBOM attached with cosign (`.sbom`).
//!
//! The `.sig` signatures and the `.att` envelope's are real, made with the demo's cosign key
//! (`super::cosign_key`): the index's verify, and `strata/signed-elsewhere`'s is a valid signature
//! over the index's digest, made for another image. The rest (the keyless bundle, the
//! transparency-log entries) are stand-ins with the right shape (see [`super::encoding`]).

use crate::error::Result;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::cosign_key;
use super::encoding::{
    DemoKey, base64, go_object, json_string, placeholder_ecdsa_signature, pseudo_random,
};
use super::{
    BUILD_CREATED, BUILD_FINISHED, Blob, Blobs, CREATED, DEMO_HOST, IN_TOTO, IN_TOTO_STATEMENT,
    OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, REVISION, SOURCE_URL, TITLE, VERSION,
    descriptor, insert, json_bytes, sha256_hex,
};

use strata_image::artifact::COSIGN_SIGNATURE_ANNOTATION as SIGNATURE_ANNOTATION;
use strata_image::media_type::COSIGN_SIMPLE_SIGNING as SIMPLE_SIGNING;
use strata_image::media_type::DSSE_ENVELOPE;
use strata_image::media_type::SIGSTORE_BUNDLE_V03 as BUNDLE_V03;
use strata_supply_chain::attestation::CYCLONEDX_JSON_LAYER as CYCLONEDX_JSON;
use strata_supply_chain::provenance::SLSA_V1;
use strata_supply_chain::referrer_source::SIGN_PREDICATE as COSIGN_SIGN_PREDICATE;
use strata_supply_chain::rekor_set::BUNDLE_ANNOTATION;

/// Tag suffix of a cosign signature.
pub(super) const SIGNATURE_SUFFIX: &str = "sig";
/// Tag suffix of a cosign attestation.
pub(super) const ATTESTATION_SUFFIX: &str = "att";
/// Tag suffix of an SBOM cosign attached.
pub(super) const SBOM_SUFFIX: &str = "sbom";

const IN_TOTO_STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// The alpine:3.23.2 index the greet image is built `FROM`.
const ALPINE_INDEX: &str = "865b95f46d98cf867a156fe4a135ad3fe50d2056aa3f25ed31662dff6da4eb62";

/// When cosign signed (2026-01-01T00:10:00Z), as Unix time and as RFC 3339.
const SIGNED_AT: u64 = 1_767_226_200;
const SIGNED_AT_TEXT: &str = "2026-01-01T00:10:00Z";
/// The stand-in transparency log: its origin line and where the demo entries sit in it.
const LOG_ORIGIN: &str = "demo.invalid/rekor - 2605736670972794746";
const LOG_INDEX: u64 = 318_274_650;
const TREE_SIZE: u64 = 318_290_411;

/// `sha256-<hex>.<suffix>`: the tag cosign gives what it attaches to `subject`.
pub(super) fn cosign_tag(subject: &Blob, suffix: &str) -> String {
    format!("sha256-{}.{suffix}", subject.hex())
}

/// `cosign sign --key cosign.key demo.invalid/<repository>@sha256:…`: a simple-signing
/// payload naming `subject`'s digest, signed with the demo key, with the signature and its
/// Rekor bundle as layer annotations. Stored under the tag of the image it is attached to,
/// which is `subject` unless the signature was made for another image.
pub(super) fn build_signature(blobs: &mut Blobs, repository: &str, subject: &Blob) -> Result<Blob> {
    let payload = json_bytes(&json!({
        "critical": {
            "identity": { "docker-reference": format!("{DEMO_HOST}/{repository}") },
            "image": { "docker-manifest-digest": subject.digest },
            "type": "cosign container image signature",
        },
        "optional": null,
    }))?;
    let signature = cosign_key::sign(&payload)?;
    let body = json!({
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": { "hash": { "algorithm": "sha256", "value": sha256_hex(&payload) } },
            "signature": {
                "content": base64(&signature),
                "publicKey": { "content": base64(cosign_key::public_key_pem()?.as_bytes()) },
            },
        },
    });
    let annotations = json!({
        SIGNATURE_ANNOTATION: base64(&signature),
        BUNDLE_ANNOTATION: rekor_bundle(&body, LOG_INDEX)?,
    });
    cosign_manifest(blobs, SIMPLE_SIGNING, payload, annotations)
}

/// `cosign attest --key cosign.key --type slsaprovenance1`: a DSSE envelope around an
/// in-toto statement about the index. Cosign leaves the signature annotation empty here
/// because the signature lives inside the envelope.
pub(super) fn build_attestation(
    blobs: &mut Blobs,
    repository: &str,
    subject: &Blob,
) -> Result<Blob> {
    let statement = json_bytes(&json!({
        "_type": IN_TOTO_STATEMENT,
        "predicateType": SLSA_V1,
        "subject": statement_subject(repository, subject),
        "predicate": slsa_v1_provenance(),
    }))?;
    let signature = cosign_key::sign(&strata_supply_chain::dsse::pae(IN_TOTO, &statement))?;
    let envelope = dsse_envelope(&statement, &signature);
    let body = json!({
        "apiVersion": "0.0.2",
        "kind": "intoto",
        "spec": {
            "content": {
                "envelope": {
                    "payloadType": IN_TOTO,
                    "signatures": [{
                        "publicKey": base64(cosign_key::public_key_pem()?.as_bytes()),
                        "sig": base64(base64(&signature).as_bytes()),
                    }],
                },
                "hash": { "algorithm": "sha256", "value": sha256_hex(&envelope) },
                "payloadHash": { "algorithm": "sha256", "value": sha256_hex(&statement) },
            },
        },
    });
    let annotations = json!({
        SIGNATURE_ANNOTATION: "",
        BUNDLE_ANNOTATION: rekor_bundle(&body, LOG_INDEX + 1)?,
        "predicateType": SLSA_V1,
    });
    cosign_manifest(blobs, DSSE_ENVELOPE, envelope, annotations)
}

/// `cosign attach sbom --type cyclonedx`: a CycloneDX 1.5 document attached to the index as
/// it is, naming no subject (only the tag's name ties it to the image), with the tool that
/// wrote it in `metadata.tools` (not a package).
pub(super) fn build_attached_sbom(blobs: &mut Blobs, repository: &str) -> Result<Blob> {
    let components: Vec<Value> = [
        ("alpine-baselayout", "3.7.1-r8", "GPL-2.0-only"),
        ("busybox", "1.37.0-r30", "GPL-2.0-only"),
        ("musl", "1.2.5-r21", "MIT"),
        ("zlib", "1.3.1-r2", "Zlib"),
    ]
    .into_iter()
    .map(|(name, version, license)| {
        json!({
            "type": "library",
            "name": name,
            "version": version,
            "licenses": [{ "license": { "id": license } }],
            "purl": format!("pkg:apk/alpine/{name}@{version}?distro=alpine-3.23.2"),
        })
    })
    .collect();
    let sbom = json_bytes(&json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": BUILD_FINISHED,
            "tools": { "components": [{ "type": "application", "name": "syft", "version": "1.19.0" }] },
            "component": { "type": "container", "name": format!("{DEMO_HOST}/{repository}"), "version": VERSION },
        },
        "components": components,
    }))?;
    cosign_manifest(blobs, CYCLONEDX_JSON, sbom, json!({}))
}

/// What cosign v3 attaches instead of tags: an OCI 1.1 referrer (empty config,
/// `artifactType` the bundle media type, `subject` the index) holding a Sigstore bundle
/// whose DSSE envelope signs an in-toto statement about the index.
pub(super) fn build_bundle_referrer(
    blobs: &mut Blobs,
    repository: &str,
    subject: &Blob,
) -> Result<Blob> {
    let bundle = blobs.put_json(&sigstore_bundle(repository, subject)?)?;
    let empty = blobs.put_empty();
    let mut layer = descriptor(BUNDLE_V03, &bundle);
    insert(
        &mut layer,
        "annotations",
        json!({ TITLE: format!("sha256-{}.sigstore.json", bundle.hex()) }),
    );
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": BUNDLE_V03,
        "config": descriptor(OCI_EMPTY, &empty),
        "layers": [layer],
        "subject": descriptor(OCI_INDEX, subject),
        "annotations": {
            "dev.sigstore.bundle.content": "dsse-envelope",
            "dev.sigstore.bundle.predicateType": COSIGN_SIGN_PREDICATE,
            CREATED: SIGNED_AT_TEXT,
        },
    }))
}

/// A cosign signature image: one layer and the config go-containerregistry derives for it
/// (zero time, empty platform, the layer's digest as its diff_id).
fn cosign_manifest(
    blobs: &mut Blobs,
    layer_type: &str,
    payload: Vec<u8>,
    annotations: Value,
) -> Result<Blob> {
    let layer = blobs.put(payload);
    let config = blobs.put_json(&json!({
        "architecture": "",
        "config": {},
        "created": "0001-01-01T00:00:00Z",
        "history": [{ "created": "0001-01-01T00:00:00Z" }],
        "os": "",
        "rootfs": { "type": "layers", "diff_ids": [layer.digest] },
    }))?;
    let mut layer = descriptor(layer_type, &layer);
    insert(&mut layer, "annotations", annotations);
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(OCI_CONFIG, &config),
        "layers": [layer],
    }))
}

fn statement_subject(repository: &str, subject: &Blob) -> Value {
    json!([{
        "name": format!("{DEMO_HOST}/{repository}"),
        "digest": { "sha256": subject.hex() },
    }])
}

/// A DSSE envelope as cosign serializes it (Go struct order: payloadType, payload,
/// signatures).
fn dsse_envelope(statement: &[u8], signature: &[u8]) -> Vec<u8> {
    let signatures = go_object(&[
        ("keyid", json_string("")),
        ("sig", json_string(&base64(signature))),
    ]);
    go_object(&[
        ("payloadType", json_string(IN_TOTO)),
        ("payload", json_string(&base64(statement))),
        ("signatures", format!("[{signatures}]")),
    ])
    .into_bytes()
}

fn slsa_v1_provenance() -> Value {
    json!({
        "buildDefinition": {
            "buildType": "https://mobyproject.org/buildkit@v1",
            "externalParameters": {
                "configSource": {
                    "uri": format!("{SOURCE_URL}.git#refs/tags/v{VERSION}"),
                    "digest": { "sha1": REVISION },
                    "path": "Dockerfile",
                },
                "request": {
                    "frontend": "dockerfile.v0",
                    "args": { "build-arg:GREETING": "hello" },
                },
            },
            "resolvedDependencies": [{
                "uri": "pkg:docker/alpine@3.23.2",
                "digest": { "sha256": ALPINE_INDEX },
            }],
        },
        "runDetails": {
            "builder": { "id": format!("{SOURCE_URL}/actions/runs/13370000042") },
            "metadata": {
                "invocationID": "strata-demo-multi-arch",
                "startedOn": BUILD_CREATED,
                "finishedOn": BUILD_FINISHED,
            },
        },
    })
}

/// Cosign's `dev.sigstore.cosign/bundle` annotation: a Rekor entry and its signed entry
/// timestamp, in Go struct order.
fn rekor_bundle(body: &Value, log_index: u64) -> Result<String> {
    let payload = go_object(&[
        ("body", json_string(&base64(&json_bytes(body)?))),
        ("integratedTime", SIGNED_AT.to_string()),
        ("logIndex", log_index.to_string()),
        ("logID", json_string(&hex(&log_id()))),
    ]);
    let timestamp = placeholder_ecdsa_signature(&format!("signed entry timestamp {log_index}"));
    Ok(go_object(&[
        ("SignedEntryTimestamp", json_string(&base64(&timestamp))),
        ("Payload", payload),
    ]))
}

/// A Sigstore bundle v0.3 (protobuf JSON, so 64-bit numbers are strings) for a DSSE
/// signature over a cosign v3 signing statement.
fn sigstore_bundle(repository: &str, subject: &Blob) -> Result<Value> {
    let statement = json_bytes(&json!({
        "_type": IN_TOTO_STATEMENT_V1,
        "subject": statement_subject(repository, subject),
        "predicateType": COSIGN_SIGN_PREDICATE,
        "predicate": {},
    }))?;
    let signature = placeholder_ecdsa_signature("cosign bundle signature");
    let key = DemoKey::new();
    let body = json!({
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": {
            "envelopeHash": {
                "algorithm": "sha256",
                "value": sha256_hex(&dsse_envelope(&statement, &signature)),
            },
            "payloadHash": { "algorithm": "sha256", "value": sha256_hex(&statement) },
            "signatures": [{
                "signature": base64(&signature),
                "verifier": base64(key.pem().as_bytes()),
            }],
        },
    });
    let log_index = LOG_INDEX + 2;
    let root_hash = base64(&pseudo_random("demo log root hash", 32));
    let proof_hashes: Vec<String> = (0..4)
        .map(|level| base64(&pseudo_random(&format!("demo log proof hash {level}"), 32)))
        .collect();
    Ok(json!({
        "mediaType": BUNDLE_V03,
        "verificationMaterial": {
            "publicKey": { "hint": base64(&Sha256::digest(key.spki_der())) },
            "tlogEntries": [{
                "logIndex": log_index.to_string(),
                "logId": { "keyId": base64(&log_id()) },
                "kindVersion": { "kind": "dsse", "version": "0.0.1" },
                "integratedTime": SIGNED_AT.to_string(),
                "inclusionPromise": {
                    "signedEntryTimestamp":
                        base64(&placeholder_ecdsa_signature("bundle signed entry timestamp")),
                },
                "inclusionProof": {
                    "logIndex": log_index.to_string(),
                    "rootHash": root_hash,
                    "treeSize": TREE_SIZE.to_string(),
                    "hashes": proof_hashes,
                    "checkpoint": { "envelope": checkpoint(&root_hash) },
                },
                "canonicalizedBody": base64(&json_bytes(&body)?),
            }],
        },
        "dsseEnvelope": {
            "payload": base64(&statement),
            "payloadType": IN_TOTO,
            "signatures": [{ "sig": base64(&signature), "keyid": "" }],
        },
    }))
}

/// A signed note in the transparency-log checkpoint format: origin, tree size, root hash,
/// a blank line, then `— <name> <key hint + signature>`.
fn checkpoint(root_hash: &str) -> String {
    let mut signature = pseudo_random("demo log key hint", 4);
    signature.extend(placeholder_ecdsa_signature("demo log checkpoint"));
    let name = LOG_ORIGIN.split(' ').next().unwrap_or(LOG_ORIGIN);
    format!(
        "{LOG_ORIGIN}\n{TREE_SIZE}\n{root_hash}\n\n\u{2014} {name} {}\n",
        base64(&signature)
    )
}

/// The stand-in log's ID: like Rekor's, the SHA-256 of its public key.
fn log_id() -> Vec<u8> {
    Sha256::digest(pseudo_random("demo log public key", 91)).to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
