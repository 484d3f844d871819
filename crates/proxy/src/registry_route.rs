//! `/v2/<registry-host>/<repository>/{manifests,blobs}/<reference>`: the read-only registry API, forwarded.
//! Tags are resolved with HEAD and read by digest; what is addressed by digest is answered from the
//! content cache when the proxy checked it, and marked immutable for HTTP caches.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode, header};
use axum::response::IntoResponse as _;
use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use strata_image::digest::{Algorithm, Digest, Sha256Hasher};
use strata_image::registry_host;
use strata_registry_api::registry_header;

use crate::cache_control::{IMMUTABLE, NO_CACHE, NO_STORE};
use crate::content_cache::{CacheKey, CachedContent, MAX_BLOB_ENTRY};
use crate::error::ProxyError;
use crate::registry_path::{Endpoint, RegistryPath};
use crate::relay::{PASSED_ON_HEADERS, pass_on};
use crate::state::AppState;
use crate::upstream::UpstreamRequest;
use crate::upstream_body;
use crate::upstream_trace::{self, Step, StepKind, Trace};

/// Headers a manifest or blob answer passes back besides [`PASSED_ON_HEADERS`]: what ranged reads need.
/// `Content-Length` only for streamed and HEAD answers; buffered ones get their own.
const CONTENT_HEADERS: [&str; 3] = ["content-range", "accept-ranges", "etag"];

/// Docker Hub's rate-limit headers (and warnings), which the page shows.
const RATE_LIMIT_HEADERS: [&str; 4] = [
    registry_header::RATELIMIT_LIMIT,
    registry_header::RATELIMIT_REMAINING,
    registry_header::DOCKER_RATELIMIT_SOURCE,
    "warning",
];

/// Forwards a manifest or blob request, or answers it from the demo registry or the content cache. Every
/// answer carries the upstream trace (`Strata-Upstream-Trace`).
pub async fn forward(
    State(state): State<AppState>,
    method: Method,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response<Body> {
    let mut trace = Trace::default();
    let mut response = match answer(&state, &method, &path, &headers, &mut trace).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    upstream_trace::attach(&trace, response.headers_mut());
    response
}

/// One request's context.
struct Forward<'a> {
    state: &'a AppState,
    path: &'a RegistryPath,
    authority: &'a str,
    accept: Option<HeaderValue>,
}

async fn answer(
    state: &AppState,
    method: &Method,
    raw: &str,
    headers: &HeaderMap,
    trace: &mut Trace,
) -> Result<Response<Body>, ProxyError> {
    if method != Method::GET && method != Method::HEAD {
        return Err(ProxyError::BadPath("only GET and HEAD are allowed".into()));
    }
    let path = RegistryPath::parse(raw)?;
    let head = method == Method::HEAD;
    if path.registry == registry_host::DEMO_REGISTRY {
        let started = std::time::Instant::now();
        let response = state.demo.answer(&path, head);
        trace.push(demo_step(method, &path, &response, started));
        return Ok(response);
    }
    let context = Forward {
        state,
        path: &path,
        authority: registry_host::api_host(&path.registry),
        accept: joined_accept(headers),
    };
    match path.endpoint {
        Endpoint::Manifest => {
            let seconds = state.settings.manifest_timeout_secs.max(1);
            match tokio::time::timeout(Duration::from_secs(seconds), context.manifest(head, trace))
                .await
            {
                Ok(result) => result,
                Err(_) => {
                    let error = ProxyError::Timeout(format!(
                        "{} did not send the manifest within {seconds} s",
                        context.authority
                    ));
                    trace.push(Step::new(StepKind::Error).note(&error.to_string()));
                    Err(error)
                }
            }
        }
        Endpoint::Blob => {
            let range = headers.get(header::RANGE).cloned();
            context.blob(head, range, trace).await
        }
    }
}

/// The demo registry's answer as a trace step: no network, no token, answered inside the proxy.
fn demo_step(
    method: &Method,
    path: &RegistryPath,
    response: &Response<Body>,
    started: std::time::Instant,
) -> Step {
    let endpoint = match path.endpoint {
        Endpoint::Manifest => "manifests",
        Endpoint::Blob => "blobs",
    };
    let mut step = Step::new(StepKind::Request);
    step.method = Some(method.to_string());
    step.url = Some(format!(
        "{}/v2/{}/{endpoint}/{}",
        path.registry, path.repository, path.reference
    ));
    step.auth = Some("none".into());
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    upstream_trace::answered(
        &mut step,
        response.status().as_u16(),
        elapsed,
        response.headers(),
    );
    step.note("served from the embedded demo registry inside the proxy: no network, no token")
}

