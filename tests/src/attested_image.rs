//! Pushes an image index as BuildKit writes one with attestations: a linux/amd64 image and an attestation
//! manifest for it holding in-toto statements, each layer annotated with its predicate type.

use serde_json::json;
use strata_image::digest::Digest;
use strata_image::media_type::{OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};

use crate::image_push::{image_documents, push_blob};

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
    let put = |reference: &str, media_type: &str, body: &[u8]| {
        let request = client
            .put(format!("{api}{repository}/manifests/{reference}"))
            .header("content-type", media_type)
            .body(body.to_vec());
        async move {
            let answer = request.send().await.expect("a manifest is pushed");
            assert_eq!(answer.status().as_u16(), 201, "pushing a manifest");
        }
    };
    put(&subject, OCI_MANIFEST, &platform_manifest).await;
    let empty = b"{}".to_vec();
    push_blob(&client, api, repository, &empty).await;
    let mut layers = Vec::new();
    let mut digests = Vec::new();
    for (predicate_type, bytes) in statements {
        let digest = push_blob(&client, api, repository, bytes).await;
        layers.push(json!({
            "mediaType": "application/vnd.in-toto+json", "digest": digest, "size": bytes.len(),
            "annotations": {"in-toto.io/predicate-type": predicate_type},
        }));
        digests.push(digest);
    }
    let reference = json!({"vnd.docker.reference.type": "attestation-manifest",
                           "vnd.docker.reference.digest": subject});
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
    put(&attestation_digest, OCI_MANIFEST, &attestation).await;
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
    put(tag, OCI_INDEX, &index).await;
    AttestedImage {
        index: Digest::sha256_of(&index).to_string(),
        platform_manifest: subject,
        statements: digests,
    }
}
