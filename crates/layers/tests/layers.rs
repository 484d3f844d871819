//! Layer reading end to end: tars built here (ustar, GNU and PAX headers), gzip and zstd, streamed in any
//! chunking into `LayerReader`, merged by `Filesystem`; and every layer blob of the shared corpus verified.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::PathBuf;

use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::finding::Severity;
use strata_image::manifest::{self, Document};
use strata_image::media_type;
use strata_image::verification::Verification;
use strata_layers::{
    Change, EntryKind, FileEntry, Filesystem, LayerError, LayerReader, LayerSummary, Limits,
    Whiteout,
};

const GZIP: &str = media_type::OCI_LAYER_GZIP;
const ZSTD: &str = media_type::OCI_LAYER_ZSTD;
const PLAIN: &str = media_type::OCI_LAYER;
const DOCKER_PLAIN: &str = media_type::DOCKER_LAYER;

// ---------------------------------------------------------------------------------------------------------
// A tiny tar writer: ustar headers, GNU long names and PAX records.

#[derive(Default)]
struct Tar {
    bytes: Vec<u8>,
}

struct Header<'a> {
    name: &'a str,
    typeflag: u8,
    size: u64,
    link: &'a str,
    mode: u32,
    uid: u64,
    gid: u64,
    mtime: i64,
}

impl<'a> Header<'a> {
    fn new(name: &'a str, typeflag: u8) -> Header<'a> {
        Header {
            name,
            typeflag,
            size: 0,
            link: "",
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: 1_700_000_000,
        }
    }
}

fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    field[..width].copy_from_slice(format!("{value:0width$o}").as_bytes());
    field[width] = 0;
}

