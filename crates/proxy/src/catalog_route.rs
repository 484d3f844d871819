//! `/v2/<registry>/_catalog[?n=&last=]`: the repositories of a registry the operator named, by
//! `--insecure-registry` or by a login in `--docker-config` (public registries disable or restrict the
//! catalog, and listing them is not what a public proxy is for).

use axum::body::Body;
use axum::http::Response;
use strata_image::registry_host;

use crate::error::ProxyError;
use crate::list_page::{self, ListEndpoint};
use crate::pagination::ListQuery;
use crate::state::AppState;

/// The query keys of the catalog (Docker registry API §Listing Repositories).
const QUERY_KEYS: &[&str] = &["n", "last"];

/// Answers a catalog request, or refuses it for a registry the operator did not name.
pub async fn answer(
    state: &AppState,
    registry: &str,
    raw_query: Option<&str>,
    head: bool,
) -> Result<Response<Body>, ProxyError> {
    let api_host = registry_host::api_host(registry);
    if !state.settings.is_insecure(registry) && !state.upstream.has_login_for(api_host) {
        return Err(ProxyError::Refused(format!(
            "the catalog is listed only for registries named by --insecure-registry or logged in to in \
             --docker-config, and {registry:?} is neither"
        )));
    }
    let query = ListQuery::parse(raw_query, QUERY_KEYS)?;
    let endpoint = ListEndpoint {
        authority: api_host,
        upstream_path: "/v2/_catalog",
        proxy_path: &format!("/v2/{registry}/_catalog"),
        allowed_keys: QUERY_KEYS,
    };
    list_page::forward(state, endpoint, &query, head).await
}
