//! Writes the deterministic OCI image layout behind the demo registry: a buildx-style
//! multi-arch index with SBOM and provenance attestations, a Docker manifest list and a
//! single Docker manifest, all built from small real tar layers.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::path::Path;

use anyhow::{Context, Result, bail};
use flate2::{Compression, GzBuilder};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const MULTI_ARCH: &str = "strata/multi-arch";
const MANIFEST_LIST: &str = "strata/manifest-list";
const SINGLE: &str = "strata/single";

/// Repositories held by the layout, in `index.json` order.
pub const REPOSITORIES: &[&str] = &[MULTI_ARCH, MANIFEST_LIST, SINGLE];
/// Every repository carries each of these tags, pointing at the same root.
pub const TAGS: &[&str] = &["1.0", "latest"];

const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const IN_TOTO: &str = "application/vnd.in-toto+json";

const REF_NAME: &str = "org.opencontainers.image.ref.name";
const REFERENCE_TYPE: &str = "vnd.docker.reference.type";
const REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";
const ATTESTATION_MANIFEST: &str = "attestation-manifest";
const PREDICATE_TYPE: &str = "in-toto.io/predicate-type";
const SPDX_PREDICATE: &str = "https://spdx.dev/Document";
const SLSA_PREDICATE: &str = "https://slsa.dev/provenance/v0.2";
const IN_TOTO_STATEMENT: &str = "https://in-toto.io/Statement/v0.1";

/// 2026-01-01T00:00:00Z, used as the mtime of every tar entry.
const LAYER_MTIME: u64 = 1_767_225_600;
const BASE_CREATED: &str = "2025-12-18T00:12:29Z";
const BUILD_CREATED: &str = "2026-01-01T00:00:00Z";
const BUILD_FINISHED: &str = "2026-01-01T00:00:07Z";

const VERSION: &str = "1.0";
const SOURCE_URL: &str = "https://github.com/strata-demo/greet";
const REVISION: &str = "3f6c1e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e";
const LICENSE: &str = "Apache-2.0";
const DESCRIPTION: &str = "A tiny greeting service used by the Strata demo registry";
const AUTHOR: &str = "Strata Demo <demo@strata.invalid>";
const BASE_IMAGE: &str = "docker.io/library/alpine:3.23.2";
const PATH_ENV: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const GREETING_ENV: &str = "GREETING=hello";
const ENTRYPOINT: &str = "/usr/local/bin/greet";
const USER: &str = "65534:65534";
const WORKDIR: &str = "/srv";
const PORT: &str = "8080/tcp";

#[derive(Clone, Copy)]
struct Platform {
    architecture: &'static str,
    variant: Option<&'static str>,
    /// Alpine's spelling of the architecture (file names, apk package URLs).
    alpine_arch: &'static str,
    /// The alpine:3.23.2 manifest for this platform, i.e. the image's `FROM`.
    base_manifest: &'static str,
}

const AMD64: Platform = Platform {
    architecture: "amd64",
    variant: None,
    alpine_arch: "x86_64",
    base_manifest: "sha256:1882fa4569e0c591ea092d3766c4893e19b8901a8e649de7067188aba3cc0679",
};
const ARM64_V8: Platform = Platform {
    architecture: "arm64",
    variant: Some("v8"),
    alpine_arch: "aarch64",
    base_manifest: "sha256:410dabcd6f1d53f1f4e5c1ce9553efa298ca6bcdd086dfc976b8f659d58b46d2",
};
const ARM_V7: Platform = Platform {
    architecture: "arm",
    variant: Some("v7"),
    alpine_arch: "armv7",
    base_manifest: "sha256:d320aee528174169f76afc8ebd02feb0a42824bc2264d0da1761edff6f06bc5f",
};
const ARM_V6: Platform = Platform {
    architecture: "arm",
    variant: Some("v6"),
    alpine_arch: "armhf",
    base_manifest: "sha256:cd194307b3514d0b3eb229a1f6b0c92be4dd0e714b109a488269837170317944",
};
const S390X: Platform = Platform {
    architecture: "s390x",
    variant: None,
    alpine_arch: "s390x",
    base_manifest: "sha256:e1fe68c8d560a9853093a5e8ee615f3808116d97b634b774ccbace73d1de8956",
};
const I386: Platform = Platform {
    architecture: "386",
    variant: None,
    alpine_arch: "x86",
    base_manifest: "sha256:16ff8a639f58b38d94b054e94c106dbbd8a60d45f8b1989f98516a3e8e0792ad",
};

