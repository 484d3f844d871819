//! Fuzzes the layer reader on any bytes, as a hostile registry could serve them: sniffed compression
//! (gzip, zstd, plain tar), pushed in chunks whose sizes the input picks, then the entries merged into a
//! filesystem across two layers (whiteouts, opaque directories, hardlinks). Nothing may panic, and the
//! limits must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_image::digest::Digest;
use strata_layers::{Filesystem, LayerReader, Limits};

const LIMITS: Limits = Limits {
    max_uncompressed_bytes: 16 << 20,
    max_entries: 10_000,
    max_path_bytes: 4096,
};

fuzz_target!(|data: &[u8]| {
    let Some((&chunk_byte, blob)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk_byte).max(1) * 64;
    let digest = Digest::sha256_of(blob);
    let Ok(mut reader) = LayerReader::new(
        "application/vnd.docker.image.rootfs.diff.tar",
        &digest,
        None,
        LIMITS,
    ) else {
        return;
    };
    reader.capture("/etc/os-release", 4096);
    let mut entries = Vec::new();
    for piece in blob.chunks(chunk) {
        match reader.push(piece) {
            Ok(more) => entries.extend(more),
            Err(_) => return,
        }
    }
    assert!(entries.len() <= LIMITS.max_entries);
    if let Ok(summary) = reader.finish() {
        let _ = summary.explain();
        let _ = summary.data_verify();
    }
    let mut filesystem = Filesystem::new();
    let _ = filesystem.apply_layer(0, &entries);
    let _ = filesystem.apply_layer(1, &entries);
    for entry in filesystem.entries() {
        let _ = filesystem.resolve_hardlink(&entry.entry.path);
        let _ = filesystem.directory_size(&entry.entry.path);
    }
    let _ = filesystem.findings();
});
