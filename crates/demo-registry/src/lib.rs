//! Writes the deterministic OCI image layout behind the demo registry: one root of each
//! manifest kind the inspector knows, all built from small real layers.
//!
//! The kinds: a buildx-style multi-arch index with SBOM and provenance attestations and
//! cosign's tag-based signature and attestation, a Docker manifest list, a single Docker
//! manifest, OCI 1.1 artifacts (a report and a Sigstore bundle, both referrers), a Helm
//! chart, Docker schema 1 (signed and unsigned), a nested index with a Windows image, an
//! image with one layer of each kind, an image whose layers whiteout, hide, link and
//! replace files, a SOCI-enabled image and a document of unknown kind.
//!
//! Then four lessons: a tag that moved (the old build reachable by digest only), a
//! manifest no tag names, an index with deliberately tampered bytes, and two platforms that
//! share a layer.

mod artifacts;
mod cosign_key;
mod encoding;
mod error;
mod helm;
mod images;
mod layer_kinds;
mod layers;
mod layers_image;
mod moved_tag;
mod nested_index;
mod platforms;
mod release;
mod schema1;
mod shared_layers;
mod sigstore;
mod soci;
mod tampered;
#[cfg(test)]
mod tests;
mod untagged;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::error::{Context as _, bail};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use strata_image::artifact::{
    CREATED_ANNOTATION as CREATED, DESCRIPTION_ANNOTATION, REF_NAME_ANNOTATION as REF_NAME,
    TITLE_ANNOTATION as TITLE,
};
use strata_image::media_type::{
    DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST as DOCKER_LIST,
    IN_TOTO, OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST,
};
use strata_image::registry_host;

pub use error::{DemoError, Result};
pub use layers::{TarItem, append_entry, gzip};

const MULTI_ARCH: &str = "strata/multi-arch";
const MANIFEST_LIST: &str = "strata/manifest-list";
const SINGLE: &str = "strata/single";
const ARTIFACTS: &str = "strata/artifacts";
const HELM_CHART: &str = "strata/helm-chart";
const SCHEMA1: &str = "strata/schema1";
const NESTED_INDEX: &str = "strata/nested-index";
const LAYER_KINDS: &str = "strata/layer-kinds";
const LAYERS: &str = "strata/layers";
const SOCI: &str = "strata/soci";
const UNKNOWN_KIND: &str = "strata/unknown-kind";
const MOVED_TAG: &str = "strata/moved-tag";
const UNTAGGED: &str = "strata/untagged";
const TAMPERED_REPOSITORY: &str = "strata/tampered";
const SHARED_LAYERS: &str = "strata/shared-layers";
/// `registry_host::DEMO_COPIED_SIGNATURE`'s repository and tag.
const SIGNED_ELSEWHERE: &str = "strata/signed-elsewhere";
const SIGNED_ELSEWHERE_TAG: &str = "1.0";

/// The tags of the first three repositories; buildx names both in attestation subjects.
const RELEASE_TAGS: &[&str] = &["1.0", "latest"];
const VERSION_TAGS: &[&str] = &["1.0"];
const REPORT_TAG: &str = "report";
const BUNDLE_TAG: &str = "bundle";
const CHART_TAG: &str = "0.1.0";
const SIGNED_TAG: &str = "signed";
const UNSIGNED_TAG: &str = "unsigned";

/// The image for the layer explorer: three gzip layers, linux/amd64, in one OCI manifest.
///
/// Its merged root filesystem:
/// - present: `/bin/busybox`, `/bin/sh` (symlink to `busybox`), `/bin/sh.static` (layer 2,
///   a hardlink to `bin/busybox` of layer 1), `/etc/os-release` (layer 2's content),
///   `/etc/hostname/` (a directory since layer 3) holding `/etc/hostname/name`,
///   `/usr/share/doc/base/README` (re-created by layer 2), `/usr/share/dict/words`
///   (307,202 bytes of text), `/usr/lib/libdemo.so` (4 KiB, not UTF-8), 1,500 files in ten
///   directories under `/usr/share/zoneinfo/`, `/var/log/`, `/opt/` (now empty) and
///   `/srv/www/index.html` (layer 3);
/// - absent: `/etc/motd` (whiteout in layer 2), `/usr/share/doc/base/LICENSE`,
///   `/usr/share/doc/tools/` and its `NOTES` (hidden by layer 2's opaque
///   `/usr/share/doc`), `/opt/app/` with `bin/run` and `config/app.toml` (whiteout in
///   layer 3), and every `.wh.` entry itself.
pub const LAYERS_IMAGE: &str = "strata/layers:1.0";

