//! `strata/shared-layers`: greet 1.0 for linux/amd64 and linux/arm64/v8, whose images share one layer:
//! the web site, copied with `COPY --link` and identical on every platform. Comparing the two platforms
//! shows which layers a second platform's pull does not download again.

use anyhow::Result;
use serde_json::json;

use super::images::{AMD64, ARM64_V8, Platform};
use super::release::Release;
use super::{Blob, Blobs, OCI_INDEX, OCI_MANIFEST, SHARED_LAYERS, SOURCE_URL, descriptor, insert};

pub(super) const TAG: &str = "1.0";
pub(super) const DESCRIPTION: &str = "An index for linux/amd64 and linux/arm64/v8 whose images \
    share their web-site layer (COPY --link makes it byte for byte the same): compare the two \
    platforms to see the shared layer and the ones that differ.";

const PLATFORMS: [Platform; 2] = [AMD64, ARM64_V8];

const RELEASE: Release = Release {
    repository: SHARED_LAYERS,
    version: "1.0",
    revision: "c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3",
    created: "2026-03-02T16:40:00Z",
    greeting: "hello",
    notes: "Release notes: the 1.0 release, with its web page.",
    platform: AMD64,
};

/// The index of both platforms' images.
pub(super) fn build(blobs: &mut Blobs) -> Result<Blob> {
    let mut entries = Vec::new();
    for platform in PLATFORMS {
        let build = Release {
            platform,
            ..RELEASE
        }
        .build_with_site(blobs)?;
        let mut entry = descriptor(OCI_MANIFEST, &build.manifest);
        insert(&mut entry, "platform", platform.to_json());
        entries.push(entry);
    }
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": entries,
        "annotations": {
            "org.opencontainers.image.created": RELEASE.created,
            "org.opencontainers.image.revision": RELEASE.revision,
            "org.opencontainers.image.source": SOURCE_URL,
        },
    }))
}
