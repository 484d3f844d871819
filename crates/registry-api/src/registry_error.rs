//! The registry's error envelope (`{"errors":[{"code","message","detail"}]}`), one definition for whoever
//! writes it (the proxy, its demo registry) and whoever reads it (the page), the codes Strata writes, and
//! plain-words summaries of failed responses.

use serde::{Deserialize, Serialize};

/// The error codes Strata writes: the distribution spec's own, and the proxy's for what only it can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The repository name is not one the registry knows.
    NameUnknown,
    /// The path names no valid repository or reference.
    NameInvalid,
    /// No manifest at that reference.
    ManifestUnknown,
    /// No blob at that digest.
    BlobUnknown,
    /// Too many requests at once.
    TooManyRequests,
    /// The proxy will not reach what the request names (SSRF guard, offline mode).
    ProxyRefused,
    /// The registry could not be reached.
    UpstreamUnreachable,
    /// The registry did not answer in time.
    UpstreamTimeout,
    /// The registry's token service answered badly.
    UpstreamAuth,
    /// The registry's answer broke off.
    UpstreamIncomplete,
    /// A manifest past the proxy's size limit.
    ManifestTooLarge,
    /// The request's `Host` is not one of the proxy's names.
    MisdirectedHost,
}

impl ErrorCode {
    /// The code as the envelope spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NameUnknown => "NAME_UNKNOWN",
            ErrorCode::NameInvalid => "NAME_INVALID",
            ErrorCode::ManifestUnknown => "MANIFEST_UNKNOWN",
            ErrorCode::BlobUnknown => "BLOB_UNKNOWN",
            ErrorCode::TooManyRequests => "TOOMANYREQUESTS",
            ErrorCode::ProxyRefused => "PROXY_REFUSED",
            ErrorCode::UpstreamUnreachable => "UPSTREAM_UNREACHABLE",
            ErrorCode::UpstreamTimeout => "UPSTREAM_TIMEOUT",
            ErrorCode::UpstreamAuth => "UPSTREAM_AUTH",
            ErrorCode::UpstreamIncomplete => "UPSTREAM_INCOMPLETE",
            ErrorCode::ManifestTooLarge => "MANIFEST_TOO_LARGE",
            ErrorCode::MisdirectedHost => "MISDIRECTED_HOST",
        }
    }
}

/// An envelope holding one error, as JSON bytes.
pub fn envelope(code: ErrorCode, message: &str) -> Vec<u8> {
    let envelope = Envelope {
        errors: vec![RegistryErrorItem {
            code: code.as_str().to_owned(),
            message: message.to_owned(),
        }],
    };
    serde_json::to_vec(&envelope).unwrap_or_else(|_| b"{\"errors\":[]}".to_vec())
}

/// One entry of a registry error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryErrorItem {
    /// The error code, e.g. `MANIFEST_UNKNOWN`.
    #[serde(default)]
    pub code: String,
    /// The registry's message.
    #[serde(default)]
    pub message: String,
}

impl RegistryErrorItem {
    /// Whether this entry carries `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code == code.as_str()
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    errors: Vec<RegistryErrorItem>,
}

/// Reads a registry error envelope; empty when the body is not one (bodies of 4xx answers MAY be anything).
pub fn parse_envelope(body: &[u8]) -> Vec<RegistryErrorItem> {
    serde_json::from_slice::<Envelope>(body)
        .map(|envelope| envelope.errors)
        .unwrap_or_default()
}

/// Docker Hub's rate-limit headers of a response, when present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `ratelimit-limit`, e.g. `100;w=21600`.
    pub limit: Option<String>,
    /// `ratelimit-remaining`, e.g. `0;w=21600`.
    pub remaining: Option<String>,
}

impl RateLimit {
    /// "97 of 100 pulls left in a 6-hour window", from Docker Hub's `count;w=seconds` values; `None` when
    /// the registry sent no usable rate-limit headers.
    pub fn describe(&self) -> Option<String> {
        let (limit, window) = parse_quota(self.limit.as_deref()?)?;
        let remaining = self
            .remaining
            .as_deref()
            .and_then(parse_quota)
            .map(|(count, _)| count);
        let window = match window {
            Some(seconds) if seconds % 3600 == 0 => format!(" in a {}-hour window", seconds / 3600),
            Some(seconds) => format!(" in a {seconds}-second window"),
            None => String::new(),
        };
        Some(match remaining {
            Some(remaining) => format!("{remaining} of {limit} pulls left{window}"),
            None => format!("a limit of {limit} pulls{window}"),
        })
    }
}

/// `100;w=21600` → (100, Some(21600)).
fn parse_quota(value: &str) -> Option<(u64, Option<u64>)> {
    let mut parts = value.split(';');
    let count = parts.next()?.trim().parse().ok()?;
    let window = parts.find_map(|part| part.trim().strip_prefix("w=")?.parse().ok());
    Some((count, window))
}

/// The facts of a failed response that the page explains.
#[derive(Debug, Clone, Default)]
pub struct FailedResponse<'a> {
    /// HTTP status.
    pub status: u16,
    /// Response body (an error envelope, or anything).
    pub body: &'a [u8],
    /// Docker Hub rate-limit headers.
    pub rate_limit: RateLimit,
    /// `Retry-After`, when sent.
    pub retry_after: Option<String>,
}

