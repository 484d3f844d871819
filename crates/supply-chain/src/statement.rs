//! in-toto statements (v0.1 and v1): what a predicate is about (the subjects, by digest), the predicate's
//! type, and the predicate itself; read plain, as buildx stores them, or out of a DSSE envelope, as cosign
//! attests.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use strata_image::digest::Digest;

use crate::dsse::{Envelope, EnvelopeError};
use strata_image::media_type;

/// An in-toto statement.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Statement {
    /// `_type`: `https://in-toto.io/Statement/v0.1` or `/v1`.
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What the predicate is about.
    #[serde(default)]
    pub subject: Vec<Subject>,
    /// `predicateType`, e.g. `https://spdx.dev/Document`.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The predicate.
    #[serde(default)]
    pub predicate: Value,
}

/// One subject: a name and its digests by algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Subject {
    /// The subject's name (buildx: `pkg:docker/<name>@<tag>?platform=…`).
    #[serde(default)]
    pub name: String,
    /// `{"sha256": "<hex>"}`.
    #[serde(default)]
    pub digest: BTreeMap<String, String>,
}

/// A statement as read, with the envelope it came in, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadStatement {
    /// The statement.
    pub statement: Statement,
    /// The DSSE envelope around it (its signatures are checked elsewhere, against a key).
    pub envelope: Option<Envelope>,
}

/// Why bytes are not a statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// Not JSON.
    #[error("the attestation is not JSON: {0}")]
    NotJson(String),
    /// An envelope that could not be read.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// An envelope carrying something else than an in-toto statement.
    #[error("the DSSE envelope carries {0:?}, not an in-toto statement")]
    PayloadType(String),
    /// JSON without a statement's shape.
    #[error("not an in-toto statement: {0}")]
    Shape(String),
}

/// Reads a statement, plain or in a DSSE envelope.
pub fn read(bytes: &[u8]) -> Result<ReadStatement, StatementError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| StatementError::NotJson(error.to_string()))?;
    if value.get("payloadType").is_some() && value.get("payload").is_some() {
        return from_envelope(Envelope::parse(bytes)?);
    }
    let statement =
        serde_json::from_value(value).map_err(|error| StatementError::Shape(error.to_string()))?;
    Ok(ReadStatement {
        statement,
        envelope: None,
    })
}

/// The statement a DSSE envelope carries (an in-toto payload, or an error).
pub fn from_envelope(envelope: Envelope) -> Result<ReadStatement, StatementError> {
    if envelope.payload_type != media_type::IN_TOTO {
        return Err(StatementError::PayloadType(envelope.payload_type));
    }
    let statement = serde_json::from_slice(&envelope.payload)
        .map_err(|error| StatementError::Shape(error.to_string()))?;
    Ok(ReadStatement {
        statement,
        envelope: Some(envelope),
    })
}

impl Statement {
    /// Whether a subject names `digest` (its algorithm and hex, compared exactly).
    pub fn is_about(&self, digest: &Digest) -> bool {
        let text = digest.to_string();
        let Some((algorithm, hex)) = text.split_once(':') else {
            return false;
        };
        self.subject
            .iter()
            .any(|subject| subject.digest.get(algorithm).map(String::as_str) == Some(hex))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn statement_json() -> String {
        serde_json::json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": "https://spdx.dev/Document",
            "subject": [{"name": "pkg:docker/app@1.0?platform=linux%2Famd64", "digest": {"sha256": HEX}}],
            "predicate": {"spdxVersion": "SPDX-2.3"},
        })
        .to_string()
    }

    #[test]
    fn reads_statements_plain_and_enveloped() {
        let digest = Digest::parse(&format!("sha256:{HEX}")).expect("a digest");
        let other = Digest::parse(&format!("sha256:{}", "f".repeat(64))).expect("a digest");
        let plain = read(statement_json().as_bytes()).expect("a statement");
        assert!(plain.envelope.is_none());
        assert_eq!(plain.statement.predicate_type, "https://spdx.dev/Document");
        assert!(plain.statement.is_about(&digest) && !plain.statement.is_about(&other));

        let payload = crate::base64::encode(statement_json().as_bytes(), false);
        let enveloped = serde_json::json!({
            "payloadType": media_type::IN_TOTO, "payload": payload, "signatures": [],
        })
        .to_string();
        let read_back = read(enveloped.as_bytes()).expect("an enveloped statement");
        assert_eq!(read_back.statement, plain.statement);
        assert!(read_back.envelope.is_some());

        let wrong_type = serde_json::json!({
            "payloadType": "application/vnd.dev.cosign.simplesigning.v1+json", "payload": payload,
        })
        .to_string();
        for (bytes, expected) in [
            (&b"not json"[..], "not JSON"),
            (wrong_type.as_bytes(), "not an in-toto statement"),
            (br#"{"predicateType":"x"}"#, "not an in-toto statement"),
        ] {
            let error = read(bytes).expect_err("not a statement").to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
