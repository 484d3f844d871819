//! Signs an image in a real registry the way `cosign sign --key` does: simple-signing payloads pushed as
//! the layers of a `sha256-<hex>.sig` manifest, each signature in its layer's annotation.

use serde_json::{Value, json};
use strata_image::artifact::COSIGN_SIGNATURE_ANNOTATION;
use strata_image::digest::Digest;
use strata_image::media_type::{COSIGN_SIMPLE_SIGNING, OCI_CONFIG, OCI_MANIFEST};

use crate::image_push::{push_blob, push_manifest};

/// A simple-signing payload vouching that `reference` (e.g. `registry.test/team/app`) is the manifest
/// `signed`; `optional` is cosign's free-form `optional` section.
pub fn simple_signing_payload(reference: &str, signed: &str, optional: Value) -> Vec<u8> {
    json!({
        "critical": {
            "identity": {"docker-reference": reference},
            "image": {"docker-manifest-digest": signed},
            "type": "cosign container image signature",
        },
        "optional": optional,
    })
    .to_string()
    .into_bytes()
}

/// The base64 form a signature takes in a `.sig` layer's annotation.
pub fn annotation_value(signature: &[u8]) -> String {
    strata_supply_chain::base64::encode(signature, false)
}

/// Pushes the `.sig` manifest of `image` (a digest) to `repository`: one layer per (payload, signature).
pub async fn push_signature_tag(
    api: &str,
    repository: &str,
    image: &str,
    signatures: &[(Vec<u8>, Vec<u8>)],
) {
    let client = reqwest::Client::new();
    let config = b"{}".to_vec();
    push_blob(&client, api, repository, &config).await;
    let mut layers = Vec::new();
    for (payload, signature) in signatures {
        push_blob(&client, api, repository, payload).await;
        layers.push(json!({
            "mediaType": COSIGN_SIMPLE_SIGNING,
            "digest": Digest::sha256_of(payload).to_string(),
            "size": payload.len(),
            "annotations": {COSIGN_SIGNATURE_ANNOTATION: annotation_value(signature)},
        }));
    }
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": Digest::sha256_of(&config).to_string(),
                   "size": config.len()},
        "layers": layers,
    })
    .to_string()
    .into_bytes();
    let tag = format!("{}.sig", image.replace(':', "-"));
    push_manifest(&client, api, repository, &tag, OCI_MANIFEST, manifest).await;
}
