//! `strata/layers`: one linux/amd64 OCI image whose three gzip layers give a layer
//! explorer work: whiteouts, an opaque directory, a hardlink into a lower layer, a file
//! replaced by a directory, a large text file, a binary file and a directory too long to
//! show without scrolling. See [`super::LAYERS_IMAGE`] for the merged view it yields.

use crate::error::Result;
use serde_json::{Value, json};

use super::encoding::pseudo_random;
use super::images::history_step;
use super::layers::{TarItem, append_entry, gzip};
use super::platforms::AMD64;
use super::{
    BASE_CREATED, BUILD_CREATED, Blob, Blobs, LAYER_MTIME, LAYERS, LICENSE, OCI_CONFIG,
    OCI_LAYER_GZIP, OCI_MANIFEST, PATH_ENV, REVISION, SOURCE_URL, VERSION, descriptor, sha256_hex,
};

/// The opaque whiteout of layer 2, which comes after a sibling in its tar.
pub(super) const OPAQUE_MARKER: &str = "usr/share/doc/.wh..wh..opq";
/// The hardlink of layer 2 and its target, a file of layer 1.
pub(super) const HARDLINK: (&str, &str) = ("bin/sh.static", "bin/busybox");
/// How many files layer 1 puts under `/usr/share/zoneinfo`.
#[cfg(test)]
pub(super) const ZONEINFO_FILES: usize = ZONE_REGIONS.len() * ZONE_STEMS.len() * ZONE_ENDINGS.len();

const IMAGE_DESCRIPTION: &str =
    "Layers that whiteout, hide, link and replace files, for the explorer";
const APP_HOME_ENV: &str = "APP_HOME=/srv/www";
const WORKDIR: &str = "/srv/www";
const ENTRYPOINT: [&str; 7] = [
    "/bin/busybox",
    "httpd",
    "-f",
    "-p",
    "8080",
    "-h",
    "/srv/www",
];
const WORDS_SIZE: usize = 300 * 1024;
const LIBRARY_SIZE: usize = 4 * 1024;

const ZONE_REGIONS: [&str; 10] = [
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];
const ZONE_STEMS: [&str; 15] = [
    "Ka", "Lo", "Me", "Ni", "Po", "Ra", "Sa", "Te", "Va", "Zu", "Bo", "Da", "Fi", "Gu", "Ha",
];
const ZONE_ENDINGS: [&str; 10] = [
    "ndra", "ville", "port", "mouth", "burg", "stad", "grad", "polis", "haven", "ford",
];

/// A tar entry with owned names, since the zoneinfo names are generated. Directory paths
/// carry no trailing slash (it is added when writing).
enum Node {
    Dir(String, u32),
    File(String, u32, Vec<u8>),
    Symlink(String, &'static str),
    Hardlink(String, u32, &'static str),
}

fn dir(path: &str) -> Node {
    Node::Dir(path.to_owned(), 0o755)
}

fn file(path: &str, mode: u32, content: impl Into<Vec<u8>>) -> Node {
    Node::File(path.to_owned(), mode, content.into())
}

/// A whiteout is an empty regular file.
fn whiteout(path: &str) -> Node {
    file(path, 0o644, Vec::new())
}

fn tar_of(nodes: &[Node]) -> Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for node in nodes {
        let dir_name;
        let item = match node {
            Node::Dir(path, mode) => {
                dir_name = format!("{path}/");
                TarItem::dir(&dir_name, *mode)
            }
            Node::File(path, mode, content) => TarItem::file(path, *mode, content),
            Node::Symlink(path, target) => TarItem::symlink(path, target),
            Node::Hardlink(path, mode, target) => TarItem::hardlink(path, *mode, target),
        };
        append_entry(&mut builder, LAYER_MTIME, item)?;
    }
    Ok(builder.into_inner()?)
}

/// The image manifest, its three layers and its config.
pub(super) fn build(blobs: &mut Blobs) -> Result<Blob> {
    let tars = [
        tar_of(&base_layer())?,
        tar_of(&change_layer())?,
        tar_of(&replace_layer())?,
    ];
    let mut layers = Vec::new();
    let mut diff_ids = Vec::new();
    for tar in &tars {
        diff_ids.push(format!("sha256:{}", sha256_hex(tar)));
        layers.push(descriptor(OCI_LAYER_GZIP, &blobs.put(gzip(tar)?)));
    }
    let config = blobs.put_json(&json!({
        "architecture": AMD64.architecture,
        "os": "linux",
        "created": BUILD_CREATED,
        "config": {
            "Env": [PATH_ENV, APP_HOME_ENV],
            "Entrypoint": ENTRYPOINT,
            "WorkingDir": WORKDIR,
            "Labels": {
                "org.opencontainers.image.title": LAYERS,
                "org.opencontainers.image.description": IMAGE_DESCRIPTION,
                "org.opencontainers.image.source": SOURCE_URL,
                "org.opencontainers.image.version": VERSION,
                "org.opencontainers.image.licenses": LICENSE,
            },
        },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": history(),
    }))?;
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(OCI_CONFIG, &config),
        "layers": layers,
        "annotations": {
            "org.opencontainers.image.created": BUILD_CREATED,
            "org.opencontainers.image.revision": REVISION,
            "org.opencontainers.image.source": SOURCE_URL,
            "org.opencontainers.image.title": LAYERS,
            "org.opencontainers.image.version": VERSION,
        },
    }))
}