/// Repositories held by the layout, in `index.json` order, each with its tags.
///
/// `strata/multi-arch` also carries cosign's `sha256-<index hex>.sig` and `.att` tags, and
/// `strata/signed-elsewhere` `.sig` and `.sbom` tags, which are not listed here because they are
/// named after a digest computed while building.
pub const REPOSITORIES: &[(&str, &[&str])] = &[
    (MULTI_ARCH, RELEASE_TAGS),
    (MANIFEST_LIST, RELEASE_TAGS),
    (SINGLE, RELEASE_TAGS),
    (ARTIFACTS, &[REPORT_TAG, BUNDLE_TAG]),
    (HELM_CHART, &[CHART_TAG]),
    (SCHEMA1, &[SIGNED_TAG, UNSIGNED_TAG]),
    (NESTED_INDEX, VERSION_TAGS),
    (LAYER_KINDS, VERSION_TAGS),
    (LAYERS, RELEASE_TAGS),
    (SOCI, VERSION_TAGS),
    (UNKNOWN_KIND, VERSION_TAGS),
    (MOVED_TAG, &[moved_tag::MOVED]),
    (UNTAGGED, &[untagged::TAG]),
    (TAMPERED_REPOSITORY, &[tampered::TAG]),
    (SHARED_LAYERS, &[shared_layers::TAG]),
    (SIGNED_ELSEWHERE, &[SIGNED_ELSEWHERE_TAG]),
];

/// The tagged demo roots a reader should see, one per kind, as (reference without host,
/// what it shows). `latest` duplicates and cosign's signature tags are left out. Roots no
/// tag names are listed by digest from their [`Untagged`].
pub const DEMO_IMAGES: &[(&str, &str)] = &[
    (
        "strata/multi-arch:1.0",
        "OCI image index for 4 platforms with buildx SBOM and provenance attestations, \
         signed and attested with cosign",
    ),
    (
        "strata/manifest-list:1.0",
        "Docker manifest list for 3 platforms",
    ),
    (
        "strata/single:1.0",
        "Docker image manifest for a single platform",
    ),
    (
        "strata/nested-index:1.0",
        "OCI index holding a nested index and a Windows image with a foreign layer",
    ),
    (
        "strata/layer-kinds:1.0",
        "One image with a layer of each kind: gzip, zstd, uncompressed, ambiguous Docker tar, \
         non-distributable, encrypted and eStargz",
    ),
    (
        LAYERS_IMAGE,
        "Three layers with whiteouts, an opaque directory, a hardlink and a file replaced by \
         a directory — open its files",
    ),
    (
        "strata/soci:1.0",
        "SOCI-enabled image: an index pairing an image with its SOCI v2 lazy-loading index",
    ),
    (
        "strata/artifacts:report",
        "OCI 1.1 artifact with an empty config, referring to the linux/amd64 image of \
         strata/multi-arch",
    ),
    (
        "strata/artifacts:bundle",
        "Sigstore bundle referring to the strata/multi-arch index",
    ),
    ("strata/helm-chart:0.1.0", "Helm chart stored in a registry"),
    (
        "strata/schema1:signed",
        "Deprecated Docker schema 1 manifest with a libtrust JWS signature",
    ),
    (
        "strata/schema1:unsigned",
        "Deprecated Docker schema 1 manifest without signatures",
    ),
    (
        "strata/unknown-kind:1.0",
        "A document of a media type no tool knows, shown raw",
    ),
    (
        "strata/moved-tag:stable",
        "The tag \"stable\" was moved: it names build 1.2 now, while build 1.1, which it named \
         until 2026-03-02, is still in the repository, reachable by its digest only.",
    ),
    ("strata/tampered:latest", tampered::DESCRIPTION),
    ("strata/shared-layers:1.0", shared_layers::DESCRIPTION),
    (
        "strata/signed-elsewhere:1.0",
        "A cosign signature made for another image (strata/multi-arch), and a CycloneDX SBOM \
         attached with cosign",
    ),
];

