//! Whether an archive file is a tar as it is, or one compressed whole (`oci-archive` written through gzip
//! or zstd), told by its first bytes: a compressed archive cannot be sliced where its members lie, so the
//! page inflates it first.

/// How an archive file is compressed as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveCompression {
    /// A plain tar.
    None,
    /// gzip (`1f 8b`).
    Gzip,
    /// zstd (`28 b5 2f fd`).
    Zstd,
}

/// The most a compressed archive may inflate to: past it, a small file claiming an enormous archive is
/// stopped rather than filling the reader's disk.
pub const MOST_INFLATED_BYTES: u64 = 64 << 30;

/// The bytes an archive's first bytes are read for.
pub const SNIFFED_BYTES: usize = 4;

impl ArchiveCompression {
    /// Reads the magic number at the start of a file.
    pub fn of(first_bytes: &[u8]) -> ArchiveCompression {
        if first_bytes.starts_with(&[0x1f, 0x8b]) {
            ArchiveCompression::Gzip
        } else if first_bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            ArchiveCompression::Zstd
        } else {
            ArchiveCompression::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_is_told_by_its_first_bytes() {
        let cases: [(&[u8], ArchiveCompression); 5] = [
            (&[0x1f, 0x8b, 8, 0], ArchiveCompression::Gzip),
            (&[0x28, 0xb5, 0x2f, 0xfd], ArchiveCompression::Zstd),
            (b"blob", ArchiveCompression::None),
            (&[0x1f], ArchiveCompression::None),
            (&[], ArchiveCompression::None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(ArchiveCompression::of(bytes), expected, "{bytes:?}");
        }
    }
}
