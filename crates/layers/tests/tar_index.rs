//! A tar's index read by seeking (only headers asked for): every member where it lies, as the streaming
//! reader sees the same archive; damaged archives refused with the place named.

mod support;

use std::fs;

use strata_layers::{IndexStep, TarIndex, TarIndexError, TarMember};

use support::*;

/// Indexes `archive` the way the page does a local file: slice by slice, where the index asks.
fn index(archive: &[u8]) -> Result<Vec<TarMember>, TarIndexError> {
    let mut index = TarIndex::new(archive.len() as u64);
    let mut reads = 0;
    while let IndexStep::Read { offset, len } = index.next_step() {
        let start = usize::try_from(offset)
            .expect("in memory")
            .min(archive.len());
        let end = start.saturating_add(len).min(archive.len());
        index.feed(&archive[start..end])?;
        reads += 1;
        assert!(reads < 100_000, "the index moves on");
    }
    Ok(index.members().to_vec())
}

#[test]
fn members_are_found_where_they_lie() {
    let long_name = format!("blobs/sha256/{}", "a".repeat(150));
    let pax_name = format!("pax/{}", "p".repeat(250));
    let archive = Tar::default()
        .dir("blobs/")
        .file("index.json", b"{\"schemaVersion\":2}")
        .gnu_long(b'L', &long_name)
        .file(&long_name[..100], b"long")
        .pax(b'x', &[("path", &pax_name)])
        .file("ignored", b"pax named")
        .link("latest", b'2', "index.json")
        .file("oci-layout", b"{\"imageLayoutVersion\":\"1.0.0\"}")
        .end();
    let members = index(&archive).expect("a tar");
    let found: Vec<(&str, u8, &[u8])> = members
        .iter()
        .map(|member| {
            let bytes = &archive[member.offset as usize..(member.offset + member.size) as usize];
            (member.path.as_str(), member.typeflag, bytes)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("blobs/", b'5', &b""[..]),
            ("index.json", b'0', &b"{\"schemaVersion\":2}"[..]),
            (long_name.as_str(), b'0', &b"long"[..]),
            (pax_name.as_str(), b'0', &b"pax named"[..]),
            ("latest", b'2', &b""[..]),
            (
                "oci-layout",
                b'0',
                &b"{\"imageLayoutVersion\":\"1.0.0\"}"[..]
            ),
        ]
    );
    assert_eq!(members[4].link, "index.json");
}

#[test]
fn damaged_archives_are_refused_naming_the_place() {
    let archive = Tar::default().file("manifest.json", &[b'x'; 3000]).end();
    let mut bad_checksum = archive.clone();
    bad_checksum[0] ^= 1;
    let cases: [(&str, Vec<u8>, TarIndexError); 3] = [
        (
            "not a tar",
            b"PK\x03\x04 a zip file, not a tar".repeat(40),
            TarIndexError::BadHeader(0),
        ),
        (
            "a damaged header",
            bad_checksum,
            TarIndexError::BadHeader(0),
        ),
        (
            "cut inside a member",
            archive[..1500].to_vec(),
            TarIndexError::Truncated("manifest.json".to_owned()),
        ),
    ];
    for (name, bytes, expected) in cases {
        assert_eq!(index(&bytes), Err(expected), "{name}");
    }
    assert_eq!(
        index(&[]),
        Ok(Vec::new()),
        "an empty archive has no members"
    );
}

#[test]
fn the_corpus_archives_index_as_they_stream() {
    let Some(layouts) = strata_test_corpus::corpus_dir().map(|corpus| corpus.join("layouts"))
    else {
        return;
    };
    let mut archives = 0;
    for entry in fs::read_dir(layouts).expect("layouts") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|extension| extension != "tar") {
            continue;
        }
        let archive = fs::read(&path).expect("readable");
        let members = index(&archive).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let streamed = read(PLAIN, &archive, &archive).entries;
        let files: Vec<String> = members
            .iter()
            .filter(|member| member.is_file())
            .map(|member| {
                format!(
                    "/{}",
                    member.path.trim_start_matches("./").trim_end_matches('/')
                )
            })
            .collect();
        let streamed_files: Vec<String> = streamed
            .iter()
            .filter(|entry| entry.kind == strata_layers::EntryKind::File)
            .map(|entry| entry.path.clone())
            .collect();
        assert_eq!(files, streamed_files, "{}", path.display());
        for member in members.iter().filter(|member| member.is_file()) {
            assert!(member.offset + member.size <= archive.len() as u64);
        }
        archives += 1;
    }
    assert!(archives >= 5, "the corpus's archives: {archives}");
}
