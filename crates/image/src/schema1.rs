//! Docker schema 1 manifests exist because old registries still serve them: this reads their fields and
//! rebuilds the JWS payload that a signed one's digest covers (the raw body hashes to something else).

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::finding::{Finding, Severity};

/// Why a schema 1 manifest could not be read, or its digest input not rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Schema1Error {
    /// The bytes are not JSON.
    #[error("the document is not valid JSON: {0}")]
    NotJson(String),
    /// The JSON is not an object.
    #[error("the document is not a JSON object")]
    NotAnObject,
    /// A field has the wrong type.
    #[error("`{field}` {problem}")]
    Field {
        /// The field, as written in the document.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A `history[].v1Compatibility` string is not a JSON object.
    #[error("history entry {index}: v1Compatibility is not a JSON object: {reason}")]
    V1Compatibility {
        /// Position in `history`, from 0.
        index: usize,
        /// What the JSON parser said.
        reason: String,
    },
    /// A signature's protected header cannot be read.
    #[error("signature {index}: {problem}")]
    Signature {
        /// Position in `signatures`, from 0.
        index: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// `formatLength` points past the end of the document.
    #[error("formatLength {length} is beyond the end of the {size}-byte document")]
    FormatLength {
        /// `formatLength` as written.
        length: u64,
        /// The document's size.
        size: usize,
    },
    /// Two signatures describe different payloads.
    #[error("the signatures disagree on formatLength or formatTail")]
    MismatchedSignatures,
}

/// A schema 1 manifest's history entry: the `v1Compatibility` JSON string, read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct V1Compatibility {
    /// The v1 image ID.
    pub id: String,
    /// The parent v1 image ID.
    pub parent: Option<String>,
    /// When the step ran (RFC 3339).
    pub created: Option<String>,
    /// `container_config.Cmd`: the command of the build step.
    pub cmd: Vec<String>,
    /// True when the step produced no layer content (its blob is the empty gzip tar).
    pub throwaway: bool,
}

/// A Docker schema 1 manifest, signed or not. Layers and history are listed top layer first, as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema1Manifest {
    /// `schemaVersion` as written (1 in a valid document).
    pub schema_version: Option<i64>,
    /// Repository name.
    pub name: String,
    /// Tag.
    pub tag: String,
    /// CPU architecture.
    pub architecture: String,
    /// `fsLayers[].blobSum`, top layer first.
    pub fs_layers: Vec<String>,
    /// `history[].v1Compatibility`, top layer first, aligned with `fs_layers`.
    pub history: Vec<V1Compatibility>,
    /// How many JWS signatures the document carries (0: unsigned).
    pub signatures: usize,
}

/// A layer of a schema 1 manifest with the history entry at the same position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema1Layer<'a> {
    /// The blob digest, as written.
    pub blob_sum: &'a str,
    /// The history entry for this layer, when the history is long enough.
    pub history: Option<&'a V1Compatibility>,
}

impl Schema1Manifest {
    /// Whether the document carries JWS signatures (`…manifest.v1+prettyjws`).
    pub fn is_signed(&self) -> bool {
        self.signatures > 0
    }

    /// The blob digests bottom layer first, the order of schema 2 manifests and of `diff_ids`.
    pub fn blob_sums_bottom_first(&self) -> Vec<&str> {
        self.fs_layers.iter().rev().map(String::as_str).collect()
    }

    /// The layers bottom first, each with its history entry.
    pub fn layers_bottom_first(&self) -> Vec<Schema1Layer<'_>> {
        self.fs_layers
            .iter()
            .enumerate()
            .rev()
            .map(|(index, blob_sum)| Schema1Layer {
                blob_sum,
                history: self.history.get(index),
            })
            .collect()
    }

    /// What a lenient reader notices: a wrong `schemaVersion`, no layers, history and layers that do not
    /// line up (Docker refuses to pull the last two).
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        if self.schema_version != Some(1) {
            let written = self
                .schema_version
                .map_or_else(|| "missing".to_owned(), |version| version.to_string());
            findings.push(Finding::new(
                Severity::Error,
                format!("schemaVersion is {written}, but a schema 1 manifest must say 1."),
            ));
        }
        if self.fs_layers.is_empty() {
            findings.push(Finding::new(
                Severity::Error,
                "The manifest lists no fsLayers; Docker refuses to pull it.",
            ));
        }
        if self.fs_layers.len() != self.history.len() {
            findings.push(Finding::new(
                Severity::Error,
                format!(
                    "fsLayers has {} entries but history has {}; Docker refuses to pull it.",
                    self.fs_layers.len(),
                    self.history.len()
                ),
            ));
        }
        findings
    }
}