/// Explains a failed registry response in plain words, for a reader who does not know the API.
pub fn explain(what: &str, response: &FailedResponse<'_>) -> String {
    let items = parse_envelope(response.body);
    let codes: Vec<&str> = items.iter().map(|item| item.code.as_str()).collect();
    let registry_says = registry_words(&items, response.body);
    let headline = match response.status {
        404 => format!("The registry has no {what}: it answered 404 (not found)."),
        401 => format!(
            "The registry wants credentials for {what} (401 unauthorized). Strata reads public images only."
        ),
        403 if codes.contains(&ErrorCode::ProxyRefused.as_str()) => {
            format!("Strata's proxy refused to fetch {what}.")
        }
        403 => format!("The registry denied access to {what} (403 forbidden)."),
        429 => {
            let mut text = format!(
                "The registry is rate-limiting requests for {what} (429 too many requests)."
            );
            if let Some(remaining) = &response.rate_limit.remaining {
                text.push_str(&format!(" Pulls remaining: {remaining}."));
            }
            if let Some(limit) = &response.rate_limit.limit {
                text.push_str(&format!(" Limit: {limit}."));
            }
            if let Some(retry) = &response.retry_after {
                text.push_str(&format!(" Retry after {retry} seconds."));
            }
            text
        }
        502..=504 => format!(
            "The registry could not be reached for {what} ({}).",
            response.status
        ),
        status => format!("The registry answered {status} for {what}."),
    };
    match registry_says {
        Some(words) => format!("{headline} {words}"),
        None => headline,
    }
}

fn registry_words(items: &[RegistryErrorItem], body: &[u8]) -> Option<String> {
    if !items.is_empty() {
        let parts: Vec<String> = items
            .iter()
            .map(
                |item| match (item.code.is_empty(), item.message.is_empty()) {
                    (false, false) => format!("{}: {}", item.code, item.message),
                    (false, true) => item.code.clone(),
                    _ => item.message.clone(),
                },
            )
            .collect();
        return Some(format!("It said: {}.", parts.join("; ")));
    }
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() || text.len() > 300 || text.starts_with('<') {
        return None;
    }
    Some(format!("It said: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_written_here_read_back() {
        for code in [
            ErrorCode::NameUnknown,
            ErrorCode::ProxyRefused,
            ErrorCode::MisdirectedHost,
        ] {
            let bytes = envelope(code, "said \"plainly\"");
            let items = parse_envelope(&bytes);
            assert_eq!(items.len(), 1);
            assert!(items[0].is(code), "{code:?}");
            assert_eq!(items[0].message, "said \"plainly\"");
        }
    }

    fn failed(status: u16, body: &str) -> FailedResponse<'_> {
        FailedResponse {
            status,
            body: body.as_bytes(),
            ..Default::default()
        }
    }

    #[test]
    fn explains_statuses_in_plain_words() {
        let unknown =
            r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#;
        let refused = r#"{"errors":[{"code":"PROXY_REFUSED","message":"loopback addresses are not allowed"}]}"#;
        let cases = [
            (
                failed(404, unknown),
                "has no manifest 1.0",
                "MANIFEST_UNKNOWN: manifest unknown",
            ),
            (failed(401, ""), "wants credentials", "401"),
            (
                failed(403, refused),
                "proxy refused",
                "loopback addresses are not allowed",
            ),
            (
                failed(502, "upstream down"),
                "could not be reached",
                "upstream down",
            ),
            (failed(418, "<html>"), "answered 418", "418"),
        ];
        for (response, headline, detail) in cases {
            let text = explain("manifest 1.0", &response);
            assert!(text.contains(headline), "{text}");
            assert!(text.contains(detail), "{text}");
        }
    }

    #[test]
    fn rate_limits_read_as_sentences() {
        let quota = |limit: Option<&str>, remaining: Option<&str>| RateLimit {
            limit: limit.map(str::to_owned),
            remaining: remaining.map(str::to_owned),
        };
        let cases = [
            (
                quota(Some("100;w=21600"), Some("97;w=21600")),
                Some("97 of 100 pulls left in a 6-hour window"),
            ),
            (
                quota(Some("200;w=90"), None),
                Some("a limit of 200 pulls in a 90-second window"),
            ),
            (quota(Some("100"), Some("0")), Some("0 of 100 pulls left")),
            (quota(None, Some("5;w=60")), None),
            (quota(Some("lots"), None), None),
        ];
        for (rate_limit, expected) in cases {
            assert_eq!(rate_limit.describe().as_deref(), expected, "{rate_limit:?}");
        }
    }

    #[test]
    fn rate_limits_show_the_numbers() {
        let response = FailedResponse {
            status: 429,
            body: br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}"#,
            rate_limit: RateLimit { limit: Some("100;w=21600".into()), remaining: Some("0;w=21600".into()) },
            retry_after: Some("3600".into()),
        };
        let text = explain("manifest 1.0", &response);
        for part in ["429", "0;w=21600", "100;w=21600", "3600", "pull rate limit"] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
    }
}
