//! Writing the upstream trace from HTTP exchanges: what was sent (the URL without its secrets) and what
//! came back (status, time, the headers that matter). The trace's shape is core's
//! (`strata_registry_api::upstream_trace`), shared with the page that reads it.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use strata_registry_api::registry_header;
pub use strata_registry_api::upstream_trace::{StepKind, Trace, TraceStep as Step};
use strata_registry_api::upstream_trace::{TRACE_HEADER as TRACE_HEADER_NAME, ascii};

/// The response header that carries the trace.
pub const TRACE_HEADER: HeaderName = HeaderName::from_static(TRACE_HEADER_NAME);

/// Query parameters shown in URLs; every other value is replaced by `redacted` (pre-signed URLs carry secrets).
const SHOWN_QUERY: [&str; 5] = ["service", "scope", "n", "last", "artifactType"];

/// Response headers shown in steps.
const SHOWN_HEADERS: [&str; 10] = [
    "www-authenticate",
    registry_header::DOCKER_CONTENT_DIGEST,
    "content-type",
    "content-length",
    "content-range",
    "location",
    registry_header::RATELIMIT_LIMIT,
    registry_header::RATELIMIT_REMAINING,
    registry_header::DOCKER_RATELIMIT_SOURCE,
    "retry-after",
];

/// A step for a request sent to `url`.
pub fn sent(step: StepKind, method: &reqwest::Method, url: &Url, auth: &str) -> Step {
    Step {
        method: Some(method.to_string()),
        url: Some(shown_url(url)),
        auth: Some(auth.to_owned()),
        ..Step::new(step)
    }
}

/// Records the answer on `step`: status, time, length and the headers that matter.
pub fn answered(step: &mut Step, status: u16, ms: u64, headers: &HeaderMap) {
    step.status = Some(status);
    step.ms = Some(ms);
    step.bytes = headers
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    for name in SHOWN_HEADERS {
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| {
                if name == "location" {
                    location_host(v)
                } else {
                    ascii(v)
                }
            })
            .collect();
        if !values.is_empty() {
            step.headers.insert(name.to_owned(), values.join(", "));
        }
    }
}

/// Sets the trace header on a response.
pub fn attach(trace: &Trace, headers: &mut HeaderMap) {
    if let Ok(value) = HeaderValue::from_str(&trace.to_json()) {
        headers.insert(TRACE_HEADER, value);
    }
}

fn location_host(location: &str) -> String {
    match Url::parse(location) {
        Ok(url) => ascii(url.host_str().unwrap_or("(relative)")),
        Err(_) => "(relative)".into(),
    }
}

/// `url` without user info or fragment, and with only harmless query values.
pub fn shown_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_fragment(None);
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if SHOWN_QUERY.contains(&key.as_ref()) {
                    value.into_owned()
                } else {
                    "redacted".to_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    ascii(shown.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_secrets() {
        let url = Url::parse(
            "https://user:pw@cdn.example/blob?X-Amz-Signature=abc&scope=repository%3Aa%3Apull#frag",
        )
        .expect("a URL");
        let shown = shown_url(&url);
        assert!(
            !shown.contains("abc") && !shown.contains("pw") && !shown.contains("frag"),
            "{shown}"
        );
        assert!(shown.contains("scope=repository%3Aa%3Apull"), "{shown}");
        assert!(shown.contains("X-Amz-Signature=redacted"), "{shown}");
    }

    #[test]
    fn steps_serialize_compactly_without_empty_fields() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "location",
            "https://cdn.example/path?token=secret".parse().expect("ok"),
        );
        headers.insert("authorization", "Bearer secret".parse().expect("ok"));
        headers.insert("content-length", "12".parse().expect("ok"));
        let url = Url::parse("https://r.io/v2/a/blobs/sha256:00").expect("a URL");
        let mut step = sent(StepKind::Request, &reqwest::Method::GET, &url, "bearer");
        answered(&mut step, 307, 5, &headers);
        let trace = Trace { steps: vec![step] };
        let json = trace.to_json();
        assert_eq!(
            json,
            r#"[{"step":"request","method":"GET","url":"https://r.io/v2/a/blobs/sha256:00","auth":"bearer","status":307,"ms":5,"bytes":12,"headers":{"content-length":"12","location":"cdn.example"}}]"#
        );
        assert!(!json.contains("secret"));
        let mut response = HeaderMap::new();
        attach(&trace, &mut response);
        assert_eq!(response[TRACE_HEADER], json.as_str());
    }
}
