//! The image's bytes: one layer (the static proxy, `/etc/passwd` and `/etc/group` naming the non-root
//! user, an empty `/tmp`), its config, its manifest, and the layout's `index.json` tagging it `latest`.
//! Every timestamp is the commit's, so the same binary always gives the same digests.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};
use strata_image::digest::Digest;
use strata_image::media_type::{OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST};

use strata_demo_registry::{self as demo_registry, TarItem, append_entry, gzip};

/// Where the proxy lives in the image; the entrypoint.
pub const ENTRYPOINT: &str = "/usr/local/bin/strata-proxy";
/// `uid:gid` the proxy runs as: not root, and named in `/etc/passwd` (65532 as in distroless images).
pub const USER: &str = "65532:65532";
/// The tag `index.json` gives the image.
pub const TAG: &str = "latest";

const PASSWD: &str = "root:x:0:0:root:/root:/sbin/nologin\n\
                      strata:x:65532:65532:Strata:/nonexistent:/sbin/nologin\n";
const GROUP: &str = "root:x:0:\nstrata:x:65532:\n";

/// The commit an image is built from.
pub struct Commit {
    /// The full commit hash.
    pub revision: String,
    /// The commit time, in seconds since the epoch: every file's mtime.
    pub time: u64,
    /// The commit time as RFC 3339 in UTC: the image's `created`.
    pub created: String,
}

/// The image, as the blobs and `index.json` of an OCI layout.
pub struct OciImage {
    /// Blobs by hex digest.
    blobs: BTreeMap<String, Vec<u8>>,
    index: Value,
    /// `sha256:…` of the manifest.
    pub manifest_digest: String,
}

impl OciImage {
    /// The image of this proxy binary built from `commit`.
    pub fn new(binary: &[u8], commit: &Commit) -> Result<Self> {
        let mut blobs = BTreeMap::new();
        let mut put = |bytes: Vec<u8>| {
            let digest = Digest::sha256_of(&bytes);
            let descriptor = (digest.to_string(), bytes.len());
            blobs.insert(digest.encoded().to_owned(), bytes);
            descriptor
        };
        let layer_tar = rootfs_tar(binary, commit.time)?;
        let diff_id = Digest::sha256_of(&layer_tar).to_string();
        let layer = put(gzip(&layer_tar)?);
        let labels = labels(commit);
        let config = put(demo_registry::json_bytes(&json!({
            "created": commit.created,
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "User": USER,
                "Entrypoint": [ENTRYPOINT],
                "Env": ["PATH=/usr/local/bin"],
                "WorkingDir": "/",
                "ExposedPorts": { "8080/tcp": {} },
                "Labels": labels,
            },
            "rootfs": { "type": "layers", "diff_ids": [diff_id] },
            "history": [{
                "created": commit.created,
                "created_by": "cargo xtask image",
                "comment": "the static strata-proxy, /etc/passwd and /etc/group for its user, /tmp",
            }],
        }))?);
        let manifest = put(demo_registry::json_bytes(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor(OCI_CONFIG, &config),
            "layers": [descriptor(OCI_LAYER_GZIP, &layer)],
            "annotations": labels,
        }))?);
        let mut entry = descriptor(OCI_MANIFEST, &manifest);
        entry["platform"] = json!({ "architecture": "amd64", "os": "linux" });
        entry["annotations"] = json!({ "org.opencontainers.image.ref.name": TAG });
        let index = json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [entry],
        });
        Ok(OciImage {
            blobs,
            index,
            manifest_digest: manifest.0,
        })
    }

    /// Writes the layout into `dir`, replacing the layout there.
    pub fn write(&self, dir: &Path) -> Result<()> {
        Ok(demo_registry::write_oci_layout(
            dir,
            &self.blobs,
            &self.index,
        )?)
    }
}

fn descriptor(media_type: &str, (digest, size): &(String, usize)) -> Value {
    json!({ "mediaType": media_type, "digest": digest, "size": size })
}

/// The config's labels and the manifest's annotations.
fn labels(commit: &Commit) -> Value {
    json!({
        "org.opencontainers.image.title": "Strata",
        "org.opencontainers.image.description":
            "Shows what is inside a container image, verified in your own browser",
        "org.opencontainers.image.version": env!("CARGO_PKG_VERSION"),
        "org.opencontainers.image.revision": commit.revision,
        "org.opencontainers.image.created": commit.created,
        "org.opencontainers.image.licenses": env!("CARGO_PKG_LICENSE"),
    })
}