const MULTI_ARCH_PLATFORMS: [Platform; 4] = [AMD64, ARM64_V8, ARM_V7, S390X];
const MANIFEST_LIST_PLATFORMS: [Platform; 3] = [AMD64, ARM_V6, I386];

impl Platform {
    /// `os/arch[/variant]`, as docker and containerd print it.
    fn spec(&self) -> String {
        match self.variant {
            Some(variant) => format!("linux/{}/{variant}", self.architecture),
            None => format!("linux/{}", self.architecture),
        }
    }

    fn to_json(self) -> Value {
        let mut platform = json!({ "architecture": self.architecture, "os": "linux" });
        if let Some(variant) = self.variant {
            insert(&mut platform, "variant", json!(variant));
        }
        platform
    }
}

/// OCI images come out of buildx (buildkit history); Docker ones out of the classic
/// builder (`#(nop)` history), so the inspector sees both styles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Oci,
    Docker,
}

impl Flavor {
    fn manifest_type(self) -> &'static str {
        match self {
            Flavor::Oci => OCI_MANIFEST,
            Flavor::Docker => DOCKER_MANIFEST,
        }
    }

    fn config_type(self) -> &'static str {
        match self {
            Flavor::Oci => OCI_CONFIG,
            Flavor::Docker => DOCKER_CONFIG,
        }
    }

    fn layer_type(self) -> &'static str {
        match self {
            Flavor::Oci => OCI_LAYER_GZIP,
            Flavor::Docker => DOCKER_LAYER_GZIP,
        }
    }
}

/// A content-addressed blob already stored in [`Blobs`].
#[derive(Clone)]
struct Blob {
    digest: String,
    size: u64,
}

/// All blobs of the layout, keyed by hex digest so they are written in a stable order.
#[derive(Default)]
struct Blobs(BTreeMap<String, Vec<u8>>);

impl Blobs {
    fn put(&mut self, bytes: Vec<u8>) -> Blob {
        let hex = sha256_hex(&bytes);
        let blob = Blob {
            digest: format!("sha256:{hex}"),
            size: bytes.len() as u64,
        };
        self.0.insert(hex, bytes);
        blob
    }

    fn put_json(&mut self, value: &Value) -> Result<Blob> {
        Ok(self.put(json_bytes(value)?))
    }
}

/// Writes the demo layout into `dir`, replacing whatever layout was there before.
pub fn write_layout(dir: &Path) -> Result<()> {
    let (blobs, index) = build_layout()?;
    reset_dir(dir)?;
    let blob_dir = dir.join("blobs").join("sha256");
    fs::create_dir_all(&blob_dir).with_context(|| format!("creating {}", blob_dir.display()))?;
    write_file(
        &dir.join("oci-layout"),
        &json_bytes(&json!({ "imageLayoutVersion": "1.0.0" }))?,
    )?;
    for (hex, bytes) in &blobs.0 {
        write_file(&blob_dir.join(hex), bytes)?;
    }
    write_file(&dir.join("index.json"), &json_bytes(&index)?)
}

/// Removes a previous layout so no stale blobs linger, but refuses to wipe a
/// non-empty directory that is not a layout (e.g. a mistyped `--out .`).
fn reset_dir(dir: &Path) -> Result<()> {
    if fs::symlink_metadata(dir).is_ok() {
        let is_empty = fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_none();
        if !is_empty && !dir.join("oci-layout").is_file() {
            bail!(
                "refusing to replace {}: it is not empty and holds no oci-layout file",
                dir.display()
            );
        }
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Builds every blob and the top-level `index.json` document.
fn build_layout() -> Result<(Blobs, Value)> {
    let mut blobs = Blobs::default();
    // Same order as REPOSITORIES.
    let roots = [
        (OCI_INDEX, build_multi_arch(&mut blobs)?),
        (DOCKER_LIST, build_manifest_list(&mut blobs)?),
        (
            DOCKER_MANIFEST,
            build_image(&mut blobs, SINGLE, Flavor::Docker, AMD64)?,
        ),
    ];
    let manifests: Vec<Value> = REPOSITORIES
        .iter()
        .zip(&roots)
        .flat_map(|(repository, (media_type, root))| {
            TAGS.iter().map(move |tag| {
                let mut entry = descriptor(media_type, root);
                insert(
                    &mut entry,
                    "annotations",
                    json!({ REF_NAME: format!("{repository}:{tag}") }),
                );
                entry
            })
        })
        .collect();
    let index = json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": manifests,
    });
    Ok((blobs, index))
}

