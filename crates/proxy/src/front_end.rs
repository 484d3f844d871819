//! The app's own files: from `--dist` when given (a front end being worked on), else the ones built into the
//! binary, so a single file is a whole Strata. Files under `/assets/` are named by their content's hash,
//! so browsers may keep them for a year; the page itself is asked for again each time (`no-cache`). Each
//! is answered brotli- or gzip-compressed, as built, when the browser takes that.

use std::path::Path;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::cache_control::{IMMUTABLE, NO_CACHE};
use crate::content_encoding::{Encoding, negotiate};
use crate::embedded_front_end::{self, INDEX};

/// Where the content-named files are.
pub const ASSETS_PREFIX: &str = "/assets/";

/// The page every app route answers with.
pub async fn index(dist: Option<&Path>, request: &HeaderMap) -> Response {
    let Some(dist) = dist else {
        return embedded(INDEX, request);
    };
    let encoding = negotiate(request, &Encoding::BY_PREFERENCE);
    let compressed = match encoding {
        Some(encoding) => tokio::fs::read(dist.join(format!("{INDEX}{}", encoding.file_suffix())))
            .await
            .ok()
            .map(|html| (html, Some(encoding))),
        None => None,
    };
    // A front end built without compressed copies is served as it is.
    let page = match compressed {
        Some(found) => Ok(found),
        None => tokio::fs::read(dist.join(INDEX))
            .await
            .map(|html| (html, None)),
    };
    match page {
        Ok((html, encoding)) => answer(html, "text/html; charset=utf-8", encoding),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the front end is not built ({error}); run `cargo xtask serve`"),
        )
            .into_response(),
    }
}

/// Fallback route: an embedded file by its path.
pub async fn embedded_file(uri: Uri, headers: HeaderMap) -> Response {
    let path = match uri.path() {
        "/" => INDEX,
        path => path,
    };
    match embedded_front_end::file(path) {
        Some(_) => embedded(path, &headers),
        None => missing(None, &uri, &headers).await,
    }
}

/// What an address nothing serves gets, with status 404: a page a browser asked for (a mistyped or
/// outdated link) the app, which says there is no such page and leads on; anything else a plain answer.
pub async fn missing(dist: Option<&Path>, uri: &Uri, headers: &HeaderMap) -> Response {
    let wants_page = !uri.path().starts_with(ASSETS_PREFIX)
        && headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if !wants_page {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let mut page = index(dist, headers).await;
    if page.status().is_success() {
        *page.status_mut() = StatusCode::NOT_FOUND;
    }
    page
}

/// Whether the proxy has a front end to serve: `--dist` or the embedded one.
pub fn is_available(dist: Option<&Path>) -> bool {
    dist.is_some() || embedded_front_end::is_present()
}

/// Middleware for the front end's answers: content-named files are `immutable` (only when found: a
/// missing one may be built later), everything else outside `/v2/` is `no-cache`.
pub async fn cache_rules(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if path.starts_with("/v2/") || path == "/v2" {
        return response;
    }
    let value = if path.starts_with(ASSETS_PREFIX) && response.status().is_success() {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

fn embedded(path: &str, request: &HeaderMap) -> Response {
    let Some(file) = embedded_front_end::file(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let available: Vec<Encoding> = Encoding::BY_PREFERENCE
        .into_iter()
        .filter(|encoding| file.compressed(*encoding).is_some())
        .collect();
    let encoding = negotiate(request, &available);
    let bytes = encoding
        .and_then(|encoding| file.compressed(encoding))
        .unwrap_or(file.bytes);
    answer(bytes, file.content_type, encoding)
}

fn answer(
    bytes: impl Into<axum::body::Body>,
    content_type: &'static str,
    encoding: Option<Encoding>,
) -> Response {
    let mut response = Response::new(bytes.into());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(encoding.token()),
        );
    }
    response
}
