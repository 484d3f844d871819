//! Reading a manifest endpoint's bytes into a [`Document`]: the kind from the header, the `mediaType` field
//! or the shape, and the bytes a digest names (a signed schema 1 manifest's payload).

use std::borrow::Cow;

use serde_json::Value;

use super::findings::{index_findings, manifest_findings, v2_findings};
use super::{Document, ImageManifest, Index, ManifestError, ReadDocument};
use crate::finding::{Finding, Severity};
use crate::media_type::{self, DocumentKind};
use crate::schema1::{self, Schema1Manifest};

/// Reads a manifest-endpoint document. The kind comes from the `Content-Type` header, then the `mediaType`
/// field, then the shape; a disagreement between header and field is a warning. Documents of unknown kinds
/// (including JSON that is not an object) read as [`Document::Unknown`]; only bytes that are not JSON, or
/// a document without the shape of the kind it claims, are errors.
pub fn read_document(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<ReadDocument, ManifestError> {
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|error| ManifestError::NotJson(error.to_string()))?;
    let mut findings = Vec::new();
    let field = value
        .get("mediaType")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let header = content_type
        .map(media_type::essence)
        .filter(|header| media_type::document_kind(header) != DocumentKind::Unknown);
    if let (Some(header), Some(field)) = (header, field.as_deref())
        && header != field
    {
        findings.push(Finding::new(
            Severity::Warning,
            format!(
                "The registry sent Content-Type {header}, but the document says mediaType {field}."
            ),
        ));
    }
    let media_type = header
        .or(field
            .as_deref()
            .filter(|field| media_type::document_kind(field) != DocumentKind::Unknown))
        .map(str::to_owned)
        .unwrap_or_else(|| shape_media_type(&value).to_owned());
    let kind = media_type::document_kind(&media_type);
    if field.is_none()
        && matches!(kind, DocumentKind::Index | DocumentKind::Manifest)
        && value.get("schemaVersion").and_then(Value::as_i64) == Some(2)
    {
        findings.push(Finding::new(
            Severity::Info,
            "The document has no mediaType field.",
        ));
    }
    let document = match kind {
        DocumentKind::Index => {
            findings.extend(v2_findings(&mut value, &media_type));
            let index: Index = typed(value, "an index")?;
            findings.extend(index_findings(&index));
            Document::Index(Box::new(index))
        }
        DocumentKind::Manifest => {
            findings.extend(v2_findings(&mut value, &media_type));
            let manifest: ImageManifest = typed(value, "an image manifest")?;
            findings.extend(manifest_findings(&manifest));
            Document::Manifest(Box::new(manifest))
        }
        DocumentKind::Schema1 => {
            let manifest = read_schema1(bytes, &mut findings)?;
            Document::Schema1(Box::new(manifest))
        }
        DocumentKind::Unknown => {
            findings.push(Finding::new(
                Severity::Info,
                "Strata does not know this kind of document; it is shown raw.",
            ));
            Document::Unknown
        }
    };
    Ok(ReadDocument {
        document,
        media_type,
        findings,
    })
}

/// The bytes whose digest names a document of this media type: the JWS payload of a signed schema 1
/// manifest, otherwise the bytes as they are (also when a schema 1 document cannot be read).
pub fn verification_input<'a>(bytes: &'a [u8], media_type: &str) -> Cow<'a, [u8]> {
    if media_type::document_kind(media_type) == DocumentKind::Schema1 {
        schema1::digest_input(bytes).unwrap_or(Cow::Borrowed(bytes))
    } else {
        Cow::Borrowed(bytes)
    }
}

fn typed<T: serde::de::DeserializeOwned>(
    value: Value,
    kind: &'static str,
) -> Result<T, ManifestError> {
    serde_json::from_value(value).map_err(|error| ManifestError::WrongShape {
        kind,
        reason: error.to_string(),
    })
}

fn shape_media_type(value: &Value) -> &'static str {
    if value.get("manifests").is_some_and(Value::is_array) {
        media_type::OCI_INDEX
    } else if value.get("config").is_some() && value.get("layers").is_some() {
        media_type::OCI_MANIFEST
    } else if value.get("schemaVersion").and_then(Value::as_i64) == Some(1)
        || value.get("fsLayers").is_some_and(Value::is_array)
    {
        media_type::DOCKER_SCHEMA1
    } else {
        ""
    }
}

