//! What the manifest tests share: digests to name children, an index of them, and manifests of blobs.

use crate::media_type;

pub(super) const DIGEST_A: &str =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

pub(super) const DIGEST_B: &str =
    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

pub(super) const DIGEST_C: &str =
    "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

pub(super) fn index_json() -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{DIGEST_A}","size":10,"platform":{{"os":"linux","architecture":"amd64"}}}},
        {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{DIGEST_B}","size":11,"platform":{{"os":"linux","architecture":"arm64","variant":"v8"}}}},
        {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{DIGEST_C}","size":12,"platform":{{"os":"unknown","architecture":"unknown"}},
          "annotations":{{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"{DIGEST_B}"}}}}]}}"#
    )
}

pub(super) fn oci_manifest(config: &str, layers: &[String], extra: &str) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"{extra},"config":{config},"layers":[{}]}}"#,
        layers.join(",")
    )
}

pub(super) fn blob(media_type: &str, size: &str, extra: &str) -> String {
    format!(r#"{{"mediaType":"{media_type}","digest":"{DIGEST_A}","size":{size}{extra}}}"#)
}

pub(super) fn image_config() -> String {
    blob(media_type::OCI_CONFIG, "100", "")
}
