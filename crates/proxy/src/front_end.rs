//! The app's own files: from `--dist` when given (a front end being worked on), else the ones built into the
//! binary, so a single file is a whole Strata.

use std::path::Path;

use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse as _, Response};

use crate::embedded_front_end::{self, INDEX};

/// The page every app route answers with.
pub async fn index(dist: Option<&Path>) -> Response {
    let Some(dist) = dist else {
        return embedded(INDEX, &HeaderMap::new());
    };
    match tokio::fs::read(dist.join(INDEX)).await {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the front end is not built ({error}); run `cargo xtask serve`"),
        )
            .into_response(),
    }
}

/// Fallback route: an embedded file by its path, gzip'd when the browser takes it and the build wrote it.
pub async fn embedded_file(uri: Uri, headers: HeaderMap) -> Response {
    let path = match uri.path() {
        "/" => INDEX,
        path => path,
    };
    embedded(path, &headers)
}

/// Whether the proxy has a front end to serve: `--dist` or the embedded one.
pub fn is_available(dist: Option<&Path>) -> bool {
    dist.is_some() || embedded_front_end::is_present()
}

fn embedded(path: &str, request: &HeaderMap) -> Response {
    let Some(file) = embedded_front_end::file(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let takes_gzip = request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            coding
                .split(';')
                .next()
                .is_some_and(|name| name.trim() == "gzip")
        });
    let mut response = match file.gzip.filter(|_| takes_gzip) {
        Some(gzip) => {
            let mut response = gzip.into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            response
        }
        None => file.bytes.into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}
