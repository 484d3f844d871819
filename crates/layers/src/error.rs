//! Why a layer could not be read: typed errors with messages in plain words.

/// Why reading a layer stopped. Once a reader has failed, every later call returns the same error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayerError {
    /// The media type says the layer is encrypted, so no file tree can be shown.
    #[error("the layer is encrypted, so its files cannot be listed")]
    Encrypted,
    /// The gzip stream is damaged.
    #[error("the layer's gzip stream is damaged: {0}")]
    Gzip(String),
    /// The zstd stream is damaged.
    #[error("the layer's zstd stream is damaged: {0}")]
    Zstd(String),
    /// The decompressed bytes are not a readable tar archive.
    #[error("the layer is not a readable tar archive: {0}")]
    Tar(String),
    /// More bytes than the limit allows (a decompression bomb or an endless stream).
    #[error("the layer is larger than the limit of {limit} bytes, so reading stopped")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// More entries than the limit allows.
    #[error("the layer has more than {limit} entries, so reading stopped")]
    TooManyEntries {
        /// The limit, in entries.
        limit: usize,
    },
    /// A path longer than the limit allows.
    #[error("the layer holds a path longer than {limit} bytes, so reading stopped")]
    PathTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Bytes were to be hashed elsewhere, and no digest of them came back (which one: `layer digest` or
    /// `diff_id`).
    #[error("the layer's {0} was never computed, so it cannot be checked")]
    DigestMissing(&'static str),
    /// A file read again from a checkpoint did not come out as the full read saw it.
    #[error("the file could not be read again from the layer: {0}")]
    RangedRead(String),
    /// The stream ended in the middle of the compressed data or of a tar entry.
    #[error("the layer ended early: its last entry is cut off")]
    Truncated,
}