/// Like `docker buildx build --platform ... --provenance --sbom`: platform manifests
/// first, then one attestation manifest per platform.
fn build_multi_arch(blobs: &mut Blobs) -> Result<Blob> {
    let mut platform_entries = Vec::new();
    let mut attestation_entries = Vec::new();
    for platform in MULTI_ARCH_PLATFORMS {
        let manifest = build_image(blobs, MULTI_ARCH, Flavor::Oci, platform)?;
        let attestation = build_attestation(blobs, MULTI_ARCH, platform, &manifest)?;

        let mut entry = descriptor(OCI_MANIFEST, &manifest);
        insert(&mut entry, "platform", platform.to_json());
        platform_entries.push(entry);

        let mut entry = descriptor(OCI_MANIFEST, &attestation);
        insert(
            &mut entry,
            "annotations",
            json!({
                REFERENCE_DIGEST: manifest.digest,
                REFERENCE_TYPE: ATTESTATION_MANIFEST,
            }),
        );
        insert(
            &mut entry,
            "platform",
            json!({ "architecture": "unknown", "os": "unknown" }),
        );
        attestation_entries.push(entry);
    }
    platform_entries.extend(attestation_entries);
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": platform_entries,
        "annotations": {
            "org.opencontainers.image.created": BUILD_CREATED,
            "org.opencontainers.image.source": SOURCE_URL,
            "org.opencontainers.image.revision": REVISION,
        },
    }))
}

fn build_manifest_list(blobs: &mut Blobs) -> Result<Blob> {
    let mut entries = Vec::new();
    for platform in MANIFEST_LIST_PLATFORMS {
        let manifest = build_image(blobs, MANIFEST_LIST, Flavor::Docker, platform)?;
        let mut entry = descriptor(DOCKER_MANIFEST, &manifest);
        insert(&mut entry, "platform", platform.to_json());
        entries.push(entry);
    }
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": DOCKER_LIST,
        "manifests": entries,
    }))
}

/// Stores the layers, config and manifest of one platform image; returns the manifest.
fn build_image(
    blobs: &mut Blobs,
    repository: &str,
    flavor: Flavor,
    platform: Platform,
) -> Result<Blob> {
    let tars = [
        tar_bytes(&base_entries(platform))?,
        tar_bytes(&app_entries(platform))?,
        tar_bytes(&config_change_entries(platform))?,
    ];
    let mut diff_ids = Vec::new();
    let mut layers = Vec::new();
    for tar in &tars {
        diff_ids.push(format!("sha256:{}", sha256_hex(tar)));
        let layer = blobs.put(gzip(tar)?);
        layers.push(descriptor(flavor.layer_type(), &layer));
    }
    let config = blobs.put_json(&image_config(repository, flavor, platform, &diff_ids))?;
    let mut manifest = json!({
        "schemaVersion": 2,
        "mediaType": flavor.manifest_type(),
        "config": descriptor(flavor.config_type(), &config),
        "layers": layers,
    });
    if flavor == Flavor::Oci {
        insert(
            &mut manifest,
            "annotations",
            json!({
                "org.opencontainers.image.base.digest": platform.base_manifest,
                "org.opencontainers.image.base.name": BASE_IMAGE,
                "org.opencontainers.image.created": BUILD_CREATED,
                "org.opencontainers.image.revision": REVISION,
                "org.opencontainers.image.source": SOURCE_URL,
                "org.opencontainers.image.version": VERSION,
            }),
        );
    }
    blobs.put_json(&manifest)
}

fn image_config(
    repository: &str,
    flavor: Flavor,
    platform: Platform,
    diff_ids: &[String],
) -> Value {
    let history = match flavor {
        Flavor::Oci => buildkit_history(repository, platform),
        Flavor::Docker => classic_history(repository, diff_ids),
    };
    let created = history
        .last()
        .and_then(|step| step.get("created").cloned())
        .unwrap_or_else(|| json!(BUILD_CREATED));
    let mut config = json!({
        "architecture": platform.architecture,
        "os": "linux",
        "created": created,
        "config": {
            "User": USER,
            "ExposedPorts": { PORT: {} },
            "Env": [PATH_ENV, GREETING_ENV],
            "Entrypoint": [ENTRYPOINT],
            "Cmd": ["world"],
            "WorkingDir": WORKDIR,
            "Labels": image_labels(repository),
        },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": history,
    });
    if let Some(variant) = platform.variant {
        insert(&mut config, "variant", json!(variant));
    }
    if flavor == Flavor::Docker {
        insert(&mut config, "author", json!(AUTHOR));
        insert(&mut config, "docker_version", json!("27.4.1"));
    }
    config
}