/// The host name the proxy serves the demo registry under; signatures name images with it.
const DEMO_HOST: &str = registry_host::DEMO_REGISTRY;

const IN_TOTO_STATEMENT: &str = "https://in-toto.io/Statement/v0.1";

/// 2026-01-01T00:00:00Z, used as the mtime of every tar entry.
const LAYER_MTIME: u64 = 1_767_225_600;
const BASE_CREATED: &str = "2025-12-18T00:12:29Z";
const BUILD_CREATED: &str = "2026-01-01T00:00:00Z";
const BUILD_FINISHED: &str = "2026-01-01T00:00:07Z";

const VERSION: &str = "1.0";
const SOURCE_URL: &str = "https://github.com/strata-demo/greet";
const REVISION: &str = "3f6c1e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e";
const LICENSE: &str = "Apache-2.0";
const DESCRIPTION: &str = "A tiny greeting service used by the Strata demo registry";
const AUTHOR: &str = "Strata Demo <demo@strata.invalid>";
const PATH_ENV: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const GREETING_ENV: &str = "GREETING=hello";
const ENTRYPOINT: &str = "/usr/local/bin/greet";

/// A content-addressed blob already stored in [`Blobs`].
#[derive(Clone)]
struct Blob {
    digest: String,
    size: u64,
}

impl Blob {
    fn hex(&self) -> &str {
        self.digest.trim_start_matches("sha256:")
    }
}

/// All blobs of the layout, keyed by hex digest so they are written in a stable order.
#[derive(Default)]
struct Blobs {
    stored: BTreeMap<String, Vec<u8>>,
    /// Bytes written over a blob after its digest was: only [`tampered`]'s, on purpose.
    tampered: BTreeMap<String, Vec<u8>>,
}

impl Blobs {
    fn put(&mut self, bytes: Vec<u8>) -> Blob {
        let hex = sha256_hex(&bytes);
        self.put_named(hex, bytes)
    }

    fn put_json(&mut self, value: &Value) -> Result<Blob> {
        Ok(self.put(json_bytes(value)?))
    }

    /// Stores `bytes` under `hex` even if that is not their digest. Only a signed schema 1
    /// manifest needs this; see [`schema1`].
    fn put_named(&mut self, hex: String, bytes: Vec<u8>) -> Blob {
        let blob = Blob {
            digest: format!("sha256:{hex}"),
            size: bytes.len() as u64,
        };
        self.stored.insert(hex, bytes);
        blob
    }

    /// Serves `bytes` under `blob`'s digest, which they do not hash to. Only the
    /// `strata/tampered` lesson calls this.
    fn put_tampered(&mut self, blob: &Blob, bytes: Vec<u8>) {
        self.tampered.insert(blob.hex().to_owned(), bytes);
    }

    /// The digests whose bytes were tampered with.
    #[cfg(test)]
    fn tampered_digests(&self) -> std::collections::BTreeSet<String> {
        self.tampered
            .keys()
            .map(|hex| format!("sha256:{hex}"))
            .collect()
    }

    /// Every file of `blobs/sha256`, tampered bytes in place of the honest ones.
    fn files(&self) -> impl Iterator<Item = (&String, &Vec<u8>)> {
        self.stored
            .iter()
            .map(|(hex, bytes)| (hex, self.tampered.get(hex).unwrap_or(bytes)))
    }

    /// The `{}` blob behind the empty descriptor of OCI 1.1 artifacts.
    fn put_empty(&mut self) -> Blob {
        self.put(b"{}".to_vec())
    }
}

/// Writes the demo layout into `dir`, replacing whatever layout was there before.
pub fn write_layout(dir: &Path) -> Result<()> {
    let (blobs, index) = build_layout()?;
    write_oci_layout(dir, blobs.files(), &index)
}

