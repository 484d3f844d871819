//! A SOCI-enabled image, as `soci convert` makes it: an index pairing the image manifest
//! with a SOCI index manifest (v2), each pointing at the other by annotation.

use crate::error::Result;
use serde_json::{Value, json};

use super::encoding::pseudo_random;
use super::images::{Flavor, image_manifest};
use super::platforms::AMD64;
use super::{Blob, Blobs, OCI_INDEX, OCI_MANIFEST, SOCI, descriptor, insert};

pub(super) use strata_image::media_type::SOCI_INDEX_V2;
/// On the image manifest (and its index entry): the digest of its SOCI index.
pub(super) const INDEX_DIGEST: &str = "com.amazon.soci.index-digest";
/// On the SOCI index's entry in the image index: the digest of the image manifest.
pub(super) const IMAGE_MANIFEST_DIGEST: &str = "com.amazon.soci.image-manifest-digest";
/// On each zTOC: the layer it indexes.
pub(super) const IMAGE_LAYER_DIGEST: &str = "com.amazon.soci.image-layer-digest";
/// On each zTOC: the media type of the layer it indexes.
pub(super) const IMAGE_LAYER_MEDIA_TYPE: &str = "com.amazon.soci.image-layer-mediaType";
const ZTOC: &str = "application/octet-stream";
const BUILD_TOOL: &str = "com.amazon.soci.build-tool-identifier";

/// The image index: the annotated image manifest, then its SOCI index, both linux/amd64.
pub(super) fn build(blobs: &mut Blobs) -> Result<Blob> {
    let mut manifest = image_manifest(blobs, SOCI, Flavor::Oci, AMD64)?;
    let soci_index = build_soci_index(blobs, &manifest["layers"])?;
    if let Some(annotations) = manifest
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        annotations.insert(INDEX_DIGEST.to_owned(), json!(soci_index.digest));
    }
    let image = blobs.put_json(&manifest)?;

    // soci convert copies the manifest's annotations onto its index entry.
    let mut image_entry = descriptor(OCI_MANIFEST, &image);
    insert(&mut image_entry, "platform", AMD64.to_json());
    insert(
        &mut image_entry,
        "annotations",
        manifest["annotations"].clone(),
    );
    let mut soci_entry = descriptor(OCI_MANIFEST, &soci_index);
    insert(&mut soci_entry, "artifactType", json!(SOCI_INDEX_V2));
    insert(&mut soci_entry, "platform", AMD64.to_json());
    insert(
        &mut soci_entry,
        "annotations",
        json!({ IMAGE_MANIFEST_DIGEST: image.digest }),
    );
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [image_entry, soci_entry],
    }))
}

/// The SOCI index manifest: the `{}` blob as config under the SOCI media type, one zTOC
/// per layer, and no `subject` (that is what distinguishes v2 from v1). soci skips layers
/// under 10 MiB by default; these tiny layers are indexed as with `--min-layer-size 0`.
fn build_soci_index(blobs: &mut Blobs, layers: &Value) -> Result<Blob> {
    let empty = blobs.put_empty();
    let ztocs: Vec<Value> = layers
        .as_array()
        .into_iter()
        .flatten()
        .map(|layer| {
            let ztoc = blobs.put(ztoc_bytes(layer));
            let mut entry = descriptor(ZTOC, &ztoc);
            insert(
                &mut entry,
                "annotations",
                json!({
                    IMAGE_LAYER_DIGEST: layer["digest"],
                    IMAGE_LAYER_MEDIA_TYPE: layer["mediaType"],
                }),
            );
            entry
        })
        .collect();
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(SOCI_INDEX_V2, &empty),
        "layers": ztocs,
        "annotations": { BUILD_TOOL: "AWS SOCI CLI v0.2" },
    }))
}

/// Stand-in for a zTOC. A real one is a FlatBuffers table of the layer's files plus gzip
/// checkpoints; these are [`pseudo_random`] bytes, one size per layer, that nothing parses.
fn ztoc_bytes(layer: &Value) -> Vec<u8> {
    let label = format!("strata demo ztoc for {}", layer["digest"]);
    let size = 640 + usize::from(pseudo_random(&label, 1)[0]) * 4;
    pseudo_random(&label, size)
}
