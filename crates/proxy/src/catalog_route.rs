//! `/v2/<registry>/_catalog[?n=&last=]`: the repositories of a registry named by `--insecure-registry`
//! (public registries disable or restrict the catalog, and listing them is not what the proxy is for).

use axum::body::Body;
use axum::http::Response;
use strata_image::registry_host;

use crate::error::ProxyError;
use crate::list_page::{self, ListEndpoint};
use crate::pagination::ListQuery;
use crate::state::AppState;

/// The query keys of the catalog (Docker registry API §Listing Repositories).
const QUERY_KEYS: &[&str] = &["n", "last"];

/// Answers a catalog request, or refuses it for a registry not named by `--insecure-registry`.
pub async fn answer(
    state: &AppState,
    registry: &str,
    raw_query: Option<&str>,
    head: bool,
) -> Result<Response<Body>, ProxyError> {
    if !state.settings.is_insecure(registry) {
        return Err(ProxyError::Refused(format!(
            "the catalog is listed only for registries named by --insecure-registry, and {registry:?} is not"
        )));
    }
    let query = ListQuery::parse(raw_query, QUERY_KEYS)?;
    let endpoint = ListEndpoint {
        authority: registry_host::api_host(registry),
        upstream_path: "/v2/_catalog",
        proxy_path: &format!("/v2/{registry}/_catalog"),
        allowed_keys: QUERY_KEYS,
    };
    list_page::forward(state, endpoint, &query, head).await
}
