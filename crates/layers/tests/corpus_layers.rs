//! Every layer blob of the shared corpus's image archives (OCI layouts and `docker save`) read, listed
//! and verified twice over.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::manifest::{self, Document};
use strata_image::media_type;
use strata_layers::{EntryKind, FileAt, FileFromCheckpoint, LayerReader, Limits};

use support::*;

/// Distinct layer blobs in the corpus's layout archives, each read, listed and verified twice over.
const CORPUS_LAYERS: usize = 11;

fn corpus_layouts() -> Option<PathBuf> {
    strata_test_corpus::corpus_dir().map(|corpus| corpus.join("layouts"))
}

/// Regular files of an archive by path (`./` stripped), read with the layer reader itself.
fn archive_files(archive: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let digest = Digest::sha256_of(archive);
    let mut reader = LayerReader::new(PLAIN, &digest, None, Limits::default()).expect("reader");
    let names: Vec<String> = reader
        .push(archive)
        .expect("archive")
        .into_iter()
        .filter(|entry| entry.kind == EntryKind::File)
        .map(|entry| entry.path)
        .collect();
    reader.finish().expect("complete archive");
    names
        .into_iter()
        .map(|name| {
            let mut reader =
                LayerReader::new(PLAIN, &digest, None, Limits::default()).expect("reader");
            reader.capture(&name, usize::MAX);
            reader.push(archive).expect("archive");
            let bytes = reader.captured().expect("captured").to_vec();
            (name.trim_start_matches('/').to_owned(), bytes)
        })
        .collect()
}

fn blob<'a>(files: &'a BTreeMap<String, Vec<u8>>, digest: &str) -> Option<&'a Vec<u8>> {
    let (algorithm, encoded) = digest.split_once(':')?;
    files.get(&format!("blobs/{algorithm}/{encoded}"))
}