fn image_labels(repository: &str) -> Value {
    json!({
        "org.opencontainers.image.title": repository,
        "org.opencontainers.image.description": DESCRIPTION,
        "org.opencontainers.image.source": SOURCE_URL,
        "org.opencontainers.image.version": VERSION,
        "org.opencontainers.image.licenses": LICENSE,
    })
}

fn label_instruction(repository: &str) -> String {
    format!(
        "LABEL org.opencontainers.image.title={repository} \
         org.opencontainers.image.description={DESCRIPTION:?} \
         org.opencontainers.image.licenses={LICENSE} \
         org.opencontainers.image.source={SOURCE_URL} \
         org.opencontainers.image.version={VERSION}"
    )
}

/// One history step; `empty` steps change only the config and own no layer.
fn history_step(created: &str, created_by: String, empty: bool, comment: Option<&str>) -> Value {
    let mut step = json!({ "created": created, "created_by": created_by });
    if let Some(comment) = comment {
        insert(&mut step, "comment", json!(comment));
    }
    if empty {
        insert(&mut step, "empty_layer", json!(true));
    }
    step
}

/// History as buildkit writes it: `# buildkit` suffixes and its odd `EXPOSE map[...]`.
fn buildkit_history(repository: &str, platform: Platform) -> Vec<Value> {
    let arch = platform.alpine_arch;
    let steps = [
        (
            BASE_CREATED,
            format!("ADD alpine-minirootfs-3.23.2-{arch}.tar.gz / # buildkit"),
            false,
        ),
        (BASE_CREATED, r#"CMD ["/bin/sh"]"#.to_owned(), true),
        (BUILD_CREATED, format!("ENV {GREETING_ENV}"), true),
        (
            BUILD_CREATED,
            "RUN /bin/sh -c install -D -m 0755 /src/greet /usr/local/bin/greet \
             && install -D -m 0644 /src/message.txt /usr/share/greet/message.txt # buildkit"
                .to_owned(),
            false,
        ),
        (BUILD_CREATED, label_instruction(repository), true),
        (
            BUILD_CREATED,
            "RUN /bin/sh -c rm /etc/hostname \
             && install -m 0644 /src/greet.conf /etc/greet.conf # buildkit"
                .to_owned(),
            false,
        ),
        (BUILD_CREATED, format!("WORKDIR {WORKDIR}"), true),
        (BUILD_CREATED, format!("EXPOSE map[{PORT}:{{}}]"), true),
        (BUILD_CREATED, format!("USER {USER}"), true),
        (
            BUILD_CREATED,
            format!(r#"ENTRYPOINT ["{ENTRYPOINT}"]"#),
            true,
        ),
        (BUILD_CREATED, r#"CMD ["world"]"#.to_owned(), true),
    ];
    steps
        .into_iter()
        .map(|(created, created_by, empty)| {
            history_step(created, created_by, empty, Some("buildkit.dockerfile.v0"))
        })
        .collect()
}

/// History as the classic `docker build` writes it: `/bin/sh -c #(nop)` prefixes and a
/// new timestamp per step.
fn classic_history(repository: &str, diff_ids: &[String]) -> Vec<Value> {
    let base_diff = diff_ids
        .first()
        .and_then(|id| id.strip_prefix("sha256:"))
        .unwrap_or_default();
    let nop = "/bin/sh -c #(nop) ";
    let build_steps = [
        (format!("{nop} MAINTAINER {AUTHOR}"), true),
        (format!("{nop} ENV {GREETING_ENV}"), true),
        (
            "/bin/sh -c install -D -m 0755 /tmp/greet /usr/local/bin/greet \
             && install -D -m 0644 /tmp/message.txt /usr/share/greet/message.txt"
                .to_owned(),
            false,
        ),
        (format!("{nop} {}", label_instruction(repository)), true),
        (
            "/bin/sh -c rm /etc/hostname && printf \"PUNCTUATION='!'\\n\" > /etc/greet.conf"
                .to_owned(),
            false,
        ),
        (format!("{nop}WORKDIR {WORKDIR}"), true),
        (format!("{nop} EXPOSE {PORT}"), true),
        (format!("{nop} USER {USER}"), true),
        (format!(r#"{nop} ENTRYPOINT ["{ENTRYPOINT}"]"#), true),
        (format!(r#"{nop} CMD ["world"]"#), true),
    ];
    let mut history = vec![
        history_step(
            BASE_CREATED,
            format!("{nop}ADD file:{base_diff} in / "),
            false,
            None,
        ),
        history_step(
            BASE_CREATED,
            format!(r#"{nop} CMD ["/bin/sh"]"#),
            true,
            None,
        ),
    ];
    for (second, (created_by, empty)) in build_steps.into_iter().enumerate() {
        let created = format!("2026-01-01T00:00:{second:02}Z");
        history.push(history_step(&created, created_by, empty, None));
    }
    history
}

/// Legacy (`oci-artifact=false`) buildx attestation manifest for one platform manifest.
fn build_attestation(
    blobs: &mut Blobs,
    repository: &str,
    platform: Platform,
    manifest: &Blob,
) -> Result<Blob> {
    let subject = attestation_subjects(repository, platform, manifest);
    let statements = [
        (
            SPDX_PREDICATE,
            spdx_document(repository, platform, manifest),
        ),
        (SLSA_PREDICATE, slsa_provenance(platform)),
    ];
    let mut layers = Vec::new();
    let mut diff_ids = Vec::new();
    for (predicate_type, predicate) in statements {
        let statement = blobs.put_json(&json!({
            "_type": IN_TOTO_STATEMENT,
            "predicateType": predicate_type,
            "subject": subject,
            "predicate": predicate,
        }))?;
        diff_ids.push(statement.digest.clone());
        let mut layer = descriptor(IN_TOTO, &statement);
        insert(
            &mut layer,
            "annotations",
            json!({ PREDICATE_TYPE: predicate_type }),
        );
        layers.push(layer);
    }
    let config = blobs.put_json(&json!({
        "architecture": "unknown",
        "os": "unknown",
        "config": {},
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
    }))?;
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(OCI_CONFIG, &config),
        "layers": layers,
    }))
}

/// One subject per tag, named the way buildkit does (`pkg:docker/...?platform=...`).
fn attestation_subjects(repository: &str, platform: Platform, manifest: &Blob) -> Value {
    let hex = manifest.digest.trim_start_matches("sha256:");
    let platform_param = platform.spec().replace('/', "%2F");
    let subjects: Vec<Value> = TAGS
        .iter()
        .map(|tag| {
            json!({
                "name": format!("pkg:docker/{repository}@{tag}?platform={platform_param}"),
                "digest": { "sha256": hex },
            })
        })
        .collect();
    json!(subjects)
}

/// (name, version, license) of the packages the SBOM lists.
const APK_PACKAGES: [(&str, &str, &str); 3] = [
    ("alpine-baselayout", "3.7.1-r8", "GPL-2.0-only"),
    ("busybox", "1.37.0-r30", "GPL-2.0-only"),
    ("musl", "1.2.5-r21", "MIT"),
];

fn spdx_document(repository: &str, platform: Platform, manifest: &Blob) -> Value {
    let arch = platform.alpine_arch;
    let mut packages = vec![json!({
        "name": repository,
        "SPDXID": "SPDXRef-DocumentRoot-Image",
        "versionInfo": VERSION,
        "supplier": "NOASSERTION",
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "CONTAINER",
    })];
    for (name, version, license) in APK_PACKAGES {
        packages.push(json!({
            "name": name,
            "SPDXID": format!("SPDXRef-Package-apk-{name}"),
            "versionInfo": version,
            "supplier": "Organization: Alpine Linux",
            "downloadLocation": "https://alpinelinux.org/",
            "filesAnalyzed": false,
            "sourceInfo": "acquired package info from APK DB: /lib/apk/db/installed",
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": license,
            "copyrightText": "NOASSERTION",
            "externalRefs": [
                {
                    "referenceCategory": "SECURITY",
                    "referenceType": "cpe23Type",
                    "referenceLocator": format!("cpe:2.3:a:{name}:{name}:{version}:*:*:*:*:*:*:*"),
                },
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": format!("pkg:apk/alpine/{name}@{version}?arch={arch}&distro=alpine-3.23.2"),
                },
            ],
        }));
    }
    packages.push(json!({
        "name": "greet",
        "SPDXID": "SPDXRef-Package-binary-greet",
        "versionInfo": VERSION,
        "supplier": "Organization: Strata Demo",
        "downloadLocation": SOURCE_URL,
        "filesAnalyzed": false,
        "sourceInfo": "acquired package info from file: /usr/local/bin/greet",
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": LICENSE,
        "copyrightText": "NOASSERTION",
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": format!("pkg:generic/greet@{VERSION}"),
        }],
    }));
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relatedSpdxElement": "SPDXRef-DocumentRoot-Image",
        "relationshipType": "DESCRIBES",
    })];
    for package in &packages[1..] {
        relationships.push(json!({
            "spdxElementId": "SPDXRef-DocumentRoot-Image",
            "relatedSpdxElement": package["SPDXID"],
            "relationshipType": "CONTAINS",
        }));
    }
    let hex = manifest.digest.trim_start_matches("sha256:");
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": format!("{repository}@{VERSION} ({})", platform.spec()),
        "documentNamespace": format!("https://strata.invalid/spdx/{repository}/{hex}"),
        "creationInfo": {
            "licenseListVersion": "3.25",
            "creators": [
                "Organization: Anchore, Inc",
                "Tool: syft-v1.19.0",
                "Tool: buildkit-v0.19.0",
            ],
            "created": BUILD_CREATED,
        },
        "packages": packages,
        "relationships": relationships,
    })
}

