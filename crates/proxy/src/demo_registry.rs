//! The demo registry: an OCI image layout built into the binary and answered like a registry under a
//! host name no real registry can have, so the app teaches and demonstrates with no network at all.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use serde::{Deserialize, Serialize};
use strata_core::manifest::{self, Document};
use strata_core::{media_type, registry_host};

use crate::registry_route::{Endpoint, RegistryPath};

mod layout {
    include!(concat!(env!("OUT_DIR"), "/demo_layout.rs"));
}

const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";

#[derive(Deserialize)]
struct LayoutIndex {
    manifests: Vec<LayoutEntry>,
}

#[derive(Deserialize)]
struct LayoutEntry {
    digest: String,
    #[serde(default)]
    annotations: HashMap<String, String>,
}

#[derive(Deserialize)]
struct MediaTypeField {
    #[serde(default, rename = "mediaType")]
    media_type: Option<String>,
}

/// The embedded demo images.
#[derive(Debug)]
pub struct DemoRegistry {
    /// `(repository, tag)` → digest.
    tags: HashMap<(String, String), String>,
    blobs: HashMap<&'static str, &'static [u8]>,
}

impl DemoRegistry {
    /// Reads the embedded layout.
    pub fn embedded() -> Self {
        let index: LayoutIndex = serde_json::from_slice(layout::INDEX_JSON)
            .expect("the embedded demo index.json was generated valid");
        let tags = index
            .manifests
            .into_iter()
            .filter_map(|entry| {
                let name = entry.annotations.get(REF_NAME_ANNOTATION)?;
                let (repository, tag) = name.rsplit_once(':')?;
                Some(((repository.to_owned(), tag.to_owned()), entry.digest))
            })
            .collect();
        DemoRegistry {
            tags,
            blobs: layout::BLOBS.iter().copied().collect(),
        }
    }

    /// One reference per demo repository (its first tag in sort order), with what it shows.
    pub fn images(&self) -> Vec<DemoImage> {
        let mut tagged: Vec<(&String, &String, &String)> = self
            .tags
            .iter()
            .map(|((repository, tag), digest)| (repository, tag, digest))
            .collect();
        tagged.sort();
        tagged.dedup_by(|later, earlier| later.0 == earlier.0);
        let mut images: Vec<(usize, DemoImage)> = tagged
            .into_iter()
            .map(|(repository, tag, digest)| {
                let (platforms, description) = self
                    .blobs
                    .get(digest.as_str())
                    .map(|bytes| summarize(bytes))
                    .unwrap_or_default();
                let reference = format!("{}/{repository}:{tag}", registry_host::DEMO_REGISTRY);
                (
                    platforms,
                    DemoImage {
                        reference,
                        description,
                    },
                )
            })
            .collect();
        images.sort_by_key(|(platforms, _)| std::cmp::Reverse(*platforms));
        images.into_iter().map(|(_, image)| image).collect()
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
            Endpoint::Manifest => match manifest_media_type(bytes) {
                Some(media_type) => media_type,
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

/// How many platforms a demo image has, and what it shows in a few words (most platforms first on the page).
fn summarize(bytes: &[u8]) -> (usize, String) {
    let Ok(read) = manifest::read_document(bytes, None) else {
        return (0, String::new());
    };
    let kind = media_type::describe(&read.media_type);
    match read.document {
        Document::Index(index) => {
            let entries = index.entries();
            let platforms: Vec<String> = entries
                .platforms
                .iter()
                .filter_map(|entry| {
                    entry
                        .descriptor
                        .platform
                        .as_ref()
                        .map(|p| p.os_arch_variant())
                })
                .collect();
            let attestations: usize = entries
                .platforms
                .iter()
                .map(|entry| entry.attestations.len())
                .sum();
            let mut text = format!("{kind}: {}", platforms.join(", "));
            if attestations > 0 {
                text.push_str(&format!(
                    ", with {attestations} attestations (SBOM and provenance)"
                ));
            }
            (platforms.len(), text)
        }
        _ => (1, format!("{kind}, a single platform")),
    }
}

fn manifest_media_type(bytes: &[u8]) -> Option<String> {
    let field: MediaTypeField = serde_json::from_slice(bytes).ok()?;
    let media_type = field.media_type?;
    (media_type::document_kind(&media_type) != media_type::DocumentKind::Unknown)
        .then_some(media_type)
}

fn registry_error(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "errors": [{ "code": code, "message": message }] });
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("static headers are valid")
}
