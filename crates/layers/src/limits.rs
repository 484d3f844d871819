//! Caps on what one layer may hold, so a hostile or broken blob stops with a message instead of eating memory.

/// Caps checked while a layer streams. The defaults are sized for real images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Most bytes the layer may decompress to (and most compressed bytes accepted).
    pub max_uncompressed_bytes: u64,
    /// Most tar entries the layer may hold.
    pub max_entries: usize,
    /// Longest path, in bytes, an entry may have.
    pub max_path_bytes: usize,
}

impl Default for Limits {
    /// 8 GiB, one million entries, 4096-byte paths (Linux's `PATH_MAX`).
    fn default() -> Limits {
        Limits {
            max_uncompressed_bytes: 8 << 30,
            max_entries: 1_000_000,
            max_path_bytes: 4096,
        }
    }
}
