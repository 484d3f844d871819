//! The Linux platforms the demo's greet image is built for, with the Alpine base each one starts `FROM`.

use serde_json::{Value, json};

use super::insert;

/// A Linux platform the greet image is built for.
#[derive(Clone, Copy)]
pub(super) struct Platform {
    pub(super) architecture: &'static str,
    pub(super) variant: Option<&'static str>,
    /// Alpine's spelling of the architecture (file names, apk package URLs).
    pub(super) alpine_arch: &'static str,
    /// The alpine:3.23.2 manifest for this platform, i.e. the image's `FROM`.
    pub(super) base_manifest: &'static str,
}

pub(super) const AMD64: Platform = Platform {
    architecture: "amd64",
    variant: None,
    alpine_arch: "x86_64",
    base_manifest: "sha256:1882fa4569e0c591ea092d3766c4893e19b8901a8e649de7067188aba3cc0679",
};
pub(super) const ARM64_V8: Platform = Platform {
    architecture: "arm64",
    variant: Some("v8"),
    alpine_arch: "aarch64",
    base_manifest: "sha256:410dabcd6f1d53f1f4e5c1ce9553efa298ca6bcdd086dfc976b8f659d58b46d2",
};
pub(super) const ARM_V7: Platform = Platform {
    architecture: "arm",
    variant: Some("v7"),
    alpine_arch: "armv7",
    base_manifest: "sha256:d320aee528174169f76afc8ebd02feb0a42824bc2264d0da1761edff6f06bc5f",
};
pub(super) const ARM_V6: Platform = Platform {
    architecture: "arm",
    variant: Some("v6"),
    alpine_arch: "armhf",
    base_manifest: "sha256:cd194307b3514d0b3eb229a1f6b0c92be4dd0e714b109a488269837170317944",
};
pub(super) const S390X: Platform = Platform {
    architecture: "s390x",
    variant: None,
    alpine_arch: "s390x",
    base_manifest: "sha256:e1fe68c8d560a9853093a5e8ee615f3808116d97b634b774ccbace73d1de8956",
};
pub(super) const I386: Platform = Platform {
    architecture: "386",
    variant: None,
    alpine_arch: "x86",
    base_manifest: "sha256:16ff8a639f58b38d94b054e94c106dbbd8a60d45f8b1989f98516a3e8e0792ad",
};

impl Platform {
    /// `os/arch[/variant]`, as docker and containerd print it.
    pub(super) fn spec(&self) -> String {
        match self.variant {
            Some(variant) => format!("linux/{}/{variant}", self.architecture),
            None => format!("linux/{}", self.architecture),
        }
    }

    pub(super) fn to_json(self) -> Value {
        let mut platform = json!({ "architecture": self.architecture, "os": "linux" });
        if let Some(variant) = self.variant {
            insert(&mut platform, "variant", json!(variant));
        }
        platform
    }
}
