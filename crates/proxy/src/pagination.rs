//! Pagination for the list endpoints (tags, catalog, referrers): the query a client may send, and the
//! registry's `Link: <…>; rel="next"` rewritten to point back through the proxy.

use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};

use crate::error::ProxyError;

/// The longest query value passed on (a `last` tag is at most 128 characters, a repository name 255).
const MAX_VALUE_LENGTH: usize = 512;

/// The query of a list request: only the keys its endpoint knows, each once, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pairs: Vec<(String, String)>,
}

impl ListQuery {
    /// Reads a raw query string. A key outside `allowed` is refused rather than dropped, so that a typo
    /// never silently answers with the first page.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<ListQuery, ProxyError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (key, value) in url_query_pairs(raw.unwrap_or_default()) {
            if !allowed.contains(&key.as_str()) {
                return Err(ProxyError::BadPath(format!(
                    "unknown query parameter {key:?}; this endpoint takes {}",
                    allowed.join(", ")
                )));
            }
            if pairs.iter().any(|(seen, _)| *seen == key) {
                return Err(ProxyError::BadPath(format!(
                    "query parameter {key:?} is given twice"
                )));
            }
            if value.len() > MAX_VALUE_LENGTH || value.chars().any(char::is_control) {
                return Err(ProxyError::BadPath(format!(
                    "query parameter {key:?} is too long or holds control characters"
                )));
            }
            if key == "n" && value.parse::<u32>().is_err() {
                return Err(ProxyError::BadPath(format!(
                    "n must be a page size (a whole number), not {value:?}"
                )));
            }
            pairs.push((key, value));
        }
        Ok(ListQuery { pairs })
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// `?key=value&…`, percent-encoded, or the empty string when there is no parameter.
    pub fn to_query_string(&self) -> String {
        if self.pairs.is_empty() {
            return String::new();
        }
        let mut url = Url::parse("http://query.invalid/").expect("a constant URL parses");
        url.query_pairs_mut().extend_pairs(&self.pairs);
        format!("?{}", url.query().unwrap_or_default())
    }
}

fn url_query_pairs(raw: &str) -> Vec<(String, String)> {
    let mut url = Url::parse("http://query.invalid/").expect("a constant URL parses");
    url.set_query(Some(raw));
    url.query_pairs()
        .filter(|(key, _)| !key.is_empty())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// Where a list lives upstream and where the same list is reached through the proxy.
#[derive(Debug, Clone, Copy)]
pub struct ListLocation<'a> {
    /// The URL the registry answered from; relative links resolve against it.
    pub answered_from: &'a Url,
    /// `host[:port]` of the registry API: a next link must stay on it.
    pub authority: &'a str,
    /// The path a next page must keep upstream, e.g. `/v2/team/app/tags/list`.
    pub upstream_path: &'a str,
    /// The same list through the proxy, e.g. `/v2/registry.example/team/app/tags/list`.
    pub proxy_path: &'a str,
    /// Query keys the proxy's endpoint takes.
    pub allowed_keys: &'a [&'a str],
}

/// The registry's next-page link, rewritten to `<proxy_path?query>; rel="next"`. `None` when there is no
/// next page, or when the link leaves the registry's host, names another path or carries parameters the
/// proxy does not pass on: following it could reach somewhere else (SSRF), so it is dropped.
pub fn rewrite_next_link(headers: &HeaderMap, location: ListLocation<'_>) -> Option<String> {
    let target = headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(next_target)?;
    let Ok(next) = location.answered_from.join(target) else {
        tracing::warn!(link = target, "dropped an unreadable next-page link");
        return None;
    };
    let origin = Url::parse(&format!(
        "{}://{}/",
        location.answered_from.scheme(),
        location.authority
    ))
    .ok()?;
    let same_host = next.scheme() == origin.scheme()
        && next.host_str() == origin.host_str()
        && next.port_or_known_default() == origin.port_or_known_default();
    if !same_host || next.path() != location.upstream_path {
        tracing::warn!(%next, "dropped a next-page link that leaves the list");
        return None;
    }
    match ListQuery::parse(next.query(), location.allowed_keys) {
        Ok(query) => Some(format!(
            "<{}{}>; rel=\"next\"",
            location.proxy_path,
            query.to_query_string()
        )),
        Err(error) => {
            tracing::warn!(%next, %error, "dropped a next-page link with parameters not passed on");
            None
        }
    }
}

/// The target of the first `rel="next"` link in one `Link` header value (RFC 8288; several links may be
/// separated by commas).
fn next_target(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let target = &after[..end];
        let tail = &after[end + 1..];
        let params_end = tail.find('<').unwrap_or(tail.len());
        if tail[..params_end].split(';').any(is_rel_next) {
            return Some(target);
        }
        rest = &tail[params_end..];
    }
    None
}

