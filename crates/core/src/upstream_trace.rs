//! The proxy's account of how it fetched a document (the `Strata-Upstream-Trace` header): challenge, token,
//! request, redirect, with statuses and times, never a secret. Read here so the page can teach the pull.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The response header carrying the trace, as compact JSON.
pub const TRACE_HEADER: &str = "strata-upstream-trace";

/// One step of the proxy's work for a request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct TraceStep {
    /// `request`, `challenge`, `token`, `redirect`, `cache`, `refused`, `error` or `truncated`.
    #[serde(default)]
    pub step: String,
    /// The method sent.
    #[serde(default)]
    pub method: Option<String>,
    /// The URL sent, without secrets.
    #[serde(default)]
    pub url: Option<String>,
    /// Which kind of `Authorization` was sent (`none`, `bearer`, `bearer (cached)`, `basic`).
    #[serde(default)]
    pub auth: Option<String>,
    /// The status answered.
    #[serde(default)]
    pub status: Option<u16>,
    /// Milliseconds until the response headers.
    #[serde(default)]
    pub ms: Option<u64>,
    /// Body bytes.
    #[serde(default)]
    pub bytes: Option<u64>,
    /// The response headers that matter.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Step-specific details (a challenge's realm and scope, a token's lifetime).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// A sentence for people.
    #[serde(default)]
    pub note: Option<String>,
}

/// Reads the header; a missing or unreadable trace is no steps (it only explains, it proves nothing).
pub fn parse(header: Option<&str>) -> Vec<TraceStep> {
    header
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_shape() {
        let header = r#"[{"step":"request","method":"HEAD","url":"https://r/v2/a/manifests/1","auth":"none","status":401,"ms":84,"headers":{"www-authenticate":"Bearer realm=\"x\""}},
            {"step":"challenge","params":{"scheme":"bearer","realm":"https://auth/token"}},
            {"step":"token","status":200,"params":{"expires_in":"300"},"extra":1}]"#;
        let steps = parse(Some(header));
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].status, Some(401));
        assert_eq!(steps[1].params["realm"], "https://auth/token");
        assert_eq!(steps[2].step, "token");
        for broken in [None, Some(""), Some("{"), Some("{}"), Some("[1]")] {
            assert!(parse(broken).is_empty(), "{broken:?}");
        }
    }
}