fn slsa_provenance(platform: Platform) -> Value {
    let platform_param = platform.spec().replace('/', "%2F");
    let base_hex = platform.base_manifest.trim_start_matches("sha256:");
    json!({
        "builder": { "id": "" },
        "buildType": "https://mobyproject.org/buildkit@v1",
        "materials": [{
            "uri": format!("pkg:docker/alpine@3.23.2?platform={platform_param}"),
            "digest": { "sha256": base_hex },
        }],
        "invocation": {
            "configSource": { "entryPoint": "Dockerfile" },
            "parameters": {
                "frontend": "dockerfile.v0",
                "args": {
                    "build-arg:GREETING": "hello",
                    "label:org.opencontainers.image.version": VERSION,
                },
                "locals": [{ "name": "context" }, { "name": "dockerfile" }],
            },
            "environment": { "platform": "linux/amd64" },
        },
        "metadata": {
            "buildInvocationID": format!("strata-demo-{}", platform.alpine_arch),
            "buildStartedOn": BUILD_CREATED,
            "buildFinishedOn": BUILD_FINISHED,
            "completeness": { "parameters": true, "environment": true, "materials": false },
            "reproducible": false,
            "https://mobyproject.org/buildkit@v1#metadata": {
                "vcs": { "revision": REVISION, "source": SOURCE_URL },
            },
        },
    })
}