fn is_rel_next(param: &str) -> bool {
    param.split_once('=').is_some_and(|(key, value)| {
        key.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_end_matches(',')
                .trim()
                .trim_matches('"')
                .split_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
    })
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    const TAGS: &[&str] = &["n", "last"];

    fn link(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LINK, HeaderValue::from_str(value).expect("a header value"));
        headers
    }

    fn rewrite(value: &str, answered_from: &str) -> Option<String> {
        let answered_from = Url::parse(answered_from).expect("a URL");
        rewrite_next_link(
            &link(value),
            ListLocation {
                answered_from: &answered_from,
                authority: "registry.example",
                upstream_path: "/v2/team/app/tags/list",
                proxy_path: "/v2/registry.example/team/app/tags/list",
                allowed_keys: TAGS,
            },
        )
    }

    #[test]
    fn queries_keep_known_keys_only() {
        let query = ListQuery::parse(Some("n=10&last=v1.0"), TAGS).expect("valid");
        assert_eq!(query.get("n"), Some("10"));
        assert_eq!(query.to_query_string(), "?n=10&last=v1.0");
        assert_eq!(
            ListQuery::parse(None, TAGS)
                .expect("valid")
                .to_query_string(),
            ""
        );
        let encoded = ListQuery::parse(Some("last=a%20b%26c"), TAGS).expect("valid");
        assert_eq!(encoded.get("last"), Some("a b&c"));
        assert_eq!(encoded.to_query_string(), "?last=a+b%26c");
        for bad in [
            "page=2",
            "n=ten",
            "n=-1",
            "n=1&n=2",
            "last=%0a",
            &format!("last={}", "a".repeat(600)),
        ] {
            assert!(ListQuery::parse(Some(bad), TAGS).is_err(), "{bad}");
        }
    }

    #[test]
    fn next_links_come_back_through_the_proxy() {
        let from = "https://registry.example/v2/team/app/tags/list?n=2";
        let through =
            Some("</v2/registry.example/team/app/tags/list?n=2&last=b>; rel=\"next\"".to_owned());
        assert_eq!(
            rewrite("</v2/team/app/tags/list?n=2&last=b>; rel=\"next\"", from),
            through
        );
        assert_eq!(
            rewrite(
                "<https://registry.example/v2/team/app/tags/list?n=2&last=b>; rel=next",
                from
            ),
            through
        );
        assert_eq!(
            rewrite(
                "<https://registry.example:443/v2/team/app/tags/list?n=2&last=b>;rel=\"next\"",
                from
            ),
            through,
            "the default port is the same host"
        );
        assert_eq!(
            rewrite(
                "</v2/team/app/tags/list?last=a>; rel=\"prev\", </v2/team/app/tags/list?n=2&last=b>; rel=\"next\"",
                from
            ),
            through,
            "several links in one value"
        );
        assert_eq!(
            rewrite("<list?n=2&last=b>; rel=\"next\"", from),
            Some("</v2/registry.example/team/app/tags/list?n=2&last=b>; rel=\"next\"".to_owned()),
            "relative to the request"
        );
    }

    #[test]
    fn links_that_leave_the_list_are_dropped() {
        let from = "https://registry.example/v2/team/app/tags/list?n=2";
        for link in [
            "<https://elsewhere.example/v2/team/app/tags/list?n=2&last=b>; rel=\"next\"",
            "<http://registry.example/v2/team/app/tags/list?n=2&last=b>; rel=\"next\"",
            "<https://registry.example:8443/v2/team/app/tags/list?last=b>; rel=\"next\"",
            "<https://127.0.0.1/v2/team/app/tags/list?last=b>; rel=\"next\"",
            "<//169.254.169.254/v2/team/app/tags/list?last=b>; rel=\"next\"",
            "</v2/other/app/tags/list?last=b>; rel=\"next\"",
            "</v2/team/app/tags/list?next_page=opaque>; rel=\"next\"",
            "</v2/team/app/tags/list?last=b>; rel=\"prev\"",
            "</v2/team/app/tags/list?last=b",
            "garbage",
        ] {
            assert_eq!(rewrite(link, from), None, "{link}");
        }
        assert_eq!(
            rewrite_next_link(
                &HeaderMap::new(),
                ListLocation {
                    answered_from: &Url::parse(from).expect("a URL"),
                    authority: "registry.example",
                    upstream_path: "/v2/team/app/tags/list",
                    proxy_path: "/v2/registry.example/team/app/tags/list",
                    allowed_keys: TAGS,
                }
            ),
            None
        );
    }
}
