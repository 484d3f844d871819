//! Layers read end to end: tars of every header format, gzip and zstd, streamed in any chunking into
//! `LayerReader`, verified twice, bounded, and never a panic on damaged bytes.

mod support;

use strata_image::digest::Digest;
use strata_image::finding::Severity;
use strata_image::media_type;
use strata_image::verification::Verification;
use strata_layers::{
    ComputedDigests, FileAt, FileDigests, FileFromCheckpoint, LayerError, LayerReader, Limits,
    attach_file_digests,
};

use support::*;

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

#[test]
fn digests_may_be_computed_elsewhere() {
    let tar = Tar::default().file("a", b"a").end();
    let blob = gzip(&tar);
    let right = Digest::sha256_of(&blob);
    let wrong = Digest::sha256_of(b"something else");
    let diff_id = Digest::sha256_of(&tar);
    let plain = media_type::OCI_LAYER;
    // (media type, hashed elsewhere: compressed, uncompressed; digests computed there; verdicts expected)
    type Case<'a> = (
        &'a str,
        (bool, bool),
        (Option<&'a Digest>, Option<&'a Digest>),
        Result<(&'a str, &'a str), LayerError>,
    );
    let cases: [Case; 8] = [
        (
            GZIP,
            (true, false),
            (Some(&right), None),
            Ok(("verified", "verified")),
        ),
        (
            GZIP,
            (true, false),
            (Some(&wrong), None),
            Ok(("mismatch", "verified")),
        ),
        (
            GZIP,
            (true, false),
            (None, None),
            Err(LayerError::DigestMissing("layer digest")),
        ),
        (
            GZIP,
            (false, true),
            (None, Some(&diff_id)),
            Ok(("verified", "verified")),
        ),
        (
            GZIP,
            (false, true),
            (None, Some(&wrong)),
            Ok(("verified", "mismatch")),
        ),
        (
            GZIP,
            (false, true),
            (None, None),
            Err(LayerError::DigestMissing("diff_id")),
        ),
        (
            GZIP,
            (true, true),
            (Some(&right), Some(&diff_id)),
            Ok(("verified", "verified")),
        ),
        // A plain tar is its own diff_id: the blob digest from elsewhere serves for both.
        (
            plain,
            (true, true),
            (Some(&diff_id), None),
            Ok(("verified", "verified")),
        ),
    ];
    for (media_type, (compressed_elsewhere, uncompressed_elsewhere), computed, expected) in cases {
        let bytes: &[u8] = if media_type == plain { &tar } else { &blob };
        let digest = Digest::sha256_of(bytes);
        let mut reader = LayerReader::new(media_type, &digest, Some(&diff_id), Limits::default())
            .expect("not encrypted");
        if compressed_elsewhere {
            reader.hash_compressed_elsewhere();
        }
        if uncompressed_elsewhere {
            reader.hash_uncompressed_elsewhere();
        }
        let mut handed_over = Vec::new();
        // Pushed a byte at a time: what is handed over must add up whatever the chunking.
        for byte in bytes {
            reader
                .push_handing_over(std::slice::from_ref(byte), &mut |piece| {
                    handed_over.extend_from_slice(piece)
                })
                .expect("valid");
        }
        let expected_handed_over: &[u8] = if uncompressed_elsewhere && media_type != plain {
            &tar
        } else {
            &[]
        };
        assert_eq!(
            handed_over, expected_handed_over,
            "{media_type} {computed:?}"
        );
        let verdicts = reader
            .finish_with(ComputedDigests {
                compressed: computed.0.cloned(),
                uncompressed: computed.1.cloned(),
            })
            .map(|summary| {
                (
                    summary.compressed.data_verify().as_str(),
                    summary.uncompressed.data_verify().as_str(),
                )
            });
        assert_eq!(verdicts, expected, "{media_type} {computed:?}");
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

#[test]
fn file_contents_hashed_while_streaming_in_any_chunking() {
    let big: Vec<u8> = (0..3000u32).map(|at| (at % 251) as u8).collect();
    let tar = Tar::default()
        .dir("etc")
        .file("etc/a", b"hello\n")
        .file("etc/empty", b"")
        .link("etc/link", b'2', "a")
        .link("etc/hard", b'1', "etc/a")
        .file("etc/big", &big)
        .file("etc/.wh.gone", b"")
        .end();
    let expected: Vec<(&str, Option<Digest>)> = vec![
        ("/etc", None),
        ("/etc/a", Some(Digest::sha256_of(b"hello\n"))),
        ("/etc/empty", Some(Digest::sha256_of(b""))),
        ("/etc/link", None),
        ("/etc/hard", None),
        ("/etc/big", Some(Digest::sha256_of(&big))),
        ("/etc/gone", None),
    ];
    for (media_type, blob) in [(GZIP, gzip(&tar)), (ZSTD, zstd(&tar)), (PLAIN, tar.clone())] {
        for chunk in [1, 7, 512, 513, blob.len()] {
            let digest = Digest::sha256_of(&blob);
            let mut reader =
                LayerReader::new(media_type, &digest, None, Limits::default()).expect("reader");
            reader.hash_file_contents();
            reader.capture("/etc/big", 10);
            let mut entries = Vec::new();
            for piece in blob.chunks(chunk) {
                entries.extend(reader.push(piece).expect("valid"));
            }
            assert_eq!(
                reader.captured(),
                Some(&big[..10]),
                "{media_type} by {chunk}"
            );
            reader.finish().expect("complete");
            let found: Vec<(&str, Option<Digest>)> = entries
                .iter()
                .map(|entry| (entry.path.as_str(), entry.content_digest.clone()))
                .collect();
            assert_eq!(found, expected, "{media_type} in pieces of {chunk}");
        }
    }
}

#[test]
fn file_contents_are_not_hashed_unless_asked() {
    let tar = Tar::default().file("a", b"x").end();
    let read = read(PLAIN, &tar, &tar);
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.entries[0].content_digest, None);
}

