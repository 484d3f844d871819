//! Cosign's "simple signing" payload, read as strictly as containers/image reads it: which image digest a
//! signature vouches for, under which reference, and (optionally) who made it and when.

use serde::Deserialize;

/// The payload's `critical.type`.
pub const SIMPLE_SIGNING_TYPE: &str = "cosign container image signature";

/// What a signature's payload claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedClaim {
    /// `critical.identity.docker-reference`: the reference the signer signed.
    pub docker_reference: String,
    /// `critical.image.docker-manifest-digest`: the manifest vouched for.
    pub manifest_digest: String,
    /// `optional.creator`, when given.
    pub creator: Option<String>,
    /// `optional.timestamp` (Unix seconds), when given.
    pub timestamp: Option<i64>,
}

/// Why a payload is not a simple-signing claim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not the payload's exact shape.
    #[error("the signed payload is not cosign's simple-signing JSON: {0}")]
    Shape(String),
    /// Another `critical.type`.
    #[error("the signed payload is of type {0:?}, not a container image signature")]
    Type(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    critical: Critical,
    optional: Option<Optional>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Critical {
    #[serde(rename = "type")]
    kind: String,
    image: Image,
    identity: Identity,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Image {
    #[serde(rename = "docker-manifest-digest")]
    digest: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Identity {
    #[serde(rename = "docker-reference")]
    reference: String,
}

#[derive(Deserialize)]
struct Optional {
    #[serde(default)]
    creator: Option<String>,
    #[serde(default)]
    timestamp: Option<i64>,
}

/// Reads a payload.
pub fn read(payload: &[u8]) -> Result<SignedClaim, PayloadError> {
    let payload: Payload =
        serde_json::from_slice(payload).map_err(|error| PayloadError::Shape(error.to_string()))?;
    if payload.critical.kind != SIMPLE_SIGNING_TYPE {
        return Err(PayloadError::Type(payload.critical.kind));
    }
    let optional = payload.optional;
    Ok(SignedClaim {
        docker_reference: payload.critical.identity.reference,
        manifest_digest: payload.critical.image.digest,
        creator: optional.as_ref().and_then(|o| o.creator.clone()),
        timestamp: optional.and_then(|o| o.timestamp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_strictly() {
        let cosign = br#"{"critical":{"identity":{"docker-reference":"reg/app"},"image":{"docker-manifest-digest":"sha256:ab"},"type":"cosign container image signature"},"optional":null}"#;
        assert_eq!(
            read(cosign),
            Ok(SignedClaim {
                docker_reference: "reg/app".into(),
                manifest_digest: "sha256:ab".into(),
                creator: None,
                timestamp: None,
            })
        );
        let skopeo = br#"{"critical":{"identity":{"docker-reference":"reg/app:tag"},"image":{"docker-manifest-digest":"sha256:ab"},"type":"cosign container image signature"},"optional":{"creator":"containers/image 5.21","timestamp":1657296609,"other":1}}"#;
        let claim = read(skopeo).expect("a claim");
        assert_eq!(claim.creator.as_deref(), Some("containers/image 5.21"));
        assert_eq!(claim.timestamp, Some(1_657_296_609));
        for (payload, expected) in [
            (&br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"other"},"optional":null}"#[..], "of type \"other\""),
            (br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"cosign container image signature","extra":1},"optional":null}"#, "unknown field"),
            (br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"cosign container image signature"},"optional":null,"more":1}"#, "unknown field"),
            (b"this is not a signature", "not cosign's simple-signing"),
        ] {
            let error = read(payload).expect_err("refused").to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
