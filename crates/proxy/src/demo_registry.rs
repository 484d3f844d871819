//! The demo registry: an OCI image layout built into the binary and answered like a registry under a
//! host name no real registry can have, so the app teaches and demonstrates with no network at all.
//!
//! Bytes are answered exactly as the layout stores them, whether or not they hash to their names: the
//! `strata/tampered` lesson stores altered bytes under honest digests on purpose, so the page can show
//! what a mismatch looks like. Nothing else in the layout mismatches (the generator's tests hold it);
//! the blobs that do are only marked `no-store`, so that no cache keeps them.
//!
//! An `index.json` entry named `repository:tag` is a tag; one named `repository@digest` (or
//! `repository:tag@digest`, a link pinned with the tag it was taken from) is a manifest no tag names,
//! listed on the landing page by digest.
//!
//! As in a real registry, a repository answers only for what its own roots reach (their child manifests,
//! configs and layers): a digest from another demo repository is unknown there.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use serde::{Deserialize, Serialize};
use strata_image::artifact::{DESCRIPTION_ANNOTATION, REF_NAME_ANNOTATION};
use strata_image::digest::Digest;
use strata_image::registry_host;
use strata_registry_api::registry_error::ErrorCode;
use strata_registry_api::registry_header;

use crate::cache_control::{IMMUTABLE, NO_CACHE, NO_STORE};
use crate::registry_path::{Endpoint, RegistryPath};

mod layout {
    include!(concat!(env!("OUT_DIR"), "/demo_layout.rs"));
}

#[derive(Deserialize)]
struct LayoutIndex {
    manifests: Vec<LayoutEntry>,
}

#[derive(Deserialize)]
struct LayoutEntry {
    digest: String,
    #[serde(default, rename = "mediaType")]
    media_type: String,
    #[serde(default)]
    annotations: HashMap<String, String>,
}

#[derive(Deserialize)]
struct ChildEntries {
    #[serde(default)]
    manifests: Vec<LayoutEntry>,
}

/// The embedded demo images.
#[derive(Debug)]
pub struct DemoRegistry {
    /// `(repository, tag)` → digest.
    tags: HashMap<(String, String), String>,
    /// Every repository, tagged or not.
    repositories: HashSet<String>,
    /// Blobs whose bytes do not hash to their names (the tampered lesson's, signed schema 1's payload digest).
    mismatching: HashSet<&'static str>,
    /// Repository → every digest its roots reach.
    reachable: HashMap<String, HashSet<String>>,
    /// Digest → media type, for every manifest the layout names, tagged or not (what `Content-Type` says).
    manifests: HashMap<String, String>,
    images: Vec<DemoImage>,
    blobs: HashMap<&'static str, &'static [u8]>,
}

