//! The router: the registry API under `/v2/`, the app's pages, and the built front end; around them,
//! the `Host` check, the security headers, request ids with timings in the logs, and the concurrency
//! limits for registry requests.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::handler::HandlerWithoutStateExt as _;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::services::ServeDir;
use tracing::Instrument as _;

use crate::cache_control::NO_CACHE;
use crate::host_allowlist;
use crate::limits::HoldPermit;
use crate::registry_route;
use crate::state::AppState;
use crate::upstream_trace::TRACE_HEADER;
use crate::{api_dispatch, api_root, cors, front_end, security_headers};

/// The request id header, taken from the client when it sends a sane one, echoed on every answer.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The proxy's routes. Serve them with [`crate::listener::serve`], which records each client's address
/// for the per-client limit.
pub fn app(state: AppState) -> Router {
    let router = Router::new()
        .route(
            "/v2/",
            get(api_root::version_check).head(api_root::version_check),
        )
        .route(
            "/v2/{*path}",
            get(registry_route::forward).head(registry_route::forward),
        )
        .route("/inspect/{*reference}", get(app_page))
        .route("/bench/{*name}", get(app_page))
        .route("/compare", get(app_page))
        .route("/tour", get(app_page))
        .route("/tour/{*step}", get(app_page))
        .route("/concepts", get(app_page))
        .route("/open", get(app_page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/demo.json", get(demo_names))
        .route(
            strata_registry_api::sigstore_trust_root::TRUST_ROOT_PATH,
            get(sigstore_trust_root),
        );
    let router = match &state.settings.dist {
        Some(dist) => {
            let pages = dist.clone();
            let missing = move |uri: Uri, headers: HeaderMap| {
                let pages = pages.clone();
                async move { front_end::missing(Some(&pages), &uri, &headers).await }
            };
            router.fallback_service(
                ServeDir::new(dist)
                    .precompressed_br()
                    .precompressed_gzip()
                    .not_found_service(missing.into_service()),
            )
        }
        None => router.fallback(front_end::embedded_file),
    };
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api_dispatch::dispatch,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limit_registry_requests,
        ))
        .layer(middleware::from_fn(front_end::cache_rules))
        .layer(middleware::from_fn(request_id))
        .layer(middleware::from_fn_with_state(
            cors::AllowedOrigins::new(&state.settings.allow_origins),
            cors::cors,
        ))
        .layer(middleware::from_fn_with_state(
            state.hosts.clone(),
            host_allowlist::check_host,
        ))
        .layer(middleware::from_fn(security_headers::secure))
        .with_state(state)
}

/// Gives each request an id (the client's `x-request-id` when sane), logs it with its status and time,
/// echoes it, and makes sure every `/v2/` answer has a trace and a `Cache-Control`.
async fn request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .filter(|value| is_sane_id(value.as_bytes()))
        .cloned()
        .unwrap_or_else(new_request_id);
    let registry_api = request.uri().path().starts_with("/v2/");
    let span = tracing::info_span!(
        "request",
        id = %String::from_utf8_lossy(id.as_bytes()),
        method = %request.method(),
        path = %request.uri().path(),
    );
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "answered"
        );
    });
    let headers = response.headers_mut();
    headers.insert(REQUEST_ID, id);
    if registry_api {
        if !headers.contains_key(TRACE_HEADER) {
            headers.insert(TRACE_HEADER, HeaderValue::from_static("[]"));
        }
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
        }
    }
    response
}

fn is_sane_id(id: &[u8]) -> bool {
    (1..=64).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn new_request_id() -> HeaderValue {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos() as u64)
            .unwrap_or_default()
            ^ u64::from(std::process::id())
    });
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    HeaderValue::from_str(&format!("{:08x}-{n:06x}", start as u32))
        .unwrap_or(HeaderValue::from_static("0"))
}

/// Registry requests wait for nothing: past a limit they get 429 with `Retry-After`. The permit is held
/// until the answer's last byte.
async fn limit_registry_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with("/v2/") {
        return next.run(request).await;
    }
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    match state.limiter.try_acquire(client) {
        Ok(permit) => next
            .run(request)
            .await
            .map(|body| HoldPermit::wrap(body, permit)),
        Err(busy) => busy.into_response(),
    }
}

/// Every app route is the same single page; the front end reads the URL.
async fn app_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    front_end::index(state.settings.dist.as_deref(), &headers).await
}

/// The operator's Sigstore trust root, as given; 404 without one.
async fn sigstore_trust_root(State(state): State<AppState>) -> Response {
    match &state.sigstore_trust_root {
        Some(bytes) => (
            [
                (axum::http::header::CONTENT_TYPE, "application/json"),
                (axum::http::header::CACHE_CONTROL, NO_CACHE),
            ],
            bytes.as_ref().clone(),
        )
            .into_response(),
        None => (
            axum::http::StatusCode::NOT_FOUND,
            "no Sigstore trust root: the proxy's operator gives one with --sigstore-trust-root",
        )
            .into_response(),
    }
}

/// The demo images, for the landing page.
async fn demo_names(State(state): State<AppState>) -> Response {
    axum::Json(state.demo.images()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids() {
        assert!(is_sane_id(b"abc-123_x.y"));
        assert!(!is_sane_id(b""));
        assert!(!is_sane_id(b"a b"));
        assert!(!is_sane_id(&[b'a'; 65]));
        let (a, b) = (new_request_id(), new_request_id());
        assert_ne!(a, b);
        assert!(is_sane_id(a.as_bytes()));
    }
}
