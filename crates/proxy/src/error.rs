//! The proxy's own errors, answered in the registry's error-envelope shape so the page reads them like
//! any registry error.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use strata_registry_api::registry_error::{self, ErrorCode};

use crate::cache_control::NO_STORE;
use crate::credentials::CredentialsError;

/// Why the proxy did not forward a request.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The request names something the proxy will not reach (SSRF guard, offline mode).
    #[error("{0}")]
    Refused(String),
    /// The path is not a registry path the proxy understands.
    #[error("{0}")]
    BadPath(String),
    /// The registry could not be reached.
    #[error("{0}")]
    Unreachable(String),
    /// The registry did not answer in time.
    #[error("{0}")]
    Timeout(String),
    /// The registry's token service answered badly.
    #[error("{0}")]
    Auth(String),
    /// A manifest is larger than `--max-manifest-bytes`.
    #[error("{0}")]
    ManifestTooLarge(String),
    /// The registry's answer broke off before its end.
    #[error("{0}")]
    Incomplete(String),
    /// Too many requests at once, in all or from this client.
    #[error("{0}")]
    Busy(String),
    /// The request's `Host` is not one of the proxy's names (`--listen`, `--public-host`).
    #[error(
        "this proxy does not answer to that host name; its operator names the hosts it serves with --public-host"
    )]
    MisdirectedHost,
}

impl ProxyError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            ProxyError::Refused(_) => (StatusCode::FORBIDDEN, ErrorCode::ProxyRefused),
            ProxyError::BadPath(_) => (StatusCode::BAD_REQUEST, ErrorCode::NameInvalid),
            ProxyError::Unreachable(_) => (StatusCode::BAD_GATEWAY, ErrorCode::UpstreamUnreachable),
            ProxyError::Timeout(_) => (StatusCode::GATEWAY_TIMEOUT, ErrorCode::UpstreamTimeout),
            ProxyError::Auth(_) => (StatusCode::BAD_GATEWAY, ErrorCode::UpstreamAuth),
            ProxyError::ManifestTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::ManifestTooLarge)
            }
            ProxyError::Incomplete(_) => (StatusCode::BAD_GATEWAY, ErrorCode::UpstreamIncomplete),
            ProxyError::Busy(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests),
            ProxyError::MisdirectedHost => {
                (StatusCode::MISDIRECTED_REQUEST, ErrorCode::MisdirectedHost)
            }
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        tracing::info!(%status, code = code.as_str(), message = %self, "request not forwarded");
        let body = registry_error::envelope(code, &self.to_string());
        let mut response = (
            status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, NO_STORE),
            ],
            body,
        )
            .into_response();
        if matches!(self, ProxyError::Busy(_)) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    /// `--docker-config` could not be read.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// Listening on every address without `--public-host`: no `Host` could be told to be the proxy's.
    #[error(
        "--listen {0} answers on every address: name the host(s) people reach it by with --public-host NAME[:PORT] (requests naming any other host get 421), or listen on one address such as 127.0.0.1"
    )]
    NoPublicHost(std::net::SocketAddr),
    /// A `--public-host` that is not a `host[:port]`.
    #[error("--public-host {0:?} is not a host name with an optional port")]
    BadPublicHost(String),
    /// No `--dist` and no front end built into the binary.
    #[error(
        "this binary was built without the front end: give --dist DIR, or build with `cargo xtask build`"
    )]
    NoFrontEnd,
    /// `--upstream-proxy` is not a usable proxy URL.
    #[error("--upstream-proxy {0:?} is not an http:// or https:// proxy URL")]
    BadUpstreamProxy(String),
    /// `--sigstore-trust-root` could not be read as a Sigstore trust root.
    #[error("--sigstore-trust-root {0}")]
    TrustRoot(String),
}