impl DemoRegistry {
    /// Reads the embedded layout.
    pub fn embedded() -> Self {
        let index: LayoutIndex = serde_json::from_slice(layout::INDEX_JSON)
            .expect("the embedded demo index.json was generated valid");
        let blobs: HashMap<&'static str, &'static [u8]> = layout::BLOBS.iter().copied().collect();
        let mut tags = HashMap::new();
        let mut repositories = HashSet::new();
        let mut images = Vec::new();
        let mut pending = Vec::new();
        let mut reachable: HashMap<String, HashSet<String>> = HashMap::new();
        for entry in index.manifests {
            let name = entry.annotations.get(REF_NAME_ANNOTATION);
            if let Some(entry_name) = name.and_then(|name| EntryName::parse(name)) {
                repositories.insert(entry_name.repository.to_owned());
                reach(
                    &blobs,
                    &entry.digest,
                    reachable
                        .entry(entry_name.repository.to_owned())
                        .or_default(),
                );
                if let EntryName {
                    repository,
                    tag: Some(tag),
                    by_digest: false,
                } = entry_name
                {
                    tags.insert(
                        (repository.to_owned(), tag.to_owned()),
                        entry.digest.clone(),
                    );
                }
            }
            if let (Some(name), Some(description)) =
                (name, entry.annotations.get(DESCRIPTION_ANNOTATION))
            {
                images.push(DemoImage {
                    reference: format!("{}/{name}", registry_host::DEMO_REGISTRY),
                    description: description.clone(),
                    pinned: entry
                        .annotations
                        .get(registry_host::DEMO_PINNED_ANNOTATION)
                        .cloned(),
                    key: entry
                        .annotations
                        .get(registry_host::DEMO_COSIGN_KEY_ANNOTATION)
                        .cloned(),
                });
            }
            pending.push(entry);
        }
        let mut manifests = HashMap::new();
        while let Some(entry) = pending.pop() {
            if manifests.contains_key(&entry.digest) {
                continue;
            }
            if let Some(children) = blobs
                .get(entry.digest.as_str())
                .and_then(|bytes| serde_json::from_slice::<ChildEntries>(bytes).ok())
            {
                pending.extend(children.manifests);
            }
            manifests.insert(entry.digest, entry.media_type);
        }
        let mismatching = blobs
            .iter()
            .filter(|(digest, bytes)| {
                !Digest::parse(digest).is_ok_and(|expected| {
                    expected.compute_same_algorithm(bytes).as_ref() == Some(&expected)
                })
            })
            .map(|(digest, _)| *digest)
            .collect();
        DemoRegistry {
            tags,
            repositories,
            mismatching,
            reachable,
            manifests,
            images,
            blobs,
        }
    }

    /// The demo images a reader should see, in the layout's order: the roots the generator
    /// described.
    pub fn images(&self) -> Vec<DemoImage> {
        self.images.clone()
    }

    /// The tags of `repository`, sorted; `None` when the demo has no such repository. Manifests no tag
    /// names are not listed, as in any registry.
    pub fn tags(&self, repository: &str) -> Option<Vec<String>> {
        if !self.repositories.contains(repository) {
            return None;
        }
        let mut tags: Vec<String> = self
            .tags
            .keys()
            .filter(|(name, _)| name == repository)
            .map(|(_, tag)| tag.clone())
            .collect();
        tags.sort();
        Some(tags)
    }

    /// Answers a manifest or blob request as a registry would, with the stored bytes as they are.
    pub fn answer(&self, path: &RegistryPath, head: bool) -> Response<Body> {
        if !self.repositories.contains(&path.repository) {
            return registry_error(
                StatusCode::NOT_FOUND,
                ErrorCode::NameUnknown,
                "repository name not known to registry",
            );
        }
        let digest = match path.endpoint {
            Endpoint::Manifest if !path.reference.contains(':') => self
                .tags
                .get(&(path.repository.clone(), path.reference.clone()))
                .map(String::as_str),
            _ => Some(path.reference.as_str()),
        };
        let in_repository = |digest: &&str| {
            self.reachable
                .get(&path.repository)
                .is_some_and(|digests| digests.contains(*digest))
        };
        let Some((digest, bytes)) = digest
            .filter(in_repository)
            .and_then(|digest| self.blobs.get_key_value(digest))
        else {
            return match path.endpoint {
                Endpoint::Manifest => registry_error(
                    StatusCode::NOT_FOUND,
                    ErrorCode::ManifestUnknown,
                    "manifest unknown",
                ),
                Endpoint::Blob => registry_error(
                    StatusCode::NOT_FOUND,
                    ErrorCode::BlobUnknown,
                    "blob unknown to registry",
                ),
            };
        };
        let content_type = match path.endpoint {
            Endpoint::Manifest => match self.manifests.get(*digest) {
                Some(media_type) => media_type.clone(),
                None => {
                    return registry_error(
                        StatusCode::NOT_FOUND,
                        ErrorCode::ManifestUnknown,
                        "manifest unknown",
                    );
                }
            },
            Endpoint::Blob => "application/octet-stream".to_owned(),
        };
        let body = if head {
            Body::empty()
        } else {
            Body::from(*bytes)
        };
        // Caches follow the proxy's rule: checked bytes by digest are immutable, tags are asked again, and
        // the deliberately tampered blobs are never stored anywhere.
        let cache_control = if path.reference != *digest {
            NO_CACHE
        } else if self.mismatching.contains(*digest) {
            NO_STORE
        } else {
            IMMUTABLE
        };
        Response::builder()
            .status(StatusCode::OK)
            .header(header::CACHE_CONTROL, cache_control)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, bytes.len())
            .header(registry_header::DOCKER_CONTENT_DIGEST, *digest)
            .body(body)
            .expect("static headers are valid")
    }
}

