//! `strata/shared-layers`: greet 1.0 for linux/amd64 and linux/arm64/v8, whose images share one layer:
//! the web site, copied with `COPY --link` and identical on every platform. Comparing the two platforms
//! shows which layers a second platform's pull does not download again.

use crate::error::Result;

use super::platforms::{AMD64, ARM64_V8, Platform};
use super::release::{Release, platform_index};
use super::{Blob, Blobs, SHARED_LAYERS};

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
    platform_index(blobs, &RELEASE, &PLATFORMS, |blobs, release| {
        Ok(release.build_with_site(blobs)?.manifest)
    })
}
