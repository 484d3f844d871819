//! Tests of the whole layout: determinism, every descriptor resolving to a matching blob,
//! the catalog constants, and the original greet images.

mod kinds;
mod layers;
mod lessons;

use super::images::{
    ATTESTATION_MANIFEST, PREDICATE_TYPE, REFERENCE_DIGEST, REFERENCE_TYPE, SLSA_PREDICATE,
    SPDX_PREDICATE,
};
use super::layers::{base_entries, config_change_entries, tar_bytes};
use super::nested_index::DOCKER_FOREIGN_LAYER;
use super::platforms::{AMD64, ARM_V7, ARM64_V8};
use super::soci::SOCI_INDEX_V2;
use super::*;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let path = std::env::temp_dir().join(format!(
            "strata-demo-registry-{label}-{}-{nanos}",
            std::process::id()
        ));
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A written layout, its `index.json` and the digests `strata/tampered` altered on purpose.
struct Layout {
    dir: TempDir,
    index: Value,
    tampered: BTreeSet<String>,
}

impl Layout {
    fn write(label: &str) -> Self {
        let dir = TempDir::new(label);
        write_layout(&dir.0).unwrap();
        let index = read_json(&fs::read(dir.0.join("index.json")).unwrap());
        let tampered = build_layout().unwrap().0.tampered_digests();
        Layout {
            dir,
            index,
            tampered,
        }
    }

    fn path(&self) -> &Path {
        &self.dir.0
    }

    fn roots(&self) -> &[Value] {
        self.index["manifests"].as_array().unwrap()
    }

    /// The `index.json` entry tagged `reference`.
    fn root(&self, reference: &str) -> &Value {
        self.roots()
            .iter()
            .find(|root| root["annotations"][REF_NAME] == reference)
            .unwrap_or_else(|| panic!("no root tagged {reference}"))
    }

    /// The blob a descriptor names, checked against its digest and size.
    fn fetch(&self, descriptor: &Value) -> Vec<u8> {
        fetch(self.path(), descriptor)
    }

    fn fetch_json(&self, descriptor: &Value) -> Value {
        read_json(&self.fetch(descriptor))
    }
}

fn read_tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn read_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

fn blob_path(dir: &Path, digest: &str) -> PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap();
    dir.join("blobs/sha256").join(hex)
}

/// Reads the blob a descriptor names and checks its digest and size.
fn fetch(dir: &Path, descriptor: &Value) -> Vec<u8> {
    let digest = descriptor["digest"].as_str().unwrap();
    let bytes = fetch_digest(dir, digest);
    assert_eq!(
        descriptor["size"].as_u64().unwrap(),
        bytes.len() as u64,
        "size of {digest}"
    );
    bytes
}

/// Reads a blob `strata/tampered` altered on purpose: it must not hash to its name.
fn fetch_tampered(dir: &Path, digest: &str) -> Vec<u8> {
    let bytes = fs::read(blob_path(dir, digest)).unwrap();
    assert_ne!(format!("sha256:{}", sha256_hex(&bytes)), digest);
    bytes
}

/// Reads a blob by digest alone (schema 1 records no sizes) and checks its content.
fn fetch_digest(dir: &Path, digest: &str) -> Vec<u8> {
    let bytes = fs::read(blob_path(dir, digest))
        .unwrap_or_else(|err| panic!("blob {digest} missing: {err}"));
    assert_eq!(format!("sha256:{}", sha256_hex(&bytes)), digest);
    bytes
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Decodes base64 or base64url, padded or not.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |symbol: u8| -> u32 {
        match symbol {
            b'A'..=b'Z' => u32::from(symbol - b'A'),
            b'a'..=b'z' => u32::from(symbol - b'a') + 26,
            b'0'..=b'9' => u32::from(symbol - b'0') + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            other => panic!("not base64: {other}"),
        }
    };
    let symbols: Vec<u8> = text.bytes().filter(|symbol| *symbol != b'=').collect();
    let mut out = Vec::new();
    for chunk in symbols.chunks(4) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (i, symbol)| {
            group | value(*symbol) << (18 - 6 * i)
        });
        out.extend(&group.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// The content of a layer blob once decompressed, or `None` if it is encrypted. Docker's
/// ambiguous uncompressed type is sniffed by magic bytes, as containerd does.
fn uncompressed(media_type: &str, blob: Vec<u8>) -> Option<Vec<u8>> {
    if media_type.ends_with("+encrypted") {
        None
    } else if media_type.ends_with("zstd") || blob.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some(kinds::read_zstd_raw_frame(&blob))
    } else if media_type.ends_with("gzip") || blob.starts_with(&[0x1f, 0x8b]) {
        Some(gunzip(&blob))
    } else {
        Some(blob)
    }
}

