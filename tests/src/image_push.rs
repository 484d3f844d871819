//! Pushes an image made in a test (gzip'd tar layers, a config naming their diff_ids) to a real registry
//! over its HTTP API.

use serde_json::json;
use strata_image::digest::Digest;
use strata_image::media_type::OCI_MANIFEST;

/// Uploads one blob; returns its digest.
pub async fn push_blob(
    client: &reqwest::Client,
    api: &str,
    repository: &str,
    bytes: &[u8],
) -> String {
    let digest = Digest::sha256_of(bytes).to_string();
    let started = client
        .post(format!("{api}{repository}/blobs/uploads/"))
        .send()
        .await
        .expect("an upload starts");
    assert_eq!(started.status().as_u16(), 202, "starting an upload");
    let location = started.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    let mut url = reqwest::Url::parse(api)
        .expect("a URL")
        .join(&location)
        .expect("a location URL");
    url.query_pairs_mut().append_pair("digest", &digest);
    let put = client
        .put(url)
        .body(bytes.to_vec())
        .send()
        .await
        .expect("the upload ends");
    assert_eq!(put.status().as_u16(), 201, "uploading {digest}");
    digest
}

/// Uploads one manifest as `repository:reference` (a tag or its digest).
pub async fn push_manifest(
    client: &reqwest::Client,
    api: &str,
    repository: &str,
    reference: &str,
    media_type: &str,
    body: Vec<u8>,
) {
    let answer = client
        .put(format!("{api}{repository}/manifests/{reference}"))
        .header("content-type", media_type)
        .body(body)
        .send()
        .await
        .expect("a manifest is pushed");
    assert_eq!(
        answer.status().as_u16(),
        201,
        "pushing {repository}:{reference}"
    );
}

/// A linux/amd64 OCI image of `layers` (each: the tar, its gzip): its config and its manifest.
pub fn image_documents(layers: &[(Vec<u8>, Vec<u8>)]) -> (Vec<u8>, Vec<u8>) {
    let diff_ids: Vec<String> = layers
        .iter()
        .map(|(tar, _)| Digest::sha256_of(tar).to_string())
        .collect();
    let history: Vec<serde_json::Value> = (0..layers.len())
        .map(|i| json!({ "created_by": format!("COPY layer{i} / # test") }))
        .collect();
    let config = json!({
        "architecture": "amd64", "os": "linux",
        "config": { "Cmd": ["/bin/sh"] },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": history,
    })
    .to_string()
    .into_bytes();
    let descriptors: Vec<serde_json::Value> = layers
        .iter()
        .map(|(_, gzipped)| {
            json!({
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": Digest::sha256_of(gzipped).to_string(),
                "size": gzipped.len()
            })
        })
        .collect();
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": Digest::sha256_of(&config).to_string(),
            "size": config.len()
        },
        "layers": descriptors,
    })
    .to_string()
    .into_bytes();
    (config, manifest)
}

/// Pushes a linux/amd64 OCI image of `layers` (each: the tar, its gzip) as `repository:tag`; returns the
/// manifest digest.
pub async fn push_image(
    api: &str,
    repository: &str,
    tag: &str,
    layers: &[(Vec<u8>, Vec<u8>)],
) -> String {
    let client = reqwest::Client::new();
    let (config, manifest) = image_documents(layers);
    push_blob(&client, api, repository, &config).await;
    for (_, gzipped) in layers {
        push_blob(&client, api, repository, gzipped).await;
    }
    push_manifest(
        &client,
        api,
        repository,
        tag,
        OCI_MANIFEST,
        manifest.clone(),
    )
    .await;
    Digest::sha256_of(&manifest).to_string()
}

/// Tags again, as `tag`, the manifest `repository` already holds under `existing` (a tag or digest):
/// what `docker tag` and a push of the same image do.
pub async fn tag_again(api: &str, repository: &str, existing: &str, tag: &str) {
    let client = reqwest::Client::new();
    let accept = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
                  application/vnd.docker.distribution.manifest.v2+json";
    let answer = client
        .get(format!("{api}{repository}/manifests/{existing}"))
        .header("accept", accept)
        .send()
        .await
        .expect("the registry answers");
    assert!(answer.status().is_success(), "{repository}:{existing}");
    let media_type = answer
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or(OCI_MANIFEST)
        .to_owned();
    let manifest = answer.bytes().await.expect("the manifest");
    push_manifest(
        &client,
        api,
        repository,
        tag,
        &media_type,
        manifest.to_vec(),
    )
    .await;
}