/// Reads a schema 1 manifest. Missing string fields read as empty; fields of the wrong type, and history
/// entries whose `v1Compatibility` is not a JSON object, are errors. The signatures are counted, not checked.
pub fn parse(bytes: &[u8]) -> Result<Schema1Manifest, Schema1Error> {
    let value = json_object(bytes)?;
    let object = value.as_object().ok_or(Schema1Error::NotAnObject)?;
    Ok(Schema1Manifest {
        schema_version: object.get("schemaVersion").and_then(Value::as_i64),
        name: string_field(object, "name")?,
        tag: string_field(object, "tag")?,
        architecture: string_field(object, "architecture")?,
        fs_layers: fs_layers(object)?,
        history: history(object)?,
        signatures: signatures(object)?.len(),
    })
}

/// The bytes a schema 1 digest covers: for a signed manifest the JWS payload (the first `formatLength`
/// bytes plus the decoded `formatTail` of the protected headers), for an unsigned one the whole body.
pub fn digest_input(bytes: &[u8]) -> Result<Cow<'_, [u8]>, Schema1Error> {
    let value = json_object(bytes)?;
    let object = value.as_object().ok_or(Schema1Error::NotAnObject)?;
    let mut formats = signatures(object)?
        .iter()
        .enumerate()
        .map(|(index, signature)| jws_format(index, signature));
    let Some(first) = formats.next().transpose()? else {
        return Ok(Cow::Borrowed(bytes));
    };
    for format in formats {
        if format? != first {
            return Err(Schema1Error::MismatchedSignatures);
        }
    }
    let head = usize::try_from(first.length)
        .ok()
        .and_then(|length| bytes.get(..length))
        .ok_or(Schema1Error::FormatLength {
            length: first.length,
            size: bytes.len(),
        })?;
    Ok(Cow::Owned([head, &first.tail].concat()))
}

fn json_object(bytes: &[u8]) -> Result<Value, Schema1Error> {
    serde_json::from_slice(bytes).map_err(|error| Schema1Error::NotJson(error.to_string()))
}

fn string_field(object: &Map<String, Value>, field: &'static str) -> Result<String, Schema1Error> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(Schema1Error::Field {
            field,
            problem: "must be a string",
        }),
    }
}

fn array_field<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a [Value], Schema1Error> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(Schema1Error::Field {
            field,
            problem: "must be an array",
        }),
    }
}

fn signatures(object: &Map<String, Value>) -> Result<&[Value], Schema1Error> {
    array_field(object, "signatures")
}

fn fs_layers(object: &Map<String, Value>) -> Result<Vec<String>, Schema1Error> {
    array_field(object, "fsLayers")?
        .iter()
        .map(|layer| {
            layer
                .get("blobSum")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or(Schema1Error::Field {
                    field: "fsLayers",
                    problem: "must hold objects with a blobSum string",
                })
        })
        .collect()
}

fn history(object: &Map<String, Value>) -> Result<Vec<V1Compatibility>, Schema1Error> {
    array_field(object, "history")?
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let text = entry.get("v1Compatibility").and_then(Value::as_str).ok_or(
                Schema1Error::Field {
                    field: "history",
                    problem: "must hold objects with a v1Compatibility string",
                },
            )?;
            v1_compatibility(index, text)
        })
        .collect()
}

fn v1_compatibility(index: usize, text: &str) -> Result<V1Compatibility, Schema1Error> {
    let invalid = |reason: String| Schema1Error::V1Compatibility { index, reason };
    let value: Value = serde_json::from_str(text).map_err(|error| invalid(error.to_string()))?;
    let object = value
        .as_object()
        .ok_or_else(|| invalid("not an object".to_owned()))?;
    let text_of = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(V1Compatibility {
        id: text_of("id").unwrap_or_default(),
        parent: text_of("parent"),
        created: text_of("created"),
        cmd: object
            .get("container_config")
            .and_then(|config| config.get("Cmd"))
            .map(command)
            .unwrap_or_default(),
        throwaway: object.get("throwaway").and_then(Value::as_bool) == Some(true),
    })
}

