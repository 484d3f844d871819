//! A token service's answer (`{"token": …, "expires_in": …}`), read as untrusted input: the token must fit
//! in an `Authorization` header and in a bounded cache, and the lifetime is clamped, so a service that
//! answers `"expires_in": 1e300` or `-5` gets an ordinary lifetime instead of an overflow.

use serde_json::Value;

/// The longest token kept (Docker Hub's are about 1 kB; GCR's and ECR's a few kB).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// The longest lifetime believed: a token is asked for again after a day at most.
pub const MAX_LIFETIME_SECS: u64 = 24 * 60 * 60;
/// The lifetime when the answer names none, as the distribution spec says.
pub const DEFAULT_LIFETIME_SECS: u64 = 60;

/// A usable token and how long the service says it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAnswer {
    /// The bearer token: visible ASCII only, at most [`MAX_TOKEN_BYTES`].
    pub token: String,
    /// Seconds, within `0..=MAX_LIFETIME_SECS`.
    pub expires_in: u64,
    /// Whether `expires_in` came from the answer (not the default).
    pub lifetime_given: bool,
}

/// Why an answer holds no usable token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenAnswerError {
    /// Not a JSON object.
    #[error("the token service did not answer with a JSON object")]
    NotJson,
    /// Neither `token` nor `access_token` is a non-empty string.
    #[error("the token service's answer holds no token")]
    NoToken,
    /// The token is longer than [`MAX_TOKEN_BYTES`].
    #[error("the token service sent a token of {0} bytes, more than the {MAX_TOKEN_BYTES} kept")]
    TooLong(usize),
    /// The token holds characters that cannot go into a header.
    #[error("the token service sent a token with characters that cannot go into a header")]
    Unusable,
}

/// Reads a token service's answer body.
pub fn read(body: &[u8]) -> Result<TokenAnswer, TokenAnswerError> {
    let parsed: Value = serde_json::from_slice(body).map_err(|_| TokenAnswerError::NotJson)?;
    let object = parsed.as_object().ok_or(TokenAnswerError::NotJson)?;
    let token = ["token", "access_token"]
        .iter()
        .filter_map(|key| object.get(*key).and_then(Value::as_str))
        .find(|token| !token.is_empty())
        .ok_or(TokenAnswerError::NoToken)?;
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenAnswerError::TooLong(token.len()));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(TokenAnswerError::Unusable);
    }
    let given = object.get("expires_in").and_then(lifetime);
    Ok(TokenAnswer {
        token: token.to_owned(),
        expires_in: given.unwrap_or(DEFAULT_LIFETIME_SECS),
        lifetime_given: given.is_some(),
    })
}

/// A lifetime in seconds, clamped to `0..=MAX_LIFETIME_SECS`; `None` when it is not a number.
fn lifetime(value: &Value) -> Option<u64> {
    if let Some(seconds) = value.as_u64() {
        return Some(seconds.min(MAX_LIFETIME_SECS));
    }
    if value.as_i64().is_some() {
        return Some(0);
    }
    let seconds = value.as_f64().filter(|f| f.is_finite())?;
    Some(if seconds <= 0.0 {
        0
    } else {
        seconds.min(MAX_LIFETIME_SECS as f64) as u64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The token, its lifetime and whether the answer gave it.
    type Read = Result<(&'static str, u64, bool), TokenAnswerError>;

    #[test]
    fn reads_tokens_and_clamps_lifetimes() {
        let cases: &[(&str, Read)] = &[
            (
                r#"{"token":"abc","expires_in":300}"#,
                Ok(("abc", 300, true)),
            ),
            (r#"{"access_token":"xyz"}"#, Ok(("xyz", 60, false))),
            (r#"{"token":"","access_token":"b"}"#, Ok(("b", 60, false))),
            (
                r#"{"token":"t","expires_in":1e300}"#,
                Ok(("t", 86_400, true)),
            ),
            (
                r#"{"token":"t","expires_in":18446744073709551615}"#,
                Ok(("t", 86_400, true)),
            ),
            (
                r#"{"token":"t","expires_in":1e400}"#,
                Err(TokenAnswerError::NotJson),
            ),
            (r#"{"token":"t","expires_in":-5}"#, Ok(("t", 0, true))),
            (r#"{"token":"t","expires_in":-1e300}"#, Ok(("t", 0, true))),
            (r#"{"token":"t","expires_in":12.9}"#, Ok(("t", 12, true))),
            (r#"{"token":"t","expires_in":"300"}"#, Ok(("t", 60, false))),
            (r#"{"token":"t","expires_in":null}"#, Ok(("t", 60, false))),
            (
                r#"{"token":"t","expires_in":{"a":1}}"#,
                Ok(("t", 60, false)),
            ),
            (r#"{"token":"bad token"}"#, Err(TokenAnswerError::Unusable)),
            ("{\"token\":\"a\\nb\"}", Err(TokenAnswerError::Unusable)),
            (r#"{"token":"é"}"#, Err(TokenAnswerError::Unusable)),
            (r#"{"token":7}"#, Err(TokenAnswerError::NoToken)),
            (r#"{}"#, Err(TokenAnswerError::NoToken)),
            (r#"["token"]"#, Err(TokenAnswerError::NotJson)),
            ("<html>", Err(TokenAnswerError::NotJson)),
        ];
        for (body, expected) in cases {
            let got = read(body.as_bytes())
                .map(|answer| (answer.token, answer.expires_in, answer.lifetime_given));
            let expected = expected
                .clone()
                .map(|(token, seconds, given)| (token.to_owned(), seconds, given));
            assert_eq!(got, expected, "{body}");
        }
    }

    #[test]
    fn refuses_tokens_too_long_to_keep() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        let body = format!(r#"{{"token":"{long}"}}"#);
        assert_eq!(
            read(body.as_bytes()),
            Err(TokenAnswerError::TooLong(MAX_TOKEN_BYTES + 1))
        );
        let fits = "a".repeat(MAX_TOKEN_BYTES);
        let body = format!(r#"{{"token":"{fits}"}}"#);
        assert!(read(body.as_bytes()).is_ok());
    }
}