/// A demo image for the landing page.
#[derive(Debug, Clone, Serialize)]
pub struct DemoImage {
    /// Its reference.
    pub reference: String,
    /// What it shows, in a few words.
    pub description: String,
    /// For a link pinned with a tag and a digest: when it was pinned (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
    /// For an image cosign signed: the demo's public key, as `?key=` carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The name of an `index.json` entry: `repository:tag`, `repository@digest` or
/// `repository:tag@digest`.
#[derive(Debug, PartialEq, Eq)]
struct EntryName<'a> {
    repository: &'a str,
    tag: Option<&'a str>,
    /// Named by its digest: no tag points to it, whatever tag the name mentions.
    by_digest: bool,
}

impl<'a> EntryName<'a> {
    fn parse(name: &'a str) -> Option<EntryName<'a>> {
        let (named, by_digest) = match name.split_once('@') {
            Some((named, _digest)) => (named, true),
            None => (name, false),
        };
        let last_component = named.rfind('/').map_or(0, |slash| slash + 1);
        let (repository, tag) = match named[last_component..].rfind(':') {
            Some(colon) => {
                let colon = last_component + colon;
                (&named[..colon], Some(&named[colon + 1..]))
            }
            None => (named, None),
        };
        (!repository.is_empty()).then_some(EntryName {
            repository,
            tag,
            by_digest,
        })
    }
}

/// Adds to `digests` the root and everything it reaches: an index's manifests, a manifest's config,
/// layers and artifact blobs, a schema 1 manifest's `blobSum`s, and a referrer's subject. (A registry keeps
/// a subject in its referrers' repository; the demo keeps its artifacts in a repository of their own, so
/// their "refers to" links need the subject there too.)
fn reach(blobs: &HashMap<&'static str, &'static [u8]>, root: &str, digests: &mut HashSet<String>) {
    let mut pending = vec![root.to_owned()];
    while let Some(digest) = pending.pop() {
        if !digests.insert(digest.clone()) {
            continue;
        }
        let Some(document) = blobs
            .get(digest.as_str())
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok())
        else {
            continue;
        };
        let listed = |key: &str, field: &str| -> Vec<String> {
            document[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|entry| entry[field].as_str().map(str::to_owned))
                .collect()
        };
        pending.extend(listed("manifests", "digest"));
        pending.extend(listed("layers", "digest"));
        pending.extend(listed("blobs", "digest"));
        pending.extend(listed("fsLayers", "blobSum"));
        pending.extend(document["config"]["digest"].as_str().map(str::to_owned));
        pending.extend(document["subject"]["digest"].as_str().map(str::to_owned));
    }
}

