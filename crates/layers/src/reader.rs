//! The streaming layer reader: fed the blob chunk by chunk, it hashes, decompresses, lists the tar and
//! checks the limits in one pass, never holding the layer.

use strata_image::digest::{Digest, Sha256Hasher};
use strata_image::media_type::{self, Compression};

use super::checkpoint::Checkpoint;
use super::entry::FileEntry;
use super::error::LayerError;
use super::gzip::GzipStream;
use super::limits::Limits;
use super::path;
use super::summary::{LayerSummary, Progress, verify_streamed};
use super::tar::{CapturedFile, StreamedBytes, TarParser};
use super::zstd::ZstdStream;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// How the blob is being decompressed.
#[derive(Debug)]
enum Decoder {
    /// The media type leaves it open: the first bytes decide.
    Undecided(Vec<u8>),
    Plain,
    Gzip(Box<GzipStream>),
    Zstd(Box<ZstdStream>),
}

impl Decoder {
    fn for_compression(compression: Compression) -> Decoder {
        match compression {
            Compression::Gzip => Decoder::Gzip(Box::default()),
            Compression::Zstd => Decoder::Zstd(Box::default()),
            Compression::None => Decoder::Plain,
            Compression::Sniff | Compression::Unknown => Decoder::Undecided(Vec::new()),
        }
    }

    fn sniff(head: &[u8]) -> Decoder {
        if head.starts_with(GZIP_MAGIC) {
            Decoder::for_compression(Compression::Gzip)
        } else if head.starts_with(ZSTD_MAGIC) {
            Decoder::for_compression(Compression::Zstd)
        } else {
            Decoder::Plain
        }
    }
}

/// Where decompressed bytes go: the uncompressed hash (or the caller, who hashes them elsewhere), the limit
/// and the tar reader.
#[derive(Debug)]
struct Sink {
    /// `None` when the caller hashes the decompressed bytes (see [`LayerReader::hash_uncompressed_elsewhere`]).
    hasher: Option<Sha256Hasher>,
    /// An uncompressed blob is its own tar, so its compressed hash serves for both.
    hash_separately: bool,
    bytes: u64,
    limit: u64,
    tar: TarParser,
    entries: Vec<FileEntry>,
}

impl Sink {
    fn accept(&mut self, bytes: &[u8], elsewhere: &mut dyn FnMut(&[u8])) -> Result<(), LayerError> {
        self.bytes = self.bytes.saturating_add(bytes.len() as u64);
        if self.bytes > self.limit {
            return Err(LayerError::TooLarge { limit: self.limit });
        }
        if self.hash_separately {
            match &mut self.hasher {
                Some(hasher) => hasher.update(bytes),
                None => elsewhere(bytes),
            }
        }
        self.tar.push(bytes, &mut self.entries)
    }
}

/// Digests of the layer's bytes computed by the caller, on other threads (see
/// [`LayerReader::hash_compressed_elsewhere`] and [`LayerReader::hash_uncompressed_elsewhere`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComputedDigests {
    /// Of the blob as pushed.
    pub compressed: Option<Digest>,
    /// Of the decompressed bytes handed over.
    pub uncompressed: Option<Digest>,
}

/// Reads one layer blob pushed to it chunk by chunk (as it streams from the network).
#[derive(Debug)]
pub struct LayerReader {
    digest: Digest,
    diff_id: Option<Digest>,
    limits: Limits,
    compressed_bytes: u64,
    /// `None` when the caller hashes the blob's bytes itself (see [`LayerReader::hash_compressed_elsewhere`]).
    compressed_hasher: Option<Sha256Hasher>,
    decoder: Decoder,
    sink: Sink,
    failed: Option<LayerError>,
    /// Blob bytes between two checkpoints, when they are kept.
    checkpoint_spacing: Option<u64>,
}

impl LayerReader {
    /// A reader for a layer of `media_type`, to be checked against the manifest's `digest` and the config's
    /// `diff_id`. The compression comes from the media type; Docker's ambiguous plain type and unknown types
    /// are decided from the first bytes (gzip, zstd, else tar). Encrypted layers are refused.
    pub fn new(
        media_type: &str,
        digest: &Digest,
        diff_id: Option<&Digest>,
        limits: Limits,
    ) -> Result<LayerReader, LayerError> {
        let kind = media_type::layer_kind(media_type);
        if kind.encrypted {
            return Err(LayerError::Encrypted);
        }
        Ok(LayerReader {
            digest: digest.clone(),
            diff_id: diff_id.cloned(),
            limits,
            compressed_bytes: 0,
            compressed_hasher: Some(Sha256Hasher::new()),
            decoder: Decoder::for_compression(kind.compression),
            sink: Sink {
                hasher: Some(Sha256Hasher::new()),
                hash_separately: kind.compression != Compression::None,
                bytes: 0,
                limit: limits.max_uncompressed_bytes,
                tar: TarParser::new(limits),
                entries: Vec::new(),
            },
            failed: None,
            checkpoint_spacing: None,
        })
    }