impl Forward<'_> {
    fn key(&self, manifest: bool, digest: &Digest) -> CacheKey {
        CacheKey {
            registry: self.authority.to_ascii_lowercase(),
            repository: self.path.repository.clone(),
            manifest,
            digest: digest.clone(),
        }
    }

    async fn fetch(
        &self,
        method: Method,
        endpoint: &str,
        reference: &str,
        range: Option<HeaderValue>,
        trace: &mut Trace,
    ) -> Result<reqwest::Response, ProxyError> {
        let path = format!("{}/{endpoint}/{reference}", self.path.repository);
        self.state
            .upstream
            .fetch_traced(
                UpstreamRequest {
                    authority: self.authority,
                    path: &path,
                    method,
                    accept: self.accept.clone(),
                    range,
                },
                trace,
            )
            .await
    }

    fn cached(&self, key: &CacheKey, trace: &mut Trace) -> Option<CachedContent> {
        let hit = self.state.cache.get(key)?;
        let mut step = Step::new(StepKind::Cache)
            .param("digest", &key.digest.to_string())
            .note("answered from the proxy's cache: content at a digest never changes");
        step.status = Some(200);
        step.bytes = Some(hit.bytes.len() as u64);
        trace.push(step);
        Some(hit)
    }

    async fn manifest(&self, head: bool, trace: &mut Trace) -> Result<Response<Body>, ProxyError> {
        let reference = self.path.reference.as_str();
        if let Ok(digest) = Digest::parse(reference) {
            let key = self.key(true, &digest);
            if let Some(hit) = self.cached(&key, trace) {
                return cached_answer(hit, &digest, head, IMMUTABLE, None);
            }
            let method = if head { Method::HEAD } else { Method::GET };
            let upstream = self
                .fetch(method, "manifests", reference, None, trace)
                .await?;
            if head {
                return passed_on(upstream, NO_CACHE, Body::empty(), true);
            }
            return self.buffered_manifest(upstream, Some(key), false).await;
        }
        if head {
            let upstream = self
                .fetch(Method::HEAD, "manifests", reference, None, trace)
                .await?;
            return passed_on(upstream, NO_CACHE, Body::empty(), true);
        }
        // HEAD resolves the tag (Docker Hub counts only GETs as pulls), then the content is read by digest,
        // which caches can keep.
        let probe = self
            .fetch(Method::HEAD, "manifests", reference, None, trace)
            .await?;
        let resolved = (probe.status() == reqwest::StatusCode::OK)
            .then(|| probe.headers().get(registry_header::DOCKER_CONTENT_DIGEST))
            .flatten()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| Digest::parse(value).ok());
        match resolved {
            Some(digest) => {
                trace
                    .note_last("tag resolved with HEAD, which Docker Hub does not count as a pull");
                let key = self.key(true, &digest);
                if let Some(hit) = self.cached(&key, trace) {
                    return cached_answer(hit, &digest, false, NO_CACHE, Some(probe.headers()));
                }
                let by_digest = self
                    .fetch(Method::GET, "manifests", &digest.to_string(), None, trace)
                    .await?;
                if by_digest.status() == reqwest::StatusCode::OK {
                    let mut response = self.buffered_manifest(by_digest, Some(key), true).await?;
                    add_missing(response.headers_mut(), probe.headers(), &RATE_LIMIT_HEADERS);
                    return Ok(response);
                }
                trace.note_last("the registry did not answer by digest; asking by tag");
            }
            None => trace.note_last("HEAD named no digest; asking by tag"),
        }
        let upstream = self
            .fetch(Method::GET, "manifests", reference, None, trace)
            .await?;
        let named = upstream
            .headers()
            .get(registry_header::DOCKER_CONTENT_DIGEST)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| Digest::parse(value).ok());
        let key = named.map(|digest| self.key(true, &digest));
        self.buffered_manifest(upstream, key, true).await
    }

    /// Reads a manifest answer within `--max-manifest-bytes`, keeps it in the cache when it is a 200 whose
    /// bytes hash to `key`'s digest, and passes it on.
    async fn buffered_manifest(
        &self,
        upstream: reqwest::Response,
        key: Option<CacheKey>,
        by_tag: bool,
    ) -> Result<Response<Body>, ProxyError> {
        let status = upstream.status();
        let headers = upstream.headers().clone();
        let max = self.state.settings.max_manifest_bytes;
        let bytes = upstream_body::read_whole(upstream, max, |length| {
            ProxyError::ManifestTooLarge(format!(
                "the manifest is {length} bytes, more than the proxy's limit of {max} bytes (--max-manifest-bytes)"
            ))
        })
        .await?;
        let kept = status == reqwest::StatusCode::OK
            && key.is_some_and(|key| {
                self.state.cache.insert(
                    key,
                    CachedContent {
                        bytes: bytes.clone(),
                        content_type: content_type(&headers),
                    },
                )
            });
        let cache_control = match (status.is_success(), by_tag, kept) {
            (false, _, _) | (true, true, _) => NO_CACHE,
            (true, false, true) => IMMUTABLE,
            (true, false, false) => NO_STORE,
        };
        respond(status, &headers, cache_control, Body::from(bytes), false)
    }

    async fn blob(
        &self,
        head: bool,
        range: Option<HeaderValue>,
        trace: &mut Trace,
    ) -> Result<Response<Body>, ProxyError> {
        let digest = Digest::parse(&self.path.reference).map_err(|error| {
            ProxyError::BadPath(format!("a blob is named by its digest: {error}"))
        })?;
        let key = self.key(false, &digest);
        if range.is_none()
            && let Some(hit) = self.cached(&key, trace)
        {
            return cached_answer(hit, &digest, head, IMMUTABLE, None);
        }
        let method = if head { Method::HEAD } else { Method::GET };
        let ranged = range.is_some();
        let upstream = self
            .fetch(method, "blobs", &self.path.reference, range, trace)
            .await?;
        if head {
            return passed_on(upstream, NO_CACHE, Body::empty(), true);
        }
        if upstream.status() != reqwest::StatusCode::OK || ranged {
            return streamed(upstream, NO_CACHE);
        }
        let small = upstream
            .content_length()
            .is_some_and(|length| length <= MAX_BLOB_ENTRY.min(self.state.settings.cache_bytes));
        if small {
            let headers = upstream.headers().clone();
            let bytes = upstream_body::read_whole(upstream, MAX_BLOB_ENTRY, |length| {
                ProxyError::Incomplete(format!(
                    "the registry sent more than the {length} bytes it announced"
                ))
            })
            .await?;
            let kept = self.state.cache.insert(
                key,
                CachedContent {
                    bytes: bytes.clone(),
                    content_type: content_type(&headers),
                },
            );
            let cache_control = if kept { IMMUTABLE } else { NO_STORE };
            return respond(
                reqwest::StatusCode::OK,
                &headers,
                cache_control,
                Body::from(bytes),
                false,
            );
        }
        if *digest.algorithm() == Algorithm::Sha256 {
            let headers = upstream.headers().clone();
            let body = Body::from_stream(verified(upstream_body::guarded(upstream), digest));
            return respond(reqwest::StatusCode::OK, &headers, IMMUTABLE, body, true);
        }
        streamed(upstream, NO_CACHE)
    }
}

