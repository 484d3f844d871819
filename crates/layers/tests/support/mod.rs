//! What the layer tests share: a tiny tar writer that spells out ustar headers, GNU long names, PAX
//! records and damaged headers byte by byte (what a library writer would never produce), gzip and zstd
//! framing, and the layer reader driven in chunks.

// Each test binary uses a part of this.
#![allow(dead_code)]

use std::io::Write as _;

use strata_image::digest::Digest;
use strata_image::media_type;
use strata_layers::{
    EntryKind, FileEntry, LayerError, LayerReader, LayerSummary, Limits, Whiteout,
};

pub const GZIP: &str = media_type::OCI_LAYER_GZIP;
pub const ZSTD: &str = media_type::OCI_LAYER_ZSTD;
pub const PLAIN: &str = media_type::OCI_LAYER;
pub const DOCKER_PLAIN: &str = media_type::DOCKER_LAYER;

#[derive(Default)]
pub struct Tar {
    pub bytes: Vec<u8>,
}

pub struct Header<'a> {
    pub name: &'a str,
    pub typeflag: u8,
    pub size: u64,
    pub link: &'a str,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub mtime: i64,
}

impl<'a> Header<'a> {
    pub fn new(name: &'a str, typeflag: u8) -> Header<'a> {
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

pub fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    field[..width].copy_from_slice(format!("{value:0width$o}").as_bytes());
    field[width] = 0;
}

impl Tar {
    pub fn header(&mut self, header: &Header<'_>) -> &mut Tar {
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

    pub fn data(&mut self, data: &[u8]) -> &mut Tar {
        self.bytes.extend_from_slice(data);
        let padding = (512 - data.len() % 512) % 512;
        self.bytes.resize(self.bytes.len() + padding, 0);
        self
    }

    pub fn file(&mut self, name: &str, data: &[u8]) -> &mut Tar {
        self.header(&Header {
            size: data.len() as u64,
            ..Header::new(name, b'0')
        })
        .data(data)
    }

    pub fn dir(&mut self, name: &str) -> &mut Tar {
        self.header(&Header {
            mode: 0o755,
            ..Header::new(name, b'5')
        })
    }

    pub fn link(&mut self, name: &str, typeflag: u8, target: &str) -> &mut Tar {
        self.header(&Header {
            link: target,
            mode: 0o777,
            ..Header::new(name, typeflag)
        })
    }

    /// A GNU `L` (or `K`) record carrying a long name.
    pub fn gnu_long(&mut self, typeflag: u8, name: &str) -> &mut Tar {
        let mut data = name.as_bytes().to_vec();
        data.push(0);
        self.header(&Header {
            size: data.len() as u64,
            ..Header::new("././@LongLink", typeflag)
        })
        .data(&data)
    }

    /// A PAX `x` (or `g`) header with the given records.
    pub fn pax(&mut self, typeflag: u8, records: &[(&str, &str)]) -> &mut Tar {
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

    pub fn end(&mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.resize(bytes.len() + 1024, 0);
        bytes
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory")
}

pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

/// A zstd frame written by hand: single segment, 4-byte content size, raw blocks of at most 128 KiB.
pub fn zstd_raw_blocks(bytes: &[u8]) -> Vec<u8> {
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

pub struct Read {
    pub entries: Vec<FileEntry>,
    pub summary: LayerSummary,
}

pub fn read_with(
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

pub fn read(media_type: &str, blob: &[u8], tar: &[u8]) -> Read {
    let diff_id = Digest::sha256_of(tar);
    let read = read_with(media_type, blob, Some(&diff_id), Limits::default(), 4096)
        .unwrap_or_else(|error| panic!("{media_type}: {error}"));
    assert_eq!(read.summary.compressed.data_verify().as_str(), "verified");
    assert_eq!(read.summary.uncompressed.data_verify().as_str(), "verified");
    read
}

pub fn describe(entry: &FileEntry) -> String {
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

pub fn paths(entries: &[FileEntry]) -> Vec<String> {
    entries.iter().map(describe).collect()
}
