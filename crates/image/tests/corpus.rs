//! The shared corpus of real manifests, indexes, configs and image archives checks core against what
//! registries and tools actually wrote: every document must hash to its name and read as its kind.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use strata_image::artifact::{self, ManifestRole};
use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::finding::Severity;
use strata_image::manifest::{self, Descriptor, Document, ReadDocument};
use strata_image::media_type::{self, Compression, DocumentKind};
use strata_image::schema1;

/// Documents in the corpus, as counted on disk (SOURCES.md says 159).
const DOCUMENT_COUNT: usize = 159;

/// Signed schema 1 files: the raw-bytes name, and the JWS payload digest SOURCES.md states.
const SIGNED_SCHEMA1_PAYLOADS: [(&str, &str); 2] = [
    (
        "b2adb1fb02d8bfac5617625965c475e1035f08dc84b7719f5902528dc1363845",
        "sha256:02fee8c3220ba806531f606525eceb83f4feb654f62b207191b1c9209188dedd",
    ),
    (
        "e028c450623065a8813712d8018f9a3d49e8adaad885f6e01371a1e26bd2224d",
        "sha256:7364fea9d84ee548ab67d4c46c6006289800c98de3fbf8c0a97138dfcc23f000",
    ),
];

/// The tampered copy of the 2015 hello-world manifest: its payload must not hash to the real digest.
const TAMPERED_SCHEMA1: &str = "24bd1b4878da8faf6f83688e9224f90428c244e9cf370ed7365aa59c22945890";
const TAMPERED_SCHEMA1_PAYLOAD_PREFIX: &str = "sha256:4e995822";

/// `sha256-<64 hex>.json` files under the corpus, outside `layouts/`, sorted by path.
fn document_files(corpus: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut folders = vec![corpus.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("readable corpus folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "layouts") {
                    folders.push(path);
                }
            } else if let Some(hex) = digest_name(&path) {
                files.push((path, hex));
            }
        }
    }
    files.sort();
    files
}

fn digest_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let hex = name.strip_prefix("sha256-")?.strip_suffix(".json")?;
    let is_hex = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    is_hex.then(|| hex.to_owned())
}

