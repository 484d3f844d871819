//! Attaches an artifact to an image as an OCI 1.1 referrer, as `oras attach` and cosign v3 do on a
//! registry without the referrers API (Debian's `docker-registry`): the artifact's blobs, its manifest
//! (an empty config, its layers, a `subject`), and the referrers tag schema's index (`sha256-<hex>`)
//! listing it, read again and extended when other referrers are already listed.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use strata_image::digest::Digest;
use strata_image::media_type::{OCI_EMPTY, OCI_INDEX, OCI_MANIFEST};

use crate::image_push::{push_blob, push_manifest};

/// The in-toto statement cosign v3 signs for an image (`digest`, pushed as `registry.test/<repository>`):
/// predicate type `https://sigstore.dev/cosign/sign/v1`, what its Sigstore bundle's envelope carries.
pub fn cosign_signing_statement(repository: &str, digest: &str) -> Vec<u8> {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{ "name": format!("registry.test/{repository}"),
                      "digest": { "sha256": digest.trim_start_matches("sha256:") } }],
        "predicateType": "https://sigstore.dev/cosign/sign/v1",
        "predicate": {},
    })
    .to_string()
    .into_bytes()
}

/// One referrer to attach.
pub struct Referrer<'a> {
    /// Its artifact type.
    pub artifact_type: &'a str,
    /// The annotations of its manifest, copied onto its entry in the index.
    pub annotations: &'a [(&'a str, &'a str)],
    /// Its layers: media type and bytes.
    pub layers: Vec<(&'a str, Vec<u8>)>,
}

/// Attaches `referrer` to `listed_under` (a manifest digest in `repository`), its manifest naming
/// `subject` (the same digest, unless a test wants a referrer that names another); returns the referrer
/// manifest's digest.
pub async fn attach(
    api: &str,
    repository: &str,
    listed_under: &str,
    subject: &str,
    referrer: &Referrer<'_>,
) -> String {
    let client = reqwest::Client::new();
    let empty = b"{}".to_vec();
    push_blob(&client, api, repository, &empty).await;
    let mut layers = Vec::new();
    for (media_type, bytes) in &referrer.layers {
        push_blob(&client, api, repository, bytes).await;
        layers.push(json!({
            "mediaType": media_type,
            "digest": Digest::sha256_of(bytes).to_string(),
            "size": bytes.len(),
        }));
    }
    let subject_size = client
        .get(format!("{api}{repository}/manifests/{subject}"))
        .header("accept", OCI_MANIFEST)
        .header("accept", OCI_INDEX)
        .send()
        .await
        .expect("the subject")
        .bytes()
        .await
        .expect("its bytes")
        .len();
    let annotations: BTreeMap<&str, &str> = referrer.annotations.iter().copied().collect();
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": referrer.artifact_type,
        "config": {"mediaType": OCI_EMPTY, "digest": Digest::sha256_of(&empty).to_string(), "size": empty.len()},
        "layers": layers,
        "subject": {"mediaType": OCI_MANIFEST, "digest": subject, "size": subject_size},
        "annotations": annotations,
    })
    .to_string()
    .into_bytes();
    let digest = Digest::sha256_of(&manifest).to_string();
    push_manifest(
        &client,
        api,
        repository,
        &digest,
        OCI_MANIFEST,
        manifest.clone(),
    )
    .await;
    let schema_tag = listed_under.replace(':', "-");
    let mut entries = listed(&client, api, repository, &schema_tag).await;
    entries.push(json!({
        "mediaType": OCI_MANIFEST,
        "digest": digest,
        "size": manifest.len(),
        "artifactType": referrer.artifact_type,
        "annotations": annotations,
    }));
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries})
        .to_string()
        .into_bytes();
    push_manifest(&client, api, repository, &schema_tag, OCI_INDEX, index).await;
    digest
}

/// The entries the referrers tag schema's index already lists (none when there is no index yet).
async fn listed(client: &reqwest::Client, api: &str, repository: &str, tag: &str) -> Vec<Value> {
    let answer = client
        .get(format!("{api}{repository}/manifests/{tag}"))
        .header("accept", OCI_INDEX)
        .send()
        .await
        .expect("the referrers index is asked for");
    if answer.status().as_u16() == 404 {
        return Vec::new();
    }
    let index: Value = answer.json().await.expect("an index");
    index["manifests"].as_array().cloned().unwrap_or_default()
}
