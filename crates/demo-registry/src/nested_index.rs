//! An OCI index whose entries are another index (the Linux images) and a Windows image
//! whose base layer is a foreign layer, as Windows Server images had until 2023.

use crate::error::Result;
use serde_json::{Value, json};

use super::images::{Flavor, build_image, history_step};
use super::layers::{Entry, gzip, tar_bytes};
use super::platforms::{AMD64, ARM64_V8};
use super::{
    BUILD_CREATED, Blob, Blobs, DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, NESTED_INDEX,
    OCI_INDEX, OCI_MANIFEST, REVISION, SOURCE_URL, descriptor, insert, sha256_hex,
};

pub(super) use strata_image::media_type::DOCKER_FOREIGN_LAYER_GZIP as DOCKER_FOREIGN_LAYER;

const WINDOWS_VERSION: &str = "10.0.20348.2227";
const WINDOWS_BASE_CREATED: &str = "2024-01-05T20:26:57.2530286Z";
const WINDOWS_WORKDIR: &str = "C:\\greet";

/// The nanoserver ltsc2022 base layer as its manifest describes it. Only Microsoft's
/// registry ever served the bytes, so the layout has no blob for it: digest, size and
/// diff_id are stand-ins and the URL leads nowhere.
struct ForeignLayer {
    digest: String,
    size: u64,
    diff_id: String,
}

impl ForeignLayer {
    fn nanoserver() -> Self {
        ForeignLayer {
            digest: format!(
                "sha256:{}",
                sha256_hex(b"strata demo: nanoserver ltsc2022 base layer, compressed")
            ),
            size: 124_938_201,
            diff_id: format!(
                "sha256:{}",
                sha256_hex(b"strata demo: nanoserver ltsc2022 base layer, uncompressed")
            ),
        }
    }

    fn descriptor(&self) -> Value {
        json!({
            "mediaType": DOCKER_FOREIGN_LAYER,
            "digest": self.digest,
            "size": self.size,
            "urls": [format!("https://mcr.microsoft.com/v2/windows/nanoserver/blobs/{}", self.digest)],
        })
    }
}

/// The top index: the nested Linux index first, then the Windows image.
pub(super) fn build(blobs: &mut Blobs) -> Result<Blob> {
    let linux = build_linux_index(blobs)?;
    let windows = build_windows_image(blobs)?;
    let mut windows_entry = descriptor(DOCKER_MANIFEST, &windows);
    insert(
        &mut windows_entry,
        "platform",
        json!({ "architecture": "amd64", "os": "windows", "os.version": WINDOWS_VERSION }),
    );
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [descriptor(OCI_INDEX, &linux), windows_entry],
        "annotations": {
            "org.opencontainers.image.created": BUILD_CREATED,
            "org.opencontainers.image.revision": REVISION,
            "org.opencontainers.image.source": SOURCE_URL,
        },
    }))
}

fn build_linux_index(blobs: &mut Blobs) -> Result<Blob> {
    let mut entries = Vec::new();
    for platform in [AMD64, ARM64_V8] {
        let manifest = build_image(blobs, NESTED_INDEX, Flavor::Oci, platform)?;
        let mut entry = descriptor(OCI_MANIFEST, &manifest);
        insert(&mut entry, "platform", platform.to_json());
        entries.push(entry);
    }
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": entries,
    }))
}

/// A Docker v2 manifest built on nanoserver: the foreign base layer plus greet's files.
fn build_windows_image(blobs: &mut Blobs) -> Result<Blob> {
    let base = ForeignLayer::nanoserver();
    let app_tar = tar_bytes(&windows_app_entries())?;
    let app = blobs.put(gzip(&app_tar)?);
    let diff_ids = [
        base.diff_id.clone(),
        format!("sha256:{}", sha256_hex(&app_tar)),
    ];
    let config = blobs.put_json(&windows_config(&diff_ids))?;
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": descriptor(DOCKER_CONFIG, &config),
        "layers": [base.descriptor(), descriptor(DOCKER_LAYER_GZIP, &app)],
    }))
}

/// Windows layer tars keep files under `Files/` (and registry hives under `Hives/`).
fn windows_app_entries() -> Vec<Entry> {
    let script = "@echo off\r\nif \"%GREETING%\"==\"\" set GREETING=hello\r\n\
                  if \"%~1\"==\"\" (echo %GREETING%, world.) else (echo %GREETING%, %~1.)\r\n\
                  type C:\\greet\\message.txt\r\n";
    vec![
        Entry::Dir("Files", 0o755),
        Entry::Dir("Files/greet", 0o755),
        Entry::File("Files/greet/greet.cmd", 0o644, script.to_owned()),
        Entry::File(
            "Files/greet/message.txt",
            0o644,
            "Served by the windows/amd64 build of greet 1.0.\r\n".to_owned(),
        ),
    ]
}

/// A Windows image config as the classic builder writes it on Windows (`cmd /S /C`).
fn windows_config(diff_ids: &[String]) -> Value {
    let nop = "cmd /S /C #(nop) ";
    let history = vec![
        history_step(
            WINDOWS_BASE_CREATED,
            format!("Apply image {WINDOWS_VERSION}"),
            false,
            None,
        ),
        history_step(
            "2026-01-01T00:00:02.4816734Z",
            format!("{nop}WORKDIR {WINDOWS_WORKDIR}"),
            true,
            None,
        ),
        history_step(
            "2026-01-01T00:00:04.0915623Z",
            format!(
                "{nop}COPY dir:{} in {WINDOWS_WORKDIR} ",
                sha256_hex(b"greet windows")
            ),
            false,
            None,
        ),
        history_step(
            "2026-01-01T00:00:05.1178250Z",
            format!("{nop} USER ContainerUser"),
            true,
            None,
        ),
        history_step(
            "2026-01-01T00:00:05.9022731Z",
            format!(r#"{nop} CMD ["greet.cmd"]"#),
            true,
            None,
        ),
    ];
    json!({
        "architecture": "amd64",
        "os": "windows",
        "os.version": WINDOWS_VERSION,
        "created": "2026-01-01T00:00:05.9022731Z",
        "docker_version": "27.4.1",
        "config": {
            "Env": ["GREETING=hello"],
            "Cmd": ["greet.cmd"],
            "WorkingDir": WINDOWS_WORKDIR,
            "User": "ContainerUser",
        },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": history,
    })
}