fn relative(path: &Path, corpus: &Path) -> String {
    path.strip_prefix(corpus)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn is_config_shape(value: &serde_json::Value) -> bool {
    let has = |key: &str| value.get(key).is_some();
    (has("rootfs") || (has("architecture") && has("os")))
        && !has("manifests")
        && !has("layers")
        && !has("fsLayers")
}

/// The kind a document is counted under in the breakdown.
fn kind_name(read: &ReadDocument) -> String {
    match &read.document {
        Document::Index(index) => match artifact::index_role(index) {
            Some(role) => format!("index ({})", role.describe()),
            None => "index".to_owned(),
        },
        Document::Manifest(manifest) => {
            format!("manifest: {}", artifact::role(manifest).describe())
        }
        Document::Schema1(manifest) if manifest.is_signed() => "schema1, signed".to_owned(),
        Document::Schema1(_) => "schema1, unsigned".to_owned(),
        Document::Unknown => "unknown".to_owned(),
    }
}

fn check_schema1_payload(hex: &str, bytes: &[u8], path: &str) {
    let payload = schema1::digest_input(bytes).unwrap_or_else(|error| panic!("{path}: {error}"));
    let payload_digest = Digest::sha256_of(&payload).to_string();
    if let Some((_, expected)) = SIGNED_SCHEMA1_PAYLOADS
        .iter()
        .find(|(name, _)| *name == hex)
    {
        assert_eq!(&payload_digest, expected, "{path}: JWS payload digest");
    } else if hex == TAMPERED_SCHEMA1 {
        assert!(
            payload_digest.starts_with(TAMPERED_SCHEMA1_PAYLOAD_PREFIX),
            "{path}: {payload_digest}"
        );
        assert_ne!(payload_digest, SIGNED_SCHEMA1_PAYLOADS[0].1);
    } else {
        panic!("{path}: a signed schema 1 file SOURCES.md does not list ({payload_digest})");
    }
}

fn check_document_findings(hex: &str, read: &ReadDocument, path: &str) {
    let errors: Vec<&str> = read
        .findings
        .iter()
        .filter(|finding| finding.severity == Severity::Error)
        .map(|finding| finding.message.as_str())
        .collect();
    if hex == TAMPERED_SCHEMA1 {
        assert_eq!(
            errors,
            ["schemaVersion is 2, but a schema 1 manifest must say 1."],
            "{path}"
        );
    } else {
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
}

#[test]
fn every_corpus_document_verifies_and_reads_as_its_kind() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let files = document_files(&corpus);
    let mut breakdown: BTreeMap<String, usize> = BTreeMap::new();
    let mut bodies: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut reads: BTreeMap<String, ReadDocument> = BTreeMap::new();
    for (path, hex) in &files {
        let name = relative(path, &corpus);
        let bytes = fs::read(path).expect("readable corpus file");
        assert_eq!(
            Digest::sha256_of(&bytes).encoded(),
            hex,
            "{name}: the bytes must hash to the file name"
        );
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
        if is_config_shape(&value) {
            ImageConfig::parse(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
            *breakdown.entry("config".to_owned()).or_default() += 1;
        } else {
            let read = manifest::read_document(&bytes, None)
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_ne!(
                read.document,
                Document::Unknown,
                "{name}: kind not recognised"
            );
            if let Document::Schema1(manifest) = &read.document {
                if manifest.is_signed() {
                    check_schema1_payload(hex, &bytes, &name);
                } else {
                    assert_eq!(&*schema1::digest_input(&bytes).unwrap(), &bytes[..]);
                }
            }
            check_document_findings(hex, &read, &name);
            *breakdown.entry(kind_name(&read)).or_default() += 1;
            reads.insert(hex.clone(), read);
        }
        bodies.insert(hex.clone(), bytes);
    }
    println!("corpus at {}: {} documents", corpus.display(), files.len());
    for (kind, count) in &breakdown {
        println!("  {count:>3}  {kind}");
    }
    assert_eq!(files.len(), DOCUMENT_COUNT);
    let expected: BTreeMap<String, usize> = [
        ("config", 42),
        ("index", 22),
        ("index (artifact)", 2),
        ("manifest: artifact", 30),
        ("manifest: attestation", 9),
        ("manifest: cosign signature", 1),
        ("manifest: Helm chart", 2),
        ("manifest: image", 47),
        ("schema1, signed", 3),
        ("schema1, unsigned", 1),
    ]
    .into_iter()
    .map(|(kind, count)| (kind.to_owned(), count))
    .collect();
    assert_eq!(breakdown, expected);
    let checked = check_cross_references(&reads, &bodies);
    println!("  {checked} descriptors point at corpus files; their sizes and kinds agree");
    check_known_documents(&reads);
}

/// Descriptors that name another corpus file must state its size, and a manifest-kind media type must
/// name a document of that kind.
fn check_cross_references(
    reads: &BTreeMap<String, ReadDocument>,
    bodies: &BTreeMap<String, Vec<u8>>,
) -> usize {
    let mut checked = 0;
    for (hex, read) in reads {
        let descriptors: Vec<&Descriptor> = match &read.document {
            Document::Index(index) => index.manifests.iter().chain(&index.subject).collect(),
            Document::Manifest(manifest) => std::iter::once(&manifest.config)
                .chain(&manifest.layers)
                .chain(&manifest.subject)
                .collect(),
            Document::Schema1(_) | Document::Unknown => Vec::new(),
        };
        for descriptor in descriptors {
            let Some(target) = descriptor.digest.strip_prefix("sha256:") else {
                continue;
            };
            let Some(body) = bodies.get(target) else {
                continue;
            };
            assert_eq!(descriptor.size, body.len() as u64, "{hex} -> {target}");
            if let Some(child) = reads.get(target) {
                let expected = media_type::document_kind(&descriptor.media_type);
                if expected != DocumentKind::Unknown {
                    assert_eq!(
                        media_type::document_kind(&child.media_type),
                        expected,
                        "{hex} -> {target}"
                    );
                }
            }
            checked += 1;
        }
    }
    checked
}

fn read_of<'a>(reads: &'a BTreeMap<String, ReadDocument>, prefix: &str) -> &'a ReadDocument {
    let mut matches = reads.iter().filter(|(hex, _)| hex.starts_with(prefix));
    let (_, read) = matches
        .next()
        .unwrap_or_else(|| panic!("no corpus file {prefix}…"));
    assert!(matches.next().is_none(), "ambiguous prefix {prefix}");
    read
}

