//! Strata's own image as `cargo xtask image` wrote it (an OCI layout): its manifest, config and layers,
//! its root filesystem unpacked, and its entrypoint run there in a chroot.

use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::read::GzDecoder;
use serde_json::Value;

use crate::processes::free_port;
use crate::proxy::Proxy;

/// An image layout on disk, read at its `latest` tag.
#[derive(Debug)]
pub struct ImageLayout {
    /// The layout's directory.
    pub root: PathBuf,
    /// `sha256:…` of the manifest tagged `latest`.
    pub manifest_digest: String,
}

impl ImageLayout {
    /// Opens the layout `cargo xtask test` names in `STRATA_IMAGE_LAYOUT` (by default
    /// `target/oci/strata`, where `cargo xtask image` writes it).
    pub fn open() -> ImageLayout {
        let root = std::env::var_os("STRATA_IMAGE_LAYOUT")
            .map(PathBuf::from)
            .unwrap_or_else(|| crate::workspace_root().join("target/oci/strata"));
        assert!(
            root.join("index.json").is_file(),
            "no image layout at {} (STRATA_IMAGE_LAYOUT): run `cargo xtask image`, or `cargo xtask test`, which builds it",
            root.display()
        );
        Self::open_at(&root)
    }

    /// Opens the layout in `root`.
    pub fn open_at(root: &Path) -> ImageLayout {
        let index: Value = serde_json::from_slice(
            &std::fs::read(root.join("index.json")).expect("the layout has an index.json"),
        )
        .expect("index.json is JSON");
        let manifest_digest = index["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|entry| entry["annotations"]["org.opencontainers.image.ref.name"] == "latest")
            .and_then(|entry| entry["digest"].as_str())
            .unwrap_or_else(|| panic!("{} tags nothing latest", root.display()))
            .to_owned();
        ImageLayout {
            root: root.to_owned(),
            manifest_digest,
        }
    }

    /// A blob's bytes.
    pub fn blob(&self, digest: &str) -> Vec<u8> {
        let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
        std::fs::read(self.root.join("blobs/sha256").join(hex))
            .unwrap_or_else(|error| panic!("blob {digest}: {error}"))
    }

    /// The manifest tagged `latest`.
    pub fn manifest(&self) -> Value {
        serde_json::from_slice(&self.blob(&self.manifest_digest)).expect("the manifest is JSON")
    }

    /// The image's config.
    pub fn config(&self) -> Value {
        let digest = self.manifest()["config"]["digest"]
            .as_str()
            .expect("a config digest")
            .to_owned();
        serde_json::from_slice(&self.blob(&digest)).expect("the config is JSON")
    }

    /// Each layer's gzip'd tar, in order.
    pub fn layers(&self) -> Vec<Vec<u8>> {
        self.manifest()["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|layer| self.blob(layer["digest"].as_str().expect("a layer digest")))
            .collect()
    }

    /// Every path the layers hold (`usr/local/bin/strata-proxy`, directories with a trailing `/`).
    pub fn paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        for layer in self.layers() {
            let mut archive = tar::Archive::new(GzDecoder::new(layer.as_slice()));
            for entry in archive.entries().expect("a tar") {
                let entry = entry.expect("a tar entry");
                paths.push(String::from_utf8_lossy(&entry.path_bytes()).into_owned());
            }
        }
        paths
    }

    /// Unpacks the layers, in order, into a new directory (removed when dropped). The image has no
    /// whiteouts to apply; [`paths`](Self::paths) shows it.
    pub fn unpack(&self) -> RootFilesystem {
        let dir = std::env::temp_dir().join(format!(
            "strata-image-rootfs-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("a temp dir for the root filesystem");
        for layer in self.layers() {
            let mut archive = tar::Archive::new(GzDecoder::new(layer.as_slice()));
            archive.set_preserve_permissions(true);
            archive.unpack(&dir).expect("the layer unpacks");
        }
        RootFilesystem { dir }
    }
}

/// An unpacked root filesystem.
#[derive(Debug)]
pub struct RootFilesystem {
    /// Its directory.
    pub dir: PathBuf,
}

impl RootFilesystem {
    /// Runs `entrypoint` (a path inside) with `args`, chrooted here as `user` (`uid:gid`, as the config
    /// says), and waits for the proxy's "listening" line: the base URL it prints. Needs root, as CI has.
    pub fn run_proxy(&self, user: &str, entrypoint: &[String], args: &[&str]) -> Proxy {
        let chroot = crate::required_program("/usr/sbin/chroot");
        let mut command = Command::new(chroot);
        command
            .arg(format!("--userspec={user}"))
            .arg(&self.dir)
            .args(entrypoint)
            .args(args)
            .env_clear();
        Proxy::spawn(
            command,
            "the entrypoint in the chroot (it must be static, and chroot needs root)",
        )
    }
}

impl Drop for RootFilesystem {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
