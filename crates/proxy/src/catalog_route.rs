//! `/v2/<registry>/_catalog[?n=&last=]`: the repositories of a registry named by `--insecure-registry`
//! (public registries disable or restrict the catalog, and listing them is not what the proxy is for).

use axum::body::Body;
use axum::http::{Method, Response};
use strata_image::registry_host;

use crate::error::ProxyError;
use crate::pagination::{ListLocation, ListQuery, rewrite_next_link};
use crate::relay::relay;
use crate::state::AppState;
use crate::upstream::UpstreamRequest;

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
    let authority = registry_host::api_host(registry);
    let upstream = state
        .upstream
        .fetch(UpstreamRequest {
            authority,
            path: &format!("_catalog{}", query.to_query_string()),
            method: if head { Method::HEAD } else { Method::GET },
            accept: None,
            range: None,
        })
        .await?;
    let link = rewrite_next_link(
        upstream.headers(),
        ListLocation {
            answered_from: upstream.url(),
            authority,
            upstream_path: "/v2/_catalog",
            proxy_path: &format!("/v2/{registry}/_catalog"),
            allowed_keys: QUERY_KEYS,
        },
    );
    relay(upstream, link, head)
}