fn content_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Passes a blob stream on while hashing it, holding back the last piece until the end: when the bytes do
/// not hash to `expected`, the stream fails before its end, so neither the browser nor an HTTP cache in
/// front takes the answer as complete.
fn verified(
    upstream: impl Stream<Item = Result<Bytes, ProxyError>> + Send + 'static,
    expected: Digest,
) -> impl Stream<Item = Result<Bytes, ProxyError>> + Send + 'static {
    struct State<S> {
        upstream: std::pin::Pin<Box<S>>,
        hasher: Sha256Hasher,
        held: Option<Bytes>,
        received: u64,
        expected: Digest,
    }
    let start = State {
        upstream: Box::pin(upstream),
        hasher: Sha256Hasher::new(),
        held: None,
        received: 0,
        expected,
    };
    futures_util::stream::unfold(Some(start), |state| async move {
        let mut state = state?;
        loop {
            match state.upstream.next().await {
                Some(Ok(chunk)) => {
                    state.hasher.update(&chunk);
                    state.received += chunk.len() as u64;
                    if let Some(previous) = state.held.replace(chunk) {
                        return Some((Ok(previous), Some(state)));
                    }
                }
                Some(Err(error)) => {
                    tracing::warn!(%error, "blob stream aborted");
                    return Some((Err(error), None));
                }
                None => {
                    let actual = state.hasher.finish();
                    if actual != state.expected {
                        let error = ProxyError::Incomplete(format!(
                            "the blob's bytes hash to {actual}, not {}; the stream was cut before its end",
                            state.expected
                        ));
                        tracing::warn!(%error, "blob stream aborted");
                        return Some((Err(error), None));
                    }
                    return state.held.take().map(|last| (Ok(last), None));
                }
            }
        }
    })
}

