//! `GET /v2/`: the registry API's version check, answered so that stock clients (skopeo, crane, containerd)
//! accept the proxy as a registry and go on to `/v2/<registry-host>/<repository>/…`.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};

/// The version header clients look for (`distribution` `docs/spec/api.md` §API Version Check).
const API_VERSION: (&str, &str) = ("docker-distribution-api-version", "registry/2.0");

/// Answers `GET /v2/` and `HEAD /v2/` with 200 and `{}`: no credentials are ever asked for here, the
/// proxy fetches anonymously (or with its own server-side credentials).
pub async fn version_check() -> Response<Body> {
    let mut response = Response::new(Body::from("{}"));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        HeaderName::from_static(API_VERSION.0),
        HeaderValue::from_static(API_VERSION.1),
    );
    response
}
