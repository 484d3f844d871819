//! `strata/untagged`: `latest` names release 1.2, and next to it sits release candidate
//! 1.3.0-rc.1, pushed by digest (as `docker buildx build --output push-by-digest=true`
//! does) and never tagged, so the repository's tag list never shows it.

use crate::error::Result;

use super::platforms::AMD64;
use super::release::Release;
use super::{Blob, Blobs, UNTAGGED};

pub(super) const TAG: &str = "latest";
pub(super) const UNTAGGED_DESCRIPTION: &str = "A release candidate pushed by digest and never \
    tagged: it opens and verifies by its digest, yet the repository's tag list names only \
    \"latest\".";

const TAGGED: Release = Release {
    repository: UNTAGGED,
    version: "1.2",
    revision: "c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3",
    created: "2026-03-02T16:40:00Z",
    greeting: "hello",
    notes: "Release notes: the 1.2 release.",
    platform: AMD64,
};

const CANDIDATE: Release = Release {
    repository: UNTAGGED,
    version: "1.3.0-rc.1",
    revision: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
    created: "2026-03-20T11:05:00Z",
    greeting: "hello",
    notes: "Release candidate, pushed by digest for review; not tagged.",
    platform: AMD64,
};

/// (the tagged release, the untagged candidate).
pub(super) fn build(blobs: &mut Blobs) -> Result<(Blob, Blob)> {
    let tagged = TAGGED.build(blobs)?.manifest;
    let candidate = CANDIDATE.build(blobs)?.manifest;
    Ok((tagged, candidate))
}