fn registry_error(status: StatusCode, code: ErrorCode, message: &str) -> Response<Body> {
    crate::relay::registry_error(status, code, message, false)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use strata_image::digest::Digest;

    use super::*;

    fn path(repository: &str, endpoint: Endpoint, reference: &str) -> RegistryPath {
        RegistryPath {
            registry: registry_host::DEMO_REGISTRY.to_owned(),
            repository: repository.to_owned(),
            endpoint,
            reference: reference.to_owned(),
        }
    }

    async fn fetch(
        demo: &DemoRegistry,
        repository: &str,
        endpoint: Endpoint,
        reference: &str,
    ) -> (StatusCode, Headers, Vec<u8>) {
        let response = demo.answer(&path(repository, endpoint, reference), false);
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let headers = Headers {
            content_type: header("content-type"),
            digest: header(registry_header::DOCKER_CONTENT_DIGEST),
            cache_control: header("cache-control"),
        };
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("an in-memory body");
        (status, headers, body.to_vec())
    }

    struct Headers {
        content_type: String,
        digest: String,
        cache_control: String,
    }

    fn json(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_slice(bytes).expect("JSON")
    }

    #[tokio::test]
    async fn a_repository_answers_only_for_what_its_roots_reach() {
        let demo = DemoRegistry::embedded();
        let index = demo.tags[&("strata/multi-arch".to_owned(), "1.0".to_owned())].clone();
        let (status, _, bytes) =
            fetch(&demo, "strata/multi-arch", Endpoint::Manifest, &index).await;
        assert_eq!(status, StatusCode::OK);
        let platform = digest_at(&bytes, "/manifests/0/digest");
        let (status, _, manifest) =
            fetch(&demo, "strata/multi-arch", Endpoint::Manifest, &platform).await;
        assert_eq!(status, StatusCode::OK, "a child manifest");
        let layer = digest_at(&manifest, "/layers/0/digest");
        let (status, _, _) = fetch(&demo, "strata/multi-arch", Endpoint::Blob, &layer).await;
        assert_eq!(status, StatusCode::OK, "a layer");

        let (_, _, report) = fetch(&demo, "strata/artifacts", Endpoint::Manifest, "report").await;
        let subject = digest_at(&report, "/subject/digest");
        let (status, _, _) = fetch(&demo, "strata/artifacts", Endpoint::Manifest, &subject).await;
        assert_eq!(status, StatusCode::OK, "the artifact's \"refers to\" link");

        for (elsewhere, endpoint, digest) in [
            ("strata/helm-chart", Endpoint::Manifest, &index),
            ("strata/helm-chart", Endpoint::Blob, &layer),
            ("strata/untagged", Endpoint::Manifest, &platform),
        ] {
            let (status, _, body) = fetch(&demo, elsewhere, endpoint, digest).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{elsewhere} {digest}");
            assert!(
                String::from_utf8_lossy(&body).contains("_UNKNOWN"),
                "a registry error envelope"
            );
        }
    }

    fn digest_at(document: &[u8], pointer: &str) -> String {
        json(document)
            .pointer(pointer)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn entry_names_are_tags_or_digests() {
        let digest = "sha256:0123456789012345678901234567890123456789012345678901234567890123";
        let cases = [
            (
                "strata/single:1.0",
                Some(("strata/single", Some("1.0"), false)),
            ),
            (
                "localhost:5000/app:v1",
                Some(("localhost:5000/app", Some("v1"), false)),
            ),
            ("strata/untagged", Some(("strata/untagged", None, false))),
            (
                &format!("strata/untagged@{digest}"),
                Some(("strata/untagged", None, true)),
            ),
            (
                &format!("strata/moved-tag:stable@{digest}"),
                Some(("strata/moved-tag", Some("stable"), true)),
            ),
            (":tag", None),
            (&format!("@{digest}"), None),
        ];
        for (name, expected) in cases {
            let parsed =
                EntryName::parse(name).map(|entry| (entry.repository, entry.tag, entry.by_digest));
            assert_eq!(parsed, expected, "{name}");
        }
    }

    #[test]
    fn untagged_manifests_are_listed_by_digest_but_never_as_tags() {
        let demo = DemoRegistry::embedded();
        assert_eq!(
            demo.tags("strata/moved-tag"),
            Some(vec!["stable".to_owned()])
        );
        assert_eq!(
            demo.tags("strata/untagged"),
            Some(vec!["latest".to_owned()])
        );
        assert_eq!(demo.tags("strata/nothing"), None);
        let images = demo.images();
        let by_digest: Vec<&DemoImage> = images
            .iter()
            .filter(|image| image.reference.contains('@'))
            .collect();
        assert_eq!(by_digest.len(), 2, "{images:?}");
        assert!(
            by_digest[0]
                .reference
                .starts_with("demo.invalid/strata/moved-tag:stable@sha256:")
        );
        assert_eq!(by_digest[0].pinned.as_deref(), Some("2026-02-10T09:00:00Z"));
        assert!(
            by_digest[1]
                .reference
                .starts_with("demo.invalid/strata/untagged@sha256:")
        );
        assert_eq!(by_digest[1].pinned, None);
        let stable = &demo.tags[&("strata/moved-tag".to_owned(), "stable".to_owned())];
        assert!(!by_digest[0].reference.ends_with(stable.as_str()));
    }

    #[tokio::test]
    async fn an_untagged_manifest_is_answered_by_digest() {
        let demo = DemoRegistry::embedded();
        for image in demo.images() {
            let Some((name, digest)) = image.reference.split_once('@') else {
                continue;
            };
            let repository = name
                .trim_start_matches("demo.invalid/")
                .split(':')
                .next()
                .unwrap_or_default();
            let (status, headers, bytes) =
                fetch(&demo, repository, Endpoint::Manifest, digest).await;
            assert_eq!(status, StatusCode::OK, "{}", image.reference);
            assert_eq!(headers.digest, digest);
            assert_eq!(
                headers.content_type,
                "application/vnd.oci.image.manifest.v1+json"
            );
            assert_eq!(Digest::sha256_of(&bytes).to_string(), digest);
        }
    }

    /// The only bytes that do not hash to their names: the signed schema 1 manifest (named after its
    /// payload) and the three parts of `strata/tampered` altered on purpose, served as they are.
    #[tokio::test]
    async fn tampered_bytes_are_served_as_stored_and_nothing_else_mismatches() {
        let demo = DemoRegistry::embedded();
        let repository = "strata/tampered";
        let (_, by_tag, index) = fetch(&demo, repository, Endpoint::Manifest, "latest").await;
        assert_eq!(by_tag.cache_control, NO_CACHE, "a tag may move");
        let entries = json(&index)["manifests"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut altered = BTreeSet::new();
        for entry in &entries {
            let digest = entry["digest"].as_str().unwrap_or_default();
            let (status, headers, bytes) =
                fetch(&demo, repository, Endpoint::Manifest, digest).await;
            assert_eq!((status, headers.digest.as_str()), (StatusCode::OK, digest));
            let intact = Digest::sha256_of(&bytes).to_string() == digest;
            assert_eq!(
                headers.cache_control,
                if intact { IMMUTABLE } else { NO_STORE },
                "{digest}"
            );
            assert_eq!(bytes, demo.blobs[digest], "served as stored");
            match entry["platform"]["architecture"].as_str() {
                Some("arm64") => {
                    altered.insert(digest.to_owned());
                }
                Some("arm") => {
                    altered.insert(digest_at(&bytes, "/config/digest"));
                }
                _ => {
                    altered.insert(digest_at(&bytes, "/layers/1/digest"));
                }
            }
        }
        assert_eq!(altered.len(), 3);
        for digest in &altered {
            let endpoint = if demo.manifests.contains_key(digest) {
                Endpoint::Manifest
            } else {
                Endpoint::Blob
            };
            let (status, headers, bytes) = fetch(&demo, repository, endpoint, digest).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(bytes, demo.blobs[digest.as_str()]);
            assert_eq!(headers.cache_control, NO_STORE, "never kept by a cache");
            assert_ne!(
                Digest::sha256_of(&bytes).to_string(),
                *digest,
                "altered on purpose"
            );
        }

        let signed = &demo.tags[&("strata/schema1".to_owned(), "signed".to_owned())];
        let mismatching: BTreeSet<String> = demo
            .blobs
            .iter()
            .filter(|(digest, bytes)| Digest::sha256_of(bytes).to_string() != **digest)
            .map(|(digest, _)| (*digest).to_owned())
            .filter(|digest| digest != signed)
            .collect();
        assert_eq!(mismatching, altered);
    }
}