    /// Keeps, for a gzip layer, a [`Checkpoint`] about every `spacing` bytes of the blob, and each
    /// regular file's [`FileEntry::data_offset`]: a file can then be read again from the nearest checkpoint
    /// before it ([`FileFromCheckpoint`](crate::FileFromCheckpoint)). Inflating this way is slower than
    /// flate2's fastest backend: ask for it where a second read is likely.
    pub fn keep_checkpoints(&mut self, spacing: u64) {
        self.checkpoint_spacing = Some(spacing);
        self.sink.tar.record_offsets();
        if let Decoder::Gzip(stream) = &mut self.decoder {
            **stream = GzipStream::with_checkpoints(spacing);
        }
    }

    /// The checkpoints kept so far (none for a layer that is not gzip).
    pub fn checkpoints(&self) -> &[Checkpoint] {
        match &self.decoder {
            Decoder::Gzip(stream) => stream.checkpoints(),
            _ => &[],
        }
    }

    /// Feeds the next bytes of the blob; returns the entries whose headers this chunk completed. After an
    /// error the reader stays failed and returns the same error.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<FileEntry>, LayerError> {
        self.push_handing_over(chunk, &mut |_| {})
    }

    /// [`LayerReader::push`], handing every decompressed byte to `elsewhere` when the caller hashes them
    /// (see [`LayerReader::hash_uncompressed_elsewhere`]).
    pub fn push_handing_over(
        &mut self,
        chunk: &[u8],
        elsewhere: &mut dyn FnMut(&[u8]),
    ) -> Result<Vec<FileEntry>, LayerError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        match self.push_inner(chunk, elsewhere) {
            Ok(()) => Ok(std::mem::take(&mut self.sink.entries)),
            Err(error) => {
                self.failed = Some(error.clone());
                Err(error)
            }
        }
    }

    /// Bytes and entries so far.
    pub fn progress(&self) -> Progress {
        Progress {
            compressed_bytes: self.compressed_bytes,
            uncompressed_bytes: self.sink.bytes,
            entries: self.sink.tar.entries(),
        }
    }

    /// Asks for the contents of the regular file at `path` (up to `max_bytes`) to be kept as it streams
    /// past. Only entries that come after this call are seen; a later entry at the same path replaces it.
    pub fn capture(&mut self, path: &str, max_bytes: usize) {
        if let Some(path) = path::clean(path) {
            self.sink.tar.capture(path, max_bytes, false);
        }
    }

    /// Like [`LayerReader::capture`], and also hands on every byte of the file as it passes: see
    /// [`LayerReader::take_streamed`]. For a download of a file of any size.
    pub fn capture_streaming(&mut self, path: &str, max_bytes: usize) {
        if let Some(path) = path::clean(path) {
            self.sink.tar.capture(path, max_bytes, true);
        }
    }

    /// The captured file's bytes that passed since the last call (streaming captures only).
    pub fn take_streamed(&mut self) -> StreamedBytes {
        self.sink.tar.take_streamed()
    }

    /// The captured file's SHA-256 and size, once its bytes ended.
    pub fn captured_file(&self) -> Option<&CapturedFile> {
        self.sink.tar.captured_file()
    }

    /// Hashes the bytes of every regular file from here on (SHA-256, in [`FileEntry::content_digest`]), so
    /// two images can be compared file by file. Such an entry is then returned once its bytes are read
    /// rather than at its header.
    pub fn hash_file_contents(&mut self) {
        self.sink.tar.hash_contents();
    }

    /// The captured contents (at most `max_bytes`), once the file's entry has been reached.
    pub fn captured(&self) -> Option<&[u8]> {
        self.sink.tar.captured()
    }

    /// Leaves the blob's own digest to the caller, who hashes every pushed byte elsewhere (on another thread,
    /// in parallel with the decompression here) and hands the result to [`LayerReader::finish_with`].
    /// Called before the first push.
    pub fn hash_compressed_elsewhere(&mut self) {
        self.compressed_hasher = None;
    }

    /// Leaves the diff_id's hash to the caller: [`LayerReader::push_handing_over`] hands it every
    /// decompressed byte, and [`LayerReader::finish_with`] takes the digest. An uncompressed layer is its
    /// own tar, so it hands nothing over and its blob digest serves. Called before the first push.
    pub fn hash_uncompressed_elsewhere(&mut self) {
        self.sink.hasher = None;
    }

    /// Ends the stream: the compressed data and the tar must be complete (end-of-archive blocks, or at
    /// least no entry cut off). Returns both verifications and the findings.
    pub fn finish(self) -> Result<LayerSummary, LayerError> {
        self.finish_checking(ComputedDigests::default())
    }

    /// [`LayerReader::finish`], with the digests the caller computed elsewhere.
    pub fn finish_with(self, computed: ComputedDigests) -> Result<LayerSummary, LayerError> {
        self.finish_checking(computed)
    }

    fn finish_checking(mut self, computed: ComputedDigests) -> Result<LayerSummary, LayerError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        if let Decoder::Undecided(head) = &mut self.decoder {
            let head = std::mem::take(head);
            self.decide_and_feed(&head, &mut |_| {})?;
        }
        match &self.decoder {
            Decoder::Undecided(_) | Decoder::Plain => {}
            Decoder::Gzip(stream) => stream.finish()?,
            Decoder::Zstd(stream) => stream.finish()?,
        }
        self.sink.tar.finish()?;
        let progress = self.progress();
        let compressed_digest = match (computed.compressed, self.compressed_hasher) {
            (Some(computed), _) => computed,
            (None, Some(hasher)) => hasher.finish(),
            (None, None) => return Err(LayerError::DigestMissing("layer digest")),
        };
        let uncompressed_digest = if self.sink.hash_separately {
            match (computed.uncompressed, self.sink.hasher) {
                (Some(computed), _) => computed,
                (None, Some(hasher)) => hasher.finish(),
                (None, None) => return Err(LayerError::DigestMissing("diff_id")),
            }
        } else {
            compressed_digest.clone()
        };
        Ok(LayerSummary {
            compressed: verify_streamed(Some(&self.digest), compressed_digest, "layer digest"),
            uncompressed: verify_streamed(self.diff_id.as_ref(), uncompressed_digest, "diff_id"),
            progress,
            findings: self.sink.tar.into_findings(),
        })
    }

    fn push_inner(
        &mut self,
        chunk: &[u8],
        elsewhere: &mut dyn FnMut(&[u8]),
    ) -> Result<(), LayerError> {
        self.compressed_bytes = self.compressed_bytes.saturating_add(chunk.len() as u64);
        // An endless stream that decompresses to little (or nothing) is stopped by the same limit.
        if self.compressed_bytes > self.limits.max_uncompressed_bytes {
            return Err(LayerError::TooLarge {
                limit: self.limits.max_uncompressed_bytes,
            });
        }
        if let Some(hasher) = &mut self.compressed_hasher {
            hasher.update(chunk);
        }
        if let Decoder::Undecided(head) = &mut self.decoder {
            head.extend_from_slice(chunk);
            if head.len() < ZSTD_MAGIC.len() {
                return Ok(());
            }
            let head = std::mem::take(head);
            return self.decide_and_feed(&head, elsewhere);
        }
        self.feed(chunk, elsewhere)
    }

    fn decide_and_feed(
        &mut self,
        head: &[u8],
        elsewhere: &mut dyn FnMut(&[u8]),
    ) -> Result<(), LayerError> {
        self.decoder = Decoder::sniff(head);
        if let (Decoder::Gzip(stream), Some(spacing)) = (&mut self.decoder, self.checkpoint_spacing)
        {
            **stream = GzipStream::with_checkpoints(spacing);
        }
        self.sink.hash_separately = !matches!(self.decoder, Decoder::Plain);
        self.feed(head, elsewhere)
    }

    fn feed(&mut self, bytes: &[u8], elsewhere: &mut dyn FnMut(&[u8])) -> Result<(), LayerError> {
        let sink = &mut self.sink;
        match &mut self.decoder {
            Decoder::Undecided(head) => {
                head.extend_from_slice(bytes);
                Ok(())
            }
            Decoder::Plain => sink.accept(bytes, elsewhere),
            Decoder::Gzip(stream) => {
                stream.push(bytes, &mut |piece: &[u8]| sink.accept(piece, elsewhere))
            }
            Decoder::Zstd(stream) => {
                stream.push(bytes, &mut |piece: &[u8]| sink.accept(piece, elsewhere))
            }
        }
    }
}
