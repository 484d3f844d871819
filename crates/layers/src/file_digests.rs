//! Every regular file's SHA-256 in a layer's uncompressed tar, computed apart from the reader that lists
//! the layer (in another worker, from the same bytes), then given to the listed entries in tar order.

use strata_image::digest::Digest;

use crate::entry::{EntryKind, FileEntry, Whiteout};
use crate::error::LayerError;
use crate::limits::Limits;
use crate::tar::TarParser;

/// The running digests of one layer's files.
#[derive(Debug)]
pub struct FileDigests {
    tar: TarParser,
    entries: Vec<FileEntry>,
    digests: Vec<Digest>,
}

impl FileDigests {
    /// Nothing read yet; `limits` must be the reader's, so both see the same entries.
    pub fn new(limits: Limits) -> FileDigests {
        let mut tar = TarParser::new(limits);
        tar.hash_contents();
        FileDigests {
            tar,
            entries: Vec::new(),
            digests: Vec::new(),
        }
    }

    /// Reads the next uncompressed bytes.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), LayerError> {
        self.tar.push(bytes, &mut self.entries)?;
        self.digests.extend(
            self.entries
                .drain(..)
                .filter_map(|entry| entry.content_digest),
        );
        Ok(())
    }

    /// Every regular file's digest, in tar order.
    pub fn finish(self) -> Vec<Digest> {
        self.digests
    }
}

/// Whether an entry is one whose bytes [`FileDigests`] hashes.
fn has_bytes(entry: &FileEntry) -> bool {
    entry.kind == EntryKind::File && entry.whiteout == Whiteout::None
}

/// Gives each regular file among `entries` (the whole layer, in tar order) its digest; refused, with
/// nothing changed, when the counts differ (the two readers did not see the same layer).
pub fn attach_file_digests(entries: &mut [FileEntry], digests: &[Digest]) -> Result<(), String> {
    let files = entries.iter().filter(|entry| has_bytes(entry)).count();
    if files != digests.len() {
        return Err(format!(
            "the layer lists {files} files but {} were hashed",
            digests.len()
        ));
    }
    for (entry, digest) in entries
        .iter_mut()
        .filter(|entry| has_bytes(entry))
        .zip(digests)
    {
        entry.content_digest = Some(digest.clone());
    }
    Ok(())
}
