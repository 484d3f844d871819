//! `/v2/<registry>/<repository>/tags/list[?n=&last=]`: a repository's tags, forwarded with the next-page
//! link pointing back through the proxy; the demo registry answers from its own tags.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use strata_image::registry_host;
use strata_registry_api::registry_error::ErrorCode;

use crate::error::ProxyError;
use crate::list_page::{self, ListEndpoint};
use crate::pagination::ListQuery;
use crate::registry_path::RepositoryName;
use crate::relay::{made_here, registry_error};
use crate::state::AppState;

/// The query keys of the tag list (distribution-spec §Listing Tags).
const QUERY_KEYS: &[&str] = &["n", "last"];

/// Answers a tag-list request.
pub async fn answer(
    state: &AppState,
    name: &RepositoryName,
    raw_query: Option<&str>,
    head: bool,
) -> Result<Response<Body>, ProxyError> {
    let query = ListQuery::parse(raw_query, QUERY_KEYS)?;
    if name.registry == registry_host::DEMO_REGISTRY {
        return Ok(demo_answer(state, name, &query, head));
    }
    let endpoint = ListEndpoint {
        authority: registry_host::api_host(&name.registry),
        upstream_path: &format!("/v2/{}/tags/list", name.repository),
        proxy_path: &format!("/v2/{}/{}/tags/list", name.registry, name.repository),
        allowed_keys: QUERY_KEYS,
    };
    list_page::forward(state, endpoint, &query, head).await
}

/// The demo registry's tags, paginated as the spec says: in lexical order, after `last`, at most `n`,
/// with a next link while more remain.
fn demo_answer(
    state: &AppState,
    name: &RepositoryName,
    query: &ListQuery,
    head: bool,
) -> Response<Body> {
    let Some(tags) = state.demo.tags(&name.repository) else {
        return registry_error(
            StatusCode::NOT_FOUND,
            ErrorCode::NameUnknown,
            "repository name not known to registry",
            head,
        );
    };
    let (page, next) = paginate(tags, query);
    let body = serde_json::json!({ "name": name.repository, "tags": page });
    let mut headers = Vec::new();
    if let Some(last) = next {
        let mut link_query = Vec::new();
        if let Some(n) = query.get("n") {
            link_query.push(format!("n={n}"));
        }
        link_query.push(format!("last={last}"));
        let link = format!(
            "</v2/{}/{}/tags/list?{}>; rel=\"next\"",
            name.registry,
            name.repository,
            link_query.join("&")
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.push((header::LINK, value));
        }
    }
    made_here(
        StatusCode::OK,
        "application/json",
        &headers,
        body.to_string().into_bytes(),
        head,
    )
}

/// One page of `tags`: those after `last`, at most `n`, and the tag to resume after when more remain.
fn paginate(mut tags: Vec<String>, query: &ListQuery) -> (Vec<String>, Option<String>) {
    tags.sort();
    if let Some(last) = query.get("last") {
        tags.retain(|tag| tag.as_str() > last);
    }
    let limit = query
        .get("n")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    if tags.len() <= limit {
        return (tags, None);
    }
    tags.truncate(limit);
    let next = tags.last().cloned();
    (tags, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(query: &str) -> (Vec<String>, Option<String>) {
        let tags = ["b", "latest", "a", "1.0"].map(String::from).to_vec();
        paginate(
            tags,
            &ListQuery::parse(Some(query), QUERY_KEYS).expect("valid"),
        )
    }

    #[test]
    fn pages_follow_the_spec() {
        let all = ["1.0", "a", "b", "latest"].map(String::from).to_vec();
        assert_eq!(page(""), (all.clone(), None));
        assert_eq!(page("n=2"), (all[..2].to_vec(), Some("a".into())));
        assert_eq!(page("n=2&last=a"), (all[2..].to_vec(), None));
        assert_eq!(page("last=b"), (vec!["latest".into()], None));
        assert_eq!(page("n=0"), (vec![], None), "n=0 is empty with no link");
        assert_eq!(page("n=4"), (all, None));
    }
}