fn manifest_of<'a>(
    reads: &'a BTreeMap<String, ReadDocument>,
    prefix: &str,
) -> &'a manifest::ImageManifest {
    match &read_of(reads, prefix).document {
        Document::Manifest(manifest) => manifest,
        other => panic!("{prefix} is not a manifest: {other:?}"),
    }
}

fn has_finding(read: &ReadDocument, severity: Severity, text: &str) -> bool {
    read.findings
        .iter()
        .any(|finding| finding.severity == severity && finding.message.contains(text))
}

/// Spot checks of documents whose kind SOURCES.md states.
fn check_known_documents(reads: &BTreeMap<String, ReadDocument>) {
    assert_eq!(
        artifact::role(manifest_of(reads, "00dba905f263")),
        ManifestRole::Attestation {
            predicate_types: vec![
                "https://spdx.dev/Document".to_owned(),
                "https://slsa.dev/provenance/v0.2".to_owned()
            ],
        }
    );
    assert_eq!(
        artifact::role(manifest_of(reads, "f1afaf1e30ac")),
        ManifestRole::CosignSignature
    );
    let ManifestRole::HelmChart(Some(chart)) = artifact::role(manifest_of(reads, "2776ee23722e"))
    else {
        panic!("the bitnami nginx chart is not a Helm chart with annotations");
    };
    assert_eq!(
        (chart.name.as_str(), chart.version.as_str()),
        ("nginx", "15.0.2")
    );
    assert_eq!(
        artifact::role(manifest_of(reads, "b544f71ecd82")),
        ManifestRole::HelmChart(None)
    );
    assert_eq!(
        artifact::role(manifest_of(reads, "30cc0c708132")),
        ManifestRole::Artifact {
            artifact_type: "application/example.sbom".to_owned()
        }
    );
    let windows = read_of(reads, "63c287625c2b");
    assert!(has_finding(
        windows,
        Severity::Info,
        "Layer 1 is a foreign layer"
    ));
    let estargz = manifest_of(reads, "2e75eb783d1a");
    assert!(media_type::estargz_hint(&estargz.layers[0].annotations));
    let zstd = manifest_of(reads, "f5e3515f39a1");
    assert_eq!(
        media_type::layer_kind(&zstd.layers[0].media_type).compression,
        Compression::Zstd
    );
    let referrer = read_of(reads, "20e7d3a6ce08");
    assert!(has_finding(referrer, Severity::Info, "refers to sha256:"));
    let Document::Schema1(hello) = &read_of(reads, "b2adb1fb02d8").document else {
        panic!("the 2015 hello-world is not schema 1");
    };
    assert_eq!(hello.name, "library/hello-world");
    assert_eq!(hello.fs_layers.len(), hello.history.len());
    let bottom = hello.layers_bottom_first();
    assert_eq!(
        bottom[0].blob_sum,
        hello.fs_layers[hello.fs_layers.len() - 1]
    );
    assert!(
        bottom[0]
            .history
            .is_some_and(|entry| entry.parent.is_none())
    );
}

