//! The demo registry: an OCI image layout built into the binary and answered like a registry under a
//! host name no real registry can have, so the app teaches and demonstrates with no network at all.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use serde::{Deserialize, Serialize};
use strata_core::registry_host;

use crate::registry_route::{Endpoint, RegistryPath};

mod layout {
    include!(concat!(env!("OUT_DIR"), "/demo_layout.rs"));
}

const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";
const DESCRIPTION_ANNOTATION: &str = "org.opencontainers.image.description";

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
    /// Digest → media type, for every manifest reachable from a tag (what `Content-Type` says).
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
        let mut images = Vec::new();
        let mut pending = Vec::new();
        for entry in index.manifests {
            let name = entry.annotations.get(REF_NAME_ANNOTATION);
            if let Some((repository, tag)) = name.and_then(|name| name.rsplit_once(':')) {
                tags.insert(
                    (repository.to_owned(), tag.to_owned()),
                    entry.digest.clone(),
                );
            }
            if let (Some(name), Some(description)) =
                (name, entry.annotations.get(DESCRIPTION_ANNOTATION))
            {
                images.push(DemoImage {
                    reference: format!("{}/{name}", registry_host::DEMO_REGISTRY),
                    description: description.clone(),
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
        DemoRegistry {
            tags,
            manifests,
            images,
            blobs,
        }
    }

    /// The demo images a reader should see, in the layout's order: the tagged roots the generator
    /// described.
    pub fn images(&self) -> Vec<DemoImage> {
        self.images.clone()
    }

    /// The tags of `repository`, sorted; `None` when the demo has no such repository.
    pub fn tags(&self, repository: &str) -> Option<Vec<String>> {
        let mut tags: Vec<String> = self
            .tags
            .keys()
            .filter(|(name, _)| name == repository)
            .map(|(_, tag)| tag.clone())
            .collect();
        tags.sort();
        (!tags.is_empty()).then_some(tags)
    }

    /// Answers a manifest or blob request as a registry would.
    pub fn answer(&self, path: &RegistryPath, head: bool) -> Response<Body> {
        if !self
            .tags
            .keys()
            .any(|(repository, _)| *repository == path.repository)
        {
            return registry_error(
                StatusCode::NOT_FOUND,
                "NAME_UNKNOWN",
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
        let Some((digest, bytes)) = digest.and_then(|digest| self.blobs.get_key_value(digest))
        else {
            return match path.endpoint {
                Endpoint::Manifest => registry_error(
                    StatusCode::NOT_FOUND,
                    "MANIFEST_UNKNOWN",
                    "manifest unknown",
                ),
                Endpoint::Blob => registry_error(
                    StatusCode::NOT_FOUND,
                    "BLOB_UNKNOWN",
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
                        "MANIFEST_UNKNOWN",
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
        Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, bytes.len())
            .header("docker-content-digest", *digest)
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
}

fn registry_error(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "errors": [{ "code": code, "message": message }] });
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("static headers are valid")
}
