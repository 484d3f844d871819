//! The list endpoints — `tags/list`, `referrers/<digest>`, `_catalog` — picked out of `/v2/…` before the
//! manifests-and-blobs route sees the request: axum's router cannot match a suffix after a catch-all.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use strata_image::digest::Digest;

use crate::error::ProxyError;
use crate::registry_path::RepositoryName;
use crate::state::AppState;
use crate::{catalog_route, referrers_route, tags_route};

/// A list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListRequest {
    /// `/v2/<registry>/<repository>/tags/list`.
    Tags(RepositoryName),
    /// `/v2/<registry>/<repository>/referrers/<digest>`.
    Referrers(RepositoryName, Digest),
    /// `/v2/<registry>/_catalog`.
    Catalog(String),
}

impl ListRequest {
    /// Reads the path after `/v2/`. `None` when it is not a list endpoint (the manifests-and-blobs route
    /// answers it); `Some(Err)` when it is one but names no valid repository or digest.
    pub fn parse(path: &str) -> Option<Result<ListRequest, ProxyError>> {
        if let Some(name) = path.strip_suffix("/tags/list") {
            return Some(RepositoryName::parse(name).map(ListRequest::Tags));
        }
        if let Some((name, digest)) = path.rsplit_once("/referrers/")
            && !digest.contains('/')
        {
            return Some(RepositoryName::parse(name).and_then(|name| {
                let digest = Digest::parse(digest).map_err(|error| {
                    ProxyError::BadPath(format!("{digest:?} is not a digest: {error}"))
                })?;
                Ok(ListRequest::Referrers(name, digest))
            }));
        }
        if let Some(registry) = path.strip_suffix("/_catalog")
            && !registry.contains('/')
        {
            return Some(Ok(ListRequest::Catalog(registry.to_owned())));
        }
        None
    }
}

/// Middleware: answers GET and HEAD on the list endpoints and passes every other request on.
pub async fn dispatch(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let head = request.method() == Method::HEAD;
    if !(head || request.method() == Method::GET) {
        return next.run(request).await;
    }
    let Some(path) = request.uri().path().strip_prefix("/v2/") else {
        return next.run(request).await;
    };
    let Some(parsed) = ListRequest::parse(path) else {
        return next.run(request).await;
    };
    let query = request.uri().query();
    let answer = match parsed {
        Err(error) => Err(error),
        Ok(ListRequest::Tags(name)) => tags_route::answer(&state, &name, query, head).await,
        Ok(ListRequest::Referrers(name, digest)) => {
            referrers_route::answer(&state, &name, &digest, query, head).await
        }
        Ok(ListRequest::Catalog(registry)) => {
            catalog_route::answer(&state, &registry, query, head).await
        }
    };
    answer.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn name(registry: &str, repository: &str) -> RepositoryName {
        RepositoryName {
            registry: registry.into(),
            repository: repository.into(),
        }
    }

    #[test]
    fn reads_list_paths() {
        let digest = Digest::parse(DIGEST).expect("a digest");
        let ok = [
            (
                "ghcr.io/org/app/tags/list".to_owned(),
                ListRequest::Tags(name("ghcr.io", "org/app")),
            ),
            (
                "localhost:5000/team/app/tags/list".to_owned(),
                ListRequest::Tags(name("localhost:5000", "team/app")),
            ),
            (
                format!("docker.io/library/alpine/referrers/{DIGEST}"),
                ListRequest::Referrers(name("docker.io", "library/alpine"), digest),
            ),
            (
                "127.0.0.1:5000/_catalog".to_owned(),
                ListRequest::Catalog("127.0.0.1:5000".into()),
            ),
        ];
        for (path, expected) in ok {
            match ListRequest::parse(&path) {
                Some(Ok(request)) => assert_eq!(request, expected, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
        for bad in [
            "docker.io/alpine/tags/list",
            "ghcr.io/Org/app/tags/list",
            "ghcr.io/tags/list",
            "org/app/tags/list",
            "ghcr.io/../x/tags/list",
            "ghcr.io/org/app/referrers/sha256:short",
            "ghcr.io/org/app/referrers/latest",
        ] {
            assert!(
                matches!(ListRequest::parse(bad), Some(Err(_))),
                "{bad} is refused"
            );
        }
        for other in [
            "ghcr.io/org/app/manifests/1",
            "ghcr.io/org/app/blobs/sha256:00",
            "ghcr.io/org/referrers/manifests/1",
            "ghcr.io/org/_catalog/manifests/1",
            "",
        ] {
            assert!(ListRequest::parse(other).is_none(), "{other} passes on");
        }
    }
}
