//! Content digests (`algorithm:encoded`): parsing by the OCI grammar, hashing, and verification, so every module checks content the same way.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use sha2::Digest as _;

/// A digest algorithm. SHA-256, SHA-384 and SHA-512 (what Docker accepts in references) can be
/// verified; any other algorithm that fits the OCI grammar is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `sha256`, what registries use.
    Sha256,
    /// `sha384`.
    Sha384,
    /// `sha512`.
    Sha512,
    /// Any other name the grammar allows, kept as written and never verified.
    Other(String),
}

impl Algorithm {
    /// The name as digests write it.
    pub fn as_str(&self) -> &str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
            Algorithm::Other(name) => name,
        }
    }

    fn from_name(name: &str) -> Algorithm {
        match name {
            "sha256" => Algorithm::Sha256,
            "sha384" => Algorithm::Sha384,
            "sha512" => Algorithm::Sha512,
            other => Algorithm::Other(other.to_string()),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a digest string was rejected. The messages are go-digest's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// Not `algorithm:encoded`, or characters the grammar does not allow.
    #[error("invalid checksum digest format")]
    InvalidFormat,
    /// A SHA-256, SHA-384 or SHA-512 digest of the wrong number of hex digits.
    #[error("invalid checksum digest length")]
    InvalidLength,
    /// An algorithm name the grammar does not allow.
    #[error("unsupported digest algorithm")]
    UnsupportedAlgorithm {
        /// The name as given.
        algorithm: String,
    },
}

/// A content digest, `algorithm:encoded`: the name under which a registry stores bytes, and what they
/// must hash to.
///
/// ```
/// # use strata_image::digest::Digest;
/// let digest = Digest::sha256_of(b"hello");
/// assert_eq!(
///     digest.to_string(),
///     "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
/// );
/// assert_eq!(Digest::parse(&digest.to_string()), Ok(digest));
/// assert!(Digest::parse("sha256:2CF2").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Digest {
    algorithm: Algorithm,
    encoded: String,
}

impl Digest {
    /// Parses `algorithm:encoded`. SHA-256, SHA-384 and SHA-512 must be lowercase hex of
    /// the right length; other algorithms only need to fit the OCI grammar
    /// (the image spec asks clients to let unknown algorithms through).
    pub fn parse(s: &str) -> Result<Digest, DigestError> {
        let (algorithm, encoded) = s.split_once(':').ok_or(DigestError::InvalidFormat)?;
        if algorithm.is_empty() || encoded.is_empty() {
            return Err(DigestError::InvalidFormat);
        }
        if !is_algorithm(algorithm) {
            return Err(DigestError::UnsupportedAlgorithm {
                algorithm: algorithm.to_string(),
            });
        }
        let algorithm = Algorithm::from_name(algorithm);
        match hex_len(&algorithm) {
            Some(len) => {
                // go-digest checks the length before the characters.
                if encoded.len() != len {
                    return Err(DigestError::InvalidLength);
                }
                if !encoded
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                {
                    return Err(DigestError::InvalidFormat);
                }
            }
            None => {
                if !encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'))
                {
                    return Err(DigestError::InvalidFormat);
                }
            }
        }
        Ok(Digest {
            algorithm,
            encoded: encoded.to_string(),
        })
    }

    /// The SHA-256 digest of `bytes`.
    pub fn sha256_of(bytes: &[u8]) -> Digest {
        Digest {
            algorithm: Algorithm::Sha256,
            encoded: to_hex(&sha2::Sha256::digest(bytes)),
        }
    }

    fn sha384_of(bytes: &[u8]) -> Digest {
        Digest {
            algorithm: Algorithm::Sha384,
            encoded: to_hex(&sha2::Sha384::digest(bytes)),
        }
    }

