//! An OCI 1.1 artifact referring to an image (what `oras attach` pushes) and a document
//! of a kind no tool knows.

use crate::error::Result;
use serde_json::json;

use super::{
    Blob, Blobs, CREATED, DEMO_HOST, MULTI_ARCH, OCI_EMPTY, OCI_MANIFEST, TITLE, descriptor,
    insert, sorted_keys,
};

/// The `artifactType` of the check report.
pub(super) const REPORT_TYPE: &str = "application/vnd.strata.report.v1+json";
/// The media type of the unknown-kind root.
pub(super) const MYSTERY: &str = "application/vnd.strata.mystery.v1+json";

const REPORT_CREATED: &str = "2026-01-01T00:05:00Z";

/// `oras attach --artifact-type application/vnd.strata.report.v1+json
/// demo.invalid/strata/multi-arch@<amd64 digest> report.json:application/json`: an image
/// manifest with the empty config whose `subject` is the image the report is about.
pub(super) fn build_report(blobs: &mut Blobs, subject: &Blob) -> Result<Blob> {
    let report = blobs.put(report_json(subject)?);
    let empty = blobs.put_empty();
    let mut config = descriptor(OCI_EMPTY, &empty);
    // oras writes the empty descriptor with its content inlined.
    insert(&mut config, "data", json!("e30="));
    let mut layer = descriptor("application/json", &report);
    insert(&mut layer, "annotations", json!({ TITLE: "report.json" }));
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": REPORT_TYPE,
        "config": config,
        "layers": [layer],
        "subject": descriptor(OCI_MANIFEST, subject),
        "annotations": { CREATED: REPORT_CREATED },
    }))
}

/// The attached file: a small image check report, pretty-printed as a person would keep it.
fn report_json(subject: &Blob) -> Result<Vec<u8>> {
    let report = json!({
        "image": format!("{DEMO_HOST}/{MULTI_ARCH}@{}", subject.digest),
        "platform": "linux/amd64",
        "generatedAt": REPORT_CREATED,
        "tool": { "name": "strata-check", "version": "0.3.1" },
        "checks": [
            { "id": "non-root-user", "status": "pass", "detail": "runs as 65534:65534" },
            { "id": "no-setuid-files", "status": "pass", "detail": "no setuid or setgid files" },
            { "id": "healthcheck", "status": "warn", "detail": "no HEALTHCHECK defined" },
            { "id": "base-image-age", "status": "pass", "detail": "alpine:3.23.2, 14 days old" },
        ],
        "summary": { "pass": 3, "warn": 1, "fail": 0 },
    });
    let mut bytes = serde_json::to_vec_pretty(&sorted_keys(&report))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A root of a media type no tool knows: registries store any manifest type they are told
/// to, and an inspector has to show it raw rather than fail.
pub(super) fn build_mystery(blobs: &mut Blobs) -> Result<Blob> {
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": MYSTERY,
        "riddle": "What has layers but is not an onion?",
        "answer": "A container image",
        "clues": ["config", "layers", "annotations"],
        "seeAlso": "https://github.com/opencontainers/image-spec/blob/main/manifest.md",
    }))
}
