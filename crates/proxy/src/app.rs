//! The router: the registry API under `/v2/`, the app's pages, and the built front end.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::demo_registry::DemoRegistry;
use crate::registry_route;
use crate::settings::Settings;
use crate::upstream::Upstream;

/// What every request handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Start-up settings.
    pub settings: Arc<Settings>,
    /// The client that reaches registries.
    pub upstream: Upstream,
    /// The embedded demo registry.
    pub demo: Arc<DemoRegistry>,
}

impl AppState {
    /// State for these settings.
    pub fn new(settings: Settings) -> Result<Self, reqwest::Error> {
        Ok(AppState {
            upstream: Upstream::new(&settings)?,
            settings: Arc::new(settings),
            demo: Arc::new(DemoRegistry::embedded()),
        })
    }
}

/// The proxy's routes.
pub fn app(state: AppState) -> Router {
    let dist = ServeDir::new(&state.settings.dist).precompressed_gzip();
    Router::new()
        .route(
            "/v2/{*path}",
            get(registry_route::forward).head(registry_route::forward),
        )
        .route("/inspect/{*reference}", get(app_page))
        .route("/bench/{*name}", get(app_page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/demo.json", get(demo_names))
        .fallback_service(dist)
        .with_state(state)
}

/// Every app route is the same single page; the front end reads the URL.
async fn app_page(State(state): State<AppState>) -> Response {
    match tokio::fs::read(state.settings.dist.join("index.html")).await {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the front end is not built ({error}); run `cargo xtask serve`"),
        )
            .into_response(),
    }
}

/// The demo images, for the landing page.
async fn demo_names(State(state): State<AppState>) -> Response {
    axum::Json(state.demo.images()).into_response()
}
