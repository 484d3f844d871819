//! DSSE envelopes (Dead Simple Signing Envelope, as cosign and in-toto write them): the payload, its type,
//! and the signatures over its pre-authentication encoding.

use serde::Deserialize;

use crate::base64::{self, Base64Error};

/// A DSSE envelope, its payload decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `payloadType`.
    pub payload_type: String,
    /// The payload's bytes.
    pub payload: Vec<u8>,
    /// The signatures, each over [`pae`] of the type and payload.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// `keyid`, often empty.
    pub key_id: String,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

/// Why bytes are not an envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not the envelope's JSON shape.
    #[error("not a DSSE envelope: {0}")]
    Shape(String),
    /// A payload or signature that is not base64.
    #[error("the DSSE envelope's {field} is {error}")]
    Encoding {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        error: Base64Error,
    },
}

#[derive(Deserialize)]
struct RawEnvelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    #[serde(default)]
    signatures: Vec<RawSignature>,
}

#[derive(Deserialize)]
struct RawSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

impl Envelope {
    /// Reads an envelope.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        let raw: RawEnvelope = serde_json::from_slice(bytes)
            .map_err(|error| EnvelopeError::Shape(error.to_string()))?;
        let payload = base64::decode(&raw.payload).map_err(|error| EnvelopeError::Encoding {
            field: "payload",
            error,
        })?;
        let signatures = raw
            .signatures
            .into_iter()
            .map(|signature| {
                Ok(EnvelopeSignature {
                    key_id: signature.keyid,
                    signature: base64::decode(&signature.sig).map_err(|error| {
                        EnvelopeError::Encoding {
                            field: "signature",
                            error,
                        }
                    })?,
                })
            })
            .collect::<Result<_, EnvelopeError>>()?;
        Ok(Envelope {
            payload_type: raw.payload_type,
            payload,
            signatures,
        })
    }

    /// The bytes every signature of this envelope signs.
    pub fn signed_bytes(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }
}

/// DSSE's pre-authentication encoding: `DSSEv1 <len(type)> <type> <len(body)> <body>`, lengths in
/// decimal bytes.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_envelope_and_encodes_what_it_signs() {
        // "hello world" and the signature bytes 1, 2, 3.
        let envelope = Envelope::parse(
            br#"{"payloadType":"http://example.com/HelloWorld","payload":"aGVsbG8gd29ybGQ=","signatures":[{"keyid":"k","sig":"AQID"}]}"#,
        )
        .expect("an envelope");
        assert_eq!(envelope.payload, b"hello world");
        assert_eq!(envelope.signatures[0].signature, [1, 2, 3]);
        // The DSSE specification's own example.
        assert_eq!(
            envelope.signed_bytes(),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        for broken in [
            &br#"{"payload":"aGk="}"#[..],
            br#"{"payloadType":"t","payload":"!!"}"#,
            br#"{"payloadType":"t","payload":"aGk=","signatures":[{"sig":"*"}]}"#,
            b"[]",
        ] {
            assert!(
                Envelope::parse(broken).is_err(),
                "{}",
                String::from_utf8_lossy(broken)
            );
        }
    }
}