/// A tar entry; directory paths carry no trailing slash (it is added when writing).
enum Entry {
    Dir(&'static str, u32),
    File(&'static str, u32, String),
    Symlink(&'static str, &'static str),
}

/// A tiny alpine-like root filesystem.
fn base_entries(platform: Platform) -> Vec<Entry> {
    let arch = platform.alpine_arch;
    let spec = platform.spec();
    let os_release = format!(
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.23.2\n\
         PRETTY_NAME=\"Alpine Linux v3.23 ({arch})\"\n\
         VARIANT=\"Strata demo rootfs for {spec}\"\nVARIANT_ID=strata-demo\n\
         HOME_URL=\"https://alpinelinux.org/\"\n\
         BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n"
    );
    let busybox = format!(
        "BusyBox v1.37.0 (2025-12-16 alpine) multi-call binary for {arch}.\n\
         Placeholder in the Strata demo image; not an executable.\n"
    );
    vec![
        Entry::Dir("bin", 0o755),
        Entry::File("bin/busybox", 0o755, busybox),
        Entry::Symlink("bin/sh", "busybox"),
        Entry::Dir("etc", 0o755),
        Entry::File("etc/hostname", 0o644, "strata-demo\n".to_owned()),
        Entry::File("etc/os-release", 0o644, os_release),
        Entry::Dir("root", 0o700),
        Entry::Dir("srv", 0o755),
        Entry::Dir("tmp", 0o1777),
    ]
}

/// The application: a shell script and its data file.
fn app_entries(platform: Platform) -> Vec<Entry> {
    let spec = platform.spec();
    let script = format!(
        "#!/bin/sh\n# greet {VERSION} for {spec}\nset -eu\nPUNCTUATION='.'\n\
         if [ -r /etc/greet.conf ]; then . /etc/greet.conf; fi\n\
         printf '%s, %s%s\\n' \"${{GREETING:-hello}}\" \"${{1:-world}}\" \"$PUNCTUATION\"\n\
         cat /usr/share/greet/message.txt\n"
    );
    let message = format!("Served by the {spec} build of greet {VERSION}.\n");
    vec![
        Entry::Dir("usr", 0o755),
        Entry::Dir("usr/local", 0o755),
        Entry::Dir("usr/local/bin", 0o755),
        Entry::File("usr/local/bin/greet", 0o755, script),
        Entry::Dir("usr/share", 0o755),
        Entry::Dir("usr/share/greet", 0o755),
        Entry::File("usr/share/greet/message.txt", 0o644, message),
    ]
}

/// Deletes `/etc/hostname` (a whiteout) and adds a config file.
fn config_change_entries(platform: Platform) -> Vec<Entry> {
    let conf = format!(
        "# greet configuration, written at build time for {}\nPUNCTUATION='!'\n",
        platform.spec()
    );
    vec![
        Entry::Dir("etc", 0o755),
        Entry::File("etc/.wh.hostname", 0o644, String::new()),
        Entry::File("etc/greet.conf", 0o644, conf),
    ]
}

/// Serializes entries as a ustar archive with fixed owners and times.
fn tar_bytes(entries: &[Entry]) -> Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_ustar();
        header.set_mtime(LAYER_MTIME);
        header.set_uid(0);
        header.set_gid(0);
        header.set_username("root")?;
        header.set_groupname("root")?;
        header.set_device_major(0)?;
        header.set_device_minor(0)?;
        let data: &[u8] = match entry {
            Entry::Dir(path, mode) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(*mode);
                header.set_size(0);
                set_entry_name(&mut header, &format!("{path}/"))?;
                &[]
            }
            Entry::File(path, mode, content) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(*mode);
                header.set_size(content.len() as u64);
                set_entry_name(&mut header, path)?;
                content.as_bytes()
            }
            Entry::Symlink(path, target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                header.set_link_name(target)?;
                set_entry_name(&mut header, path)?;
                &[]
            }
        };
        header.set_cksum();
        builder.append(&header, data)?;
    }
    Ok(builder.into_inner()?)
}

