//! Answers of the list endpoints: a registry's answer passed on (status, the headers that matter, the body
//! streamed untouched), or one the proxy makes itself in the registry's shapes.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};

use strata_registry_api::registry_error::{self, ErrorCode};
use strata_registry_api::registry_header;

use crate::cache_control::NO_CACHE;
use crate::error::ProxyError;
use crate::upstream_body;

/// Headers every relayed answer passes back as the registry sent them: what the page verifies and shows.
/// Never `WWW-Authenticate` (a Basic challenge would make the browser prompt for credentials, and those
/// stay on the server), never `Cache-Control` (the proxy sets its own), never the registry's own `Link`
/// (a rewritten one replaces it).
pub const PASSED_ON_HEADERS: [&str; 8] = [
    "content-type",
    "content-length",
    registry_header::DOCKER_CONTENT_DIGEST,
    registry_header::RATELIMIT_LIMIT,
    registry_header::RATELIMIT_REMAINING,
    registry_header::DOCKER_RATELIMIT_SOURCE,
    "retry-after",
    "warning",
];

/// Adds to `response` every header named in `names` that the registry's `headers` hold, as sent.
pub fn pass_on<'a>(
    mut response: axum::http::response::Builder,
    headers: &reqwest::header::HeaderMap,
    names: impl IntoIterator<Item = &'a str>,
) -> axum::http::response::Builder {
    for name in names {
        for value in headers.get_all(name) {
            response = response.header(name, value.as_bytes());
        }
    }
    response
}

/// Passes a registry's answer on, with `link` (already pointing back through the proxy) as its `Link`.
/// A HEAD answer has no body.
pub fn relay(
    upstream: reqwest::Response,
    link: Option<String>,
    head: bool,
) -> Result<Response<Body>, ProxyError> {
    let status =
        StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = Response::builder()
        .status(status)
        .header(header::CACHE_CONTROL, NO_CACHE);
    let names = PASSED_ON_HEADERS.into_iter().chain(["oci-filters-applied"]);
    response = pass_on(response, upstream.headers(), names);
    if let Some(link) = link {
        response = response.header(header::LINK, link);
    }
    let body = if head {
        Body::empty()
    } else {
        Body::from_stream(upstream_body::guarded(upstream))
    };
    response.body(body).map_err(|error| {
        ProxyError::Unreachable(format!(
            "the registry's answer could not be passed on: {error}"
        ))
    })
}

/// An answer the proxy makes: `bytes` of `content_type` with extra headers. A HEAD answer keeps the
/// `Content-Length` but has no body.
pub fn made_here(
    status: StatusCode,
    content_type: &str,
    headers: &[(HeaderName, HeaderValue)],
    bytes: Vec<u8>,
    head: bool,
) -> Response<Body> {
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, bytes.len())
        .header(header::CACHE_CONTROL, NO_CACHE);
    for (name, value) in headers {
        response = response.header(name, value);
    }
    let body = if head {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    response.body(body).unwrap_or_else(|_| {
        // Only reachable if a caller passed an invalid content type; the headers are otherwise typed.
        Response::new(Body::empty())
    })
}

/// A registry error envelope (`{"errors":[{"code","message"}]}`), as a registry would answer it.
pub fn registry_error(
    status: StatusCode,
    code: ErrorCode,
    message: &str,
    head: bool,
) -> Response<Body> {
    made_here(
        status,
        "application/json",
        &[],
        registry_error::envelope(code, message),
        head,
    )
}

/// Reads a registry's answer whole, refusing one larger than `limit` bytes without buffering past it.
pub async fn read_bounded(upstream: reqwest::Response, limit: u64) -> Result<Vec<u8>, ProxyError> {
    let bytes = upstream_body::read_whole(upstream, limit, |_| {
        ProxyError::Unreachable(format!(
            "the registry's answer is larger than {limit} bytes"
        ))
    })
    .await?;
    Ok(bytes.to_vec())
}
