//! One file of a gzip layer read again from the nearest checkpoint before it, out of an HTTP range of the
//! blob instead of the whole: its bytes are hashed as they come and must match the size and SHA-256 the
//! full read saw, since a range cannot be checked against the layer's digest.

use serde::{Deserialize, Serialize};
use strata_image::digest::{Digest, Sha256Hasher};

use crate::checkpoint::Checkpoint;
use crate::error::LayerError;
use crate::gzip::GzipStream;
use crate::tar::CapturedFile;

/// Where a file is, and what the full read of its layer saw of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileAt {
    /// The nearest checkpoint before the file's bytes.
    pub checkpoint: Checkpoint,
    /// Where its bytes start in the tar.
    pub offset: u64,
    /// How many there are.
    pub size: u64,
    /// Their SHA-256 on the full read.
    pub digest: Digest,
}

impl FileAt {
    /// The checkpoint to enter at for the file at `offset`: the last one at or before it.
    pub fn nearest(checkpoints: &[Checkpoint], offset: u64) -> Option<&Checkpoint> {
        checkpoints
            .iter()
            .filter(|checkpoint| checkpoint.uncompressed <= offset)
            .max_by_key(|checkpoint| checkpoint.uncompressed)
    }
}

/// The file being read from its checkpoint.
pub struct FileFromCheckpoint {
    gzip: GzipStream,
    at: FileAt,
    hasher: Sha256Hasher,
    read: u64,
    first: Vec<u8>,
    first_max: usize,
    stream: bool,
    streamed: Vec<u8>,
}

impl FileFromCheckpoint {
    /// Starts at `at.checkpoint`: push the blob's bytes from [`Checkpoint::compressed`] on. Keeps the first
    /// `first_max` bytes, and hands every byte on when `stream` (see [`FileFromCheckpoint::take_streamed`]).
    pub fn new(
        at: FileAt,
        first_max: usize,
        stream: bool,
    ) -> Result<FileFromCheckpoint, LayerError> {
        if at.checkpoint.uncompressed > at.offset {
            return Err(LayerError::RangedRead(
                "the checkpoint is past the file".to_owned(),
            ));
        }
        Ok(FileFromCheckpoint {
            gzip: GzipStream::resume(&at.checkpoint)?,
            at,
            hasher: Sha256Hasher::new(),
            read: 0,
            first: Vec::new(),
            first_max,
            stream,
            streamed: Vec::new(),
        })
    }

    /// Inflates the next bytes of the range, keeping those of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), LayerError> {
        if self.is_complete() {
            return Ok(());
        }
        let (start, end) = (self.at.offset, self.at.offset + self.at.size);
        let mut position = self.gzip.produced();
        let (hasher, read, first, first_max, stream, streamed) = (
            &mut self.hasher,
            &mut self.read,
            &mut self.first,
            self.first_max,
            self.stream,
            &mut self.streamed,
        );
        self.gzip.push(chunk, &mut |piece: &[u8]| {
            let piece_end = position + piece.len() as u64;
            let from = start.max(position).min(piece_end);
            let to = end.min(piece_end).max(from);
            let wanted = &piece[(from - position) as usize..(to - position) as usize];
            position = piece_end;
            if !wanted.is_empty() {
                hasher.update(wanted);
                *read += wanted.len() as u64;
                let room = first_max.saturating_sub(first.len());
                first.extend_from_slice(&wanted[..room.min(wanted.len())]);
                if stream {
                    streamed.extend_from_slice(wanted);
                }
            }
            Ok(())
        })
    }

    /// Whether every byte of the file was read.
    pub fn is_complete(&self) -> bool {
        self.read >= self.at.size
    }

    /// The file's bytes read since the last call (when streaming).
    pub fn take_streamed(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.streamed)
    }

    /// The file's first bytes and its digest, once they match what the full read saw.
    pub fn finish(self) -> Result<(Vec<u8>, CapturedFile), LayerError> {
        if !self.is_complete() {
            return Err(LayerError::RangedRead(format!(
                "the range ended after {} of the file's {} bytes",
                self.read, self.at.size
            )));
        }
        let digest = self.hasher.finish();
        if digest != self.at.digest {
            return Err(LayerError::RangedRead(format!(
                "the bytes read hash to {digest}, not the {} the full read of the layer saw",
                self.at.digest
            )));
        }
        Ok((
            self.first,
            CapturedFile {
                digest,
                size: self.read,
            },
        ))
    }
}