/// Writes an OCI image layout into `dir` (replacing the layout there): `oci-layout`, each blob under
/// `blobs/sha256/<hex>`, and `index`.
pub fn write_oci_layout<'a>(
    dir: &Path,
    blobs: impl IntoIterator<Item = (&'a String, &'a Vec<u8>)>,
    index: &Value,
) -> Result<()> {
    reset_dir(dir)?;
    let blob_dir = dir.join("blobs").join("sha256");
    fs::create_dir_all(&blob_dir).with_context(|| format!("creating {}", blob_dir.display()))?;
    write_file(
        &dir.join("oci-layout"),
        &json_bytes(&json!({ "imageLayoutVersion": "1.0.0" }))?,
    )?;
    for (hex, bytes) in blobs {
        write_file(&blob_dir.join(hex), bytes)?;
    }
    write_file(&dir.join("index.json"), &json_bytes(index)?)
}

/// Removes a previous layout so no stale blobs linger, but refuses to wipe a
/// non-empty directory that is not a layout (e.g. a mistyped `--out .`).
fn reset_dir(dir: &Path) -> Result<()> {
    if fs::symlink_metadata(dir).is_ok() {
        let is_empty = fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_none();
        if !is_empty && !dir.join("oci-layout").is_file() {
            bail!(
                "refusing to replace {}: it is not empty and holds no oci-layout file",
                dir.display()
            );
        }
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// A root of the layout: one `index.json` entry per tag, or one entry by digest when no
/// tag names it.
struct Root {
    repository: &'static str,
    tags: Vec<String>,
    media_type: &'static str,
    blob: Blob,
    /// How a root no tag names is listed.
    untagged: Option<Untagged>,
}

/// A root no tag names, listed on the landing page by digest.
struct Untagged {
    /// The tag a reader pinned together with the digest, and when (RFC 3339).
    pinned: Option<(&'static str, &'static str)>,
    description: &'static str,
}

impl Root {
    fn new(repository: &'static str, tags: &[&str], media_type: &'static str, blob: Blob) -> Self {
        Root {
            repository,
            tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
            media_type,
            blob,
            untagged: None,
        }
    }

    fn untagged(
        repository: &'static str,
        media_type: &'static str,
        blob: Blob,
        untagged: Untagged,
    ) -> Self {
        Root {
            repository,
            tags: Vec::new(),
            media_type,
            blob,
            untagged: Some(untagged),
        }
    }

    /// The `index.json` entries: `repository:tag` for each tag, or, untagged,
    /// `repository[:pinned tag]@digest` (the grammar of `ref.name` allows `@`). A cosign-signed
    /// demo image's names `cosign_key`, the demo's public key as `?key=` carries it.
    fn entries(&self, cosign_key: &str) -> Vec<Value> {
        let entry = |annotations: Value| {
            let mut entry = descriptor(self.media_type, &self.blob);
            insert(&mut entry, "annotations", annotations);
            entry
        };
        if let Some(untagged) = &self.untagged {
            let tag = untagged
                .pinned
                .map(|(tag, _)| format!(":{tag}"))
                .unwrap_or_default();
            let name = format!("{}{tag}@{}", self.repository, self.blob.digest);
            let mut annotations =
                json!({ REF_NAME: name, DESCRIPTION_ANNOTATION: untagged.description });
            if let Some((_, pinned_at)) = untagged.pinned {
                annotations[strata_image::registry_host::DEMO_PINNED_ANNOTATION] = json!(pinned_at);
            }
            return vec![entry(annotations)];
        }
        self.tags
            .iter()
            .map(|tag| {
                let name = format!("{}:{tag}", self.repository);
                let mut annotations = json!({ REF_NAME: name });
                if let Some((_, description)) = DEMO_IMAGES.iter().find(|(image, _)| *image == name)
                {
                    annotations[DESCRIPTION_ANNOTATION] = json!(description);
                }
                if name == registry_host::DEMO_SIGNED {
                    annotations[registry_host::DEMO_COSIGN_KEY_ANNOTATION] = json!(cosign_key);
                }
                entry(annotations)
            })
            .collect()
    }
}

/// Builds every blob and the top-level `index.json` document.
fn build_layout() -> Result<(Blobs, Value)> {
    let mut blobs = Blobs::default();
    let roots = build_roots(&mut blobs)?;
    check_catalog(&roots)?;
    let cosign_key = encoding::base64url(&cosign_key::public_key_der()?);
    let manifests: Vec<Value> = roots
        .iter()
        .flat_map(|root| root.entries(&cosign_key))
        .collect();
    let index = json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": manifests,
    });
    Ok((blobs, index))
}

