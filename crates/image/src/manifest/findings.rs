//! What a lenient reader notices about a v2 manifest or index: schema versions, sizes, digests, subjects,
//! layers and artifacts that break the spec but can still be shown.

use serde_json::{Map, Value};

use super::{Descriptor, ImageManifest, Index};
use crate::finding::{Finding, Severity};
use crate::media_type;

/// Checks every v2 document needs before it is typed: `schemaVersion` 2, and sizes. Negative sizes are
/// replaced by 0 so the document still renders.
pub(super) fn v2_findings(value: &mut Value, media_type: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let name = media_type::describe(media_type);
    match value.get("schemaVersion") {
        Some(version) if version.as_i64() == Some(2) => {}
        Some(version) => findings.push(Finding::new(
            Severity::Error,
            format!("schemaVersion is {version}, but this {name} must say 2."),
        )),
        None => findings.push(Finding::new(
            Severity::Error,
            format!("The document has no schemaVersion; this {name} must say 2."),
        )),
    }
    if let Some(object) = value.as_object_mut() {
        findings.extend(size_findings(object));
    }
    findings
}

/// Where a descriptor sits in its document, for messages and for which sizes are possible.
#[derive(Debug, Clone, Copy)]
enum Place {
    Config,
    Layer(usize),
    Entry(usize),
    Subject,
}

impl Place {
    fn label(self) -> String {
        match self {
            Place::Config => "The config".to_owned(),
            Place::Layer(index) => format!("Layer {}", index + 1),
            Place::Entry(index) => format!("Entry {}", index + 1),
            Place::Subject => "The subject".to_owned(),
        }
    }

    /// Manifests and configs are JSON (at least `{}`), and image layers are tar or compressed tar, so none
    /// of those can be empty; an artifact's blobs can.
    fn may_be_empty(self, media_type: &str) -> bool {
        match self {
            Place::Config => {
                !media_type::is_image_config(media_type)
                    && media_type::essence(media_type) != media_type::OCI_EMPTY
            }
            Place::Layer(_) => !media_type::is_image_layer(media_type),
            Place::Entry(_) | Place::Subject => false,
        }
    }
}

fn size_findings(document: &mut Map<String, Value>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(config) = document.get_mut("config") {
        findings.extend(size_finding(config, Place::Config));
    }
    for (key, place) in [
        ("layers", Place::Layer as fn(usize) -> Place),
        ("manifests", Place::Entry),
    ] {
        if let Some(Value::Array(descriptors)) = document.get_mut(key) {
            for (index, descriptor) in descriptors.iter_mut().enumerate() {
                findings.extend(size_finding(descriptor, place(index)));
            }
        }
    }
    if let Some(subject) = document.get_mut("subject") {
        findings.extend(size_finding(subject, Place::Subject));
    }
    findings
}

fn size_finding(descriptor: &mut Value, place: Place) -> Option<Finding> {
    let descriptor = descriptor.as_object_mut()?;
    let media_type = descriptor
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or("");
    let may_be_empty = place.may_be_empty(media_type);
    let label = place.label();
    let message = match descriptor.get("size") {
        None | Some(Value::Null) => {
            descriptor.remove("size");
            format!("{label} states no size.")
        }
        Some(size) => match size.as_i64() {
            Some(negative) if negative < 0 => {
                descriptor.insert("size".to_owned(), Value::from(0));
                format!("{label} states a negative size ({negative}); it is shown as 0.")
            }
            Some(0) if !may_be_empty => format!("{label} states size 0, but it cannot be empty."),
            _ => return None,
        },
    };
    Some(Finding::new(Severity::Warning, message))
}

fn digest_finding(descriptor: &Descriptor, place: Place) -> Option<Finding> {
    let error = descriptor.parsed_digest().err()?;
    Some(Finding::new(
        Severity::Error,
        format!(
            "{}'s digest \"{}\" does not parse: {error}.",
            place.label(),
            descriptor.digest
        ),
    ))
}

fn subject_findings(subject: Option<&Descriptor>) -> Vec<Finding> {
    let Some(subject) = subject else {
        return Vec::new();
    };
    let mut findings = vec![Finding::new(
        Severity::Info,
        format!("This document refers to {} (its subject).", subject.digest),
    )];
    findings.extend(digest_finding(subject, Place::Subject));
    findings
}

pub(super) fn index_findings(index: &Index) -> Vec<Finding> {
    let mut findings: Vec<Finding> = index
        .manifests
        .iter()
        .enumerate()
        .filter_map(|(position, entry)| digest_finding(entry, Place::Entry(position)))
        .collect();
    let without_platform = index
        .manifests
        .iter()
        .filter(|entry| entry.platform.is_none())
        .count();
    if without_platform > 0 {
        findings.push(Finding::new(
            Severity::Info,
            format!(
                "{without_platform} of {} entries have no platform; runtimes rank them after every entry whose platform matches.",
                index.manifests.len()
            ),
        ));
    }
    findings.extend(subject_findings(index.subject.as_ref()));
    findings
}

