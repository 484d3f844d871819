//! The proxy's account of how it fetched a document (the `Strata-Upstream-Trace` header): challenge, token,
//! request, redirect, with statuses and times, never a secret. One definition: the proxy writes it with these
//! types and the page reads it with the same ones, so a field renamed on one side is renamed on both.
//!
//! The header value is a compact JSON array of steps, in order, for example:
//!
//! ```json
//! [{"step":"request","method":"HEAD","url":"https://registry-1.docker.io/v2/library/alpine/manifests/3.19",
//!   "auth":"none","status":401,"ms":84,"headers":{"www-authenticate":"Bearer realm=\"https://auth.docker.io/token\",…"}},
//!  {"step":"challenge","params":{"scheme":"bearer","realm":"https://auth.docker.io/token",
//!   "service":"registry.docker.io","scope":"repository:library/alpine:pull"}},
//!  {"step":"token","method":"GET","url":"https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Falpine%3Apull",
//!   "auth":"none","status":200,"ms":120,"bytes":4202,"params":{"expires_in":"300"}},
//!  {"step":"request","method":"GET","url":"…/manifests/sha256:…","auth":"bearer","status":200,"ms":95,"bytes":9218},
//!  {"step":"redirect","method":"GET","url":"https://cdn.example/blobs/…?X-Amz-Signature=redacted","auth":"none","status":200,"ms":40}]
//! ```
//!
//! - `method`, `url`: what was sent; the URL has no user info and only harmless query values (others read
//!   `redacted`).
//! - `auth`: what `Authorization` was sent: `none`, `bearer`, `bearer (cached)` or `basic`; never its value.
//! - `status`, `ms` (until the response headers), `bytes` (the `Content-Length`, or bytes served from
//!   the cache).
//! - `headers`: the response headers that matter, lowercased (`location` shows its host only).
//! - `params`: for `challenge`, the challenge's `scheme`, `realm`, `service`, `scope`; for `token`,
//!   `expires_in` and `cached`.
//! - `note`: a sentence for people (why a step happened, why it was refused).
//!
//! Non-ASCII characters read `?`. When the trace would pass ~4 KB, values are shortened, then middle steps
//! give way to one `{"step":"truncated"}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The response header carrying the trace, as compact JSON.
pub const TRACE_HEADER: &str = "strata-upstream-trace";

/// The header is kept under this many bytes.
pub const MAX_HEADER_BYTES: usize = 4000;

/// What a step was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// A kind this page does not know (a newer proxy).
    #[default]
    #[serde(other)]
    Unknown,
}

impl StepKind {
    /// The name the JSON and the page's `data-step` use.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Request => "request",
            StepKind::Challenge => "challenge",
            StepKind::Token => "token",
            StepKind::Redirect => "redirect",
            StepKind::Cache => "cache",
            StepKind::Refused => "refused",
            StepKind::Error => "error",
            StepKind::Truncated => "truncated",
            StepKind::Unknown => "unknown",
        }
    }
}

/// One step of the proxy's work for a request. Fields that do not apply are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TraceStep {
    /// What the step was.
    #[serde(default)]
    pub step: StepKind,
    /// The method sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The URL sent, without secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Which kind of `Authorization` was sent (`none`, `bearer`, `bearer (cached)`, `basic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    /// The status answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Milliseconds until the response headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// Body bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// The response headers that matter.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Step-specific details (a challenge's realm and scope, a token's lifetime).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// A sentence for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl TraceStep {
    /// An empty step of this kind.
    pub fn new(step: StepKind) -> TraceStep {
        TraceStep {
            step,
            ..TraceStep::default()
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, key: &str, value: &str) -> TraceStep {
        self.params.insert(key.to_owned(), ascii(value));
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: &str) -> TraceStep {
        self.note = Some(ascii(note));
        self
    }
}

/// The steps of one request, as the proxy writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// In order.
    pub steps: Vec<TraceStep>,
}

impl Trace {
    /// Appends a step.
    pub fn push(&mut self, step: TraceStep) {
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

    /// The compact JSON, under [`MAX_HEADER_BYTES`] and printable ASCII, so it is a valid header value.
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
                view.insert(steps.len() / 2, TraceStep::new(StepKind::Truncated));
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
}

/// Reads the header; a missing or unreadable trace is no steps (it only explains, it proves nothing).
pub fn parse(header: Option<&str>) -> Vec<TraceStep> {
    header
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

/// Printable ASCII only (anything else reads `?`), so every value can go into a header.
pub fn ascii(value: &str) -> String {
    value
        .chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

fn shorten(value: &mut String, limit: usize) {
    if value.len() > limit {
        value.truncate(limit);
        value.push_str("...");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_shape() {
        let header = r#"[{"step":"request","method":"HEAD","url":"https://r/v2/a/manifests/1","auth":"none","status":401,"ms":84,"headers":{"www-authenticate":"Bearer realm=\"x\""}},
            {"step":"challenge","params":{"scheme":"bearer","realm":"https://auth/token"}},
            {"step":"token","status":200,"params":{"expires_in":"300"},"extra":1},
            {"step":"teleport"}]"#;
        let steps = parse(Some(header));
        assert_eq!(steps.len(), 4);
        assert_eq!(steps[0].status, Some(401));
        assert_eq!(steps[1].params["realm"], "https://auth/token");
        assert_eq!(steps[2].step, StepKind::Token);
        assert_eq!(steps[3].step, StepKind::Unknown, "a newer kind still reads");
        for broken in [None, Some(""), Some("{"), Some("{}"), Some("[1]")] {
            assert!(parse(broken).is_empty(), "{broken:?}");
        }
    }

    #[test]
    fn what_the_proxy_writes_the_page_reads_back() {
        let mut trace = Trace::default();
        for kind in [
            StepKind::Request,
            StepKind::Challenge,
            StepKind::Token,
            StepKind::Redirect,
            StepKind::Cache,
            StepKind::Refused,
            StepKind::Error,
        ] {
            let mut step = TraceStep::new(kind)
                .param("scope", "repository:a:pull")
                .note("why");
            step.method = Some("GET".into());
            step.url = Some("https://r.io/v2/a/manifests/1".into());
            step.auth = Some("bearer".into());
            step.status = Some(200);
            step.ms = Some(5);
            step.bytes = Some(12);
            step.headers.insert("content-type".into(), "x".into());
            trace.push(step);
        }
        let json = trace.to_json();
        assert_eq!(parse(Some(&json)), trace.steps);
        for step in &trace.steps {
            assert!(json.contains(&format!("\"step\":\"{}\"", step.step.as_str())));
        }
        let empty = Trace {
            steps: vec![TraceStep::new(StepKind::Cache)],
        };
        assert_eq!(
            empty.to_json(),
            r#"[{"step":"cache"}]"#,
            "empty fields are left out"
        );
    }

    #[test]
    fn long_traces_stay_under_the_budget() {
        let mut trace = Trace::default();
        for _ in 0..40 {
            let mut step = TraceStep::new(StepKind::Request).note(&"n\u{e9}".repeat(200));
            step.url = Some(format!("https://r.io/v2/{}/manifests/1", "a/".repeat(100)));
            trace.push(step);
        }
        let json = trace.to_json();
        assert!(json.len() <= MAX_HEADER_BYTES, "{}", json.len());
        assert!(json.is_ascii());
        let steps = parse(Some(&json));
        assert_eq!(steps[0].step, StepKind::Request);
        assert!(steps.iter().any(|step| step.step == StepKind::Truncated));
    }
}
