//! One page of a registry list (`tags/list`, `_catalog`) fetched upstream and relayed, its next-page link
//! pointing back through the proxy.

use axum::body::Body;
use axum::http::{Method, Response};

use crate::error::ProxyError;
use crate::pagination::{ListLocation, ListQuery, rewrite_next_link};
use crate::relay::relay;
use crate::state::AppState;
use crate::upstream::UpstreamRequest;

/// A list endpoint: where it is upstream and through the proxy.
#[derive(Debug, Clone, Copy)]
pub struct ListEndpoint<'a> {
    /// `host[:port]` of the registry API.
    pub authority: &'a str,
    /// The list's path upstream, e.g. `/v2/team/app/tags/list`.
    pub upstream_path: &'a str,
    /// The same list through the proxy, e.g. `/v2/registry.example/team/app/tags/list`.
    pub proxy_path: &'a str,
    /// Query keys the endpoint takes.
    pub allowed_keys: &'a [&'a str],
}

/// Fetches the page `query` names and relays it.
pub async fn forward(
    state: &AppState,
    endpoint: ListEndpoint<'_>,
    query: &ListQuery,
    head: bool,
) -> Result<Response<Body>, ProxyError> {
    let relative = endpoint
        .upstream_path
        .strip_prefix("/v2/")
        .unwrap_or(endpoint.upstream_path);
    let upstream = state
        .upstream
        .fetch(UpstreamRequest {
            authority: endpoint.authority,
            path: &format!("{relative}{}", query.to_query_string()),
            method: if head { Method::HEAD } else { Method::GET },
            accept: None,
            range: None,
        })
        .await?;
    let link = rewrite_next_link(
        upstream.headers(),
        ListLocation {
            answered_from: upstream.url(),
            authority: endpoint.authority,
            upstream_path: endpoint.upstream_path,
            proxy_path: endpoint.proxy_path,
            allowed_keys: endpoint.allowed_keys,
        },
    );
    relay(upstream, link, head)
}
