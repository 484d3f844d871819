//! The upstream trace: what the proxy did upstream to answer one request, with no secrets, sent to the
//! browser in the `Strata-Upstream-Trace` response header so the page can teach how registries work.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use serde::Serialize;

/// The response header that carries the trace.
pub const TRACE_HEADER: HeaderName = HeaderName::from_static("strata-upstream-trace");

/// The header is kept under this many bytes.
const MAX_HEADER_BYTES: usize = 4000;

/// Query parameters shown in URLs; every other value is replaced by `redacted` (pre-signed URLs carry secrets).
const SHOWN_QUERY: [&str; 5] = ["service", "scope", "n", "last", "artifactType"];

/// Response headers shown in steps.
const SHOWN_HEADERS: [&str; 10] = [
    "www-authenticate",
    "docker-content-digest",
    "content-type",
    "content-length",
    "content-range",
    "location",
    "ratelimit-limit",
    "ratelimit-remaining",
    "docker-ratelimit-source",
    "retry-after",
];

/// What a step was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// A request to the registry (the first one, or one repeated with credentials).
    Request,
    /// The registry answered 401; `params` holds the chosen challenge.
    Challenge,
    /// A token from the challenge's realm (`cached` when it came from the proxy's token cache).
    Token,
    /// A request to where a redirect pointed, sent without credentials.
    Redirect,
    /// Answered from the proxy's content cache, with no upstream request.
    Cache,
    /// The proxy refused to send the request (SSRF guard, limits).
    Refused,
    /// The request failed (unreachable, timeout, broken answer).
    Error,
    /// Steps were left out here to keep the header small.
    Truncated,
}

/// One step of the trace. Fields that do not apply are left out of the JSON.
///
/// The header value is a compact JSON array of steps, in order, for example:
///
/// ```json
/// [{"step":"request","method":"HEAD","url":"https://registry-1.docker.io/v2/library/alpine/manifests/3.19",
///   "auth":"none","status":401,"ms":84,"headers":{"www-authenticate":"Bearer realm=\"https://auth.docker.io/token\",…"}},
///  {"step":"challenge","params":{"scheme":"bearer","realm":"https://auth.docker.io/token",
///   "service":"registry.docker.io","scope":"repository:library/alpine:pull"}},
///  {"step":"token","method":"GET","url":"https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Falpine%3Apull",
///   "auth":"none","status":200,"ms":120,"bytes":4202,"params":{"expires_in":"300"}},
///  {"step":"request","method":"HEAD","url":"…/manifests/3.19","auth":"bearer","status":200,"ms":90,
///   "headers":{"docker-content-digest":"sha256:…","content-type":"…","ratelimit-remaining":"99;w=21600"},
///   "note":"tag resolved with HEAD, which Docker Hub does not count as a pull"},
///  {"step":"request","method":"GET","url":"…/manifests/sha256:…","auth":"bearer","status":200,"ms":95,"bytes":9218},
///  {"step":"redirect","method":"GET","url":"https://cdn.example/blobs/…?X-Amz-Signature=redacted","auth":"none","status":200,"ms":40}]
/// ```
///
/// - `step`: `request`, `challenge`, `token`, `redirect`, `cache`, `refused`, `error` or `truncated`.
/// - `method`, `url`: what was sent; the URL has no user info and only `service`, `scope`, `n`, `last`
///   and `artifactType` query values (others read `redacted`).
/// - `auth`: what `Authorization` was sent: `none`, `bearer`, `bearer (cached)` or `basic`; never its value.
/// - `status`, `ms` (until the response headers), `bytes` (the `Content-Length`, or bytes served from
///   the cache).
/// - `headers`: the response headers that matter, lowercased: `www-authenticate`,
///   `docker-content-digest`, `content-type`, `content-length`, `content-range`, `location` (its host only),
///   `ratelimit-limit`, `ratelimit-remaining`, `docker-ratelimit-source`, `retry-after`.
/// - `params`: for `challenge`, the challenge's `scheme`, `realm`, `service`, `scope`; for `token`,
///   `expires_in` and `cached`.
/// - `note`: a sentence for people (why a step happened, why it was refused).
///
/// Non-ASCII characters read `?`. When the trace would pass ~4 KB, values are shortened, then middle steps
/// give way to one `{"step":"truncated"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What the step was.
    pub step: StepKind,
    /// The method sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The URL sent, without secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Which kind of `Authorization` was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<&'static str>,
    /// The status answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Milliseconds until the response headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// Body bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// The response headers that matter.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Step-specific details.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// A sentence for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Step {
    /// An empty step of this kind.
    pub fn new(step: StepKind) -> Step {
        Step {
            step,
            method: None,
            url: None,
            auth: None,
            status: None,
            ms: None,
            bytes: None,
            headers: BTreeMap::new(),
            params: BTreeMap::new(),
            note: None,
        }
    }

    /// A step for a request sent to `url`.
    pub fn sent(step: StepKind, method: &reqwest::Method, url: &Url, auth: &'static str) -> Step {
        Step {
            method: Some(method.to_string()),
            url: Some(shown_url(url)),
            auth: Some(auth),
            ..Step::new(step)
        }
    }

    /// Records the answer: status, time, length and the headers that matter.
    pub fn answered(&mut self, status: u16, ms: u64, headers: &reqwest::header::HeaderMap) {
        self.status = Some(status);
        self.ms = Some(ms);
        self.bytes = headers
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
                self.headers.insert(name.to_owned(), values.join(", "));
            }
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, key: &str, value: &str) -> Step {
        self.params.insert(key.to_owned(), ascii(value));
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: &str) -> Step {
        self.note = Some(ascii(note));
        self
    }
}

