//! The proxy's own errors, answered in the registry's error-envelope shape so the page reads them like
//! any registry error.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
}

impl ProxyError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ProxyError::Refused(_) => (StatusCode::FORBIDDEN, "PROXY_REFUSED"),
            ProxyError::BadPath(_) => (StatusCode::BAD_REQUEST, "NAME_INVALID"),
            ProxyError::Unreachable(_) => (StatusCode::BAD_GATEWAY, "UPSTREAM_UNREACHABLE"),
            ProxyError::Timeout(_) => (StatusCode::GATEWAY_TIMEOUT, "UPSTREAM_TIMEOUT"),
            ProxyError::Auth(_) => (StatusCode::BAD_GATEWAY, "UPSTREAM_AUTH"),
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        tracing::info!(%status, code, message = %self, "request not forwarded");
        let body = serde_json::json!({ "errors": [{ "code": code, "message": self.to_string() }] });
        (
            status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}
