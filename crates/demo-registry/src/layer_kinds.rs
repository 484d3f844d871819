//! One linux/amd64 image with a layer of each kind an inspector meets: gzip, zstd,
//! uncompressed, gzip under Docker's ambiguous uncompressed type, non-distributable,
//! encrypted and eStargz. Each layer adds a note about its own kind.

use crate::error::{Context as _, Result};
use serde_json::{Value, json};

use super::encoding::{base64, base64url, go_object, json_string, pseudo_random};
use super::images::history_step;
use super::layers::{Entry, base_entries, gzip, tar_bytes, zstd_raw_frame};
use super::platforms::AMD64;
use super::{
    BUILD_CREATED, Blob, Blobs, LAYER_KINDS, OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, PATH_ENV,
    REVISION, SOURCE_URL, descriptor, insert, sha256_hex, sorted_keys,
};

pub(super) use strata_image::media_type::DOCKER_LAYER as DOCKER_LAYER_TAR;
pub(super) use strata_image::media_type::ESTARGZ_TOC_DIGEST;
pub(super) use strata_image::media_type::ESTARGZ_UNCOMPRESSED_SIZE;
pub(super) use strata_image::media_type::OCI_LAYER as OCI_LAYER_TAR;
pub(super) use strata_image::media_type::OCI_LAYER_ZSTD;
pub(super) use strata_image::media_type::OCI_NONDISTRIBUTABLE_LAYER_GZIP as OCI_LAYER_NONDISTRIBUTABLE;

/// ocicrypt-encrypted gzip layer.
pub(super) const OCI_LAYER_ENCRYPTED: &str =
    "application/vnd.oci.image.layer.v1.tar+gzip+encrypted";
/// Name of the table of contents inside an eStargz layer.
pub(super) const ESTARGZ_TOC: &str = "stargz.index.json";
const ENC_KEYS_JWE: &str = "org.opencontainers.image.enc.keys.jwe";
const ENC_PUBOPTS: &str = "org.opencontainers.image.enc.pubopts";

/// A stored layer: its manifest descriptor, the digest of its uncompressed tar, and the
/// build step that made it.
struct Layer {
    descriptor: Value,
    diff_id: String,
    created_by: String,
}

impl Layer {
    fn new(media_type: &str, blob: &Blob, tar: &[u8], created_by: String) -> Self {
        Layer {
            descriptor: descriptor(media_type, blob),
            diff_id: format!("sha256:{}", sha256_hex(tar)),
            created_by,
        }
    }
}

/// The image manifest; its config's diff_ids and history follow the layers one to one.
pub(super) fn build(blobs: &mut Blobs) -> Result<Blob> {
    let layers = [
        gzip_layer(blobs)?,
        zstd_layer(blobs)?,
        uncompressed_layer(blobs)?,
        ambiguous_docker_layer(blobs)?,
        nondistributable_layer(blobs)?,
        encrypted_layer(blobs)?,
        estargz_layer(blobs)?,
    ];
    let mut history: Vec<Value> = layers
        .iter()
        .map(|layer| {
            history_step(
                BUILD_CREATED,
                layer.created_by.clone(),
                false,
                Some("buildkit.dockerfile.v0"),
            )
        })
        .collect();
    history.push(history_step(
        BUILD_CREATED,
        r#"CMD ["/bin/sh"]"#.to_owned(),
        true,
        Some("buildkit.dockerfile.v0"),
    ));
    let diff_ids: Vec<&str> = layers.iter().map(|layer| layer.diff_id.as_str()).collect();
    let config = blobs.put_json(&json!({
        "architecture": AMD64.architecture,
        "os": "linux",
        "created": BUILD_CREATED,
        "config": {
            "Env": [PATH_ENV],
            "Cmd": ["/bin/sh"],
            "WorkingDir": "/usr/share/layer-kinds",
        },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": history,
    }))?;
    let layers: Vec<&Value> = layers.iter().map(|layer| &layer.descriptor).collect();
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(OCI_CONFIG, &config),
        "layers": layers,
        "annotations": {
            "org.opencontainers.image.created": BUILD_CREATED,
            "org.opencontainers.image.revision": REVISION,
            "org.opencontainers.image.source": SOURCE_URL,
            "org.opencontainers.image.title": LAYER_KINDS,
        },
    }))
}

/// A note file under `/usr/share/layer-kinds`, with its parent directories.
fn note_entries(path: &'static str, text: &str) -> Vec<Entry> {
    vec![
        Entry::Dir("usr", 0o755),
        Entry::Dir("usr/share", 0o755),
        Entry::Dir("usr/share/layer-kinds", 0o755),
        Entry::File(path, 0o644, format!("{text}\n")),
    ]
}