/// The root filesystem, entries sorted, owned by root and modified at `mtime`: the binary is not
/// writable by the user it runs as.
fn rootfs_tar(binary: &[u8], mtime: u64) -> Result<Vec<u8>> {
    let binary_name = ENTRYPOINT.trim_start_matches('/');
    let mut builder = tar::Builder::new(Vec::new());
    for item in [
        TarItem::dir("etc/", 0o755),
        TarItem::file("etc/group", 0o644, GROUP.as_bytes()),
        TarItem::file("etc/passwd", 0o644, PASSWD.as_bytes()),
        TarItem::dir("tmp/", 0o1777),
        TarItem::dir("usr/", 0o755),
        TarItem::dir("usr/local/", 0o755),
        TarItem::dir("usr/local/bin/", 0o755),
        TarItem::file(binary_name, 0o755, binary),
    ] {
        append_entry(&mut builder, mtime, item)?;
    }
    Ok(builder.into_inner()?)
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn commit() -> Commit {
        Commit {
            revision: "0123456789abcdef0123456789abcdef01234567".to_owned(),
            time: 1_767_225_600,
            created: "2026-01-01T00:00:00Z".to_owned(),
        }
    }

    fn blob(image: &OciImage, digest: &str) -> Vec<u8> {
        image.blobs[digest.trim_start_matches("sha256:")].clone()
    }

    fn json(image: &OciImage, digest: &str) -> Value {
        serde_json::from_slice(&blob(image, digest)).expect("JSON")
    }

    #[test]
    fn the_same_binary_and_commit_give_the_same_digests() {
        let first = OciImage::new(b"binary", &commit()).expect("an image");
        let again = OciImage::new(b"binary", &commit()).expect("an image");
        assert_eq!(first.manifest_digest, again.manifest_digest);
        assert_eq!(first.blobs, again.blobs);
        let other = OciImage::new(b"another binary", &commit()).expect("an image");
        assert_ne!(first.manifest_digest, other.manifest_digest);
    }

    #[test]
    fn the_config_runs_the_proxy_as_a_non_root_user_on_linux_amd64() {
        let image = OciImage::new(b"binary", &commit()).expect("an image");
        let entry = &image.index["manifests"][0];
        assert_eq!(
            entry["annotations"]["org.opencontainers.image.ref.name"],
            TAG
        );
        assert_eq!(entry["digest"], image.manifest_digest.as_str());
        let manifest = json(&image, &image.manifest_digest);
        let config = json(
            &image,
            manifest["config"]["digest"].as_str().expect("a digest"),
        );
        assert_eq!(config["os"], "linux");
        assert_eq!(config["architecture"], "amd64");
        assert_eq!(config["created"], "2026-01-01T00:00:00Z");
        assert_eq!(config["config"]["User"], USER);
        assert_eq!(config["config"]["Entrypoint"], json!([ENTRYPOINT]));
        assert_eq!(
            config["config"]["Labels"]["org.opencontainers.image.revision"],
            commit().revision
        );
        let layer = blob(
            &image,
            manifest["layers"][0]["digest"].as_str().expect("a digest"),
        );
        let mut tar = Vec::new();
        flate2::read::GzDecoder::new(layer.as_slice())
            .read_to_end(&mut tar)
            .expect("gzip");
        assert_eq!(
            config["rootfs"]["diff_ids"][0],
            Digest::sha256_of(&tar).to_string()
        );
    }

    #[test]
    fn the_root_filesystem_holds_the_binary_and_its_user_but_no_shell() {
        let tar = rootfs_tar(b"binary", 7).expect("a tar");
        let mut archive = tar::Archive::new(tar.as_slice());
        let mut entries = Vec::new();
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("an entry");
            let header = entry.header();
            let (mtime, uid, mode) = (
                header.mtime().expect("mtime"),
                header.uid().expect("uid"),
                header.mode().expect("mode"),
            );
            let path = entry.path().expect("a path").display().to_string();
            let mut content = String::new();
            let _ = entry.read_to_string(&mut content);
            entries.push((path, mode, uid, mtime, content));
        }
        let paths: Vec<&str> = entries.iter().map(|(path, ..)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "etc/",
                "etc/group",
                "etc/passwd",
                "tmp/",
                "usr/",
                "usr/local/",
                "usr/local/bin/",
                "usr/local/bin/strata-proxy"
            ]
        );
        assert!(
            entries
                .iter()
                .all(|(_, _, uid, mtime, _)| *uid == 0 && *mtime == 7)
        );
        let by_path = |wanted: &str| {
            entries
                .iter()
                .find(|(path, ..)| path == wanted)
                .expect("an entry")
        };
        assert_eq!(by_path("usr/local/bin/strata-proxy").1, 0o755);
        assert_eq!(by_path("tmp/").1, 0o1777);
        assert!(by_path("etc/passwd").4.contains(":65532:65532:"));
        assert!(by_path("etc/group").4.contains(":65532:"));
    }
}
