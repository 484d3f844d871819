//! Every image archive of the shared corpus (OCI layouts, Docker 25's `docker save`, a containers-image
//! docker-archive) opened from its tar index alone, and every document and layer it names found and
//! verified against the digest that names it, as the page will.

use std::fs;

use strata_archive::{ArchiveLayout, BlobSource, LocalBlob};
use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::manifest::{self, Document};
use strata_layers::{IndexStep, TarIndex, TarMember};

/// The archive's members, found by seeking as the page does in a local file.
fn members(archive: &[u8]) -> Vec<TarMember> {
    let mut index = TarIndex::new(archive.len() as u64);
    while let IndexStep::Read { offset, len } = index.next_step() {
        let start = usize::try_from(offset)
            .expect("in memory")
            .min(archive.len());
        let end = start.saturating_add(len).min(archive.len());
        index.feed(&archive[start..end]).expect("a tar");
    }
    index.members().to_vec()
}

fn bytes<'a>(archive: &'a [u8], member: &TarMember) -> &'a [u8] {
    &archive[member.offset as usize..(member.offset + member.size) as usize]
}

/// Walks an OCI layout from `index.json`: every descriptor's blob present and hashing to its digest.
fn verify_oci(archive: &[u8], layout: &ArchiveLayout, name: &str) -> usize {
    let index = layout.oci_index().expect("index.json");
    let mut pending = vec![bytes(archive, index).to_vec()];
    let mut verified = 0;
    while let Some(document) = pending.pop() {
        let read = manifest::read_document(&document, None)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let mut descriptors: Vec<_> = read
            .document
            .children_to_verify()
            .into_iter()
            .cloned()
            .collect();
        if let Document::Manifest(image) = &read.document {
            descriptors.extend(image.layers.iter().cloned());
        }
        for descriptor in descriptors {
            let digest = Digest::parse(&descriptor.digest).expect("a digest");
            let Some(member) = layout.blob(&digest) else {
                // Layouts may leave out what they do not carry (other platforms of an index).
                continue;
            };
            let blob = bytes(archive, member);
            assert_eq!(Digest::sha256_of(blob), digest, "{name}: {}", member.path);
            verified += 1;
            if manifest::read_document(blob, Some(&descriptor.media_type)).is_ok_and(|read| {
                matches!(read.document, Document::Index(_) | Document::Manifest(_))
            }) {
                pending.push(blob.to_vec());
            }
        }
    }
    verified
}

/// A legacy docker save: each config hashing to the digest in its name, each layer to its diff_id.
fn verify_legacy(archive: &[u8], layout: &ArchiveLayout, name: &str) -> usize {
    let manifest_json = bytes(archive, layout.manifest_json().expect("manifest.json"));
    let mut verified = 0;
    for image in layout.legacy_images(manifest_json).expect("readable") {
        let image = image.unwrap_or_else(|error| panic!("{name}: {error}"));
        assert!(image.missing.is_empty(), "{name}: {:?}", image.missing);
        let config = bytes(archive, &image.config);
        if let Some(digest) = &image.config_digest {
            assert_eq!(&Digest::sha256_of(config), digest, "{name}: the config");
        }
        let diff_ids = ImageConfig::parse(config)
            .expect("a config")
            .rootfs
            .map(|rootfs| rootfs.diff_ids)
            .unwrap_or_default();
        assert_eq!(diff_ids.len(), image.layers.len(), "{name}");
        for (layer, diff_id) in image.layers.iter().zip(&diff_ids) {
            let layer = layer.as_ref().expect("every layer is there");
            assert_eq!(
                Digest::sha256_of(bytes(archive, layer)).to_string(),
                *diff_id,
                "{name}: {}",
                layer.path
            );
            verified += 1;
        }
        verified += 1;
    }
    verified
}

/// What the page offers to open: each image's root document, found among the blobs the archive offers
/// (or written from a legacy `manifest.json`), hashing to the digest the image is named by, and every
/// blob it names that the archive holds hashing to its name.
fn images_open(archive: &[u8], layout: &ArchiveLayout, name: &str) -> usize {
    let mut images = match layout.oci_index() {
        Some(index) => strata_archive::oci_images(bytes(archive, index)).expect("index.json"),
        None => Vec::new(),
    };
    let mut blobs = layout.oci_blobs();
    if images.is_empty() {
        let manifest_json = bytes(archive, layout.manifest_json().expect("manifest.json"));
        for (position, legacy) in layout
            .legacy_images(manifest_json)
            .expect("readable")
            .iter()
            .enumerate()
        {
            let legacy = legacy
                .as_ref()
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            let (image, written) = legacy
                .written_manifest(position, bytes(archive, &legacy.config))
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            images.push(image);
            blobs.extend(written);
        }
    }
    let blob_bytes = |blob: &LocalBlob| match &blob.source {
        BlobSource::Member(member) => bytes(archive, member).to_vec(),
        BlobSource::Written(written) => written.clone(),
    };
    for blob in &blobs {
        assert_eq!(
            Digest::sha256_of(&blob_bytes(blob)),
            blob.digest,
            "{name}: {:?}",
            blob.source
        );
    }
    for image in &images {
        let root = blobs
            .iter()
            .find(|blob| blob.digest == image.digest)
            .unwrap_or_else(|| panic!("{name}: {} has no root", image.name));
        manifest::read_document(&blob_bytes(root), Some(&image.media_type))
            .unwrap_or_else(|error| panic!("{name}: {}: {error}", image.name));
        println!("{name}: {} ({})", image.name, image.digest);
    }
    images.len()
}

#[test]
fn every_corpus_archive_opens_and_verifies_from_its_index() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let mut opened = Vec::new();
    for entry in fs::read_dir(corpus.join("layouts")).expect("layouts") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|extension| extension != "tar") {
            continue;
        }
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let archive = fs::read(&path).expect("readable");
        let layout = ArchiveLayout::from_members(&members(&archive))
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let from_index = layout
            .oci_index()
            .map_or(0, |_| verify_oci(&archive, &layout, &name));
        // Docker 25 writes both forms; for an untagged image its index.json lists nothing
        // (`"manifests": null`), and manifest.json is what names the image.
        let verified = if from_index == 0 && layout.manifest_json().is_some() {
            verify_legacy(&archive, &layout, &name)
        } else {
            from_index
        };
        assert!(verified > 0, "{name}: nothing verified");
        assert!(
            images_open(&archive, &layout, &name) > 0,
            "{name}: no image to open"
        );
        println!("{name}: {verified} documents and layers verified");
        opened.push(name);
    }
    opened.sort();
    assert!(
        opened.iter().any(|name| name.contains("docker-archive"))
            && opened.iter().any(|name| name.contains("docker25-save"))
            && opened
                .iter()
                .filter(|name| name.contains("oci-layout"))
                .count()
                >= 3,
        "every kind of archive: {opened:?}"
    );
}
