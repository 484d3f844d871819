//! Requests to the proxy's registry API. Bytes come back untouched; verifying them is `core`'s job.

use gloo_net::http::{Request, Response};
use strata_core::media_type::MANIFEST_ACCEPT;
use strata_core::registry_error::{self, FailedResponse, RateLimit};
use strata_core::upstream_trace::{self, TraceStep};

/// A repository as the proxy addresses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Registry as named in references.
    pub registry: String,
    /// Repository path.
    pub repository: String,
}

/// A document as the registry sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The body, exactly.
    pub bytes: Vec<u8>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Docker-Content-Digest`.
    pub registry_digest: Option<String>,
    /// Docker Hub's rate-limit headers.
    pub rate_limit: RateLimit,
    /// How the proxy fetched it.
    pub trace: Vec<TraceStep>,
}

/// Why a fetch failed, in plain words; `not_found` tells a 404 (an optional document that is simply absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    /// The registry answered 404.
    pub not_found: bool,
    /// What happened, for the reader.
    pub message: String,
}

impl FetchError {
    fn new(message: String) -> Self {
        FetchError {
            not_found: false,
            message,
        }
    }
}

impl Repository {
    /// `/v2/<registry>/<repository>/manifests/<reference>`.
    pub fn manifest_url(&self, reference: &str) -> String {
        format!(
            "/v2/{}/{}/manifests/{reference}",
            self.registry, self.repository
        )
    }

    /// `/v2/<registry>/<repository>/blobs/<digest>`.
    pub fn blob_url(&self, digest: &str) -> String {
        format!("/v2/{}/{}/blobs/{digest}", self.registry, self.repository)
    }

    /// Fetches a manifest by tag or digest, sending every manifest type in `Accept`.
    pub async fn manifest(&self, reference: &str) -> Result<Fetched, FetchError> {
        let what = format!(
            "manifest {reference} in {}/{}",
            self.registry, self.repository
        );
        fetch(
            Request::get(&self.manifest_url(reference)).header("Accept", MANIFEST_ACCEPT),
            &what,
        )
        .await
    }

    /// Fetches a blob by digest.
    pub async fn blob(&self, digest: &str) -> Result<Fetched, FetchError> {
        let what = format!("blob {digest} in {}/{}", self.registry, self.repository);
        fetch(Request::get(&self.blob_url(digest)), &what).await
    }
}

async fn fetch(request: gloo_net::http::RequestBuilder, what: &str) -> Result<Fetched, FetchError> {
    let response = request.send().await.map_err(|error| {
        FetchError::new(format!(
            "Could not reach Strata's proxy for the {what}: {error}"
        ))
    })?;
    let bytes = response.binary().await.map_err(|error| {
        FetchError::new(format!("The {what} could not be read completely: {error}"))
    })?;
    if !response.ok() {
        return Err(FetchError {
            not_found: response.status() == 404,
            message: explain_failure(&response, &bytes, what),
        });
    }
    Ok(Fetched {
        bytes,
        content_type: response.headers().get("content-type"),
        registry_digest: response.headers().get("docker-content-digest"),
        rate_limit: RateLimit {
            limit: response.headers().get("ratelimit-limit"),
            remaining: response.headers().get("ratelimit-remaining"),
        },
        trace: upstream_trace::parse(
            response
                .headers()
                .get(upstream_trace::TRACE_HEADER)
                .as_deref(),
        ),
    })
}

fn explain_failure(response: &Response, body: &[u8], what: &str) -> String {
    let headers = response.headers();
    let failed = FailedResponse {
        status: response.status(),
        body,
        rate_limit: RateLimit {
            limit: headers.get("ratelimit-limit"),
            remaining: headers.get("ratelimit-remaining"),
        },
        retry_after: headers.get("retry-after"),
    };
    registry_error::explain(what, &failed)
}