/// Buildkit-style history: one step per layer, between config-only steps.
fn history() -> Vec<Value> {
    let steps = [
        (
            BASE_CREATED,
            "ADD strata-base-rootfs.tar / # buildkit".to_owned(),
            false,
        ),
        (BASE_CREATED, r#"CMD ["/bin/sh"]"#.to_owned(), true),
        (BUILD_CREATED, format!("ENV {APP_HOME_ENV}"), true),
        (
            BUILD_CREATED,
            "RUN /bin/sh -c install -m 0644 /src/os-release /etc/os-release \
             && rm /etc/motd && rm -rf /usr/share/doc \
             && install -D -m 0644 /src/README /usr/share/doc/base/README \
             && ln /bin/busybox /bin/sh.static # buildkit"
                .to_owned(),
            false,
        ),
        (
            BUILD_CREATED,
            format!(
                "LABEL org.opencontainers.image.title={LAYERS} \
                 org.opencontainers.image.description={IMAGE_DESCRIPTION:?}"
            ),
            true,
        ),
        (
            BUILD_CREATED,
            "RUN /bin/sh -c rm -rf /opt/app && rm /etc/hostname && mkdir /etc/hostname \
             && echo strata-layers > /etc/hostname/name \
             && install -D -m 0644 /src/index.html /srv/www/index.html # buildkit"
                .to_owned(),
            false,
        ),
        (BUILD_CREATED, format!("WORKDIR {WORKDIR}"), true),
        (
            BUILD_CREATED,
            format!("ENTRYPOINT {}", json!(ENTRYPOINT)),
            true,
        ),
    ];
    steps
        .into_iter()
        .map(|(created, created_by, empty)| {
            history_step(created, created_by, empty, Some("buildkit.dockerfile.v0"))
        })
        .collect()
}

/// Layer 1: a small root filesystem with big, binary and numerous files.
fn base_layer() -> Vec<Node> {
    let mut nodes = vec![
        dir("bin"),
        file(
            "bin/busybox",
            0o755,
            "BusyBox v1.37.0 multi-call binary.\n\
             Placeholder in the Strata layers demo; not an executable.\n",
        ),
        Node::Symlink("bin/sh".to_owned(), "busybox"),
        dir("etc"),
        file("etc/hostname", 0o644, "strata-layers\n"),
        file("etc/motd", 0o644, "Welcome to the Strata layers demo.\n"),
        file(
            "etc/os-release",
            0o644,
            "NAME=\"Strata Demo Linux\"\nID=strata-demo\nVERSION_ID=1.0\n\
             PRETTY_NAME=\"Strata Demo Linux 1.0\"\n",
        ),
        dir("opt"),
        dir("opt/app"),
        dir("opt/app/bin"),
        file(
            "opt/app/bin/run",
            0o755,
            "#!/bin/sh\nexec /bin/busybox httpd -f -h /srv/www\n",
        ),
        dir("opt/app/config"),
        file(
            "opt/app/config/app.toml",
            0o644,
            "[server]\nport = 8080\nroot = \"/srv/www\"\n",
        ),
        dir("usr"),
        dir("usr/lib"),
        file("usr/lib/libdemo.so", 0o755, library()),
        dir("usr/share"),
        dir("usr/share/dict"),
        file("usr/share/dict/words", 0o644, words()),
        dir("usr/share/doc"),
        dir("usr/share/doc/base"),
        file(
            "usr/share/doc/base/README",
            0o644,
            "The base layer of the Strata layers demo.\n",
        ),
        file(
            "usr/share/doc/base/LICENSE",
            0o644,
            format!("SPDX-License-Identifier: {LICENSE}\n"),
        ),
        dir("usr/share/doc/tools"),
        file(
            "usr/share/doc/tools/NOTES",
            0o644,
            "Notes on tools that a later layer hides.\n",
        ),
        dir("usr/share/zoneinfo"),
    ];
    for (region_index, region) in ZONE_REGIONS.iter().enumerate() {
        let region_dir = format!("usr/share/zoneinfo/{region}");
        nodes.push(dir(&region_dir));
        for (zone_index, (stem, ending)) in ZONE_STEMS
            .iter()
            .flat_map(|stem| ZONE_ENDINGS.iter().map(move |ending| (stem, ending)))
            .enumerate()
        {
            let offset = (region_index * 7 + zone_index) % 25;
            let hours = offset as i64 - 12;
            let content = format!(
                "TZif2 placeholder for {region}/{stem}{ending}\n<{hours:+03}>{}\n",
                -hours
            );
            nodes.push(file(
                &format!("{region_dir}/{stem}{ending}"),
                0o644,
                content,
            ));
        }
    }
    nodes.extend([dir("var"), dir("var/log")]);
    nodes
}

/// Layer 2: modifies, deletes, makes a directory opaque and re-creates one of its files,
/// and hardlinks a lower file. The opaque marker follows a sibling, as readers must allow.
fn change_layer() -> Vec<Node> {
    let (link, target) = HARDLINK;
    vec![
        dir("bin"),
        Node::Hardlink(link.to_owned(), 0o755, target),
        dir("etc"),
        whiteout("etc/.wh.motd"),
        file(
            "etc/os-release",
            0o644,
            "NAME=\"Strata Demo Linux\"\nID=strata-demo\nVERSION_ID=1.1\n\
             PRETTY_NAME=\"Strata Demo Linux 1.1 (changed in layer 2)\"\n",
        ),
        dir("usr"),
        dir("usr/share"),
        dir("usr/share/doc"),
        dir("usr/share/doc/base"),
        file(
            "usr/share/doc/base/README",
            0o644,
            "Re-created in layer 2, which made /usr/share/doc opaque.\n",
        ),
        whiteout(OPAQUE_MARKER),
    ]
}

/// Layer 3: deletes a directory and replaces a file with a directory of the same name.
fn replace_layer() -> Vec<Node> {
    vec![
        dir("etc"),
        dir("etc/hostname"),
        file("etc/hostname/name", 0o644, "strata-layers\n"),
        dir("opt"),
        whiteout("opt/.wh.app"),
        dir("srv"),
        dir("srv/www"),
        file(
            "srv/www/index.html",
            0o644,
            "<!doctype html>\n<title>Strata layers demo</title>\n\
             <p>Added in layer 3.</p>\n",
        ),
    ]
}

/// About 300 KiB of made-up words, one per line, in sorted order.
fn words() -> String {
    const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
    const VOWELS: &[u8] = b"aeiou";
    let syllables: Vec<[u8; 2]> = CONSONANTS
        .iter()
        .flat_map(|consonant| VOWELS.iter().map(move |vowel| [*consonant, *vowel]))
        .collect();
    let count = syllables.len();
    let mut text = String::with_capacity(WORDS_SIZE + 8);
    // A stride of 7 through the three-syllable words keeps them sorted but varied.
    let mut number = 0;
    while text.len() < WORDS_SIZE {
        for syllable in [
            number / (count * count),
            number / count % count,
            number % count,
        ] {
            text.extend(syllables[syllable].iter().map(|byte| char::from(*byte)));
        }
        text.push('\n');
        number += 7;
    }
    text
}

/// A few KiB that start like a 64-bit ELF file and are not UTF-8.
fn library() -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0".to_vec();
    bytes.extend(pseudo_random(
        "strata demo libdemo.so",
        LIBRARY_SIZE - bytes.len(),
    ));
    bytes
}
