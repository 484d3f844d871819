//! CORS for a page hosted elsewhere (`--allow-origin ORIGIN`, repeatable): preflights answered and the
//! registry headers the page reads exposed, for the allowed origins only.
//!
//! Not tower-http's `CorsLayer`: that answers every `OPTIONS` as a preflight (200, also for origins not
//! allowed, and also when CORS is meant to be off) and writes the header lists in lower case, which would
//! change what clients of the published behaviour see (204 preflights, these exact header lists).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use axum::middleware::Next;

/// Response headers a page on another origin may read: digests and types to verify, rate limits to show,
/// `Link` to paginate, and what the proxy says about its answers.
pub const EXPOSED_HEADERS: &str = "Docker-Content-Digest, Content-Type, Content-Length, \
RateLimit-Limit, RateLimit-Remaining, Docker-RateLimit-Source, Retry-After, Strata-Upstream-Trace, \
Link, Warning, OCI-Filters-Applied, Strata-Referrers-Source";

/// Request headers a page may send: what the registry API reads.
const ALLOWED_REQUEST_HEADERS: &str = "Accept, Range, If-None-Match";

/// How long a browser may keep a preflight answer.
const PREFLIGHT_MAX_AGE_SECONDS: &str = "600";

/// The origins named by `--allow-origin`. `*` allows every origin.
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins {
    origins: Arc<[String]>,
    any: bool,
}

impl AllowedOrigins {
    /// The origins as given on the command line (`https://inspect.example`; a trailing `/` is ignored).
    pub fn new(origins: &[String]) -> AllowedOrigins {
        AllowedOrigins {
            any: origins.iter().any(|origin| origin.trim() == "*"),
            origins: origins
                .iter()
                .map(|origin| origin.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|origin| origin != "*")
                .collect(),
        }
    }

    /// Whether CORS is on at all.
    pub fn is_empty(&self) -> bool {
        !self.any && self.origins.is_empty()
    }

    /// The `Access-Control-Allow-Origin` value for a request's `Origin`, if that origin is allowed.
    fn allow_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        if self.any {
            return Some(HeaderValue::from_static("*"));
        }
        let text = origin.to_str().ok()?;
        self.origins
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(text))
            .then(|| origin.clone())
    }
}

/// Middleware: answers preflights from allowed origins and adds the CORS headers to their answers; every
/// answer varies by `Origin` once CORS is on, so shared caches keep the variants apart.
pub async fn cors(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response<Body> {
    if allowed.is_empty() {
        return next.run(request).await;
    }
    let allow_origin = allowed.allow_origin(request.headers());
    if request.method() == Method::OPTIONS
        && let Some(requested) = request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD)
        && let Some(allow_origin) = &allow_origin
    {
        let readable = requested == "GET" || requested == "HEAD";
        if readable {
            return preflight(allow_origin.clone());
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(allow_origin) = allow_origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
    response
}

fn preflight(allow_origin: HeaderValue) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOWED_REQUEST_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE_SECONDS),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ),
    );
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::get;

    use super::*;

    /// Serves a one-route app behind the layer on a loopback port and sends it one request.
    async fn call(allowed: &[&str], method: &str, origin: Option<&str>) -> reqwest::Response {
        let origins: Vec<String> = allowed.iter().map(|o| o.to_string()).collect();
        let app = Router::new().route("/v2/x", get(|| async { "ok" })).layer(
            axum::middleware::from_fn_with_state(AllowedOrigins::new(&origins), cors),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        let method = Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request =
            reqwest::Client::new().request(method.clone(), format!("http://{address}/v2/x"));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if method == Method::OPTIONS {
            request = request.header("access-control-request-method", "GET");
        }
        request.send().await.expect("an answer")
    }

    #[tokio::test]
    async fn allowed_origins_get_cors_headers() {
        let allowed = ["https://inspect.example/"];
        let answer = call(&allowed, "GET", Some("https://inspect.example")).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(
            answer.headers()["access-control-allow-origin"],
            "https://inspect.example"
        );
        assert_eq!(answer.headers()["vary"], "Origin");
        let exposed = answer.headers()["access-control-expose-headers"]
            .to_str()
            .expect("text");
        for name in [
            "Docker-Content-Digest",
            "RateLimit-Remaining",
            "Retry-After",
            "Strata-Upstream-Trace",
        ] {
            assert!(exposed.contains(name), "{name}");
        }

        let preflight = call(&allowed, "OPTIONS", Some("https://inspect.example")).await;
        assert_eq!(preflight.status(), 204);
        assert_eq!(
            preflight.headers()["access-control-allow-methods"],
            "GET, HEAD"
        );
        assert_eq!(
            preflight.headers()["access-control-allow-origin"],
            "https://inspect.example"
        );

        let any = call(&["*"], "GET", Some("https://anywhere.example")).await;
        assert_eq!(any.headers()["access-control-allow-origin"], "*");
    }

    #[tokio::test]
    async fn other_origins_get_nothing() {
        let allowed = ["https://inspect.example"];
        for origin in [
            Some("https://evil.example"),
            Some("https://inspect.example.evil"),
            None,
        ] {
            let answer = call(&allowed, "GET", origin).await;
            assert_eq!(answer.status(), 200);
            assert!(
                answer
                    .headers()
                    .get("access-control-allow-origin")
                    .is_none()
            );
            assert!(
                answer
                    .headers()
                    .get("access-control-expose-headers")
                    .is_none()
            );
            let preflight = call(&allowed, "OPTIONS", origin).await;
            assert_ne!(preflight.status(), 204, "{origin:?}");
            assert!(
                preflight
                    .headers()
                    .get("access-control-allow-origin")
                    .is_none()
            );
        }
        let off = call(&[], "GET", Some("https://inspect.example")).await;
        assert!(
            off.headers().get("vary").is_none(),
            "CORS off changes nothing"
        );
    }
}