impl Tar {
    fn header(&mut self, header: &Header<'_>) -> &mut Tar {
        assert!(header.name.len() <= 100 && header.link.len() <= 100);
        let mut block = [0u8; 512];
        block[..header.name.len()].copy_from_slice(header.name.as_bytes());
        octal(&mut block[100..108], u64::from(header.mode));
        octal(&mut block[108..116], header.uid);
        octal(&mut block[116..124], header.gid);
        octal(&mut block[124..136], header.size);
        octal(&mut block[136..148], header.mtime as u64);
        block[156] = header.typeflag;
        block[157..157 + header.link.len()].copy_from_slice(header.link.as_bytes());
        block[257..263].copy_from_slice(b"ustar\0");
        block[263..265].copy_from_slice(b"00");
        block[148..156].copy_from_slice(b"        ");
        let sum: u32 = block.iter().map(|byte| u32::from(*byte)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        self.bytes.extend_from_slice(&block);
        self
    }

    fn data(&mut self, data: &[u8]) -> &mut Tar {
        self.bytes.extend_from_slice(data);
        let padding = (512 - data.len() % 512) % 512;
        self.bytes.resize(self.bytes.len() + padding, 0);
        self
    }

    fn file(&mut self, name: &str, data: &[u8]) -> &mut Tar {
        self.header(&Header {
            size: data.len() as u64,
            ..Header::new(name, b'0')
        })
        .data(data)
    }

    fn dir(&mut self, name: &str) -> &mut Tar {
        self.header(&Header {
            mode: 0o755,
            ..Header::new(name, b'5')
        })
    }

    fn link(&mut self, name: &str, typeflag: u8, target: &str) -> &mut Tar {
        self.header(&Header {
            link: target,
            mode: 0o777,
            ..Header::new(name, typeflag)
        })
    }

    /// A GNU `L` (or `K`) record carrying a long name.
    fn gnu_long(&mut self, typeflag: u8, name: &str) -> &mut Tar {
        let mut data = name.as_bytes().to_vec();
        data.push(0);
        self.header(&Header {
            size: data.len() as u64,
            ..Header::new("././@LongLink", typeflag)
        })
        .data(&data)
    }

    /// A PAX `x` (or `g`) header with the given records.
    fn pax(&mut self, typeflag: u8, records: &[(&str, &str)]) -> &mut Tar {
        let mut data = Vec::new();
        for (key, value) in records {
            let body = format!(" {key}={value}\n");
            // The length counts its own digits.
            let mut length = body.len() + 1;
            while body.len() + length.to_string().len() != length {
                length = body.len() + length.to_string().len();
            }
            data.extend_from_slice(format!("{length}{body}").as_bytes());
        }
        self.header(&Header {
            size: data.len() as u64,
            ..Header::new("PaxHeaders/x", typeflag)
        })
        .data(&data)
    }

    fn end(&mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.resize(bytes.len() + 1024, 0);
        bytes
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory")
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

/// A zstd frame written by hand: single segment, 4-byte content size, raw blocks of at most 128 KiB.
fn zstd_raw_blocks(bytes: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0xa0];
    frame.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    let blocks: Vec<&[u8]> = bytes.chunks(128 * 1024).collect();
    for (at, block) in blocks.iter().enumerate() {
        let last = u32::from(at + 1 == blocks.len());
        let header = ((block.len() as u32) << 3) | last;
        frame.extend_from_slice(&header.to_le_bytes()[..3]);
        frame.extend_from_slice(block);
    }
    frame
}

// ---------------------------------------------------------------------------------------------------------
// Reading.

struct Read {
    entries: Vec<FileEntry>,
    summary: LayerSummary,
}

fn read_with(
    media_type: &str,
    blob: &[u8],
    diff_id: Option<&Digest>,
    limits: Limits,
    chunk: usize,
) -> Result<Read, LayerError> {
    let digest = Digest::sha256_of(blob);
    let mut reader = LayerReader::new(media_type, &digest, diff_id, limits)?;
    let mut entries = Vec::new();
    for piece in blob.chunks(chunk.max(1)) {
        entries.extend(reader.push(piece)?);
    }
    let summary = reader.finish()?;
    Ok(Read { entries, summary })
}

fn read(media_type: &str, blob: &[u8], tar: &[u8]) -> Read {
    let diff_id = Digest::sha256_of(tar);
    let read = read_with(media_type, blob, Some(&diff_id), Limits::default(), 4096)
        .unwrap_or_else(|error| panic!("{media_type}: {error}"));
    assert_eq!(read.summary.compressed.data_verify().as_str(), "verified");
    assert_eq!(read.summary.uncompressed.data_verify().as_str(), "verified");
    read
}

fn describe(entry: &FileEntry) -> String {
    let kind = match &entry.kind {
        EntryKind::Symlink { target } => format!("symlink->{target}"),
        EntryKind::Hardlink { target } => format!("hardlink=>{target}"),
        other => other.as_str().to_owned(),
    };
    let whiteout = match entry.whiteout {
        Whiteout::None => "",
        Whiteout::Removes => " (removes)",
        Whiteout::Opaque => " (opaque)",
    };
    format!("{} {kind} {}{whiteout}", entry.path, entry.size)
}

fn paths(entries: &[FileEntry]) -> Vec<String> {
    entries.iter().map(describe).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Tar reading.

#[test]
fn entries_of_every_kind_and_header_format() {
    let long_dir = "d".repeat(120);
    let long_name = format!("{long_dir}/{}", "f".repeat(90));
    let pax_name = format!("pax/{}", "p".repeat(250));
    let pax_link = format!("/{}", "t".repeat(200));
    let cases: Vec<(&str, Vec<u8>, Vec<String>)> = vec![
        (
            "plain kinds",
            Tar::default()
                .dir("./")
                .dir("./etc/")
                .file("./etc/os-release", b"ID=test\n")
                .link("etc/issue", b'2', "os-release")
                .link("etc/hard", b'1', "./etc/os-release")
                .header(&Header::new("dev/null", b'3'))
                .header(&Header::new("dev/sda", b'4'))
                .header(&Header::new("run/pipe", b'6'))
                .header(&Header::new("odd", b'Z'))
                .header(&Header::new("old-style-dir/", 0))
                .end(),
            vec![
                "/etc directory 0".into(),
                "/etc/os-release file 8".into(),
                "/etc/issue symlink->os-release 0".into(),
                "/etc/hard hardlink=>/etc/os-release 0".into(),
                "/dev/null char-device 0".into(),
                "/dev/sda block-device 0".into(),
                "/run/pipe fifo 0".into(),
                "/odd other 0".into(),
                "/old-style-dir directory 0".into(),
            ],
        ),
        (
            "GNU long name and long link",
            Tar::default()
                .gnu_long(b'L', &long_name)
                .file(&long_name[..100], b"abc")
                .gnu_long(b'L', "short/link")
                .gnu_long(b'K', &pax_link)
                .link("ignored", b'2', "ignored")
                .file("after", b"")
                .end(),
            vec![
                format!("/{long_name} file 3"),
                format!("/short/link symlink->{pax_link} 0"),
                "/after file 0".into(),
            ],
        ),
        (
            "PAX path, linkpath, size, ids and mtime; global headers ignored",
            Tar::default()
                .pax(b'g', &[("path", "global-must-not-apply")])
                .pax(
                    b'x',
                    &[
                        ("path", &pax_name),
                        ("uid", "100000"),
                        ("mtime", "1700000001.5"),
                    ],
                )
                .file("truncated-name", b"hello")
                .pax(b'x', &[("linkpath", &pax_link)])
                .link("pax-link", b'1', "ignored")
                .pax(b'x', &[("size", "5")])
                .header(&Header::new("sized-by-pax", b'0'))
                .data(b"12345")
                .file("next", b"x")
                .end(),
            vec![
                format!("/{pax_name} file 5"),
                format!("/pax-link hardlink=>{pax_link} 0"),
                "/sized-by-pax file 5".into(),
                "/next file 1".into(),
            ],
        ),
        (
            "whiteouts",
            Tar::default()
                .file("etc/.wh.motd", b"")
                .file("var/cache/.wh..wh..opq", b"")
                .file(".wh..wh..opq", b"")
                .file("usr/.wh..wh.plnk", b"")
                .end(),
            vec![
                "/etc/motd file 0 (removes)".into(),
                "/var/cache file 0 (opaque)".into(),
                "/ file 0 (opaque)".into(),
            ],
        ),
    ];
    for (name, tar, expected) in cases {
        let read = read(PLAIN, &tar, &tar);
        assert_eq!(paths(&read.entries), expected, "{name}");
        assert!(
            read.summary.findings.is_empty(),
            "{name}: {:?}",
            read.summary.findings
        );
    }

    let tar = Tar::default()
        .pax(
            b'x',
            &[
                ("path", &pax_name),
                ("uid", "100000"),
                ("mtime", "1700000001.5"),
            ],
        )
        .file("x", b"hello")
        .end();
    let entry = &read(PLAIN, &tar, &tar).entries[0];
    assert_eq!(
        (entry.uid, entry.gid, entry.mtime, entry.mode),
        (100_000, 0, 1_700_000_001, 0o644)
    );
}

#[test]
fn unsafe_and_odd_paths_are_skipped_with_findings() {
    let tar = Tar::default()
        .file("../../etc/passwd", b"root")
        .link("ok/hard", b'1', "../../outside")
        .file("a/../../escape", b"")
        .file("dir/.wh.", b"")
        .file("same", b"1")
        .file("same", b"2")
        .file("a/../fine", b"")
        .end();
    let read = read(PLAIN, &tar, &tar);
    assert_eq!(
        paths(&read.entries),
        ["/same file 1", "/same file 1", "/fine file 0"]
    );
    let findings: Vec<(Severity, &str)> = read
        .summary
        .findings
        .iter()
        .map(|finding| (finding.severity, finding.message.as_str()))
        .collect();
    assert_eq!(findings.len(), 5, "{findings:?}");
    assert_eq!(
        findings
            .iter()
            .filter(|(severity, _)| *severity == Severity::Error)
            .count(),
        3
    );
    assert!(
        findings[4].1.contains("/same appears twice"),
        "{findings:?}"
    );
}

#[test]
fn compression_is_declared_or_sniffed() {
    let tar = Tar::default()
        .dir("etc")
        .file("etc/hostname", b"strata\n")
        .end();
    let expected = ["/etc directory 0", "/etc/hostname file 7"];
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("gzip", GZIP, gzip(&tar)),
        ("zstd (ruzstd encoder)", ZSTD, zstd(&tar)),
        (
            "zstd (hand-written raw blocks)",
            ZSTD,
            zstd_raw_blocks(&tar),
        ),
        ("uncompressed", PLAIN, tar.clone()),
        ("Docker's ambiguous type, gzip", DOCKER_PLAIN, gzip(&tar)),
        ("Docker's ambiguous type, plain", DOCKER_PLAIN, tar.clone()),
        ("Docker's ambiguous type, zstd", DOCKER_PLAIN, zstd(&tar)),
        (
            "Docker gzip type",
            media_type::DOCKER_LAYER_GZIP,
            gzip(&tar),
        ),
        ("unknown type, sniffed", "application/x-unknown", gzip(&tar)),
    ];
    for (name, media_type, blob) in cases {
        let read = read(media_type, &blob, &tar);
        assert_eq!(paths(&read.entries), expected, "{name}");
        assert_eq!(
            read.summary.progress.compressed_bytes,
            blob.len() as u64,
            "{name}"
        );
        assert_eq!(
            read.summary.progress.uncompressed_bytes,
            tar.len() as u64,
            "{name}"
        );
        assert_eq!(read.summary.progress.entries, 2, "{name}");
    }
}

#[test]
fn chunking_does_not_change_the_result() {
    let big: Vec<u8> = (0..300_000u32).map(|n| (n % 251) as u8).collect();
    let long_name = "n".repeat(180);
    let tar = Tar::default()
        .dir("data")
        .file("data/big.bin", &big)
        .gnu_long(b'L', &long_name)
        .file("short", b"long")
        .pax(b'x', &[("path", "pax/name")])
        .file("x", b"")
        .end();
    for (name, media_type, blob) in [
        ("gzip", GZIP, gzip(&tar)),
        ("zstd", ZSTD, zstd(&tar)),
        ("raw zstd", ZSTD, zstd_raw_blocks(&tar)),
        ("plain", PLAIN, tar.clone()),
        ("sniffed", DOCKER_PLAIN, gzip(&tar)),
    ] {
        let diff_id = Digest::sha256_of(&tar);
        let whole = read_with(
            media_type,
            &blob,
            Some(&diff_id),
            Limits::default(),
            usize::MAX,
        )
        .expect("one chunk");
        for chunk in [1, 3, 511, 512, 513, 65_536] {
            // Byte by byte is slow in debug builds; once on the plain tar is enough.
            if chunk == 1 && name != "plain" && name != "gzip" {
                continue;
            }
            let pieces = read_with(media_type, &blob, Some(&diff_id), Limits::default(), chunk)
                .expect("chunked");
            assert_eq!(pieces.entries, whole.entries, "{name}, chunk {chunk}");
            assert_eq!(pieces.summary, whole.summary, "{name}, chunk {chunk}");
        }
        assert_eq!(whole.entries.len(), 4, "{name}");
        assert_eq!(
            whole.summary.uncompressed.data_verify().as_str(),
            "verified",
            "{name}"
        );
    }
}

#[test]
fn digest_and_diff_id_mismatches_are_reported_separately() {
    let tar = Tar::default().file("a", b"a").end();
    let blob = gzip(&tar);
    let right_digest = Digest::sha256_of(&blob);
    let right_diff_id = Digest::sha256_of(&tar);
    let wrong = Digest::sha256_of(b"something else");
    let sha512 = Digest::parse(&format!("sha512:{}", "0".repeat(128))).expect("valid");
    let cases: [(&Digest, Option<&Digest>, &str, &str); 5] = [
        (&right_digest, Some(&right_diff_id), "verified", "verified"),
        (&wrong, Some(&right_diff_id), "mismatch", "verified"),
        (&right_digest, Some(&wrong), "verified", "mismatch"),
        (&right_digest, None, "verified", "unverifiable"),
        (&sha512, Some(&right_diff_id), "unverifiable", "verified"),
    ];
    for (digest, diff_id, compressed, uncompressed) in cases {
        let mut reader =
            LayerReader::new(GZIP, digest, diff_id, Limits::default()).expect("not encrypted");
        reader.push(&blob).expect("valid");
        let summary = reader.finish().expect("complete");
        assert_eq!(
            summary.compressed.data_verify().as_str(),
            compressed,
            "{digest}"
        );
        assert_eq!(
            summary.uncompressed.data_verify().as_str(),
            uncompressed,
            "{diff_id:?}"
        );
        if let Verification::Mismatch { expected, actual } = &summary.compressed {
            assert_eq!(
                (expected.as_str(), actual),
                (wrong.to_string().as_str(), &right_digest)
            );
        }
    }
}

/// Name, media type, blob, and the outcome expected (for string-carrying errors, only the variant counts).
type DamageCase<'a> = (&'a str, &'a str, Vec<u8>, Result<(), LayerError>);

#[test]
fn truncation_and_damage_are_errors() {
    let tar = Tar::default().file("a", &[7; 2000]).file("b", b"b").end();
    let header_only = Tar::default().file("a", &[7; 2000]).end()[..512].to_vec();
    let without_end = tar[..tar.len() - 1024].to_vec();
    let compressed = gzip(&tar);
    let zstd_blob = zstd(&tar);
    let mut bad_tar = tar.clone();
    bad_tar[10] ^= 1;
    let cases: Vec<DamageCase<'_>> = vec![
        ("complete", PLAIN, tar.clone(), Ok(())),
        ("no end-of-archive blocks", PLAIN, without_end, Ok(())),
        (
            "cut in file data",
            PLAIN,
            tar[..1000].to_vec(),
            Err(LayerError::Truncated),
        ),
        (
            "cut in a header",
            PLAIN,
            tar[..100].to_vec(),
            Err(LayerError::Truncated),
        ),
        (
            "header without its data",
            PLAIN,
            header_only,
            Err(LayerError::Truncated),
        ),
        (
            "gzip cut",
            GZIP,
            compressed[..compressed.len() - 10].to_vec(),
            Err(LayerError::Truncated),
        ),
        (
            "zstd cut",
            ZSTD,
            zstd_blob[..zstd_blob.len() / 2].to_vec(),
            Err(LayerError::Truncated),
        ),
        (
            "not gzip",
            GZIP,
            tar.clone(),
            Err(LayerError::Gzip(String::new())),
        ),
        (
            "not zstd",
            ZSTD,
            tar.clone(),
            Err(LayerError::Zstd(String::new())),
        ),
        (
            "bad header checksum",
            PLAIN,
            bad_tar,
            Err(LayerError::Tar(String::new())),
        ),
        (
            "not a tar",
            PLAIN,
            vec![b'{'; 600],
            Err(LayerError::Tar(String::new())),
        ),
    ];
    for (name, media_type, blob, expected) in cases {
        for chunk in [7, 1 << 20] {
            let result = read_with(media_type, &blob, None, Limits::default(), chunk).map(|_| ());
            let same_variant = match (&result, &expected) {
                (Err(LayerError::Gzip(_)), Err(LayerError::Gzip(_)))
                | (Err(LayerError::Zstd(_)), Err(LayerError::Zstd(_)))
                | (Err(LayerError::Tar(_)), Err(LayerError::Tar(_))) => true,
                (result, expected) => result == expected,
            };
            assert!(same_variant, "{name}, chunk {chunk}: {result:?}");
        }
    }
}

#[test]
fn limits_stop_bombs_and_floods() {
    // 100 MiB of zeros: one 1 MiB gzip member repeated, which is still one valid (multi-member) gzip.
    let member = gzip(&vec![0; 1 << 20]);
    let bomb: Vec<u8> = member.repeat(100);
    let limits = Limits {
        max_uncompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    let digest = Digest::sha256_of(&bomb);
    let mut reader = LayerReader::new(GZIP, &digest, None, limits).expect("reader");
    let started = std::time::Instant::now();
    let error = reader.push(&bomb).expect_err("stopped");
    assert_eq!(error, LayerError::TooLarge { limit: 1 << 20 });
    assert!(reader.progress().uncompressed_bytes <= (1 << 20) + (64 << 10));
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(reader.push(b"more"), Err(error.clone()), "stays failed");
    assert_eq!(reader.finish().map(|_| ()), Err(error));

    let small = Limits {
        max_uncompressed_bytes: 10_000,
        max_entries: 2,
        max_path_bytes: 20,
    };
    let many = Tar::default()
        .file("a", b"")
        .file("b", b"")
        .file("c", b"")
        .end();
    let long = Tar::default().file(&"x".repeat(21), b"").end();
    let long_gnu = Tar::default()
        .gnu_long(b'L', &"y".repeat(40))
        .file("y", b"")
        .end();
    let endless = vec![0; 20_000];
    let cases: Vec<(&str, Vec<u8>, LayerError)> = vec![
        ("entries", many, LayerError::TooManyEntries { limit: 2 }),
        ("path", long, LayerError::PathTooLong { limit: 20 }),
        (
            "GNU long path",
            long_gnu,
            LayerError::PathTooLong { limit: 20 },
        ),
        (
            "endless stream",
            endless,
            LayerError::TooLarge { limit: 10_000 },
        ),
    ];
    for (name, blob, expected) in cases {
        let result = read_with(PLAIN, &blob, None, small, 1000).map(|_| ());
        assert_eq!(result, Err(expected), "{name}");
    }
}

#[test]
fn encrypted_layers_are_refused() {
    let digest = Digest::sha256_of(b"");
    for media_type in [
        "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
        "application/vnd.oci.image.layer.v1.tar+encrypted",
    ] {
        let result = LayerReader::new(media_type, &digest, None, Limits::default()).map(|_| ());
        assert_eq!(result, Err(LayerError::Encrypted), "{media_type}");
    }
    assert_eq!(
        LayerError::Encrypted.to_string(),
        "the layer is encrypted, so its files cannot be listed"
    );
}

#[test]
fn capture_keeps_one_small_file() {
    let tar = Tar::default()
        .file("etc/os-release", b"ID=strata\nVERSION=1\n")
        .file("etc/other", b"nope")
        .end();
    let blob = gzip(&tar);
    let cases: [(&str, usize, Option<&[u8]>); 4] = [
        ("/etc/os-release", 1024, Some(b"ID=strata\nVERSION=1\n")),
        ("etc/os-release", 9, Some(b"ID=strata")),
        ("/etc/missing", 1024, None),
        ("/etc", 1024, None),
    ];
    for (path, max_bytes, expected) in cases {
        let digest = Digest::sha256_of(&blob);
        let mut reader = LayerReader::new(GZIP, &digest, None, Limits::default()).expect("reader");
        reader.capture(path, max_bytes);
        for piece in blob.chunks(5) {
            reader.push(piece).expect("valid");
        }
        assert_eq!(reader.captured(), expected, "{path}");
        reader.finish().expect("complete");
    }
}

#[test]
fn never_panics_on_damaged_blobs() {
    let tar = Tar::default()
        .dir("etc")
        .file("etc/a", &[1; 3000])
        .pax(b'x', &[("path", "p/q")])
        .file("x", b"data")
        .gnu_long(b'L', "long/name")
        .file("y", b"")
        .end();
    let blobs = [(GZIP, gzip(&tar)), (ZSTD, zstd(&tar)), (PLAIN, tar.clone())];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (media_type, blob) in &blobs {
        for _ in 0..300 {
            let mut damaged = blob.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % damaged.len() as u64) as usize;
                damaged[at] = next() as u8;
            }
            let cut = (next() % (damaged.len() as u64 + 1)) as usize;
            damaged.truncate(cut.max(damaged.len() / 2));
            let chunk = 1 + (next() % 700) as usize;
            let _ = read_with(media_type, &damaged, None, Limits::default(), chunk);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Layers merged.

fn layer(tar: &[u8]) -> Vec<FileEntry> {
    read(GZIP, &gzip(tar), tar).entries
}

fn changes(fs: &mut Filesystem, index: usize, tar: &[u8]) -> Vec<String> {
    fs.apply_layer(index, &layer(tar))
        .iter()
        .map(|change| format!("{} {}", change.change.as_str(), change.entry.path))
        .collect()
}

fn merged(fs: &Filesystem) -> Vec<String> {
    fs.entries()
        .iter()
        .map(|node| format!("{}@{}", node.entry.path, node.layer))
        .collect()
}

#[test]
fn three_layers_with_whiteouts_and_an_opaque_directory() {
    let mut fs = Filesystem::new();
    let base = Tar::default()
        .dir("bin")
        .file("bin/busybox", &[0; 1000])
        .dir("etc")
        .file("etc/motd", b"hi")
        .dir("opt")
        .dir("opt/app")
        .file("opt/app/old.txt", b"old")
        .dir("opt/app/lib")
        .file("opt/app/lib/x.so", b"x")
        .dir("var")
        .dir("var/cache")
        .file("var/cache/c", b"c")
        .file("tool", b"file that becomes a directory")
        .end();
    let added = changes(&mut fs, 0, &base);
    assert!(
        added.iter().all(|line| line.starts_with("added ")),
        "{added:?}"
    );

    let second = Tar::default()
        .file("etc/.wh.motd", b"")
        .file(".wh.var", b"")
        // The opaque marker comes after the re-created child: it must still apply to lower layers only.
        .dir("opt/app")
        .file("opt/app/new.txt", b"new")
        .file("opt/app/.wh..wh..opq", b"")
        .link("bin/sh", b'1', "bin/busybox")
        .file("opt/app/lib", b"now a file")
        .dir("tool")
        .file("tool/inside", b"i")
        .end();
    assert_eq!(
        changes(&mut fs, 1, &second),
        [
            "added /bin/sh",
            "deleted /etc/motd",
            "unchanged /opt/app",
            // A lower directory (hidden by the opaque marker) that this layer re-creates as a file.
            "modified /opt/app/lib",
            "deleted /opt/app/lib/x.so",
            "added /opt/app/new.txt",
            "deleted /opt/app/old.txt",
            "modified /tool",
            "added /tool/inside",
            "deleted /var",
        ]
    );
    assert_eq!(
        merged(&fs),
        [
            "/bin@0",
            "/bin/busybox@0",
            "/bin/sh@1",
            "/etc@0",
            "/opt@0",
            "/opt/app@0",
            "/opt/app/lib@1",
            "/opt/app/new.txt@1",
            "/tool@1",
            "/tool/inside@1",
        ]
    );
    let sh = fs.resolve_hardlink("/bin/sh").expect("target present");
    assert_eq!((sh.entry.path.as_str(), sh.layer), ("/bin/busybox", 0));

    let third = Tar::default()
        .file("opt/.wh.app", b"")
        .file("etc/.wh.absent", b"")
        .file("bin/busybox", &[1; 500])
        .end();
    let changes_three = fs.apply_layer(2, &layer(&third));
    let summary: Vec<String> = changes_three
        .iter()
        .map(|change| format!("{} {}", change.change.as_str(), describe(&change.entry)))
        .collect();
    assert_eq!(
        summary,
        [
            "modified /bin/busybox file 500",
            "deleted /etc/absent file 0 (removes)",
            "deleted /opt/app directory 0 (removes)",
        ]
    );
    assert!(
        changes_three
            .iter()
            .all(|change| change.change != Change::Unchanged)
    );
    assert!(fs.get("/opt/app/new.txt").is_none());
    assert_eq!(
        fs.resolve_hardlink("/bin/sh").map(|node| node.layer),
        Some(2)
    );
    assert_eq!(fs.directory_size("/bin"), 500);
    assert_eq!(fs.directory_size("/"), 501);
    assert!(fs.findings().is_empty(), "{:?}", fs.findings());
}

#[test]
fn a_hardlink_to_a_missing_target_is_a_finding() {
    let mut fs = Filesystem::new();
    let tar = Tar::default().link("bin/ls", b'1', "bin/gone").end();
    fs.apply_layer(0, &layer(&tar));
    assert_eq!(fs.resolve_hardlink("/bin/ls"), None);
    assert_eq!(fs.findings().len(), 1);
}

// ---------------------------------------------------------------------------------------------------------
// The shared corpus.

/// Distinct layer blobs in the corpus's layout archives, each read, listed and verified twice over.
const CORPUS_LAYERS: usize = 11;

fn corpus_layouts() -> Option<PathBuf> {
    strata_test_corpus::corpus_dir().map(|corpus| corpus.join("layouts"))
}

/// Regular files of an archive by path (`./` stripped), read with the layer reader itself.
fn archive_files(archive: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let digest = Digest::sha256_of(archive);
    let mut reader = LayerReader::new(PLAIN, &digest, None, Limits::default()).expect("reader");
    let names: Vec<String> = reader
        .push(archive)
        .expect("archive")
        .into_iter()
        .filter(|entry| entry.kind == EntryKind::File)
        .map(|entry| entry.path)
        .collect();
    reader.finish().expect("complete archive");
    names
        .into_iter()
        .map(|name| {
            let mut reader =
                LayerReader::new(PLAIN, &digest, None, Limits::default()).expect("reader");
            reader.capture(&name, usize::MAX);
            reader.push(archive).expect("archive");
            let bytes = reader.captured().expect("captured").to_vec();
            (name.trim_start_matches('/').to_owned(), bytes)
        })
        .collect()
}

fn blob<'a>(files: &'a BTreeMap<String, Vec<u8>>, digest: &str) -> Option<&'a Vec<u8>> {
    let (algorithm, encoded) = digest.split_once(':')?;
    files.get(&format!("blobs/{algorithm}/{encoded}"))
}

/// (media type, digest, diff_id) of every image layer an archive's OCI layout lists.
fn oci_layers(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String, Option<String>)> {
    let mut layers = Vec::new();
    let Some(index) = files.get("index.json") else {
        return layers;
    };
    let mut pending = vec![index.clone()];
    let mut seen = BTreeSet::new();
    while let Some(bytes) = pending.pop() {
        let Ok(read) = manifest::read_document(&bytes, None) else {
            continue;
        };
        match read.document {
            Document::Index(index) => {
                for child in index.manifests {
                    if seen.insert(child.digest.clone())
                        && let Some(bytes) = blob(files, &child.digest)
                    {
                        pending.push(bytes.clone());
                    }
                }
            }
            Document::Manifest(image) if media_type::is_image_config(&image.config.media_type) => {
                let diff_ids = blob(files, &image.config.digest)
                    .and_then(|config| ImageConfig::parse(config).ok())
                    .and_then(|config| config.rootfs)
                    .map(|rootfs| rootfs.diff_ids)
                    .unwrap_or_default();
                for (position, layer) in image.layers.iter().enumerate() {
                    if media_type::is_image_layer(&layer.media_type) {
                        layers.push((
                            layer.media_type.clone(),
                            layer.digest.clone(),
                            diff_ids.get(position).cloned(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    layers
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SaveEntry {
    config: String,
    #[serde(default)]
    layers: Vec<String>,
}

/// (media type, digest, diff_id) of every layer a `docker save` manifest.json lists.
fn docker_save_layers(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String, Option<String>)> {
    let Some(manifest) = files.get("manifest.json") else {
        return Vec::new();
    };
    let entries: Vec<SaveEntry> = serde_json::from_slice(manifest).expect("manifest.json");
    let mut layers = Vec::new();
    for entry in entries {
        let config = ImageConfig::parse(&files[&entry.config]).expect("config");
        let diff_ids = config
            .rootfs
            .map(|rootfs| rootfs.diff_ids)
            .unwrap_or_default();
        for (position, path) in entry.layers.iter().enumerate() {
            let digest = Digest::sha256_of(&files[path]).to_string();
            layers.push((
                media_type::DOCKER_LAYER.to_owned(),
                digest,
                diff_ids.get(position).cloned(),
            ));
        }
    }
    layers
}

#[test]
fn every_corpus_layer_is_listed_and_verified_twice() {
    let Some(layouts) = corpus_layouts() else {
        return;
    };
    let mut names: Vec<PathBuf> = fs::read_dir(&layouts)
        .expect("layouts folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "tar"))
        .collect();
    names.sort();
    let mut covered = BTreeSet::new();
    for archive_path in &names {
        let name = archive_path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let files = archive_files(&fs::read(archive_path).expect("readable archive"));
        let mut layers = oci_layers(&files);
        layers.extend(docker_save_layers(&files));
        for (media_type, digest, diff_id) in layers {
            let bytes = match blob(&files, &digest) {
                Some(bytes) => bytes.clone(),
                // docker save names layers by path; their digest was computed from the bytes.
                None => match files
                    .values()
                    .find(|bytes| Digest::sha256_of(bytes).to_string() == digest)
                {
                    Some(bytes) => bytes.clone(),
                    None => continue,
                },
            };
            let digest = Digest::parse(&digest).expect("layer digest");
            let diff_id = diff_id.map(|diff_id| Digest::parse(&diff_id).expect("diff_id"));
            assert!(diff_id.is_some(), "{name}: {digest} has no diff_id");
            let mut reader =
                LayerReader::new(&media_type, &digest, diff_id.as_ref(), Limits::default())
                    .unwrap_or_else(|error| panic!("{name}: {digest}: {error}"));
            let mut entries = 0;
            for piece in bytes.chunks(4096) {
                entries += reader
                    .push(piece)
                    .unwrap_or_else(|error| panic!("{name}: {digest}: {error}"))
                    .len();
            }
            let summary = reader
                .finish()
                .unwrap_or_else(|error| panic!("{name}: {digest}: {error}"));
            assert_eq!(
                summary.compressed.data_verify().as_str(),
                "verified",
                "{name}: {digest}"
            );
            assert_eq!(
                summary.uncompressed.data_verify().as_str(),
                "verified",
                "{name}: {digest}: {:?}",
                summary.uncompressed
            );
            assert_eq!(summary.progress.entries, entries, "{name}: {digest}");
            if covered.insert(digest.to_string()) {
                println!(
                    "{name}: {} {media_type}: {entries} entries, {} -> {} bytes",
                    digest.short(),
                    summary.progress.compressed_bytes,
                    summary.progress.uncompressed_bytes
                );
            }
        }
    }
    assert_eq!(covered.len(), CORPUS_LAYERS);
}
