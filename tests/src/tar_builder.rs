//! Small gzip'd tar layers made in a test (with the `tar` crate): many entries, or a decompression bomb.

use std::io::{Read as _, Write as _};

use flate2::Compression;
use flate2::write::GzEncoder;

/// Every entry's modification time: 2026-01-01.
const MTIME: u64 = 1_767_225_600;

/// A ustar archive being written.
pub struct TarBuilder {
    builder: tar::Builder<Vec<u8>>,
}

impl Default for TarBuilder {
    fn default() -> TarBuilder {
        TarBuilder {
            builder: tar::Builder::new(Vec::new()),
        }
    }
}

impl TarBuilder {
    /// Appends a regular file.
    pub fn file(&mut self, path: &str, contents: &[u8]) -> &mut Self {
        self.append(
            path,
            tar::EntryType::Regular,
            0o644,
            contents.len() as u64,
            contents,
        )
    }

    /// Appends a regular file with the permission bits `mode`.
    pub fn file_with_mode(&mut self, path: &str, contents: &[u8], mode: u32) -> &mut Self {
        self.append(
            path,
            tar::EntryType::Regular,
            mode,
            contents.len() as u64,
            contents,
        )
    }

    /// Appends a symbolic link to `target`.
    pub fn symlink(&mut self, path: &str, target: &str) -> &mut Self {
        self.link(path, tar::EntryType::Symlink, 0o777, target)
    }

    /// Appends a hard link to `target` (a path of the archive).
    pub fn hardlink(&mut self, path: &str, target: &str) -> &mut Self {
        self.link(path, tar::EntryType::Link, 0o644, target)
    }

    fn link(&mut self, path: &str, kind: tar::EntryType, mode: u32, target: &str) -> &mut Self {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_mtime(MTIME);
        header.set_size(0);
        self.builder
            .append_link(&mut header, path, target)
            .unwrap_or_else(|error| panic!("{path}: {error}"));
        self
    }

    /// Appends a directory.
    pub fn directory(&mut self, path: &str) -> &mut Self {
        self.append(path, tar::EntryType::Directory, 0o755, 0, std::io::empty())
    }

    /// Appends a file of `size` zero bytes.
    pub fn zeros(&mut self, path: &str, size: u64) -> &mut Self {
        let zeros = std::io::repeat(0).take(size);
        self.append(path, tar::EntryType::Regular, 0o644, size, zeros)
    }

    fn append(
        &mut self,
        path: &str,
        kind: tar::EntryType,
        mode: u32,
        size: u64,
        data: impl std::io::Read,
    ) -> &mut Self {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(MTIME);
        header.set_size(size);
        self.builder
            .append_data(&mut header, path, data)
            .unwrap_or_else(|error| panic!("{path}: {error}"));
        self
    }

    /// The archive with its end blocks: (uncompressed tar, gzip of it).
    pub fn finish(self) -> (Vec<u8>, Vec<u8>) {
        let bytes = self.builder.into_inner().expect("writing to memory");
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(&bytes).expect("writing to memory");
        let gzipped = encoder.finish().expect("writing to memory");
        (bytes, gzipped)
    }
}