/// Copies `names` from `from` where `to` has none (a HEAD's rate-limit headers onto the GET after it).
fn add_missing(to: &mut HeaderMap, from: &reqwest::header::HeaderMap, names: &[&'static str]) {
    for name in names {
        if to.contains_key(*name) {
            continue;
        }
        for value in from.get_all(*name) {
            if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
                to.append(HeaderName::from_static(name), value);
            }
        }
    }
}

/// An answer from the content cache.
fn cached_answer(
    hit: CachedContent,
    digest: &Digest,
    head: bool,
    cache_control: &'static str,
    also: Option<&reqwest::header::HeaderMap>,
) -> Result<Response<Body>, ProxyError> {
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CACHE_CONTROL, cache_control)
        .header(registry_header::DOCKER_CONTENT_DIGEST, digest.to_string());
    if let Some(content_type) = &hit.content_type {
        response = response.header(header::CONTENT_TYPE, content_type.as_str());
    }
    if let Some(headers) = also {
        for name in RATE_LIMIT_HEADERS {
            for value in headers.get_all(name) {
                response = response.header(name, value.as_bytes());
            }
        }
    }
    let body = if head {
        response = response.header(header::CONTENT_LENGTH, hit.bytes.len());
        Body::empty()
    } else {
        Body::from(hit.bytes)
    };
    response.body(body).map_err(|error| {
        ProxyError::Unreachable(format!("the cached answer could not be sent: {error}"))
    })
}

fn passed_on(
    upstream: reqwest::Response,
    cache_control: &'static str,
    body: Body,
    keep_length: bool,
) -> Result<Response<Body>, ProxyError> {
    respond(
        upstream.status(),
        upstream.headers(),
        cache_control,
        body,
        keep_length,
    )
}

/// The registry's answer with its body streamed through as it comes.
fn streamed(
    upstream: reqwest::Response,
    cache_control: &'static str,
) -> Result<Response<Body>, ProxyError> {
    let status = upstream.status();
    let headers = upstream.headers().clone();
    respond(
        status,
        &headers,
        cache_control,
        Body::from_stream(upstream_body::guarded(upstream)),
        true,
    )
}

/// The registry's status and headers ([`PASSED_ON_HEADERS`], [`CONTENT_HEADERS`]) with `body`.
fn respond(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    cache_control: &'static str,
    body: Body,
    keep_length: bool,
) -> Result<Response<Body>, ProxyError> {
    let status = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let response = Response::builder()
        .status(status)
        .header(header::CACHE_CONTROL, cache_control);
    let names = PASSED_ON_HEADERS
        .into_iter()
        .chain(CONTENT_HEADERS)
        .filter(|name| keep_length || *name != "content-length");
    let response = pass_on(response, headers, names);
    response.body(body).map_err(|error| {
        ProxyError::Unreachable(format!(
            "the registry's answer could not be passed on: {error}"
        ))
    })
}

/// Every `Accept` line as one value: Go clients such as skopeo send one line per media type, and a registry
/// that sees only the first may refuse the manifest it has.
fn joined_accept(headers: &HeaderMap) -> Option<HeaderValue> {
    let accepted: Vec<&[u8]> = headers
        .get_all(header::ACCEPT)
        .iter()
        .map(|value| value.as_bytes())
        .collect();
    if accepted.is_empty() {
        return None;
    }
    HeaderValue::from_bytes(&accepted.join(&b", "[..])).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_answers_are_traced_as_served_inside_the_proxy() {
        let path = RegistryPath::parse("demo.invalid/strata/multi-arch/manifests/1.0")
            .expect("a demo path");
        let response = Response::builder()
            .status(StatusCode::OK)
            .header(
                header::CONTENT_TYPE,
                "application/vnd.oci.image.index.v1+json",
            )
            .header(header::CONTENT_LENGTH, 1234)
            .header(registry_header::DOCKER_CONTENT_DIGEST, "sha256:abc")
            .body(Body::empty())
            .expect("a response");
        let step = demo_step(&Method::GET, &path, &response, std::time::Instant::now());
        assert_eq!(step.step, StepKind::Request);
        assert_eq!(step.method.as_deref(), Some("GET"));
        assert_eq!(
            step.url.as_deref(),
            Some("demo.invalid/v2/strata/multi-arch/manifests/1.0")
        );
        assert_eq!(step.status, Some(200));
        assert_eq!(step.bytes, Some(1234));
        assert_eq!(
            step.headers[registry_header::DOCKER_CONTENT_DIGEST],
            "sha256:abc"
        );
        assert!(
            step.note
                .as_deref()
                .is_some_and(|note| note.contains("embedded demo registry"))
        );
    }
}