/// The JWS payload of a signed schema 1 manifest: the first `formatLength` bytes and the
/// decoded `formatTail` of its protected header.
fn jws_payload(signed: &[u8]) -> Vec<u8> {
    let document = read_json(signed);
    let protected = document["signatures"][0]["protected"].as_str().unwrap();
    let header = read_json(&decode_base64(protected));
    let length = usize::try_from(header["formatLength"].as_u64().unwrap()).unwrap();
    let mut payload = signed[..length].to_vec();
    payload.extend(decode_base64(header["formatTail"].as_str().unwrap()));
    payload
}

/// Walks everything below the roots, checking each descriptor, and remembers which blobs
/// it saw. The deliberately tampered blobs must not match, and what they claim goes unchecked.
struct Verifier<'a> {
    dir: &'a Path,
    seen: BTreeSet<String>,
    tampered: &'a BTreeSet<String>,
}

impl Verifier<'_> {
    fn fetch(&mut self, descriptor: &Value) -> Vec<u8> {
        let digest = descriptor["digest"].as_str().unwrap();
        self.seen.insert(digest.to_owned());
        if self.tampered.contains(digest) {
            return fetch_tampered(self.dir, digest);
        }
        fetch(self.dir, descriptor)
    }

    fn is_tampered(&self, descriptor: &Value) -> bool {
        self.tampered
            .contains(descriptor["digest"].as_str().unwrap_or_default())
    }

    /// Verifies a root or index entry; returns how many image manifests it holds.
    fn verify_tree(&mut self, descriptor: &Value) -> usize {
        let media_type = descriptor["mediaType"].as_str().unwrap();
        if media_type == schema1::SIGNED || media_type == schema1::UNSIGNED {
            self.verify_schema1(descriptor);
            return 1;
        }
        let document = read_json(&self.fetch(descriptor));
        assert_eq!(document["mediaType"], media_type);
        match media_type {
            OCI_INDEX | DOCKER_LIST => document["manifests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|child| self.verify_tree(child))
                .sum(),
            OCI_MANIFEST | DOCKER_MANIFEST => {
                let tampered = self.is_tampered(descriptor);
                self.verify_manifest(&document, !tampered);
                1
            }
            _ => 0,
        }
    }

    /// `consistent`: whether the config must agree with the layers (not when the manifest
    /// itself was altered).
    fn verify_manifest(&mut self, manifest: &Value, consistent: bool) {
        let config_bytes = self.fetch(&manifest["config"]);
        if let Some(subject) = manifest.get("subject") {
            self.fetch(subject);
        }
        let layers = manifest["layers"].as_array().unwrap();
        let diff_ids: Vec<Option<String>> = layers
            .iter()
            .map(|layer| {
                let media_type = layer["mediaType"].as_str().unwrap();
                if media_type == DOCKER_FOREIGN_LAYER {
                    let digest = layer["digest"].as_str().unwrap();
                    assert!(!blob_path(self.dir, digest).exists(), "{digest} is foreign");
                    assert!(layer["urls"][0].as_str().unwrap().starts_with("https://"));
                    return None;
                }
                if self.is_tampered(layer) {
                    self.fetch(layer);
                    return None;
                }
                let tar = uncompressed(media_type, self.fetch(layer))?;
                Some(format!("sha256:{}", sha256_hex(&tar)))
            })
            .collect();
        match manifest["config"]["mediaType"].as_str().unwrap() {
            OCI_CONFIG | DOCKER_CONFIG if !consistent => {}
            OCI_CONFIG | DOCKER_CONFIG => verify_image_config(&read_json(&config_bytes), &diff_ids),
            OCI_EMPTY | SOCI_INDEX_V2 => assert_eq!(config_bytes, b"{}"),
            _ => {}
        }
    }

    /// Schema 1: a signed manifest is named after its payload; its layers are top-first
    /// and each has a history entry chained to the one below.
    fn verify_schema1(&mut self, descriptor: &Value) {
        let digest = descriptor["digest"].as_str().unwrap();
        self.seen.insert(digest.to_owned());
        let bytes = fs::read(blob_path(self.dir, digest)).unwrap();
        assert_eq!(descriptor["size"].as_u64().unwrap(), bytes.len() as u64);
        let payload = if descriptor["mediaType"] == schema1::SIGNED {
            jws_payload(&bytes)
        } else {
            bytes
        };
        assert_eq!(format!("sha256:{}", sha256_hex(&payload)), digest);
        let manifest = read_json(&payload);
        assert_eq!(manifest["schemaVersion"], 1);
        assert!(manifest.get("signatures").is_none());
        let fs_layers = manifest["fsLayers"].as_array().unwrap();
        let history = manifest["history"].as_array().unwrap();
        assert_eq!(fs_layers.len(), history.len());
        let mut below: Option<String> = None;
        for (layer, entry) in fs_layers.iter().zip(history).rev() {
            let blob_sum = layer["blobSum"].as_str().unwrap();
            self.seen.insert(blob_sum.to_owned());
            let tar = gunzip(&fetch_digest(self.dir, blob_sum));
            let v1 = read_json(entry["v1Compatibility"].as_str().unwrap().as_bytes());
            assert_eq!(v1["throwaway"] == true, tar == [0; 1024], "{v1}");
            assert_eq!(v1["parent"].as_str().map(str::to_owned), below);
            below = Some(v1["id"].as_str().unwrap().to_owned());
        }
    }
}

