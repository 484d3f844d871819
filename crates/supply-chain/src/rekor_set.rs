//! A Rekor signed entry timestamp (the `dev.sigstore.cosign/bundle` annotation), checked offline as
//! containers/image checks it: the log's signature over the canonical JSON of the entry, then that the
//! entry (a `hashedrekord`) records exactly this signature, this signer and this payload's SHA-256. It
//! tells when the signature was logged, the time a Fulcio certificate must have been valid at.

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::base64;
use crate::public_key::PublicKey;

/// The annotation holding the bundle.
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";

/// Why a bundle does not vouch for a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RekorError {
    /// Not the bundle's JSON.
    #[error("the Rekor bundle is not readable: {0}")]
    Unreadable(String),
    /// The log's signature does not verify with any trusted log key.
    #[error("the Rekor entry is not signed by a transparency log key Strata trusts")]
    NotSignedByLog,
    /// The entry is not a `hashedrekord` of this signature.
    #[error("the Rekor entry does not record this signature: {0}")]
    OtherEntry(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Bundle {
    #[serde(rename = "SignedEntryTimestamp")]
    signed_entry_timestamp: String,
    #[serde(rename = "Payload")]
    payload: Value,
}

/// Who signed, as the entry must record them.
#[derive(Debug, Clone, Copy)]
pub enum Signer<'a> {
    /// A public key.
    Key(&'a PublicKey),
    /// A certificate's DER.
    Certificate(&'a [u8]),
}

/// Checks a bundle for `signature` (its bytes) over `payload` by `signer`; the Unix time the entry was
/// logged at.
pub fn verify(
    bundle: &str,
    log_keys: &[PublicKey],
    signature: &[u8],
    signer: Signer<'_>,
    payload: &[u8],
) -> Result<i64, RekorError> {
    let bundle: Bundle =
        serde_json::from_str(bundle).map_err(|error| RekorError::Unreadable(error.to_string()))?;
    let set = base64::decode(&bundle.signed_entry_timestamp)
        .map_err(|error| RekorError::Unreadable(error.to_string()))?;
    let canonical = canonical_json(&bundle.payload);
    if !log_keys
        .iter()
        .any(|key| key.verifies(canonical.as_bytes(), &set))
    {
        return Err(RekorError::NotSignedByLog);
    }
    let integrated_time = bundle
        .payload
        .get("integratedTime")
        .and_then(Value::as_i64)
        .ok_or_else(|| RekorError::Unreadable("no integratedTime".to_owned()))?;
    let body = bundle
        .payload
        .get("body")
        .and_then(Value::as_str)
        .and_then(|body| base64::decode(body).ok())
        .and_then(|body| serde_json::from_slice::<Value>(&body).ok())
        .ok_or_else(|| RekorError::Unreadable("its body is not base64 JSON".to_owned()))?;
    let other = |why: &str| Err(RekorError::OtherEntry(why.to_owned()));
    if body.get("kind").and_then(Value::as_str) != Some("hashedrekord")
        || body.get("apiVersion").and_then(Value::as_str) != Some("0.0.1")
    {
        return other("not a hashedrekord 0.0.1 entry");
    }
    let spec = &body["spec"];
    let logged_signature = spec["signature"]["content"]
        .as_str()
        .and_then(|content| base64::decode(content).ok());
    if logged_signature.as_deref() != Some(signature) {
        return other("another signature was logged");
    }
    let logged_signer = spec["signature"]["publicKey"]["content"]
        .as_str()
        .and_then(|content| base64::decode(content).ok())
        .and_then(|pem| pem_rfc7468::decode_vec(&pem).ok().map(|(_, der)| der));
    let signer_der = match signer {
        Signer::Key(key) => key.der(),
        Signer::Certificate(der) => der.to_vec(),
    };
    if logged_signer.as_deref() != Some(signer_der.as_slice()) {
        return other("another signer was logged");
    }
    let hash = &spec["data"]["hash"];
    let payload_hex: String = Sha256::digest(payload)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    if hash["algorithm"].as_str() != Some("sha256") || hash["value"].as_str() != Some(&payload_hex)
    {
        return other("another payload's hash was logged");
    }
    Ok(integrated_time)
}

/// RFC 8785 (JCS) for the values a Rekor entry holds: keys sorted by UTF-16 code units, no spaces,
/// strings and integers as JSON writes them.
pub fn canonical_json(value: &Value) -> String {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            let members: Vec<String> = entries
                .into_iter()
                .map(|(key, value)| {
                    format!("{}:{}", Value::from(key.as_str()), canonical_json(value))
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_key::test_keys::{pair, sign};

    #[test]
    fn canonical_json_sorts_keys_and_drops_spaces() {
        let value: Value = serde_json::from_str(
            r#"{ "b": [1, {"z": "é", "a": null}], "a": "x\"y", "€": 1, "ab": true }"#,
        )
        .expect("JSON");
        assert_eq!(
            canonical_json(&value),
            r#"{"a":"x\"y","ab":true,"b":[1,{"a":null,"z":"é"}],"€":1}"#
        );
    }

    #[test]
    fn a_bundle_vouches_only_for_the_signature_signer_and_payload_it_logged() {
        let (log_signing, log_key) = pair(3);
        let (signer_signing, signer_key) = pair(4);
        let payload = b"the payload";
        let signature = sign(&signer_signing, payload);
        let signer_pem = pem_rfc7468::encode_string(
            "PUBLIC KEY",
            pem_rfc7468::LineEnding::LF,
            &signer_key.der(),
        )
        .expect("PEM");
        let hex: String = Sha256::digest(payload)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let body = serde_json::json!({
            "apiVersion": "0.0.1", "kind": "hashedrekord",
            "spec": {"data": {"hash": {"algorithm": "sha256", "value": hex}},
                     "signature": {"content": base64::encode(&signature, false),
                                   "publicKey": {"content": base64::encode(signer_pem.as_bytes(), false)}}},
        });
        let entry = serde_json::json!({
            "body": base64::encode(body.to_string().as_bytes(), false),
            "integratedTime": 1_674_251_859, "logIndex": 1, "logID": "c0d2",
        });
        let set = sign(&log_signing, canonical_json(&entry).as_bytes());
        let bundle = serde_json::json!({"SignedEntryTimestamp": base64::encode(&set, false), "Payload": entry})
            .to_string();
        let check = |log_keys: &[PublicKey], signature: &[u8], payload: &[u8]| {
            verify(
                &bundle,
                log_keys,
                signature,
                Signer::Key(&signer_key),
                payload,
            )
        };
        assert_eq!(
            check(&[signer_key.clone(), log_key.clone()], &signature, payload),
            Ok(1_674_251_859)
        );
        assert_eq!(
            check(std::slice::from_ref(&signer_key), &signature, payload),
            Err(RekorError::NotSignedByLog)
        );
        let other_signature = sign(&signer_signing, b"another payload");
        assert!(matches!(
            check(std::slice::from_ref(&log_key), &other_signature, payload),
            Err(RekorError::OtherEntry(_))
        ));
        assert!(matches!(
            check(std::slice::from_ref(&log_key), &signature, b"changed"),
            Err(RekorError::OtherEntry(_))
        ));
        assert!(matches!(
            verify(
                &bundle,
                std::slice::from_ref(&log_key),
                &signature,
                Signer::Key(&log_key),
                payload
            ),
            Err(RekorError::OtherEntry(_))
        ));
        assert!(matches!(
            verify(
                "{}",
                &[log_key],
                &signature,
                Signer::Key(&signer_key),
                payload
            ),
            Err(RekorError::Unreadable(_))
        ));
    }
}