/// Writes the name field directly: `Header::set_path` drops the trailing `/` that
/// docker and buildkit put on directory entries.
fn set_entry_name(header: &mut tar::Header, name: &str) -> Result<()> {
    let field = &mut header.as_old_mut().name;
    if name.len() >= field.len() {
        bail!("tar entry name too long for a ustar header: {name}");
    }
    field.fill(0);
    field[..name.len()].copy_from_slice(name.as_bytes());
    Ok(())
}

/// Gzip with mtime 0 and no file name so the header bytes never vary.
fn gzip(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::default());
    encoder.write_all(data)?;
    encoder.finish()
}

fn descriptor(media_type: &str, blob: &Blob) -> Value {
    json!({ "mediaType": media_type, "digest": blob.digest, "size": blob.size })
}

/// Adds a field to a JSON object built with `json!`.
fn insert(object: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = object {
        map.insert(key.to_owned(), value);
    }
}

/// Compact JSON with keys sorted explicitly, so the bytes (and digests) stay the same
/// even if another crate in the build turns on serde_json's `preserve_order`.
fn json_bytes(value: &Value) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(&sorted_keys(value))?)
}

fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> = map
                .iter()
                .map(|(key, value)| (key, sorted_keys(value)))
                .collect();
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(key, value)| (key.clone(), value))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