/// The steps of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// In order.
    pub steps: Vec<Step>,
}

impl Trace {
    /// Appends a step.
    pub fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// Adds a note to the last step, after any it has.
    pub fn note_last(&mut self, note: &str) {
        if let Some(step) = self.steps.last_mut() {
            let note = ascii(note);
            step.note = Some(match step.note.take() {
                Some(earlier) => format!("{earlier}; {note}"),
                None => note,
            });
        }
    }

    /// The compact JSON, under the header budget.
    pub fn to_json(&self) -> String {
        let full = serde_json::to_string(&self.steps).unwrap_or_else(|_| "[]".into());
        if full.len() <= MAX_HEADER_BYTES {
            return full;
        }
        let mut steps = self.steps.clone();
        for step in &mut steps {
            for value in step.headers.values_mut().chain(step.params.values_mut()) {
                shorten(value, 120);
            }
            if let Some(url) = step.url.as_mut() {
                shorten(url, 200);
            }
            if let Some(note) = step.note.as_mut() {
                shorten(note, 120);
            }
        }
        let mut removed = false;
        loop {
            let mut view = steps.clone();
            if removed {
                view.insert(steps.len() / 2, Step::new(StepKind::Truncated));
            }
            let json = serde_json::to_string(&view).unwrap_or_else(|_| "[]".into());
            if json.len() <= MAX_HEADER_BYTES {
                return json;
            }
            if steps.is_empty() {
                return "[]".into();
            }
            steps.remove(steps.len() / 2);
            removed = true;
        }
    }

    /// Sets the trace header on a response.
    pub fn attach(&self, headers: &mut HeaderMap) {
        if let Ok(value) = HeaderValue::from_str(&self.to_json()) {
            headers.insert(TRACE_HEADER, value);
        }
    }
}

fn shorten(value: &mut String, limit: usize) {
    if value.len() > limit {
        value.truncate(limit);
        value.push_str("...");
    }
}

/// Printable ASCII only, so the JSON is a valid header value.
fn ascii(value: &str) -> String {
    value
        .chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
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
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "location",
            "https://cdn.example/path?token=secret".parse().expect("ok"),
        );
        headers.insert("authorization", "Bearer secret".parse().expect("ok"));
        headers.insert("content-length", "12".parse().expect("ok"));
        let url = Url::parse("https://r.io/v2/a/blobs/sha256:00").expect("a URL");
        let mut step = Step::sent(StepKind::Request, &reqwest::Method::GET, &url, "bearer");
        step.answered(307, 5, &headers);
        let trace = Trace { steps: vec![step] };
        let json = trace.to_json();
        assert_eq!(
            json,
            r#"[{"step":"request","method":"GET","url":"https://r.io/v2/a/blobs/sha256:00","auth":"bearer","status":307,"ms":5,"bytes":12,"headers":{"content-length":"12","location":"cdn.example"}}]"#
        );
        assert!(!json.contains("secret"));
    }

    #[test]
    fn long_traces_stay_under_the_budget() {
        let url = Url::parse(&format!("https://r.io/v2/{}/manifests/1", "a/".repeat(100)))
            .expect("a URL");
        let mut trace = Trace::default();
        for _ in 0..40 {
            let step = Step::sent(StepKind::Request, &reqwest::Method::GET, &url, "none")
                .note(&"n\u{e9}".repeat(200));
            trace.push(step);
        }
        let json = trace.to_json();
        assert!(json.len() <= MAX_HEADER_BYTES, "{}", json.len());
        assert!(json.contains("truncated"));
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(parsed[0]["step"], "request");
        assert!(HeaderValue::from_str(&json).is_ok());
    }
}