fn copy_step(file: &str) -> String {
    format!("COPY {file} /usr/share/layer-kinds/ # buildkit")
}

/// The common case, and the base: the alpine-like root filesystem, gzip-compressed.
fn gzip_layer(blobs: &mut Blobs) -> Result<Layer> {
    let tar = tar_bytes(&base_entries(AMD64))?;
    let blob = blobs.put(gzip(&tar)?);
    let created_by = "ADD alpine-minirootfs-3.23.2-x86_64.tar.gz / # buildkit".to_owned();
    Ok(Layer::new(OCI_LAYER_GZIP, &blob, &tar, created_by))
}

fn zstd_layer(blobs: &mut Blobs) -> Result<Layer> {
    let tar = tar_bytes(&note_entries(
        "usr/share/layer-kinds/zstd.txt",
        "zstd: tar+zstd, magic bytes 28 b5 2f fd. This frame stores the tar in raw blocks.",
    ))?;
    let blob = blobs.put(zstd_raw_frame(&tar));
    Ok(Layer::new(
        OCI_LAYER_ZSTD,
        &blob,
        &tar,
        copy_step("zstd.txt"),
    ))
}

fn uncompressed_layer(blobs: &mut Blobs) -> Result<Layer> {
    let tar = tar_bytes(&note_entries(
        "usr/share/layer-kinds/uncompressed.txt",
        "uncompressed: a plain tar, so the blob digest equals the diff_id.",
    ))?;
    let blob = blobs.put(tar.clone());
    Ok(Layer::new(
        OCI_LAYER_TAR,
        &blob,
        &tar,
        copy_step("uncompressed.txt"),
    ))
}

/// Gzip bytes under Docker's uncompressed type: tolerated by containerd, which sniffs the
/// magic bytes rather than trusting this media type.
fn ambiguous_docker_layer(blobs: &mut Blobs) -> Result<Layer> {
    let tar = tar_bytes(&note_entries(
        "usr/share/layer-kinds/ambiguous.txt",
        "ambiguous: gzip bytes (1f 8b) under Docker's uncompressed media type.",
    ))?;
    let blob = blobs.put(gzip(&tar)?);
    Ok(Layer::new(
        DOCKER_LAYER_TAR,
        &blob,
        &tar,
        copy_step("ambiguous.txt"),
    ))
}

/// A non-distributable layer: registries were allowed not to store these and to point at
/// `urls` instead. This one's blob is in the layout too.
fn nondistributable_layer(blobs: &mut Blobs) -> Result<Layer> {
    let tar = tar_bytes(&note_entries(
        "usr/share/layer-kinds/non-distributable.txt",
        "non-distributable: licensed content that registries need not store; see urls.",
    ))?;
    let blob = blobs.put(gzip(&tar)?);
    let mut layer = Layer::new(
        OCI_LAYER_NONDISTRIBUTABLE,
        &blob,
        &tar,
        copy_step("non-distributable.txt"),
    );
    insert(
        &mut layer.descriptor,
        "urls",
        json!([format!(
            "https://downloads.strata.invalid/layers/{}",
            blob.digest
        )]),
    );
    Ok(layer)
}

/// An ocicrypt-encrypted layer. AES-CTR keeps the length, so the blob is as long as the
/// gzip it stands for; its bytes are [`pseudo_random`] and decrypt to nothing. The
/// diff_id is that of the plaintext tar, as with a real encrypted layer.
fn encrypted_layer(blobs: &mut Blobs) -> Result<Layer> {
    let tar = encrypted_plaintext()?;
    let ciphertext = pseudo_random("strata demo encrypted layer", gzip(&tar)?.len());
    let blob = blobs.put(ciphertext);
    let mut layer = Layer::new(OCI_LAYER_ENCRYPTED, &blob, &tar, copy_step("encrypted.txt"));
    insert(
        &mut layer.descriptor,
        "annotations",
        encryption_annotations(),
    );
    Ok(layer)
}

/// The tar the encrypted layer stands for.
pub(super) fn encrypted_plaintext() -> Result<Vec<u8>> {
    tar_bytes(&note_entries(
        "usr/share/layer-kinds/encrypted.txt",
        "encrypted: only holders of the JWE recipient key could read this file.",
    ))
}