pub(super) fn manifest_findings(manifest: &ImageManifest) -> Vec<Finding> {
    let mut findings: Vec<Finding> = digest_finding(&manifest.config, Place::Config)
        .into_iter()
        .collect();
    for (position, layer) in manifest.layers.iter().enumerate() {
        findings.extend(digest_finding(layer, Place::Layer(position)));
        findings.extend(layer_findings(layer, Place::Layer(position)));
    }
    findings.extend(artifact_findings(manifest));
    findings.extend(subject_findings(manifest.subject.as_ref()));
    findings
}

fn layer_findings(layer: &Descriptor, place: Place) -> Vec<Finding> {
    let kind = media_type::layer_kind(&layer.media_type);
    let label = place.label();
    let mut findings = Vec::new();
    let info = |message: String| Finding::new(Severity::Info, message);
    if kind.foreign && layer.urls.is_empty() {
        findings.push(Finding::new(
            Severity::Warning,
            format!("{label} is a foreign layer but lists no urls to fetch it from."),
        ));
    } else if kind.foreign {
        findings.push(info(format!(
            "{label} is a foreign layer: it is fetched from its urls, not the registry."
        )));
    } else if kind.non_distributable {
        findings.push(info(format!(
            "{label} is non-distributable (deprecated): it may be fetched from its urls, not the registry."
        )));
    } else if !layer.urls.is_empty() {
        findings.push(info(format!(
            "{label} lists urls but is neither foreign nor non-distributable: clients fetch it from the registry."
        )));
    }
    if kind.encrypted {
        findings.push(info(format!(
            "{label} is encrypted: no file tree can be shown."
        )));
    }
    findings
}