fn read_schema1(
    bytes: &[u8],
    findings: &mut Vec<Finding>,
) -> Result<Schema1Manifest, ManifestError> {
    findings.push(Finding::new(
        Severity::Warning,
        "Docker schema 1 is deprecated: current Docker and containerd refuse to pull it.",
    ));
    let manifest = schema1::parse(bytes).map_err(|error| ManifestError::WrongShape {
        kind: "a schema 1 manifest",
        reason: error.to_string(),
    })?;
    findings.extend(manifest.findings());
    if let Err(error) = schema1::digest_input(bytes) {
        findings.push(Finding::new(
            Severity::Error,
            format!(
                "The signatures cannot be read, so the digest the registry computed cannot be rebuilt: {error}."
            ),
        ));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn kind_comes_from_header_then_field_then_shape() {
        let manifest = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{DIGEST_A}","size":1}},"layers":[]}}"#
        );
        let manifest = manifest.as_str();
        let index = r#"{"schemaVersion":2,"manifests":[]}"#;
        let docker_list = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}"#;
        let cases: [(&str, Option<&str>, &str, usize); 6] = [
            (manifest, None, media_type::OCI_MANIFEST, 1),
            (
                manifest,
                Some("application/vnd.docker.distribution.manifest.v2+json"),
                media_type::DOCKER_MANIFEST,
                1,
            ),
            (index, Some("application/json"), media_type::OCI_INDEX, 1),
            (docker_list, None, media_type::DOCKER_MANIFEST_LIST, 0),
            (
                docker_list,
                Some("application/vnd.docker.distribution.manifest.list.v2+json"),
                media_type::DOCKER_MANIFEST_LIST,
                0,
            ),
            (
                docker_list,
                Some(media_type::OCI_INDEX),
                media_type::OCI_INDEX,
                1,
            ),
        ];
        for (json, header, expected, findings) in cases {
            let read = read_document(json.as_bytes(), header).unwrap();
            assert_eq!(read.media_type, expected, "{json} {header:?}");
            assert_eq!(read.findings.len(), findings, "{:?}", read.findings);
        }
    }

    #[test]
    fn unknown_and_schema1_documents_are_not_errors() {
        let read = read_document(br#"{"hello":"world"}"#, None).unwrap();
        assert_eq!(read.document, Document::Unknown);
        let read = read_document(br#"{"schemaVersion":1,"fsLayers":[]}"#, None).unwrap();
        assert!(matches!(read.document, Document::Schema1(_)));
        assert_eq!(read.findings[0].severity, Severity::Warning);
    }

    #[test]
    fn json_that_is_not_an_object_never_panics() {
        let bodies: [&[u8]; 8] = [
            b"7",
            b"[]",
            b"null",
            b"\"text\"",
            b"true",
            b"[{\"manifests\":[]}]",
            b"{\"manifests\":7}",
            b"{\"fsLayers\":{}}",
        ];
        let headers = [
            None,
            Some(media_type::OCI_INDEX),
            Some(media_type::DOCKER_MANIFEST),
            Some(media_type::DOCKER_SCHEMA1_SIGNED),
            Some("application/json"),
        ];
        for body in bodies {
            for header in headers {
                match read_document(body, header) {
                    Ok(read) => {
                        if media_type::document_kind(&read.media_type) == DocumentKind::Unknown {
                            assert_eq!(read.document, Document::Unknown);
                        }
                    }
                    Err(ManifestError::WrongShape { .. }) => {}
                    Err(other) => panic!("{other} for {body:?} {header:?}"),
                }
            }
        }
        let read = read_document(b"[]", None).unwrap();
        assert_eq!(read.document, Document::Unknown);
        assert!(matches!(
            read_document(b"7", Some(media_type::OCI_MANIFEST)),
            Err(ManifestError::WrongShape { .. })
        ));
        assert!(matches!(
            read_document(b"[]", Some(media_type::DOCKER_SCHEMA1)),
            Err(ManifestError::WrongShape { .. })
        ));
    }

    #[test]
    fn broken_documents_are_typed_errors() {
        assert!(matches!(
            read_document(b"{", None),
            Err(ManifestError::NotJson(_))
        ));
        assert!(matches!(
            read_document(
                br#"{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":7}"#,
                None
            ),
            Err(ManifestError::WrongShape { .. })
        ));
    }

    #[test]
    fn go_nulls_read_as_empty() {
        let cases = [
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":null}"#,
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":null}"#,
        ];
        for json in cases {
            let read = read_document(json.as_bytes(), None).unwrap();
            let Document::Index(index) = read.document else {
                panic!("not an index: {json}")
            };
            assert!(index.manifests.is_empty() && index.annotations.is_empty());
        }
        let json = oci_manifest(
            &image_config(),
            &[blob(
                media_type::OCI_LAYER,
                "3",
                r#","urls":null,"annotations":null"#,
            )],
            "",
        )
        .replace(r#""layers":["#, r#""annotations":null,"layers":["#);
        let read = read_document(json.as_bytes(), None).unwrap();
        assert!(matches!(read.document, Document::Manifest(_)), "{json}");
        let json = r#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:x","size":1},"layers":null}"#;
        let read = read_document(json.as_bytes(), None).unwrap();
        let Document::Manifest(manifest) = read.document else {
            panic!("not a manifest")
        };
        assert!(manifest.layers.is_empty());
    }

    fn tiny_schema1(schema_version: u8) -> String {
        format!(
            r#"{{"schemaVersion":{schema_version},"name":"library/x","tag":"1","architecture":"amd64","fsLayers":[{{"blobSum":"{DIGEST_A}"}}],"history":[{{"v1Compatibility":"{{\"id\":\"a\"}}"}}]}}"#
        )
    }

    fn signed_without_format(unsigned: &str) -> String {
        let open = &unsigned[..unsigned.len() - 1];
        format!(r#"{open},"signatures":[{{"protected":"e30"}}]}}"#)
    }

    #[test]
    fn schema1_is_read_with_its_findings() {
        let cases: [(String, Option<&str>, usize); 5] = [
            (tiny_schema1(1), None, 1),
            (tiny_schema1(1), Some(media_type::DOCKER_SCHEMA1), 1),
            (tiny_schema1(1), Some(media_type::DOCKER_SCHEMA1_SIGNED), 1),
            // a tampered schema 1 document that says 2 is still recognised by its fsLayers
            (tiny_schema1(2), None, 2),
            (signed_without_format(&tiny_schema1(1)), None, 2),
        ];
        for (json, header, count) in cases {
            let read = read_document(json.as_bytes(), header).unwrap();
            let Document::Schema1(manifest) = &read.document else {
                panic!("not schema 1: {json}")
            };
            assert_eq!(manifest.name, "library/x");
            assert_eq!(read.findings.len(), count, "{:?}", read.findings);
            assert!(read.findings[0].message.contains("deprecated"));
        }
        assert!(matches!(
            read_document(
                br#"{"schemaVersion":1,"history":[{"v1Compatibility":"{"}]}"#,
                None
            ),
            Err(ManifestError::WrongShape { .. })
        ));
    }

    #[test]
    fn verification_input_is_the_payload_only_for_signed_schema1() {
        let payload = tiny_schema1(1);
        let tail = "}";
        let format_length = payload.len() - tail.len();
        // base64url of {"formatLength":N,"formatTail":"fQ"} for the payload's length
        let header = format!(r#"{{"formatLength":{format_length},"formatTail":"fQ"}}"#);
        let protected = encode_for_test(header.as_bytes());
        let signed = format!(
            r#"{},"signatures":[{{"protected":"{protected}"}}]}}"#,
            &payload[..format_length]
        );
        let cases: [(&str, &str, &str); 6] = [
            (&signed, media_type::DOCKER_SCHEMA1_SIGNED, &payload),
            (&signed, media_type::DOCKER_SCHEMA1, &payload),
            (&payload, media_type::DOCKER_SCHEMA1, &payload),
            (&signed, media_type::OCI_MANIFEST, &signed),
            (&signed, "", &signed),
            ("{not json", media_type::DOCKER_SCHEMA1_SIGNED, "{not json"),
        ];
        for (bytes, media_type, expected) in cases {
            assert_eq!(
                &*verification_input(bytes.as_bytes(), media_type),
                expected.as_bytes(),
                "{media_type}"
            );
        }
    }

    fn encode_for_test(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bits = 0u32;
        let mut count = 0;
        let mut encoded = String::new();
        for byte in bytes {
            bits = (bits << 8) | u32::from(*byte);
            count += 8;
            while count >= 6 {
                count -= 6;
                encoded.push(char::from(ALPHABET[((bits >> count) & 0x3f) as usize]));
            }
        }
        if count > 0 {
            encoded.push(char::from(
                ALPHABET[((bits << (6 - count)) & 0x3f) as usize],
            ));
        }
        encoded
    }

    #[test]
    fn truncated_and_mutated_documents_never_panic() {
        let payload = tiny_schema1(1);
        let fixtures = [
            index_json(),
            oci_manifest(
                &image_config(),
                &[blob(media_type::DOCKER_FOREIGN_LAYER_GZIP, "-1", "")],
                r#","subject":{"size":-2}"#,
            ),
            signed_without_format(&payload),
            payload,
        ];
        let headers = [None, Some(media_type::DOCKER_SCHEMA1_SIGNED)];
        for fixture in &fixtures {
            let bytes = fixture.as_bytes();
            for end in 0..=bytes.len() {
                for header in headers {
                    let _ = read_document(&bytes[..end], header);
                }
                let _ = verification_input(&bytes[..end], media_type::DOCKER_SCHEMA1_SIGNED);
            }
            for position in 0..bytes.len() {
                for replacement in [b'{', b'[', b'-', b'0', b'"', b'}'] {
                    let mut mutated = bytes.to_vec();
                    mutated[position] = replacement;
                    let _ = read_document(&mutated, None);
                    let _ = verification_input(&mutated, media_type::DOCKER_SCHEMA1);
                }
            }
        }
    }
}