    fn sha512_of(bytes: &[u8]) -> Digest {
        Digest {
            algorithm: Algorithm::Sha512,
            encoded: to_hex(&sha2::Sha512::digest(bytes)),
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> &Algorithm {
        &self.algorithm
    }

    /// The part after `:` (hex for SHA-256, SHA-384 and SHA-512).
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// Whether bytes can be checked against it here (SHA-256, SHA-384 and SHA-512).
    pub fn is_verifiable(&self) -> bool {
        !matches!(self.algorithm, Algorithm::Other(_))
    }

    /// Hashes `bytes` with this digest's algorithm, for comparing against it.
    /// `None` when the algorithm cannot be computed here.
    pub fn compute_same_algorithm(&self, bytes: &[u8]) -> Option<Digest> {
        match self.algorithm {
            Algorithm::Sha256 => Some(Digest::sha256_of(bytes)),
            Algorithm::Sha384 => Some(Digest::sha384_of(bytes)),
            Algorithm::Sha512 => Some(Digest::sha512_of(bytes)),
            Algorithm::Other(_) => None,
        }
    }

    /// The algorithm and the first 12 characters of the encoded part, for display.
    pub fn short(&self) -> String {
        let head: String = self.encoded.chars().take(12).collect();
        format!("{}:{}", self.algorithm, head)
    }
}

impl TryFrom<String> for Digest {
    type Error = DigestError;

    fn try_from(text: String) -> Result<Digest, DigestError> {
        Digest::parse(&text)
    }
}

impl From<Digest> for String {
    fn from(digest: Digest) -> String {
        digest.to_string()
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.encoded)
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<Digest, DigestError> {
        Digest::parse(s)
    }
}

/// SHA-256 over data that arrives in pieces (streamed blobs).
#[derive(Default)]
pub struct Sha256Hasher {
    inner: sha2::Sha256,
}

impl Sha256Hasher {
    /// Nothing hashed yet.
    pub fn new() -> Sha256Hasher {
        Sha256Hasher::default()
    }

    /// Hashes the next piece.
    pub fn update(&mut self, bytes: &[u8]) {
        self.inner.update(bytes);
    }

    /// The digest of every piece, in order.
    pub fn finish(self) -> Digest {
        Digest {
            algorithm: Algorithm::Sha256,
            encoded: to_hex(&self.inner.finalize()),
        }
    }
}

impl fmt::Debug for Sha256Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sha256Hasher").finish_non_exhaustive()
    }
}

/// OCI: `[a-z0-9]+([+._-][a-z0-9]+)*`.
fn is_algorithm(s: &str) -> bool {
    let mut after_separator = true;
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' => after_separator = false,
            b'+' | b'.' | b'_' | b'-' if !after_separator => after_separator = true,
            _ => return false,
        }
    }
    !after_separator
}

fn hex_len(algorithm: &Algorithm) -> Option<usize> {
    match algorithm {
        Algorithm::Sha256 => Some(64),
        Algorithm::Sha384 => Some(96),
        Algorithm::Sha512 => Some(128),
        Algorithm::Other(_) => None,
    }
}

fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const EMPTY_SHA384: &str = "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b";
    const EMPTY_SHA512: &str = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

    #[test]
    fn parse_valid() {
        let hex32 = "0123456789abcdef0123456789abcdef";
        #[rustfmt::skip]
        let cases: Vec<(String, Algorithm, bool)> = vec![
            (format!("sha256:{EMPTY_SHA256}"), Algorithm::Sha256, true),
            (format!("sha512:{EMPTY_SHA512}"), Algorithm::Sha512, true),
            (format!("md5:{hex32}"), Algorithm::Other("md5".into()), false),
            (format!("sha384:{EMPTY_SHA384}"), Algorithm::Sha384, true),
            (format!("blake3:{hex32}{hex32}"), Algorithm::Other("blake3".into()), false),
            (
                "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8".into(),
                Algorithm::Other("multihash+base58".into()),
                false,
            ),
            (
                "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564".into(),
                Algorithm::Other("sha256+b64u".into()),
                false,
            ),
            ("x.y_z-1:AbC=".into(), Algorithm::Other("x.y_z-1".into()), false),
        ];
        for (input, algorithm, verifiable) in cases {
            let digest = Digest::parse(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(digest.algorithm(), &algorithm, "{input}");
            assert_eq!(digest.is_verifiable(), verifiable, "{input}");
            assert_eq!(digest.to_string(), input, "{input}");
            assert_eq!(input.parse::<Digest>().as_ref(), Ok(&digest), "{input}");
        }
    }

    #[test]
    fn parse_invalid() {
        let upper = EMPTY_SHA256.to_uppercase();
        let unsupported = |a: &str| DigestError::UnsupportedAlgorithm {
            algorithm: a.to_string(),
        };
        #[rustfmt::skip]
        let cases: Vec<(String, DigestError)> = vec![
            (String::new(), DigestError::InvalidFormat),
            ("sha256".into(), DigestError::InvalidFormat),
            (":abc".into(), DigestError::InvalidFormat),
            ("sha256:".into(), DigestError::InvalidFormat),
            (format!("sha256:{}", &EMPTY_SHA256[1..]), DigestError::InvalidLength),
            (format!("sha256:{EMPTY_SHA256}0"), DigestError::InvalidLength),
            (format!("sha256:{upper}"), DigestError::InvalidFormat),
            (format!("sha256:{}g", &EMPTY_SHA256[1..]), DigestError::InvalidFormat),
            (format!("sha512:{EMPTY_SHA256}"), DigestError::InvalidLength),
            (format!("sha384:{EMPTY_SHA256}"), DigestError::InvalidLength),
            (format!("sha512:{}", EMPTY_SHA512.to_uppercase()), DigestError::InvalidFormat),
            (format!("SHA256:{EMPTY_SHA256}"), unsupported("SHA256")),
            (format!("sha256-:{EMPTY_SHA256}"), unsupported("sha256-")),
            (format!("sha256..x:{EMPTY_SHA256}"), unsupported("sha256..x")),
            ("md5:a/b".into(), DigestError::InvalidFormat),
            ("md5:a b".into(), DigestError::InvalidFormat),
            (format!("sha256:{EMPTY_SHA256}:x"), DigestError::InvalidLength),
            ("sha256:é".into(), DigestError::InvalidLength),
        ];
        for (input, expected) in cases {
            assert_eq!(Digest::parse(&input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn error_messages_match_go_digest() {
        assert_eq!(
            DigestError::InvalidFormat.to_string(),
            "invalid checksum digest format"
        );
        assert_eq!(
            DigestError::InvalidLength.to_string(),
            "invalid checksum digest length"
        );
        assert_eq!(
            DigestError::UnsupportedAlgorithm {
                algorithm: "X".into()
            }
            .to_string(),
            "unsupported digest algorithm"
        );
    }

    #[test]
    fn hashing() {
        assert_eq!(
            Digest::sha256_of(b"").to_string(),
            format!("sha256:{EMPTY_SHA256}")
        );
        assert_eq!(Digest::sha256_of(b"abc").encoded(), ABC_SHA256);

        let mut hasher = Sha256Hasher::new();
        for chunk in [&b"a"[..], b"", b"bc"] {
            hasher.update(chunk);
        }
        assert_eq!(hasher.finish(), Digest::sha256_of(b"abc"));
    }

    #[test]
    fn compute_same_algorithm() {
        let sha256 = Digest::parse(&format!("sha256:{ABC_SHA256}")).expect("valid");
        assert_eq!(sha256.compute_same_algorithm(b"abc"), Some(sha256.clone()));
        assert_ne!(sha256.compute_same_algorithm(b"abd"), Some(sha256));

        let sha512 = Digest::parse(&format!("sha512:{EMPTY_SHA512}")).expect("valid");
        assert_eq!(sha512.compute_same_algorithm(b""), Some(sha512));
        let sha384 = Digest::parse(&format!("sha384:{EMPTY_SHA384}")).unwrap();
        assert_eq!(sha384.compute_same_algorithm(b""), Some(sha384));

        let other = Digest::parse("md5:d41d8cd98f00b204e9800998ecf8427e").expect("valid");
        assert_eq!(other.compute_same_algorithm(b""), None);
    }

    #[test]
    fn short_form() {
        assert_eq!(Digest::sha256_of(b"").short(), "sha256:e3b0c44298fc");
        assert_eq!(Digest::parse("md5:abc").expect("valid").short(), "md5:abc");
    }
}
