//! The greet images: a buildx-style multi-arch index with SBOM and provenance
//! attestations, a Docker manifest list and single platform images, in both buildkit and
//! classic `docker build` style.

use crate::error::{Context as _, Result};
use serde_json::{Value, json};

use super::layers::{app_entries, base_entries, config_change_entries, gzip, tar_bytes};
use super::platforms::{AMD64, ARM_V6, ARM_V7, ARM64_V8, I386, Platform, S390X};
use super::{
    AUTHOR, BASE_CREATED, BUILD_CREATED, BUILD_FINISHED, Blob, Blobs, DESCRIPTION, DOCKER_CONFIG,
    DOCKER_LAYER_GZIP, DOCKER_LIST, DOCKER_MANIFEST, ENTRYPOINT, GREETING_ENV, IN_TOTO,
    IN_TOTO_STATEMENT, LICENSE, MANIFEST_LIST, MULTI_ARCH, OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP,
    OCI_MANIFEST, PATH_ENV, RELEASE_TAGS, REVISION, SINGLE, SOURCE_URL, VERSION, descriptor,
    insert, sha256_hex,
};

pub(super) use strata_image::artifact::IN_TOTO_PREDICATE_TYPE as PREDICATE_TYPE;
pub(super) use strata_image::manifest::ATTESTATION_MANIFEST;
pub(super) use strata_image::manifest::REFERENCE_DIGEST_ANNOTATION as REFERENCE_DIGEST;
pub(super) use strata_image::manifest::REFERENCE_TYPE_ANNOTATION as REFERENCE_TYPE;
pub(super) use strata_supply_chain::provenance::SLSA_V02 as SLSA_PREDICATE;
pub(super) use strata_supply_chain::sbom::SPDX_PREDICATE;

const BASE_IMAGE: &str = "docker.io/library/alpine:3.23.2";
const USER: &str = "65534:65534";
const WORKDIR: &str = "/srv";
const PORT: &str = "8080/tcp";

const MULTI_ARCH_PLATFORMS: [Platform; 4] = [AMD64, ARM64_V8, ARM_V7, S390X];
const MANIFEST_LIST_PLATFORMS: [Platform; 3] = [AMD64, ARM_V6, I386];

/// OCI images come out of buildx (buildkit history); Docker ones out of the classic
/// builder (`#(nop)` history), so the inspector sees both styles.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
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

/// The multi-arch index and its linux/amd64 manifest, which other demo roots refer to.
pub(super) struct MultiArch {
    pub(super) index: Blob,
    pub(super) amd64: Blob,
}

/// Like `docker buildx build --platform ... --provenance --sbom`: platform manifests
/// first, then one attestation manifest per platform.
pub(super) fn build_multi_arch(blobs: &mut Blobs) -> Result<MultiArch> {
    let mut platform_entries = Vec::new();
    let mut attestation_entries = Vec::new();
    let mut amd64 = None;
    for platform in MULTI_ARCH_PLATFORMS {
        let manifest = build_image(blobs, MULTI_ARCH, Flavor::Oci, platform)?;
        if platform.architecture == AMD64.architecture {
            amd64 = Some(manifest.clone());
        }
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
    let index = blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": platform_entries,
        "annotations": {
            "org.opencontainers.image.created": BUILD_CREATED,
            "org.opencontainers.image.source": SOURCE_URL,
            "org.opencontainers.image.revision": REVISION,
        },
    }))?;
    let amd64 = amd64.context("the multi-arch image is built for linux/amd64")?;
    Ok(MultiArch { index, amd64 })
}

/// The Docker manifest list: classic-builder images for three platforms.
pub(super) fn build_manifest_list(blobs: &mut Blobs) -> Result<Blob> {
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

/// The single-platform Docker image.
pub(super) fn build_single(blobs: &mut Blobs) -> Result<Blob> {
    build_image(blobs, SINGLE, Flavor::Docker, AMD64)
}

/// Stores the layers, config and manifest of one platform image; returns the manifest.
pub(super) fn build_image(
    blobs: &mut Blobs,
    repository: &str,
    flavor: Flavor,
    platform: Platform,
) -> Result<Blob> {
    let manifest = image_manifest(blobs, repository, flavor, platform)?;
    blobs.put_json(&manifest)
}

/// Stores the layers and config of one platform image; returns its manifest, not yet stored,
/// for callers that add annotations first.
pub(super) fn image_manifest(
    blobs: &mut Blobs,
    repository: &str,
    flavor: Flavor,
    platform: Platform,
) -> Result<Value> {
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
    Ok(manifest)
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
pub(super) fn history_step(
    created: &str,
    created_by: String,
    empty: bool,
    comment: Option<&str>,
) -> Value {
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
    let subjects: Vec<Value> = RELEASE_TAGS
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
