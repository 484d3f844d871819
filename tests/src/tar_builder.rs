//! Small gzip'd tar layers made in a test: many entries, or a decompression bomb.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;

/// A ustar archive being written.
#[derive(Default)]
pub struct TarBuilder {
    bytes: Vec<u8>,
}

impl TarBuilder {
    /// Appends a regular file.
    pub fn file(&mut self, path: &str, contents: &[u8]) -> &mut Self {
        self.entry(path, b'0', contents.len() as u64, 0o644);
        self.bytes.extend_from_slice(contents);
        let padding = (512 - contents.len() % 512) % 512;
        self.bytes.extend(std::iter::repeat_n(0, padding));
        self
    }

    /// Appends a directory.
    pub fn directory(&mut self, path: &str) -> &mut Self {
        self.entry(path, b'5', 0, 0o755);
        self
    }

    /// Appends a file of `size` zero bytes, written in blocks so that memory stays small.
    pub fn zeros(&mut self, path: &str, size: u64) -> &mut Self {
        self.entry(path, b'0', size, 0o644);
        self.bytes
            .resize(self.bytes.len() + size.div_ceil(512) as usize * 512, 0);
        self
    }

    fn entry(&mut self, path: &str, kind: u8, size: u64, mode: u32) {
        let mut header = [0u8; 512];
        let name = path.as_bytes();
        assert!(name.len() <= 100, "short names only: {path}");
        header[..name.len()].copy_from_slice(name);
        octal(&mut header[100..108], u64::from(mode));
        octal(&mut header[108..116], 0);
        octal(&mut header[116..124], 0);
        octal(&mut header[124..136], size);
        octal(&mut header[136..148], 1_767_225_600);
        header[156] = kind;
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].fill(b' ');
        let checksum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        octal(&mut header[148..155], u64::from(checksum));
        self.bytes.extend_from_slice(&header);
    }

    /// The archive with its end blocks: (uncompressed tar, gzip of it).
    pub fn finish(mut self) -> (Vec<u8>, Vec<u8>) {
        self.bytes.extend([0u8; 1024]);
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(&self.bytes).expect("writing to memory");
        let gzipped = encoder.finish().expect("writing to memory");
        (self.bytes, gzipped)
    }
}

fn octal(field: &mut [u8], value: u64) {
    let text = format!("{value:0width$o}", width = field.len() - 1);
    field[..text.len()].copy_from_slice(text.as_bytes());
}