fn sha256_hex(data: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(data) {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
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

    fn written_layout(label: &str) -> TempDir {
        let dir = TempDir::new(label);
        write_layout(&dir.0).unwrap();
        dir
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

    /// Reads the blob a descriptor names and checks its digest and size.
    fn fetch(dir: &Path, descriptor: &Value) -> Vec<u8> {
        let digest = descriptor["digest"].as_str().unwrap();
        let hex = digest.strip_prefix("sha256:").unwrap();
        let bytes = fs::read(dir.join("blobs/sha256").join(hex))
            .unwrap_or_else(|err| panic!("blob {digest} missing: {err}"));
        assert_eq!(sha256_hex(&bytes), hex, "content of {digest}");
        assert_eq!(
            descriptor["size"].as_u64().unwrap(),
            bytes.len() as u64,
            "size of {digest}"
        );
        bytes
    }

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// Verifies everything below a descriptor; returns how many image manifests it saw.
    fn verify_tree(dir: &Path, descriptor: &Value) -> usize {
        let bytes = fetch(dir, descriptor);
        let document = read_json(&bytes);
        let media_type = descriptor["mediaType"].as_str().unwrap();
        assert_eq!(document["mediaType"], media_type);
        match media_type {
            OCI_INDEX | DOCKER_LIST => document["manifests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|child| verify_tree(dir, child))
                .sum(),
            OCI_MANIFEST | DOCKER_MANIFEST => {
                verify_manifest(dir, &document);
                1
            }
            other => panic!("unexpected media type {other}"),
        }
    }

    fn verify_manifest(dir: &Path, manifest: &Value) {
        let config = read_json(&fetch(dir, &manifest["config"]));
        let layers = manifest["layers"].as_array().unwrap();
        let diff_ids: Vec<String> = layers
            .iter()
            .map(|layer| {
                let blob = fetch(dir, layer);
                let uncompressed = if layer["mediaType"].as_str().unwrap().ends_with("gzip") {
                    gunzip(&blob)
                } else {
                    blob
                };
                format!("sha256:{}", sha256_hex(&uncompressed))
            })
            .collect();
        assert_eq!(config["rootfs"]["type"], "layers");
        assert_eq!(config["rootfs"]["diff_ids"], json!(diff_ids));
        if config["architecture"] != "unknown" {
            let non_empty = config["history"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|step| step["empty_layer"] != json!(true))
                .count();
            assert_eq!(non_empty, layers.len(), "history of {config}");
        }
    }

    #[test]
    fn layout_is_byte_identical_across_runs() {
        let first = written_layout("first");
        let second = written_layout("second");
        let first_tree = read_tree(&first.0);
        assert!(first_tree.contains_key(Path::new("oci-layout")));
        assert!(first_tree.contains_key(Path::new("index.json")));
        assert_eq!(first_tree, read_tree(&second.0));

        // Rewriting in place drops nothing and leaves nothing stale.
        fs::write(first.0.join("blobs/sha256/stale"), b"old").unwrap();
        write_layout(&first.0).unwrap();
        assert_eq!(first_tree, read_tree(&first.0));
    }

    #[test]
    fn every_descriptor_resolves_to_a_matching_blob() {
        let dir = written_layout("descriptors");
        let index = read_json(&fs::read(dir.0.join("index.json")).unwrap());
        let roots = index["manifests"].as_array().unwrap();

        let names: BTreeSet<&str> = roots
            .iter()
            .map(|root| root["annotations"][REF_NAME].as_str().unwrap())
            .collect();
        let expected: BTreeSet<String> = REPOSITORIES
            .iter()
            .flat_map(|repo| TAGS.iter().map(move |tag| format!("{repo}:{tag}")))
            .collect();
        assert_eq!(names, expected.iter().map(String::as_str).collect());

        let manifest_counts: Vec<usize> =
            roots.iter().map(|root| verify_tree(&dir.0, root)).collect();
        // Per tag: 4 platforms + 4 attestations, 3 platforms, 1 image.
        assert_eq!(manifest_counts, [8, 8, 3, 3, 1, 1]);
    }

    #[test]
    fn multi_arch_index_pairs_each_platform_with_an_attestation() {
        let dir = written_layout("multi-arch");
        let index = read_json(&fs::read(dir.0.join("index.json")).unwrap());
        let root = index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|root| root["annotations"][REF_NAME] == "strata/multi-arch:latest")
            .unwrap();
        let multi = read_json(&fetch(&dir.0, root));
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
            let manifest = read_json(&fetch(&dir.0, entry));
            let subject_digest = entry["annotations"][REFERENCE_DIGEST].as_str().unwrap();
            let predicates: Vec<&str> = manifest["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|layer| {
                    let statement = read_json(&fetch(&dir.0, layer));
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
}