#[test]
fn a_file_of_any_size_streams_out_whole_with_its_digest() {
    let big: Vec<u8> = (0..200_000u32).map(|at| (at % 253) as u8).collect();
    let tar = Tar::default()
        .file("etc/before", b"x")
        .file("data/big.bin", &big)
        .file("etc/after", b"y")
        .end();
    for (media_type, blob) in [(GZIP, gzip(&tar)), (PLAIN, tar.clone())] {
        for chunk in [1000, 65_536, blob.len()] {
            let digest = Digest::sha256_of(&blob);
            let mut reader =
                LayerReader::new(media_type, &digest, None, Limits::default()).expect("reader");
            reader.capture_streaming("/data/big.bin", 16);
            let mut out = Vec::new();
            for piece in blob.chunks(chunk) {
                reader.push(piece).expect("valid");
                let streamed = reader.take_streamed();
                assert!(!streamed.restarted);
                out.extend(streamed.bytes);
            }
            assert_eq!(out, big, "{media_type} in pieces of {chunk}");
            assert_eq!(
                reader.captured(),
                Some(&big[..16]),
                "the preview's first bytes"
            );
            let file = reader.captured_file().expect("the file ended");
            assert_eq!(file.digest, Digest::sha256_of(&big));
            assert_eq!(file.size, big.len() as u64);
            reader.finish().expect("complete");
        }
    }
}

#[test]
fn a_later_entry_at_the_captured_path_starts_the_stream_over() {
    let tar = Tar::default()
        .file("f", b"first version")
        .file("g", b"between")
        .file("f", b"second")
        .end();
    let digest = Digest::sha256_of(&tar);
    let mut reader = LayerReader::new(PLAIN, &digest, None, Limits::default()).expect("reader");
    reader.capture_streaming("/f", 1024);
    let mut out = Vec::new();
    let mut restarts = 0;
    for piece in tar.chunks(512) {
        reader.push(piece).expect("valid");
        let streamed = reader.take_streamed();
        if streamed.restarted {
            restarts += 1;
            out.clear();
        }
        out.extend(streamed.bytes);
    }
    assert_eq!(restarts, 1);
    assert_eq!(out, b"second");
    assert_eq!(reader.captured(), Some(&b"second"[..]));
    assert_eq!(
        reader.captured_file().map(|file| file.digest.clone()),
        Some(Digest::sha256_of(b"second"))
    );
}

