//! `strata/moved-tag`: the tag `stable` was moved from build 1.1 to build 1.2, and build
//! 1.1's manifest stayed in the repository, reachable by its digest only. The two builds
//! differ in a file (`/usr/share/greet/message.txt`), in `GREETING` and in their labels.

use crate::error::Result;

use super::platforms::AMD64;
use super::release::Release;
use super::{Blob, Blobs, MOVED_TAG};

/// The tag that moved.
pub(super) const MOVED: &str = "stable";
/// When a reader pinned `stable` (and build 1.1's digest), between the two builds.
pub(super) const PINNED_AT: &str = "2026-02-10T09:00:00Z";
pub(super) const FIRST_DESCRIPTION: &str = "A link pinned on 2026-02-10 to \"stable\" and the \
    digest it named then, build 1.1: Strata fetches it by digest and it still verifies, \
    although the tag has since moved to build 1.2.";

const FIRST: Release = Release {
    repository: MOVED_TAG,
    version: "1.1",
    revision: "9b1e4c2d7a6f5e8b3c0d1a2f4e6b8c0d2e4f6a8b",
    created: "2026-02-02T10:15:00Z",
    greeting: "hello",
    notes: "Release notes: greets in English.",
    platform: AMD64,
};

const SECOND: Release = Release {
    repository: MOVED_TAG,
    version: "1.2",
    revision: "c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3",
    created: "2026-03-02T16:40:00Z",
    greeting: "bonjour",
    notes: "Release notes: greets in French by default; set GREETING to change it.",
    platform: AMD64,
};

/// The two builds' manifests: (build 1.1, no longer tagged; build 1.2, tagged `stable`).
pub(super) fn build(blobs: &mut Blobs) -> Result<(Blob, Blob)> {
    let first = FIRST.build(blobs)?.manifest;
    let second = SECOND.build(blobs)?.manifest;
    Ok((first, second))
}
