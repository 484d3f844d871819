//! `/v2/<registry-host>/<repository>/{manifests,blobs}/<reference>`: the read-only registry API, forwarded.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, Method, Response, StatusCode, header};
use strata_core::reference::Reference;
use strata_core::registry_host;

use crate::app::AppState;
use crate::error::ProxyError;
use crate::upstream::UpstreamRequest;

/// Which endpoint a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/manifests/<tag-or-digest>`.
    Manifest,
    /// `/blobs/<digest>`.
    Blob,
}

/// A registry path, checked by core's reference grammar before anything goes upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPath {
    /// The registry as named in references (`docker.io`, `ghcr.io`, `localhost:5000`).
    pub registry: String,
    /// The repository.
    pub repository: String,
    /// Manifest or blob.
    pub endpoint: Endpoint,
    /// Tag or digest.
    pub reference: String,
}

impl RegistryPath {
    /// Reads `<registry>/<repository>/{manifests,blobs}/<reference>`.
    pub fn parse(path: &str) -> Result<RegistryPath, ProxyError> {
        let bad =
            |why: &str| ProxyError::BadPath(format!("{path:?} is not a registry path: {why}"));
        let (registry, rest) = path
            .split_once('/')
            .ok_or_else(|| bad("no registry host"))?;
        let (name, endpoint, reference) =
            if let Some((name, reference)) = rest.rsplit_once("/manifests/") {
                (name, Endpoint::Manifest, reference)
            } else if let Some((name, reference)) = rest.rsplit_once("/blobs/") {
                (name, Endpoint::Blob, reference)
            } else {
                return Err(bad("expected /manifests/<reference> or /blobs/<digest>"));
            };
        let separator = if reference.contains(':') { '@' } else { ':' };
        if endpoint == Endpoint::Blob && separator != '@' {
            return Err(bad("a blob is named by its digest"));
        }
        let written = format!("{registry}/{name}{separator}{reference}");
        let parsed = Reference::parse(&written).map_err(|error| bad(&error.to_string()))?;
        if parsed.registry() != registry || parsed.repository() != name {
            return Err(bad(
                "the registry host and repository must be given in full",
            ));
        }
        Ok(RegistryPath {
            registry: registry.to_owned(),
            repository: name.to_owned(),
            endpoint,
            reference: reference.to_owned(),
        })
    }

    fn upstream_path(&self) -> String {
        let endpoint = match self.endpoint {
            Endpoint::Manifest => "manifests",
            Endpoint::Blob => "blobs",
        };
        format!("{}/{endpoint}/{}", self.repository, self.reference)
    }
}

/// Headers passed back to the browser as the registry sent them. Never `WWW-Authenticate`: a Basic challenge
/// would make the browser prompt for credentials, and credentials stay on the server.
const FORWARDED_HEADERS: [&str; 8] = [
    "content-type",
    "content-length",
    "docker-content-digest",
    "ratelimit-limit",
    "ratelimit-remaining",
    "docker-ratelimit-source",
    "retry-after",
    "warning",
];

/// Forwards a manifest or blob request, or answers it from the demo registry.
pub async fn forward(
    State(state): State<AppState>,
    method: Method,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response<Body>, ProxyError> {
    if method != Method::GET && method != Method::HEAD {
        return Err(ProxyError::BadPath("only GET and HEAD are allowed".into()));
    }
    let path = RegistryPath::parse(&path)?;
    if path.registry == registry_host::DEMO_REGISTRY {
        return Ok(state.demo.answer(&path, method == Method::HEAD));
    }
    let authority = registry_host::api_host(&path.registry);
    let accept = headers.get(header::ACCEPT).cloned();
    let range = headers.get(header::RANGE).cloned();
    let upstream_path = path.upstream_path();
    let upstream = state
        .upstream
        .fetch(UpstreamRequest {
            authority,
            path: &upstream_path,
            method: method.clone(),
            accept,
            range,
        })
        .await?;
    let status =
        StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = Response::builder().status(status);
    for name in FORWARDED_HEADERS {
        for value in upstream.headers().get_all(name) {
            response = response.header(HeaderName::from_static(name), value.as_bytes());
        }
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from_stream(upstream.bytes_stream())
    };
    response.body(body).map_err(|error| {
        ProxyError::Unreachable(format!(
            "the registry's answer could not be passed on: {error}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn reads_registry_paths() {
        let ok = [
            (
                "docker.io/library/alpine/manifests/latest",
                "docker.io",
                "library/alpine",
                Endpoint::Manifest,
                "latest",
            ),
            (
                "ghcr.io/org/app/manifests/1.2",
                "ghcr.io",
                "org/app",
                Endpoint::Manifest,
                "1.2",
            ),
            (
                "localhost:5000/team/app/blobs/DIGEST",
                "localhost:5000",
                "team/app",
                Endpoint::Blob,
                DIGEST,
            ),
            (
                "127.0.0.1:5000/a/manifests/DIGEST",
                "127.0.0.1:5000",
                "a",
                Endpoint::Manifest,
                DIGEST,
            ),
            (
                "demo.invalid/strata/multi-arch/manifests/1.0",
                "demo.invalid",
                "strata/multi-arch",
                Endpoint::Manifest,
                "1.0",
            ),
        ];
        for (input, registry, repository, endpoint, reference) in ok {
            let input = input.replace("DIGEST", DIGEST);
            let path = RegistryPath::parse(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (
                    path.registry.as_str(),
                    path.repository.as_str(),
                    path.endpoint,
                    path.reference.as_str()
                ),
                (registry, repository, endpoint, reference),
                "{input}"
            );
        }
        let bad = [
            "docker.io/alpine/manifests/latest",
            "ghcr.io/Org/app/manifests/1",
            "ghcr.io/org/app/tags/list",
            "ghcr.io/org/app/blobs/latest",
            "ghcr.io/org/app/manifests/sha256:short",
            "ghcr.io/org/app/manifests/bad tag",
            "ghcr.io",
            "org/app/manifests/1",
            "ghcr.io/../manifests/1",
        ];
        for input in bad {
            assert!(RegistryPath::parse(input).is_err(), "{input}");
        }
    }
}