/// Every root, in [`REPOSITORIES`] order.
fn build_roots(blobs: &mut Blobs) -> Result<Vec<Root>> {
    let multi_arch = images::build_multi_arch(blobs)?;
    let index = &multi_arch.index;
    let signature_tag = sigstore::cosign_tag(index, sigstore::SIGNATURE_SUFFIX);
    let attestation_tag = sigstore::cosign_tag(index, sigstore::ATTESTATION_SUFFIX);
    let single = images::build_single(blobs)?;
    let elsewhere_signature_tag = sigstore::cosign_tag(&single, sigstore::SIGNATURE_SUFFIX);
    let elsewhere_sbom_tag = sigstore::cosign_tag(&single, sigstore::SBOM_SUFFIX);
    let [signed, unsigned] = schema1::build(blobs)?;
    let (first_build, second_build) = moved_tag::build(blobs)?;
    let (tagged_release, candidate) = untagged::build(blobs)?;
    Ok(vec![
        Root::new(MULTI_ARCH, RELEASE_TAGS, OCI_INDEX, index.clone()),
        Root::new(
            MULTI_ARCH,
            &[&signature_tag],
            OCI_MANIFEST,
            sigstore::build_signature(blobs, MULTI_ARCH, index)?,
        ),
        Root::new(
            MULTI_ARCH,
            &[&attestation_tag],
            OCI_MANIFEST,
            sigstore::build_attestation(blobs, MULTI_ARCH, index)?,
        ),
        Root::new(
            MANIFEST_LIST,
            RELEASE_TAGS,
            DOCKER_LIST,
            images::build_manifest_list(blobs)?,
        ),
        Root::new(SINGLE, RELEASE_TAGS, DOCKER_MANIFEST, single.clone()),
        Root::new(
            ARTIFACTS,
            &[REPORT_TAG],
            OCI_MANIFEST,
            artifacts::build_report(blobs, &multi_arch.amd64)?,
        ),
        Root::new(
            ARTIFACTS,
            &[BUNDLE_TAG],
            OCI_MANIFEST,
            sigstore::build_bundle_referrer(blobs, MULTI_ARCH, index)?,
        ),
        Root::new(
            HELM_CHART,
            &[CHART_TAG],
            OCI_MANIFEST,
            helm::build_chart(blobs)?,
        ),
        Root::new(SCHEMA1, &[SIGNED_TAG], schema1::SIGNED, signed),
        Root::new(SCHEMA1, &[UNSIGNED_TAG], schema1::UNSIGNED, unsigned),
        Root::new(
            NESTED_INDEX,
            VERSION_TAGS,
            OCI_INDEX,
            nested_index::build(blobs)?,
        ),
        Root::new(
            LAYER_KINDS,
            VERSION_TAGS,
            OCI_MANIFEST,
            layer_kinds::build(blobs)?,
        ),
        Root::new(
            LAYERS,
            RELEASE_TAGS,
            OCI_MANIFEST,
            layers_image::build(blobs)?,
        ),
        Root::new(SOCI, VERSION_TAGS, OCI_INDEX, soci::build(blobs)?),
        Root::new(
            UNKNOWN_KIND,
            VERSION_TAGS,
            artifacts::MYSTERY,
            artifacts::build_mystery(blobs)?,
        ),
        Root::new(MOVED_TAG, &[moved_tag::MOVED], OCI_MANIFEST, second_build),
        Root::untagged(
            MOVED_TAG,
            OCI_MANIFEST,
            first_build,
            Untagged {
                pinned: Some((moved_tag::MOVED, moved_tag::PINNED_AT)),
                description: moved_tag::FIRST_DESCRIPTION,
            },
        ),
        Root::new(UNTAGGED, &[untagged::TAG], OCI_MANIFEST, tagged_release),
        Root::untagged(
            UNTAGGED,
            OCI_MANIFEST,
            candidate,
            Untagged {
                pinned: None,
                description: untagged::UNTAGGED_DESCRIPTION,
            },
        ),
        Root::new(
            TAMPERED_REPOSITORY,
            &[tampered::TAG],
            OCI_INDEX,
            tampered::build(blobs)?,
        ),
        Root::new(
            SHARED_LAYERS,
            &[shared_layers::TAG],
            OCI_INDEX,
            shared_layers::build(blobs)?,
        ),
        // The single image again, carrying a signature made for the multi-arch index (valid, and not
        // its own) and a CycloneDX SBOM attached with cosign.
        Root::new(
            SIGNED_ELSEWHERE,
            &[SIGNED_ELSEWHERE_TAG],
            DOCKER_MANIFEST,
            single,
        ),
        Root::new(
            SIGNED_ELSEWHERE,
            &[&elsewhere_signature_tag],
            OCI_MANIFEST,
            sigstore::build_signature(blobs, MULTI_ARCH, index)?,
        ),
        Root::new(
            SIGNED_ELSEWHERE,
            &[&elsewhere_sbom_tag],
            OCI_MANIFEST,
            sigstore::build_attached_sbom(blobs, SIGNED_ELSEWHERE)?,
        ),
    ])
}