/// diff_ids match the layers (where they can be computed) and history has one non-empty
/// step per layer.
fn verify_image_config(config: &Value, diff_ids: &[Option<String>]) {
    assert_eq!(config["rootfs"]["type"], "layers");
    let recorded = config["rootfs"]["diff_ids"].as_array().unwrap();
    assert_eq!(recorded.len(), diff_ids.len(), "diff_ids of {config}");
    for (recorded, computed) in recorded.iter().zip(diff_ids) {
        if let Some(computed) = computed {
            assert_eq!(recorded, computed);
        }
    }
    if config["architecture"] != "unknown" {
        let non_empty = config["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|step| step["empty_layer"] != json!(true))
            .count();
        assert_eq!(non_empty, diff_ids.len(), "history of {config}");
    }
}

#[test]
fn layout_is_byte_identical_across_runs() {
    let first = Layout::write("first");
    let second = Layout::write("second");
    let first_tree = read_tree(first.path());
    assert!(first_tree.contains_key(Path::new("oci-layout")));
    assert!(first_tree.contains_key(Path::new("index.json")));
    assert_eq!(first_tree, read_tree(second.path()));

    // Rewriting in place drops nothing and leaves nothing stale.
    fs::write(first.path().join("blobs/sha256/stale"), b"old").unwrap();
    write_layout(first.path()).unwrap();
    assert_eq!(first_tree, read_tree(first.path()));
}

#[test]
fn the_original_roots_keep_their_digests() {
    let layout = Layout::write("original");
    let pinned = [
        (
            "strata/multi-arch",
            "sha256:75de80374f112075def75eef728a86d35c3ed7381295680a460014971be2d244",
        ),
        (
            "strata/manifest-list",
            "sha256:073a67b707068cdd7206d086bfdf74a40dd008ed488b464d5d5d81c055d23b41",
        ),
        (
            "strata/single",
            "sha256:11bbcdb469471c0be834051c8caeb2a8b8d60052acf2b4f58a7bdc410f2b3531",
        ),
    ];
    for (repository, digest) in pinned {
        for tag in RELEASE_TAGS {
            assert_eq!(
                layout.root(&format!("{repository}:{tag}"))["digest"],
                digest
            );
        }
    }
}

#[test]
fn every_descriptor_resolves_to_a_matching_blob() {
    let layout = Layout::write("descriptors");
    let index_hex = layout.root("strata/multi-arch:1.0")["digest"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_owned();
    let names: BTreeSet<String> = layout
        .roots()
        .iter()
        .map(|root| root["annotations"][REF_NAME].as_str().unwrap().to_owned())
        .collect();
    let mut expected: BTreeSet<String> = REPOSITORIES
        .iter()
        .flat_map(|(repository, tags)| tags.iter().map(move |tag| format!("{repository}:{tag}")))
        .collect();
    expected.insert(format!("strata/multi-arch:sha256-{index_hex}.sig"));
    expected.insert(format!("strata/multi-arch:sha256-{index_hex}.att"));
    let elsewhere_hex = layout.root("strata/signed-elsewhere:1.0")["digest"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_owned();
    expected.insert(format!(
        "strata/signed-elsewhere:sha256-{elsewhere_hex}.sig"
    ));
    expected.insert(format!(
        "strata/signed-elsewhere:sha256-{elsewhere_hex}.sbom"
    ));
    let untagged: BTreeSet<String> = names.difference(&expected).cloned().collect();
    let untagged_repositories: Vec<&str> = untagged
        .iter()
        .map(|name| name.split_once(['@', ':']).unwrap().0)
        .collect();
    assert_eq!(untagged_repositories, [MOVED_TAG, UNTAGGED]);
    assert!(untagged.iter().all(|name| name.contains("@sha256:")));
    assert_eq!(names.len(), expected.len() + untagged.len());

    let mut verifier = Verifier {
        dir: layout.path(),
        seen: BTreeSet::new(),
        tampered: &layout.tampered,
    };
    let manifest_counts: Vec<usize> = layout
        .roots()
        .iter()
        .map(|root| verifier.verify_tree(root))
        .collect();
    // multi-arch (x2), .sig, .att, manifest-list (x2), single (x2), report, bundle, helm,
    // schema1 signed and unsigned, nested-index, layer-kinds, layers (x2), soci,
    // unknown-kind, moved-tag (tagged, then by digest), untagged (likewise), tampered,
    // shared-layers, signed-elsewhere and its .sig and .sbom.
    assert_eq!(
        manifest_counts,
        [
            8, 8, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 2, 0, 1, 1, 1, 1, 3, 2, 1, 1, 1
        ]
    );

    // Every blob is referenced, and all but the signed schema 1 manifest and the
    // deliberately tampered blobs are named after their own digest.
    let stored: BTreeSet<String> = fs::read_dir(layout.path().join("blobs/sha256"))
        .unwrap()
        .map(|entry| format!("sha256:{}", entry.unwrap().file_name().to_string_lossy()))
        .collect();
    assert_eq!(stored, verifier.seen);
    let signed = layout.root("strata/schema1:signed")["digest"]
        .as_str()
        .unwrap();
    assert_eq!(layout.tampered.len(), tampered::TAMPERED.len());
    for digest in stored.iter().filter(|digest| *digest != signed) {
        if layout.tampered.contains(digest) {
            fetch_tampered(layout.path(), digest);
        } else {
            fetch_digest(layout.path(), digest);
        }
    }
}

#[test]
fn the_catalog_lists_one_demo_image_per_kind() {
    let layout = Layout::write("catalog");
    for (reference, description) in DEMO_IMAGES {
        layout.root(reference);
        assert!(!description.is_empty() && !description.contains('\n'));
        assert!(!reference.contains(":sha256-"));
        if let Some(repository) = reference.strip_suffix(":latest") {
            let tags = REPOSITORIES.iter().find(|(name, _)| *name == repository);
            assert_eq!(tags.unwrap().1, ["latest"], "{reference} duplicates a tag");
        }
    }
    let described: Vec<&str> = layout
        .roots()
        .iter()
        .filter(|root| root["annotations"][DESCRIPTION_ANNOTATION].is_string())
        .map(|root| root["annotations"][REF_NAME].as_str().unwrap())
        .collect();
    assert_eq!(described.len(), DEMO_IMAGES.len() + 2, "{described:?}");
    for (repository, _) in REPOSITORIES {
        assert!(
            described.iter().any(|reference| {
                reference.starts_with(&format!("{repository}:"))
                    || reference.starts_with(&format!("{repository}@"))
            }),
            "{repository} has no demo image"
        );
    }
    let references: BTreeSet<&str> = DEMO_IMAGES
        .iter()
        .map(|(reference, _)| *reference)
        .collect();
    assert_eq!(references.len(), DEMO_IMAGES.len());
}

#[test]
fn multi_arch_index_pairs_each_platform_with_an_attestation() {
    let layout = Layout::write("multi-arch");
    let multi = layout.fetch_json(layout.root("strata/multi-arch:latest"));
    let entries = multi["manifests"].as_array().unwrap();
    let (attestations, platforms): (Vec<&Value>, Vec<&Value>) = entries
        .iter()
        .partition(|entry| entry["annotations"][REFERENCE_TYPE] == ATTESTATION_MANIFEST);

    assert_eq!(platforms.len(), 4);
    assert_eq!(attestations.len(), 4);
    assert!(
        platforms
            .iter()
            .all(|entry| entry["platform"]["os"] == "linux")
    );
    let specs: BTreeSet<String> = platforms
        .iter()
        .map(|entry| {
            let platform = &entry["platform"];
            let mut spec = format!("{}/{}", platform["os"], platform["architecture"]);
            if let Some(variant) = platform["variant"].as_str() {
                spec = format!("{spec}/{variant}");
            }
            spec.replace('"', "")
        })
        .collect();
    let expected: BTreeSet<String> = [
        "linux/amd64",
        "linux/arm64/v8",
        "linux/arm/v7",
        "linux/s390x",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(specs, expected);
    // buildx lists all platform manifests before the attestations.
    assert!(
        entries[..4]
            .iter()
            .all(|entry| entry["annotations"][REFERENCE_TYPE].is_null())
    );

    let platform_digests: BTreeSet<&str> = platforms
        .iter()
        .map(|entry| entry["digest"].as_str().unwrap())
        .collect();
    let referenced: BTreeSet<&str> = attestations
        .iter()
        .map(|entry| {
            assert_eq!(
                entry["platform"],
                json!({ "architecture": "unknown", "os": "unknown" })
            );
            entry["annotations"][REFERENCE_DIGEST].as_str().unwrap()
        })
        .collect();
    assert_eq!(referenced, platform_digests);

    for entry in attestations {
        let manifest = layout.fetch_json(entry);
        let subject_digest = entry["annotations"][REFERENCE_DIGEST].as_str().unwrap();
        let predicates: Vec<&str> = manifest["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|layer| {
                let statement = layout.fetch_json(layer);
                assert_eq!(
                    format!(
                        "sha256:{}",
                        statement["subject"][0]["digest"]["sha256"]
                            .as_str()
                            .unwrap()
                    ),
                    subject_digest
                );
                layer["annotations"][PREDICATE_TYPE].as_str().unwrap()
            })
            .collect();
        assert_eq!(predicates, [SPDX_PREDICATE, SLSA_PREDICATE]);
    }
}

#[test]
fn layers_are_valid_tars_and_the_last_one_deletes_a_file() {
    let tar = tar_bytes(&config_change_entries(ARM_V7)).unwrap();
    assert_eq!(tar.len() % 512, 0);
    assert!(tar.ends_with(&[0; 1024]));
    let mut archive = tar::Archive::new(tar.as_slice());
    let names: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            assert_eq!(entry.header().mtime().unwrap(), LAYER_MTIME);
            String::from_utf8(entry.path_bytes().into_owned()).unwrap()
        })
        .collect();
    assert_eq!(names, ["etc/", "etc/.wh.hostname", "etc/greet.conf"]);
    assert_ne!(
        tar_bytes(&base_entries(AMD64)).unwrap(),
        tar_bytes(&base_entries(ARM64_V8)).unwrap()
    );
}

#[test]
fn both_platforms_of_shared_layers_share_exactly_the_site_layer() {
    let layout = Layout::write("shared-layers");
    let index = layout.fetch_json(layout.root("strata/shared-layers:1.0"));
    let platforms: Vec<Value> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| layout.fetch_json(entry))
        .collect();
    let digests = |manifest: &Value| -> Vec<String> {
        manifest["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|layer| layer["digest"].as_str().unwrap().to_owned())
            .collect()
    };
    let (amd64, arm64) = (digests(&platforms[0]), digests(&platforms[1]));
    assert_eq!((amd64.len(), arm64.len()), (3, 3));
    assert_eq!(amd64[1], arm64[1], "the site layer is shared");
    assert_ne!(amd64[0], arm64[0], "each platform has its own base");
    assert_ne!(amd64[2], arm64[2], "and its own application");
}