/// Docker's `StrSlice` accepts a single string as well as an array.
fn command(value: &Value) -> Vec<String> {
    match value {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(Debug, PartialEq, Eq)]
struct JwsFormat {
    length: u64,
    tail: Vec<u8>,
}

fn jws_format(index: usize, signature: &Value) -> Result<JwsFormat, Schema1Error> {
    let problem = |problem| Schema1Error::Signature { index, problem };
    let protected = signature
        .get("protected")
        .and_then(Value::as_str)
        .ok_or(problem("has no protected header"))?;
    let header = decode_base64url(protected).ok_or(problem("protected header is not base64url"))?;
    let header: Value =
        serde_json::from_slice(&header).map_err(|_| problem("protected header is not JSON"))?;
    let length = header
        .get("formatLength")
        .and_then(Value::as_u64)
        .ok_or(problem("protected header has no non-negative formatLength"))?;
    let tail = header
        .get("formatTail")
        .and_then(Value::as_str)
        .ok_or(problem("protected header has no formatTail"))?;
    let tail = decode_base64url(tail).ok_or(problem("formatTail is not base64url"))?;
    Ok(JwsFormat { length, tail })
}

/// Decodes base64url, with or without `=` padding, as JOSE writes it.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut decoded = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in text.bytes() {
        buffer = (buffer << 6) | u32::from(sextet(byte)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            decoded.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(decoded)
}

fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use sha2::Digest as _;

    use super::*;

    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    fn encode_base64url(bytes: &[u8]) -> String {
        let mut encoded = String::new();
        for chunk in bytes.chunks(3) {
            let padded = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let group = u32::from_be_bytes([0, padded[0], padded[1], padded[2]]);
            for position in 0..=chunk.len() {
                let sextet = (group >> (18 - 6 * position)) & 0x3f;
                encoded.push(char::from(ALPHABET[sextet as usize]));
            }
        }
        encoded
    }

    const PAYLOAD: &str = r##"{
   "schemaVersion": 1,
   "name": "library/tiny",
   "tag": "1.0",
   "architecture": "amd64",
   "fsLayers": [
      {
         "blobSum": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
      },
      {
         "blobSum": "sha256:1111111111111111111111111111111111111111111111111111111111111111"
      }
   ],
   "history": [
      {
         "v1Compatibility": "{\"id\":\"top\",\"parent\":\"base\",\"created\":\"2016-01-01T00:00:00Z\",\"container_config\":{\"Cmd\":[\"/bin/sh\",\"-c\",\"#(nop) CMD [\\\"sh\\\"]\"]},\"throwaway\":true}"
      },
      {
         "v1Compatibility": "{\"id\":\"base\",\"created\":\"2015-12-31T00:00:00Z\",\"container_config\":{\"Cmd\":\"/bin/sh -c #(nop) ADD file:abc in /\"}}"
      }
   ]
}"##;

    /// Splices `signatures` into the payload the way libtrust's pretty JWS does: the document is the
    /// payload up to its closing brace, then `,"signatures":[…]`, then the brace again.
    fn signed(payload: &str, headers: &[String]) -> (Vec<u8>, usize) {
        let format_length = payload.rfind('\n').unwrap();
        let signatures: Vec<String> = headers
            .iter()
            .map(|header| {
                format!(
                    "{{\"header\":{{\"alg\":\"ES256\"}},\"signature\":\"c2ln\",\"protected\":\"{}\"}}",
                    encode_base64url(header.as_bytes())
                )
            })
            .collect();
        let document = format!(
            "{},\n   \"signatures\": [{}]\n}}",
            &payload[..format_length],
            signatures.join(",")
        );
        (document.into_bytes(), format_length)
    }

    fn header(format_length: usize, tail: &str) -> String {
        format!(
            r#"{{"formatLength":{format_length},"formatTail":"{}","time":"2016-01-01T00:00:00Z"}}"#,
            encode_base64url(tail.as_bytes())
        )
    }

    #[test]
    fn base64url_decodes_every_length_with_and_without_padding() {
        let data: Vec<u8> = (0..=255).collect();
        for length in 0..40 {
            let encoded = encode_base64url(&data[..length]);
            assert_eq!(decode_base64url(&encoded), Some(data[..length].to_vec()));
            let padding = "=".repeat((4 - encoded.len() % 4) % 4);
            assert_eq!(
                decode_base64url(&format!("{encoded}{padding}")),
                Some(data[..length].to_vec())
            );
        }
        let cases: [(&str, Option<&[u8]>); 8] = [
            ("Cn0", Some(b"\n}")),
            ("Cn0=", Some(b"\n}")),
            ("", Some(b"")),
            ("-_-_", Some(&[0xfb, 0xff, 0xbf])),
            ("A", None),
            ("Cn0+", None),
            ("Cn/0", None),
            ("Cn=0", None),
        ];
        for (text, expected) in cases {
            assert_eq!(decode_base64url(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn signed_digest_covers_the_jws_payload() {
        let (document, format_length) = signed(PAYLOAD, &[]);
        let headers = [header(format_length, "\n}")];
        let (document_signed, _) = signed(PAYLOAD, &headers);
        assert_ne!(document, document_signed);
        let input = digest_input(&document_signed).unwrap();
        assert_eq!(&*input, PAYLOAD.as_bytes());
        assert_eq!(
            sha2::Sha256::digest(&*input),
            sha2::Sha256::digest(PAYLOAD.as_bytes())
        );
        assert_ne!(
            sha2::Sha256::digest(&*input),
            sha2::Sha256::digest(&document_signed)
        );
    }

    #[test]
    fn agreeing_signatures_give_one_payload() {
        let format_length = PAYLOAD.rfind('\n').unwrap();
        let headers = [header(format_length, "\n}"), header(format_length, "\n}")];
        let (document, _) = signed(PAYLOAD, &headers);
        assert_eq!(&*digest_input(&document).unwrap(), PAYLOAD.as_bytes());
    }

    #[test]
    fn unsigned_digest_covers_the_whole_body() {
        for document in [
            PAYLOAD.as_bytes(),
            br#"{"schemaVersion":1,"signatures":[]}"#,
        ] {
            let input = digest_input(document).unwrap();
            assert!(matches!(input, Cow::Borrowed(_)));
            assert_eq!(&*input, document);
        }
    }

    #[test]
    fn broken_signatures_are_typed_errors() {
        let format_length = PAYLOAD.rfind('\n').unwrap();
        let sig = |index, problem| Schema1Error::Signature { index, problem };
        let cases = [
            (
                vec![
                    header(format_length, "\n}"),
                    header(format_length - 1, "\n}"),
                ],
                Schema1Error::MismatchedSignatures,
            ),
            (
                vec![header(format_length, "\n}"), header(format_length, "}")],
                Schema1Error::MismatchedSignatures,
            ),
            (
                vec![header(1_000_000, "\n}")],
                Schema1Error::FormatLength {
                    length: 1_000_000,
                    size: 0,
                },
            ),
            (
                vec!["not json".to_owned()],
                sig(0, "protected header is not JSON"),
            ),
            (
                vec![r#"{"formatTail":"Cn0"}"#.to_owned()],
                sig(0, "protected header has no non-negative formatLength"),
            ),
            (
                vec![r#"{"formatLength":-3,"formatTail":"Cn0"}"#.to_owned()],
                sig(0, "protected header has no non-negative formatLength"),
            ),
            (
                vec![r#"{"formatLength":3}"#.to_owned()],
                sig(0, "protected header has no formatTail"),
            ),
            (
                vec![r#"{"formatLength":3,"formatTail":"C*0"}"#.to_owned()],
                sig(0, "formatTail is not base64url"),
            ),
        ];
        for (headers, expected) in cases {
            let (document, _) = signed(PAYLOAD, &headers);
            let expected = match expected {
                Schema1Error::FormatLength { length, .. } => Schema1Error::FormatLength {
                    length,
                    size: document.len(),
                },
                other => other,
            };
            assert_eq!(digest_input(&document), Err(expected), "{headers:?}");
        }
    }

    #[test]
    fn malformed_documents_are_typed_errors() {
        let cases: [(&[u8], Schema1Error); 6] = [
            (b"{", Schema1Error::NotJson(String::new())),
            (b"7", Schema1Error::NotAnObject),
            (b"[]", Schema1Error::NotAnObject),
            (
                br#"{"signatures":{}}"#,
                Schema1Error::Field {
                    field: "signatures",
                    problem: "must be an array",
                },
            ),
            (
                br#"{"signatures":[{"protected":7}]}"#,
                Schema1Error::Signature {
                    index: 0,
                    problem: "has no protected header",
                },
            ),
            (
                br#"{"signatures":[{"protected":"%%%"}]}"#,
                Schema1Error::Signature {
                    index: 0,
                    problem: "protected header is not base64url",
                },
            ),
        ];
        for (bytes, expected) in cases {
            let error = digest_input(bytes).unwrap_err();
            match expected {
                Schema1Error::NotJson(_) => assert!(matches!(error, Schema1Error::NotJson(_))),
                expected => assert_eq!(error, expected, "{}", String::from_utf8_lossy(bytes)),
            }
        }
    }

    #[test]
    fn fields_and_history_are_read() {
        let format_length = PAYLOAD.rfind('\n').unwrap();
        let (document, _) = signed(PAYLOAD, &[header(format_length, "\n}")]);
        let manifest = parse(&document).unwrap();
        assert_eq!(manifest.schema_version, Some(1));
        assert_eq!(manifest.name, "library/tiny");
        assert_eq!(manifest.tag, "1.0");
        assert_eq!(manifest.architecture, "amd64");
        assert!(manifest.is_signed());
        assert!(!parse(PAYLOAD.as_bytes()).unwrap().is_signed());
        assert_eq!(
            manifest.history[0],
            V1Compatibility {
                id: "top".to_owned(),
                parent: Some("base".to_owned()),
                created: Some("2016-01-01T00:00:00Z".to_owned()),
                cmd: vec![
                    "/bin/sh".to_owned(),
                    "-c".to_owned(),
                    "#(nop) CMD [\"sh\"]".to_owned()
                ],
                throwaway: true,
            }
        );
        assert_eq!(
            manifest.history[1].cmd,
            ["/bin/sh -c #(nop) ADD file:abc in /"]
        );
        assert_eq!(manifest.history[1].parent, None);
        assert!(!manifest.history[1].throwaway);
        assert!(manifest.findings().is_empty());
    }

    #[test]
    fn layers_read_bottom_first() {
        let manifest = parse(PAYLOAD.as_bytes()).unwrap();
        assert!(manifest.fs_layers[0].starts_with("sha256:a3ed95"));
        let bottom_first = manifest.blob_sums_bottom_first();
        assert!(bottom_first[0].starts_with("sha256:1111"));
        assert!(bottom_first[1].starts_with("sha256:a3ed95"));
        let layers = manifest.layers_bottom_first();
        assert_eq!(
            layers[0].history.map(|entry| entry.id.as_str()),
            Some("base")
        );
        assert_eq!(
            layers[1].history.map(|entry| entry.id.as_str()),
            Some("top")
        );
    }

    #[test]
    fn lenient_and_strict_fields() {
        let ok: [&[u8]; 4] = [
            b"{}",
            br#"{"name":null,"fsLayers":null,"history":null,"signatures":null}"#,
            br#"{"history":[{"v1Compatibility":"{\"container_config\":{\"Cmd\":null}}"}]}"#,
            br#"{"history":[{"v1Compatibility":"{\"container_config\":{\"Cmd\":[1,\"x\"]}}"}]}"#,
        ];
        for bytes in ok {
            assert!(parse(bytes).is_ok(), "{}", String::from_utf8_lossy(bytes));
        }
        let field = |field, problem| Schema1Error::Field { field, problem };
        let broken: [(&[u8], Schema1Error); 6] = [
            (br#"{"name":7}"#, field("name", "must be a string")),
            (br#"{"fsLayers":{}}"#, field("fsLayers", "must be an array")),
            (
                br#"{"fsLayers":[{"blobSum":7}]}"#,
                field("fsLayers", "must hold objects with a blobSum string"),
            ),
            (
                br#"{"history":[7]}"#,
                field("history", "must hold objects with a v1Compatibility string"),
            ),
            (
                br#"{"history":[{"v1Compatibility":"[]"}]}"#,
                Schema1Error::V1Compatibility {
                    index: 0,
                    reason: "not an object".to_owned(),
                },
            ),
            (b"true", Schema1Error::NotAnObject),
        ];
        for (bytes, expected) in broken {
            assert_eq!(
                parse(bytes),
                Err(expected),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
        assert!(matches!(
            parse(br#"{"history":[{"v1Compatibility":"{"}]}"#),
            Err(Schema1Error::V1Compatibility { index: 0, .. })
        ));
    }

    #[test]
    fn findings_name_what_docker_refuses() {
        let cases: [(&[u8], &[&str]); 4] = [
            (PAYLOAD.as_bytes(), &[]),
            (
                br#"{"schemaVersion":2,"fsLayers":[{"blobSum":"sha256:a"}],"history":[{"v1Compatibility":"{}"}]}"#,
                &["schemaVersion is 2, but a schema 1 manifest must say 1."],
            ),
            (
                br#"{"schemaVersion":1}"#,
                &["The manifest lists no fsLayers; Docker refuses to pull it."],
            ),
            (
                br#"{"fsLayers":[{"blobSum":"sha256:a"}]}"#,
                &[
                    "schemaVersion is missing, but a schema 1 manifest must say 1.",
                    "fsLayers has 1 entries but history has 0; Docker refuses to pull it.",
                ],
            ),
        ];
        for (bytes, expected) in cases {
            let findings = parse(bytes).unwrap().findings();
            let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
            assert_eq!(messages, expected, "{}", String::from_utf8_lossy(bytes));
            assert!(findings.iter().all(|f| f.severity == Severity::Error));
        }
    }
}