/// Keeps [`REPOSITORIES`] and [`DEMO_IMAGES`] true to what was built: every fixed tag
/// exists, only cosign adds tags of its own, and every demo image is a tagged root.
fn check_catalog(roots: &[Root]) -> Result<()> {
    let mut built: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for root in roots {
        let tags = built.entry(root.repository).or_default();
        tags.extend(root.tags.iter().map(String::as_str));
    }
    for (repository, tags) in REPOSITORIES {
        let Some(built_tags) = built.remove(repository) else {
            bail!("repository {repository} was not built");
        };
        let extra: Vec<&&str> = built_tags
            .iter()
            .filter(|tag| !tags.contains(tag))
            .collect();
        let missing: Vec<&&str> = tags
            .iter()
            .filter(|tag| !built_tags.contains(tag))
            .collect();
        let only_cosign = extra.iter().all(|tag| {
            [MULTI_ARCH, SIGNED_ELSEWHERE].contains(repository) && tag.starts_with("sha256-")
        });
        if !missing.is_empty() || !only_cosign {
            bail!("{repository}: tags {missing:?} not built, {extra:?} not listed");
        }
    }
    if let Some(repository) = built.keys().next() {
        bail!("repository {repository} is missing from REPOSITORIES");
    }
    for root in roots {
        let Some((tag, _)) = root.untagged.as_ref().and_then(|untagged| untagged.pinned) else {
            continue;
        };
        let moved = roots.iter().any(|other| {
            other.repository == root.repository
                && other.tags.iter().any(|other_tag| other_tag == tag)
                && other.blob.digest != root.blob.digest
        });
        if !moved {
            bail!(
                "{}@{} is pinned with the tag {tag}, which must now name another manifest",
                root.repository,
                root.blob.digest
            );
        }
    }
    for (reference, _) in DEMO_IMAGES {
        let known = REPOSITORIES.iter().any(|(repository, tags)| {
            tags.iter()
                .any(|tag| format!("{repository}:{tag}") == *reference)
        });
        if !known {
            bail!("demo image {reference} is not a tagged root");
        }
    }
    Ok(())
}

fn descriptor(media_type: &str, blob: &Blob) -> Value {
    json!({ "mediaType": media_type, "digest": blob.digest, "size": blob.size })
}

/// Adds a field to a JSON object built with `json!`.
fn insert(object: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = object {
        map.insert(key.to_owned(), value);
    }
}

/// Compact JSON with keys sorted explicitly, so the bytes (and digests) stay the same
/// even if another crate in the build turns on serde_json's `preserve_order`.
pub fn json_bytes(value: &Value) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(&sorted_keys(value))?)
}

fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> = map
                .iter()
                .map(|(key, value)| (key, sorted_keys(value)))
                .collect();
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(key, value)| (key.clone(), value))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

fn sha256_hex(data: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(data) {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}