/// ocicrypt's annotations: the wrapped layer key as a JWE (general JSON serialization, as
/// go-jose writes it) and the public cipher options, each base64-encoded.
fn encryption_annotations() -> Value {
    let ephemeral_key = go_object(&[
        ("kty", json_string("EC")),
        ("crv", json_string("P-256")),
        (
            "x",
            json_string(&base64url(&pseudo_random("jwe epk x", 32))),
        ),
        (
            "y",
            json_string(&base64url(&pseudo_random("jwe epk y", 32))),
        ),
    ]);
    let recipient = go_object(&[
        (
            "header",
            go_object(&[
                ("alg", json_string("ECDH-ES+A256KW")),
                ("epk", ephemeral_key),
            ]),
        ),
        (
            "encrypted_key",
            json_string(&base64url(&pseudo_random("jwe encrypted key", 40))),
        ),
    ]);
    let jwe = go_object(&[
        (
            "protected",
            json_string(&base64url(br#"{"enc":"A256GCM"}"#)),
        ),
        ("recipients", format!("[{recipient}]")),
        ("iv", json_string(&base64url(&pseudo_random("jwe iv", 12)))),
        (
            "ciphertext",
            json_string(&base64url(&pseudo_random("jwe ciphertext", 186))),
        ),
        (
            "tag",
            json_string(&base64url(&pseudo_random("jwe tag", 16))),
        ),
    ]);
    let public_options = go_object(&[
        ("cipher", json_string("AES_256_CTR_HMAC_SHA256")),
        (
            "hmac",
            json_string(&base64(&pseudo_random("layer hmac", 32))),
        ),
        ("cipheroptions", "{}".to_owned()),
    ]);
    json!({
        ENC_KEYS_JWE: base64(jwe.as_bytes()),
        ENC_PUBOPTS: base64(public_options.as_bytes()),
    })
}

/// A gzip layer announced as eStargz: a prefetch landmark first, the table of contents
/// (`stargz.index.json`) last, and the annotations snapshotters look for. The blob is a
/// single gzip stream without eStargz's per-entry streams and footer, so it cannot be
/// lazily pulled; the annotations and the TOC are what an inspector shows.
fn estargz_layer(blobs: &mut Blobs) -> Result<Layer> {
    let mut entries = vec![Entry::File(
        ".no.prefetch.landmark",
        0o644,
        "\u{f}".to_owned(),
    )];
    entries.extend(note_entries(
        "usr/share/layer-kinds/estargz.txt",
        "estargz: seekable gzip; its table of contents is the last tar entry.",
    ));
    let toc = serde_json::to_vec_pretty(&sorted_keys(&estargz_toc(&entries)))?;
    let toc_digest = format!("sha256:{}", sha256_hex(&toc));
    entries.push(Entry::File(
        ESTARGZ_TOC,
        0o644,
        String::from_utf8(toc).context("the TOC is UTF-8")?,
    ));
    let tar = tar_bytes(&entries)?;
    let blob = blobs.put(gzip(&tar)?);
    let mut layer = Layer::new(OCI_LAYER_GZIP, &blob, &tar, copy_step("estargz.txt"));
    insert(
        &mut layer.descriptor,
        "annotations",
        json!({
            ESTARGZ_TOC_DIGEST: toc_digest,
            ESTARGZ_UNCOMPRESSED_SIZE: tar.len().to_string(),
        }),
    );
    Ok(layer)
}

/// The eStargz table of contents for `entries` (without chunk offsets).
fn estargz_toc(entries: &[Entry]) -> Value {
    // Every tar entry is stamped LAYER_MTIME, which is this instant.
    let modtime = BUILD_CREATED;
    let toc_entries: Vec<Value> = entries
        .iter()
        .map(|entry| match entry {
            Entry::Dir(path, mode) => json!({
                "name": format!("{path}/"), "type": "dir", "modtime": modtime, "mode": mode,
                "uid": 0, "gid": 0, "userName": "root", "groupName": "root",
            }),
            Entry::File(path, mode, content) => json!({
                "name": path, "type": "reg", "size": content.len(), "modtime": modtime,
                "mode": mode, "uid": 0, "gid": 0, "userName": "root", "groupName": "root",
                "digest": format!("sha256:{}", sha256_hex(content.as_bytes())),
            }),
            Entry::Symlink(path, target) => json!({
                "name": path, "type": "symlink", "linkName": target, "modtime": modtime,
                "mode": 0o777, "uid": 0, "gid": 0, "userName": "root", "groupName": "root",
            }),
        })
        .collect();
    json!({ "version": 1, "entries": toc_entries })
}