/// What a lenient reader notices about a manifest as an artifact: the empty config requires an
/// `artifactType`.
pub fn artifact_findings(manifest: &ImageManifest) -> Vec<Finding> {
    let empty_config = media_type::essence(&manifest.config.media_type) == media_type::OCI_EMPTY;
    if empty_config && manifest.artifact_type.is_none() {
        vec![Finding::new(
            Severity::Error,
            "The config is the empty descriptor, so artifactType is required, but the manifest has none.",
        )]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;
    use crate::finding::Severity;

    fn messages(json: &str, content_type: Option<&str>) -> Vec<(Severity, String)> {
        let read = read_document(json.as_bytes(), content_type)
            .unwrap_or_else(|error| panic!("{error}: {json}"));
        read.findings
            .into_iter()
            .map(|finding| (finding.severity, finding.message))
            .collect()
    }

    #[test]
    fn manifest_level_findings() {
        use Severity::{Error, Info, Warning};
        let gzip = media_type::OCI_LAYER_GZIP;
        let foreign = media_type::DOCKER_FOREIGN_LAYER_GZIP;
        let urls = r#","urls":["https://example.com/blob"]"#;
        let cases: Vec<(String, Vec<(Severity, &str)>)> = vec![
            (oci_manifest(&image_config(), &[blob(gzip, "10", "")], ""), vec![]),
            (
                oci_manifest(&image_config(), &[blob(gzip, "10", urls)], ""),
                vec![(
                    Info,
                    "Layer 1 lists urls but is neither foreign nor non-distributable: clients fetch it from the registry.",
                )],
            ),
            (
                oci_manifest(&image_config(), &[blob(foreign, "10", urls)], ""),
                vec![(
                    Info,
                    "Layer 1 is a foreign layer: it is fetched from its urls, not the registry.",
                )],
            ),
            (
                oci_manifest(&image_config(), &[blob(foreign, "10", "")], ""),
                vec![(
                    Warning,
                    "Layer 1 is a foreign layer but lists no urls to fetch it from.",
                )],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[blob(media_type::OCI_NONDISTRIBUTABLE_LAYER_GZIP, "10", urls)],
                    "",
                ),
                vec![(
                    Info,
                    "Layer 1 is non-distributable (deprecated): it may be fetched from its urls, not the registry.",
                )],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[
                        blob(gzip, "10", ""),
                        blob("application/vnd.oci.image.layer.v1.tar+gzip+encrypted", "10", ""),
                    ],
                    "",
                ),
                vec![(Info, "Layer 2 is encrypted: no file tree can be shown.")],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[r#"{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:nope","size":3}"#.to_owned()],
                    "",
                ),
                vec![(
                    Error,
                    "Layer 1's digest \"sha256:nope\" does not parse: invalid checksum digest length.",
                )],
            ),
            (
                oci_manifest(&blob(media_type::OCI_CONFIG, "0", ""), &[], ""),
                vec![(Warning, "The config states size 0, but it cannot be empty.")],
            ),
            (
                oci_manifest(&image_config(), &[blob(gzip, "-5", "")], ""),
                vec![(Warning, "Layer 1 states a negative size (-5); it is shown as 0.")],
            ),
            (
                oci_manifest(&image_config(), &[blob(gzip, "0", "")], ""),
                vec![(Warning, "Layer 1 states size 0, but it cannot be empty.")],
            ),
            (
                oci_manifest(&image_config(), &[blob(gzip, "null", "")], ""),
                vec![(Warning, "Layer 1 states no size.")],
            ),
            (
                oci_manifest(&image_config(), &[blob("application/x-empty-file", "0", "")], ""),
                vec![],
            ),
            (
                oci_manifest(&blob("application/x-config", "0", ""), &[], ""),
                vec![],
            ),
            (
                oci_manifest(&blob(media_type::OCI_EMPTY, "2", ""), &[], ""),
                vec![(
                    Error,
                    "The config is the empty descriptor, so artifactType is required, but the manifest has none.",
                )],
            ),
            (
                oci_manifest(
                    &blob(media_type::OCI_EMPTY, "2", ""),
                    &[],
                    &format!(
                        r#","artifactType":"application/example","subject":{}"#,
                        blob(media_type::OCI_MANIFEST, "500", "")
                    ),
                ),
                vec![(
                    Info,
                    "This document refers to sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (its subject).",
                )],
            ),
            (
                oci_manifest(
                    &image_config(),
                    &[],
                    &format!(r#","subject":{}"#, blob(media_type::OCI_MANIFEST, "-1", "")),
                ),
                vec![
                    (Warning, "The subject states a negative size (-1); it is shown as 0."),
                    (
                        Info,
                        "This document refers to sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (its subject).",
                    ),
                ],
            ),
            (
                oci_manifest(&image_config(), &[], "").replace(r#""schemaVersion":2"#, r#""schemaVersion":1"#),
                vec![(Error, "schemaVersion is 1, but this OCI image manifest must say 2.")],
            ),
            (
                oci_manifest(&image_config(), &[], "").replace(r#""schemaVersion":2,"#, ""),
                vec![(Error, "The document has no schemaVersion; this OCI image manifest must say 2.")],
            ),
        ];
        for (json, expected) in cases {
            let expected: Vec<(Severity, String)> = expected
                .into_iter()
                .map(|(severity, message)| (severity, message.to_owned()))
                .collect();
            assert_eq!(messages(&json, None), expected, "{json}");
        }
    }

    #[test]
    fn index_level_findings() {
        use Severity::{Error, Info};
        let entry = |platform: bool| {
            let platform = if platform {
                r#","platform":{"os":"linux","architecture":"amd64"}"#
            } else {
                ""
            };
            blob(media_type::OCI_MANIFEST, "500", platform)
        };
        let index = |entries: &[String], extra: &str| {
            format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"{extra},"manifests":[{}]}}"#,
                entries.join(",")
            )
        };
        let cases: Vec<(String, Vec<(Severity, &str)>)> = vec![
            (index(&[entry(true)], ""), vec![]),
            (index(&[], ""), vec![]),
            (
                index(&[entry(true), entry(false), entry(false)], ""),
                vec![(
                    Info,
                    "2 of 3 entries have no platform; runtimes rank them after every entry whose platform matches.",
                )],
            ),
            (
                index(&[entry(true).replace(DIGEST_A, "sha256")], ""),
                vec![(
                    Error,
                    "Entry 1's digest \"sha256\" does not parse: invalid checksum digest format.",
                )],
            ),
            (
                index(&[entry(true).replace(r#""size":500"#, r#""size":0"#)], ""),
                vec![(
                    Severity::Warning,
                    "Entry 1 states size 0, but it cannot be empty.",
                )],
            ),
            (
                index(
                    &[entry(true)],
                    &format!(
                        r#","artifactType":"application/example.loop","subject":{}"#,
                        blob(media_type::OCI_MANIFEST, "500", "")
                    ),
                ),
                vec![(
                    Info,
                    "This document refers to sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (its subject).",
                )],
            ),
            (
                index(&[entry(true)], "").replace(r#""schemaVersion":2"#, r#""schemaVersion":"2""#),
                vec![(
                    Error,
                    "schemaVersion is \"2\", but this OCI image index must say 2.",
                )],
            ),
        ];
        for (json, expected) in cases {
            let expected: Vec<(Severity, String)> = expected
                .into_iter()
                .map(|(severity, message)| (severity, message.to_owned()))
                .collect();
            assert_eq!(messages(&json, None), expected, "{json}");
        }
    }
}
