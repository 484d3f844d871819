//! Encoders the signed and encrypted demo documents need (base64, base32, JSON laid out
//! the way Go writes it) and deterministic stand-ins for keys, signatures and ciphertext.

use crate::error::{Context as _, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::json_bytes;

const BASE64_STANDARD: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Padded base64 (RFC 4648 §4), as Go's `base64.StdEncoding` writes it.
pub(super) fn base64(data: &[u8]) -> String {
    encode_base64(data, BASE64_STANDARD, true)
}

/// Unpadded base64url (RFC 4648 §5), as JOSE uses it.
pub(super) fn base64url(data: &[u8]) -> String {
    encode_base64(data, BASE64_URL, false)
}

fn encode_base64(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let group = chunk
            .iter()
            .chain([0, 0].iter())
            .take(3)
            .fold(0u32, |group, byte| group << 8 | u32::from(*byte));
        for position in 0..4 {
            if position <= chunk.len() {
                let index = (group >> (18 - 6 * position)) & 63;
                out.push(char::from(alphabet[index as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Unpadded base32 (RFC 4648 §6), as libtrust uses it for key IDs.
pub(super) fn base32(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer = 0u16;
    let mut bits = 0;
    for byte in data {
        buffer = buffer << 8 | u16::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[usize::from(buffer >> bits & 31)]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(BASE32[usize::from(buffer << (5 - bits) & 31)]));
    }
    out
}

/// Escapes `<`, `>` and `&` the way Go's `encoding/json` does. Those characters can only
/// occur inside JSON strings, so plain replacement is safe.
fn go_escape(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A JSON string literal, escaped as Go writes it.
pub(super) fn json_string(text: &str) -> String {
    go_escape(&Value::from(text).to_string())
}

/// Compact JSON text with sorted keys, escaped as Go writes it (Go sorts map keys).
pub(super) fn json_text(value: &Value) -> Result<String> {
    Ok(go_escape(
        &String::from_utf8(json_bytes(value)?).context("JSON is UTF-8")?,
    ))
}

/// A compact JSON object with its fields in the order given, the way Go writes a struct.
/// The values are JSON text already.
pub(super) fn go_object(fields: &[(&str, String)]) -> String {
    let members: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{}:{value}", json_string(key)))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// Deterministic bytes that look random: SHA-256 of `label` and a block counter, chained.
pub(super) fn pseudo_random(label: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut counter = 0u64;
    while out.len() < len {
        let mut hasher = Sha256::new();
        hasher.update(label.as_bytes());
        hasher.update(counter.to_be_bytes());
        out.extend(hasher.finalize());
        counter += 1;
    }
    out.truncate(len);
    out
}

/// A DER `ECDSA-Sig-Value` shaped like a real P-256 signature (71 bytes, base64 `MEUCIQ…`).
/// It is made of [`pseudo_random`] bytes and verifies nothing.
pub(super) fn placeholder_ecdsa_signature(label: &str) -> Vec<u8> {
    let random = pseudo_random(label, 64);
    let (mut r, mut s) = (random[..32].to_vec(), random[32..].to_vec());
    // A high bit on r needs a zero pad byte, none on s keeps it at 32 bytes: 0x30 0x45 …
    r[0] |= 0x80;
    s[0] = s[0] & 0x7f | 0x01;
    let mut der = vec![0x30, 0x45, 0x02, 0x21, 0x00];
    der.extend(r);
    der.extend([0x02, 0x20]);
    der.extend(s);
    der
}

/// `SubjectPublicKeyInfo` prefix of an uncompressed P-256 point (id-ecPublicKey, prime256v1).
const P256_SPKI_PREFIX: [u8; 27] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
];

/// The demo signer's P-256 public key. Its coordinates are [`pseudo_random`] bytes, not a
/// point on the curve, and no private key exists: it only gives signatures a realistic
/// key to name.
pub(super) struct DemoKey {
    pub(super) x: Vec<u8>,
    pub(super) y: Vec<u8>,
}

impl DemoKey {
    pub(super) fn new() -> Self {
        DemoKey {
            x: pseudo_random("strata demo signing key x", 32),
            y: pseudo_random("strata demo signing key y", 32),
        }
    }

    /// The DER `SubjectPublicKeyInfo`, what PEM files and key IDs are made from.
    pub(super) fn spki_der(&self) -> Vec<u8> {
        let mut der = P256_SPKI_PREFIX.to_vec();
        der.extend(&self.x);
        der.extend(&self.y);
        der
    }

    /// The key as a `PUBLIC KEY` PEM block, as `cosign generate-key-pair` writes `cosign.pub`.
    pub(super) fn pem(&self) -> String {
        let body = base64(&self.spki_der());
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        pem
    }
}