/// (media type, digest, diff_id) of every image layer an archive's OCI layout lists.
fn oci_layers(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String, Option<String>)> {
    let mut layers = Vec::new();
    let Some(index) = files.get("index.json") else {
        return layers;
    };
    let mut pending = vec![index.clone()];
    let mut seen = BTreeSet::new();
    while let Some(bytes) = pending.pop() {
        let Ok(read) = manifest::read_document(&bytes, None) else {
            continue;
        };
        match read.document {
            Document::Index(index) => {
                for child in index.manifests {
                    if seen.insert(child.digest.clone())
                        && let Some(bytes) = blob(files, &child.digest)
                    {
                        pending.push(bytes.clone());
                    }
                }
            }
            Document::Manifest(image) if media_type::is_image_config(&image.config.media_type) => {
                let diff_ids = blob(files, &image.config.digest)
                    .and_then(|config| ImageConfig::parse(config).ok())
                    .and_then(|config| config.rootfs)
                    .map(|rootfs| rootfs.diff_ids)
                    .unwrap_or_default();
                for (position, layer) in image.layers.iter().enumerate() {
                    if media_type::is_image_layer(&layer.media_type) {
                        layers.push((
                            layer.media_type.clone(),
                            layer.digest.clone(),
                            diff_ids.get(position).cloned(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    layers
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SaveEntry {
    config: String,
    #[serde(default)]
    layers: Vec<String>,
}

/// (media type, digest, diff_id) of every layer a `docker save` manifest.json lists.
fn docker_save_layers(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String, Option<String>)> {
    let Some(manifest) = files.get("manifest.json") else {
        return Vec::new();
    };
    let entries: Vec<SaveEntry> = serde_json::from_slice(manifest).expect("manifest.json");
    let mut layers = Vec::new();
    for entry in entries {
        let config = ImageConfig::parse(&files[&entry.config]).expect("config");
        let diff_ids = config
            .rootfs
            .map(|rootfs| rootfs.diff_ids)
            .unwrap_or_default();
        for (position, path) in entry.layers.iter().enumerate() {
            let digest = Digest::sha256_of(&files[path]).to_string();
            layers.push((
                media_type::DOCKER_LAYER.to_owned(),
                digest,
                diff_ids.get(position).cloned(),
            ));
        }
    }
    layers
}

/// Reads a gzip layer keeping a checkpoint at every member and block start, then every file
/// with bytes again from the nearest checkpoint before it: each must come out as the full read saw it.
fn read_again_from_checkpoints(name: &str, media_type: &str, digest: &Digest, blob: &[u8]) {
    let mut reader = LayerReader::new(media_type, digest, None, Limits::default()).expect("reader");
    reader.keep_checkpoints(1);
    reader.hash_file_contents();
    let mut entries = Vec::new();
    for piece in blob.chunks(4096) {
        entries.extend(reader.push(piece).expect("valid"));
    }
    let checkpoints = reader.checkpoints().to_vec();
    reader.finish().expect("complete");
    let mut from_a_checkpoint = 0;
    for entry in entries.iter().filter(|entry| entry.size > 0) {
        let (Some(offset), Some(expected)) = (entry.data_offset, entry.content_digest.clone())
        else {
            continue;
        };
        let Some(checkpoint) = FileAt::nearest(&checkpoints, offset) else {
            continue;
        };
        let start = usize::try_from(checkpoint.compressed).expect("in memory");
        let mut file = FileFromCheckpoint::new(
            FileAt {
                checkpoint: checkpoint.clone(),
                offset,
                size: entry.size,
                digest: expected.clone(),
            },
            64,
            false,
        )
        .expect("a checkpoint before the file");
        for piece in blob[start..].chunks(4096) {
            file.push(piece)
                .unwrap_or_else(|error| panic!("{name}: {}: {error}", entry.path));
            if file.is_complete() {
                break;
            }
        }
        let (_, read) = file
            .finish()
            .unwrap_or_else(|error| panic!("{name}: {}: {error}", entry.path));
        assert_eq!(
            (read.digest, read.size),
            (expected, entry.size),
            "{name}: {}",
            entry.path
        );
        from_a_checkpoint += 1;
    }
    println!(
        "{name}: {} {} checkpoints, {from_a_checkpoint} files read again from one",
        digest.short(),
        checkpoints.len()
    );
}

#[test]
fn every_corpus_layer_is_listed_and_verified_twice() {
    let Some(layouts) = corpus_layouts() else {
        return;
    };
    let mut names: Vec<PathBuf> = fs::read_dir(&layouts)
        .expect("layouts folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "tar"))
        .collect();
    names.sort();
    let mut covered = BTreeSet::new();
    for archive_path in &names {
        let name = archive_path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let files = archive_files(&fs::read(archive_path).expect("readable archive"));
        let mut layers = oci_layers(&files);
        layers.extend(docker_save_layers(&files));
        for (media_type, digest, diff_id) in layers {
            let bytes = match blob(&files, &digest) {
                Some(bytes) => bytes.clone(),
                // docker save names layers by path; their digest was computed from the bytes.
                None => match files
                    .values()
                    .find(|bytes| Digest::sha256_of(bytes).to_string() == digest)
                {
                    Some(bytes) => bytes.clone(),
                    None => continue,
                },
            };
            let digest = Digest::parse(&digest).expect("layer digest");
            let diff_id = diff_id.map(|diff_id| Digest::parse(&diff_id).expect("diff_id"));
            assert!(diff_id.is_some(), "{name}: {digest} has no diff_id");
            let mut reader =
                LayerReader::new(&media_type, &digest, diff_id.as_ref(), Limits::default())
                    .unwrap_or_else(|error| panic!("{name}: {digest}: {error}"));
            let mut entries = 0;
            for piece in bytes.chunks(4096) {
                entries += reader
                    .push(piece)
                    .unwrap_or_else(|error| panic!("{name}: {digest}: {error}"))
                    .len();
            }
            let summary = reader
                .finish()
                .unwrap_or_else(|error| panic!("{name}: {digest}: {error}"));
            assert_eq!(
                summary.compressed.data_verify().as_str(),
                "verified",
                "{name}: {digest}"
            );
            assert_eq!(
                summary.uncompressed.data_verify().as_str(),
                "verified",
                "{name}: {digest}: {:?}",
                summary.uncompressed
            );
            assert_eq!(summary.progress.entries, entries, "{name}: {digest}");
            if media_type::layer_kind(&media_type).compression == media_type::Compression::Gzip {
                read_again_from_checkpoints(&name, &media_type, &digest, &bytes);
            }
            if covered.insert(digest.to_string()) {
                println!(
                    "{name}: {} {media_type}: {entries} entries, {} -> {} bytes",
                    digest.short(),
                    summary.progress.compressed_bytes,
                    summary.progress.uncompressed_bytes
                );
            }
        }
    }
    assert_eq!(covered.len(), CORPUS_LAYERS);
}
