//! Layers: reading a layer blob as it streams (verified twice, compressed and uncompressed) into file
//! entries, and merging layers into the filesystem an image describes.
//!
//! Push-based throughout, so the browser can feed network chunks and never hold a whole layer: see
//! [`LayerReader`] and [`Filesystem`].

#![warn(missing_docs)]

mod checkpoint;
mod efficiency;
mod entry;
mod error;
mod export;
mod file_digests;
mod file_from_checkpoint;
mod file_list;
mod filesystem;
mod gzip;
mod layer_job;
mod limits;
mod path;
pub mod path_glob;
mod reader;
mod summary;
mod tar;
mod tar_index;
#[cfg(test)]
mod test_entries;
mod zstd;

pub use checkpoint::{Checkpoint, checkpoint_spacing};
pub use efficiency::{Efficiency, WastedPath};
pub use entry::{EntryKind, FileEntry, Whiteout};
pub use error::LayerError;
pub use export::{FILE_COLUMNS, csv_line, defused, file_rows_csv, file_rows_json, link_target};
pub use file_digests::{FileDigests, attach_file_digests};
pub use file_from_checkpoint::{FileAt, FileFromCheckpoint};
pub use file_list::{FileRow, ImageFiles, RowFilter, row_with_bytes, visible_rows};
pub use filesystem::{Change, Filesystem, HiddenVersion, LayerChange, MergedEntry};
pub use gzip::GzipStream;
pub use layer_job::{LayerJob, LayerReport};
pub use limits::Limits;
pub use reader::{ComputedDigests, LayerReader};
pub use summary::{LayerSummary, Progress};
pub use tar::{CapturedFile, StreamedBytes};
pub use tar_index::{IndexStep, TarIndex, TarIndexError, TarMember};
pub use zstd::ZstdStream;

/// Cleans a tar member name into an absolute path in the root filesystem (`./etc/` → `/etc`); `None` when
/// `..` climbs above the root.
pub fn clean_path(name: &str) -> Option<String> {
    path::clean(name)
}