/// Regular files of a tar archive by path (`./` stripped), following PAX and GNU long names.
fn tar_files(archive: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut long_name: Option<String> = None;
    let mut offset = 0;
    while let Some(header) = archive.get(offset..offset + 512) {
        if header.iter().all(|byte| *byte == 0) {
            break;
        }
        let size = octal(&header[124..136]);
        let data = &archive[offset + 512..offset + 512 + size];
        let name = long_name.take().unwrap_or_else(|| header_name(header));
        match header[156] {
            b'0' | 0 => {
                let path = name.trim_start_matches("./").to_owned();
                files.insert(path, data.to_vec());
            }
            b'L' => long_name = Some(text(data)),
            b'x' => long_name = pax_path(data),
            _ => {}
        }
        offset += 512 + size.div_ceil(512) * 512;
    }
    files
}

fn text(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|byte| *byte == 0)
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn header_name(header: &[u8]) -> String {
    let name = text(&header[0..100]);
    let prefix = if &header[257..262] == b"ustar" {
        text(&header[345..500])
    } else {
        String::new()
    };
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

fn octal(field: &[u8]) -> usize {
    text(field).trim().chars().fold(0, |value, digit| {
        value * 8 + digit.to_digit(8).expect("octal size") as usize
    })
}

fn pax_path(records: &[u8]) -> Option<String> {
    String::from_utf8_lossy(records).lines().find_map(|line| {
        let (_, record) = line.split_once(' ')?;
        record.strip_prefix("path=").map(str::to_owned)
    })
}

/// What one archive held and what was checked.
#[derive(Debug, Default, PartialEq, Eq)]
struct ArchiveReport {
    blobs_verified: usize,
    documents_read: usize,
    referenced_but_absent: usize,
    diff_ids_verified: usize,
    compressed_layers_sniffed: usize,
    referrers_tags_checked: usize,
}

fn blob_path(digest: &str) -> Option<String> {
    let (algorithm, encoded) = digest.split_once(':')?;
    Some(format!("blobs/{algorithm}/{encoded}"))
}

fn verify_blobs(files: &BTreeMap<String, Vec<u8>>, name: &str) -> usize {
    let mut verified = 0;
    for (path, bytes) in files {
        let Some(rest) = path.strip_prefix("blobs/") else {
            continue;
        };
        let (algorithm, encoded) = rest.split_once('/').expect("blobs/<alg>/<encoded>");
        let digest = Digest::parse(&format!("{algorithm}:{encoded}"))
            .unwrap_or_else(|error| panic!("{name}: {path}: {error}"));
        assert_eq!(
            digest.compute_same_algorithm(bytes).as_ref(),
            Some(&digest),
            "{name}: {path}"
        );
        verified += 1;
    }
    verified
}

/// Walks an OCI layout from `index.json`: every present blob must have the stated size, every manifest
/// and index must read as its kind, and uncompressed layers must hash to their config's diff_ids.
fn walk_oci_layout(files: &BTreeMap<String, Vec<u8>>, name: &str, report: &mut ArchiveReport) {
    let index_json = files.get("index.json").expect("index.json");
    let read = manifest::read_document(index_json, None)
        .unwrap_or_else(|error| panic!("{name}: index.json: {error}"));
    let Document::Index(root) = read.document else {
        panic!("{name}: index.json is not an index");
    };
    report.documents_read += 1;
    let mut pending: Vec<Descriptor> = root.manifests.clone();
    let mut seen = std::collections::BTreeSet::new();
    while let Some(descriptor) = pending.pop() {
        if !seen.insert(descriptor.digest.clone()) {
            continue;
        }
        let Some(bytes) = blob_path(&descriptor.digest).and_then(|path| files.get(&path)) else {
            report.referenced_but_absent += 1;
            continue;
        };
        assert_eq!(
            descriptor.size,
            bytes.len() as u64,
            "{name}: {}",
            descriptor.digest
        );
        if media_type::document_kind(&descriptor.media_type) == DocumentKind::Unknown {
            continue;
        }
        let read = manifest::read_document(bytes, Some(&descriptor.media_type))
            .unwrap_or_else(|error| panic!("{name}: {}: {error}", descriptor.digest));
        report.documents_read += 1;
        match read.document {
            Document::Index(index) => pending.extend(index.manifests.iter().cloned()),
            Document::Manifest(image) => {
                check_layers(files, &image, name, report);
                pending.push(image.config.clone());
            }
            other => panic!("{name}: {} read as {other:?}", descriptor.digest),
        }
    }
    check_referrers_tags(files, &root.manifests, name, report);
}

fn check_layers(
    files: &BTreeMap<String, Vec<u8>>,
    image: &manifest::ImageManifest,
    name: &str,
    report: &mut ArchiveReport,
) {
    if !media_type::is_image_config(&image.config.media_type) {
        return;
    }
    let Some(config) = blob_path(&image.config.digest).and_then(|path| files.get(&path)) else {
        return;
    };
    let config = ImageConfig::parse(config).unwrap_or_else(|error| panic!("{name}: {error}"));
    let diff_ids = config
        .rootfs
        .map(|rootfs| rootfs.diff_ids)
        .unwrap_or_default();
    for (position, layer) in image.layers.iter().enumerate() {
        let Some(bytes) = blob_path(&layer.digest).and_then(|path| files.get(&path)) else {
            continue;
        };
        check_layer_bytes(
            bytes,
            &layer.media_type,
            diff_ids.get(position),
            name,
            report,
        );
    }
}

/// An uncompressed layer's digest is its diff_id; a compressed one needs a decoder core does not have,
/// so only its magic bytes are checked against its media type.
fn check_layer_bytes(
    bytes: &[u8],
    layer_media_type: &str,
    diff_id: Option<&String>,
    name: &str,
    report: &mut ArchiveReport,
) {
    let declared = media_type::layer_kind(layer_media_type).compression;
    let sniffed = media_type::sniff_compression(bytes);
    match declared {
        Compression::Sniff | Compression::Unknown => {}
        declared => assert_eq!(sniffed, declared, "{name}: {layer_media_type}"),
    }
    if sniffed == Compression::None {
        let diff_id = diff_id.unwrap_or_else(|| panic!("{name}: a layer without a diff_id"));
        assert_eq!(&Digest::sha256_of(bytes).to_string(), diff_id, "{name}");
        report.diff_ids_verified += 1;
    } else {
        report.compressed_layers_sniffed += 1;
    }
}

/// Tags of the form `sha256-<hex>` that point at an index are referrers fallback tags: the tag must be
/// the one the distribution spec derives from the subject, and every referrer present must name it.
fn check_referrers_tags(
    files: &BTreeMap<String, Vec<u8>>,
    entries: &[Descriptor],
    name: &str,
    report: &mut ArchiveReport,
) {
    for entry in entries.iter().filter(|entry| entry.is_index()) {
        let Some(tag) = entry.annotations.get("org.opencontainers.image.ref.name") else {
            continue;
        };
        let Some(encoded) = tag.strip_prefix("sha256-").filter(|rest| rest.len() == 64) else {
            continue;
        };
        let Ok(subject) = Digest::parse(&format!("sha256:{encoded}")) else {
            continue;
        };
        assert_eq!(&artifact::referrers_fallback_tag(&subject), tag, "{name}");
        let listing = files
            .get(&blob_path(&entry.digest).expect("digest"))
            .expect("referrers index present");
        let Document::Index(listing) = manifest::read_document(listing, None).unwrap().document
        else {
            panic!("{name}: {tag} is not an index");
        };
        for referrer in &listing.manifests {
            let Some(bytes) = blob_path(&referrer.digest).and_then(|path| files.get(&path)) else {
                continue;
            };
            let read = manifest::read_document(bytes, Some(&referrer.media_type)).unwrap();
            let named = match &read.document {
                Document::Manifest(manifest) => manifest.subject.as_ref(),
                Document::Index(index) => index.subject.as_ref(),
                _ => None,
            };
            assert_eq!(
                named.map(|subject| subject.digest.as_str()),
                Some(subject.to_string().as_str()),
                "{name}: {tag} lists {}",
                referrer.digest
            );
        }
        report.referrers_tags_checked += 1;
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SaveEntry {
    config: String,
    #[serde(default)]
    layers: Vec<String>,
}

/// `docker save`'s manifest.json: the config must hash to its name, and each uncompressed layer to its
/// diff_id.
fn check_docker_save(files: &BTreeMap<String, Vec<u8>>, name: &str, report: &mut ArchiveReport) {
    let entries: Vec<SaveEntry> = serde_json::from_slice(&files["manifest.json"])
        .unwrap_or_else(|error| panic!("{name}: manifest.json: {error}"));
    for entry in entries {
        let config_bytes = &files[&entry.config];
        let config_hex = entry
            .config
            .rsplit('/')
            .next()
            .map(|file| file.trim_end_matches(".json"))
            .expect("config file name");
        assert_eq!(
            Digest::sha256_of(config_bytes).encoded(),
            config_hex,
            "{name}"
        );
        let config =
            ImageConfig::parse(config_bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
        let diff_ids = config
            .rootfs
            .map(|rootfs| rootfs.diff_ids)
            .unwrap_or_default();
        assert_eq!(diff_ids.len(), entry.layers.len(), "{name}");
        for (layer, diff_id) in entry.layers.iter().zip(&diff_ids) {
            check_layer_bytes(
                &files[layer],
                media_type::DOCKER_LAYER,
                Some(diff_id),
                name,
                report,
            );
        }
        report.documents_read += 1;
    }
}

#[test]
fn layout_archives_open_and_verify() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let layouts = corpus.join("layouts");
    let mut names: Vec<String> = fs::read_dir(&layouts)
        .expect("layouts folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let mut reports = BTreeMap::new();
    for name in &names {
        assert!(
            name.ends_with(".tar"),
            "{name}: only plain tar archives can be opened without a decoder"
        );
        let files = tar_files(&fs::read(layouts.join(name)).expect("readable archive"));
        let mut report = ArchiveReport {
            blobs_verified: verify_blobs(&files, name),
            ..ArchiveReport::default()
        };
        if files.contains_key("oci-layout") {
            walk_oci_layout(&files, name, &mut report);
        }
        if files.contains_key("manifest.json") {
            check_docker_save(&files, name, &mut report);
        }
        println!("{name}: {report:?}");
        reports.insert(name.clone(), report);
    }
    let expected = [
        (
            "containers-image-almostempty.docker-archive.tar",
            [0, 1, 0, 1, 0, 0],
        ),
        ("dive-estargz.oci-layout.tar", [3, 2, 0, 0, 1, 0]),
        ("dive-zstd.oci-layout.tar", [3, 2, 0, 0, 1, 0]),
        (
            "ggcr-hello-world-arm64-docker25-save.tar",
            [4, 2, 0, 1, 0, 0],
        ),
        ("oras-go-hello-world.oci-layout.tar", [4, 4, 10, 0, 2, 0]),
        ("regclient-testrepo.oci-layout.tar", [91, 49, 0, 0, 47, 6]),
    ];
    let expected: BTreeMap<String, ArchiveReport> = expected
        .into_iter()
        .map(
            |(name, [blobs, documents, absent, diff_ids, sniffed, tags])| {
                let report = ArchiveReport {
                    blobs_verified: blobs,
                    documents_read: documents,
                    referenced_but_absent: absent,
                    diff_ids_verified: diff_ids,
                    compressed_layers_sniffed: sniffed,
                    referrers_tags_checked: tags,
                };
                (name.to_owned(), report)
            },
        )
        .collect();
    assert_eq!(reports, expected);
}
