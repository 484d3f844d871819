//! Pushes an image index as BuildKit writes one with attestations: a linux/amd64 image and an attestation
//! manifest for it holding in-toto statements, each layer annotated with its predicate type.

use serde_json::json;
use strata_image::artifact::IN_TOTO_PREDICATE_TYPE;
use strata_image::digest::Digest;
use strata_image::manifest::{
    ATTESTATION_MANIFEST, REFERENCE_DIGEST_ANNOTATION, REFERENCE_TYPE_ANNOTATION,
};
use strata_image::media_type::{IN_TOTO, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};

use crate::image_push::{image_documents, push_blob, push_manifest};

/// An in-toto statement (v0.1) of `predicate_type` about `about` (a digest).
pub fn statement(predicate_type: &str, predicate: serde_json::Value, about: &str) -> Vec<u8> {
    json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": predicate_type,
        "subject": [{"name": "pkg:docker/team/app@test",
                     "digest": {"sha256": about.trim_start_matches("sha256:")}}],
        "predicate": predicate,
    })
    .to_string()
    .into_bytes()
}

/// The digest of the platform manifest [`push_attested_image`] makes of `layer`: what its statements
/// should be about.
pub fn platform_manifest_digest(layer: &(Vec<u8>, Vec<u8>)) -> String {
    let (_, manifest) = image_documents(std::slice::from_ref(layer));
    Digest::sha256_of(&manifest).to_string()
}

/// The image pushed, and what it is.
pub struct AttestedImage {
    /// The index's digest.
    pub index: String,
    /// The platform manifest's digest: what the statements should be about.
    pub platform_manifest: String,
    /// Each statement's digest, in layer order.
    pub statements: Vec<String>,
}

/// Pushes `repository:tag`: an index of a linux/amd64 image of `layer` (the tar, its gzip) and an
/// attestation manifest for it holding `statements` (each: its predicate type and bytes, which
/// [`statement`] writes).
pub async fn push_attested_image(
    api: &str,
    repository: &str,
    tag: &str,
    layer: (Vec<u8>, Vec<u8>),
    statements: &[(&str, Vec<u8>)],
) -> AttestedImage {
    let client = reqwest::Client::new();
    let (config, platform_manifest) = image_documents(std::slice::from_ref(&layer));
    push_blob(&client, api, repository, &config).await;
    push_blob(&client, api, repository, &layer.1).await;
    let subject = Digest::sha256_of(&platform_manifest).to_string();
    push_manifest(
        &client,
        api,
        repository,
        &subject,
        OCI_MANIFEST,
        platform_manifest.clone(),
    )
    .await;
    let empty = b"{}".to_vec();
    push_blob(&client, api, repository, &empty).await;
    let mut layers = Vec::new();
    let mut digests = Vec::new();
    for (predicate_type, bytes) in statements {
        let digest = push_blob(&client, api, repository, bytes).await;
        layers.push(json!({
            "mediaType": IN_TOTO, "digest": digest, "size": bytes.len(),
            "annotations": {IN_TOTO_PREDICATE_TYPE: predicate_type},
        }));
        digests.push(digest);
    }
    let reference = json!({REFERENCE_TYPE_ANNOTATION: ATTESTATION_MANIFEST,
                           REFERENCE_DIGEST_ANNOTATION: subject});
    let attestation = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG,
                   "digest": Digest::sha256_of(&empty).to_string(), "size": empty.len()},
        "layers": layers,
    })
    .to_string()
    .into_bytes();
    let attestation_digest = Digest::sha256_of(&attestation).to_string();
    push_manifest(
        &client,
        api,
        repository,
        &attestation_digest,
        OCI_MANIFEST,
        attestation.clone(),
    )
    .await;
    let index = json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": subject, "size": platform_manifest.len(),
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": OCI_MANIFEST, "digest": attestation_digest, "size": attestation.len(),
             "platform": {"os": "unknown", "architecture": "unknown"}, "annotations": reference},
        ],
    })
    .to_string()
    .into_bytes();
    push_manifest(&client, api, repository, tag, OCI_INDEX, index.clone()).await;
    AttestedImage {
        index: Digest::sha256_of(&index).to_string(),
        platform_manifest: subject,
        statements: digests,
    }
}