#[test]
fn file_digests_computed_apart_match_those_of_the_reader() {
    let tar = Tar::default()
        .dir("etc")
        .file("etc/a", b"hello\n")
        .link("etc/link", b'2', "a")
        .file("etc/.wh.gone", b"")
        .file("etc/b", &[7; 5000])
        .end();
    let digest = Digest::sha256_of(&tar);
    let mut reader = LayerReader::new(PLAIN, &digest, None, Limits::default()).expect("reader");
    reader.hash_file_contents();
    let hashed_in_line = reader.push(&tar).expect("valid");
    let mut listed = read_with(PLAIN, &tar, None, Limits::default(), 700)
        .expect("valid")
        .entries;
    for chunk in [1, 333, tar.len()] {
        let mut apart = FileDigests::new(Limits::default());
        for piece in tar.chunks(chunk) {
            apart.push(piece).expect("valid");
        }
        let digests = apart.finish();
        assert_eq!(digests.len(), 2, "two regular files");
        attach_file_digests(&mut listed, &digests).expect("the same files");
        assert_eq!(listed, hashed_in_line, "in pieces of {chunk}");
    }
    let mut other = listed.clone();
    assert!(attach_file_digests(&mut other, &[Digest::sha256_of(b"")]).is_err());
    assert_eq!(other, listed, "nothing changed when the counts differ");
}

#[test]
fn files_are_read_again_from_the_nearest_checkpoint_and_checked() {
    let mut tar = Tar::default();
    let mut contents = Vec::new();
    let mut state: u32 = 0x2545_f491;
    for n in 0..40u32 {
        // Letters in no pattern: deflate shrinks them some, in many blocks.
        let body: Vec<u8> = format!("file {n}: ")
            .bytes()
            .chain((0..20_000 + n * 997).map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                b'a' + (state % 26) as u8
            }))
            .collect();
        tar.file(&format!("data/{n:02}.txt"), &body);
        contents.push(body);
    }
    let tar = tar.end();
    let blob = gzip(&tar);
    let digest = Digest::sha256_of(&blob);
    let mut reader = LayerReader::new(GZIP, &digest, None, Limits::default()).expect("reader");
    // At every block: how many blocks there are depends on the compressor (miniz_oxide's or zlib-rs').
    reader.keep_checkpoints(1);
    reader.hash_file_contents();
    let entries = reader.push(&blob).expect("valid");
    let checkpoints = reader.checkpoints().to_vec();
    reader.finish().expect("complete");
    assert!(checkpoints.len() > 1, "{} checkpoints", checkpoints.len());
    let at = |index: usize| {
        let entry = &entries[index];
        let offset = entry.data_offset.expect("an offset");
        FileAt {
            checkpoint: FileAt::nearest(&checkpoints, offset)
                .expect("one before")
                .clone(),
            offset,
            size: entry.size,
            digest: entry.content_digest.clone().expect("a digest"),
        }
    };
    for index in [0, 1, 17, 39] {
        let file_at = at(index);
        let start = file_at.checkpoint.compressed as usize;
        let mut file = FileFromCheckpoint::new(file_at, 100, true).expect("a checkpoint");
        let mut streamed = Vec::new();
        for piece in blob[start..].chunks(1000) {
            file.push(piece).expect("valid");
            streamed.extend(file.take_streamed());
            if file.is_complete() {
                break;
            }
        }
        let (first, read) = file.finish().expect("as the full read saw it");
        assert_eq!(streamed, contents[index], "file {index}");
        assert_eq!(first, contents[index][..100]);
        assert_eq!(read.size, contents[index].len() as u64);
    }
    // A range that is not the layer's bytes, or that stops short, is refused.
    let file_at = at(30);
    let start = file_at.checkpoint.compressed as usize;
    let other: Vec<u8> = blob[start..].iter().map(|byte| byte ^ 0xa5).collect();
    let short = blob[start..start + 64].to_vec();
    for (what, range) in [("other bytes", other), ("a short range", short)] {
        let mut file = FileFromCheckpoint::new(file_at.clone(), 0, false).expect("a checkpoint");
        let outcome = range
            .chunks(1000)
            .try_for_each(|piece| file.push(piece))
            .and_then(|()| file.finish().map(|_| ()));
        assert!(outcome.is_err(), "{what} is refused");
    }
}
