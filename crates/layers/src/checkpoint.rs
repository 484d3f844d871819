//! Where a gzip layer can be entered again, and the inflater that records such places and resumes from
//! them: miniz_oxide's core, stopped where a deflate block ends (zlib's `zran` idea). A checkpoint is the
//! count of blob bytes consumed, the count of tar bytes produced, the bits of the last byte consumed that
//! belong to the next block, and the 32 KiB the inflater wrote before it — all a later read needs to
//! start there from an HTTP range of the blob instead of from its first byte.

use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::inflate_flags::{
    TINFL_FLAG_HAS_MORE_INPUT, TINFL_FLAG_STOP_ON_BLOCK_BOUNDARY,
};
use miniz_oxide::inflate::core::{BlockBoundaryState, DecompressorOxide, decompress};
use serde::{Deserialize, Serialize};

use crate::error::LayerError;

/// Deflate looks back at most this far.
pub const WINDOW: usize = 32 * 1024;

/// Gzip layers from this size on keep checkpoints: below it, reading a file again from the layer's start
/// costs little more than from a checkpoint.
const CHECKPOINTED_FROM: u64 = 4 * 1024 * 1024;
/// About this many checkpoints per layer (each keeps a 32 KiB window)…
const CHECKPOINTS_PER_LAYER: u64 = 48;
/// …but no closer together than this.
const MIN_CHECKPOINT_SPACING: u64 = 1024 * 1024;

/// The blob bytes between two checkpoints for a layer of `media_type` and `size` compressed bytes, when it
/// is a gzip layer large enough to keep them (a layer whose compression is sniffed may be gzip).
pub fn checkpoint_spacing(media_type: &str, size: u64) -> Option<u64> {
    let gzip = matches!(
        strata_image::media_type::layer_kind(media_type).compression,
        strata_image::media_type::Compression::Gzip | strata_image::media_type::Compression::Sniff
    );
    (gzip && size >= CHECKPOINTED_FROM)
        .then(|| (size / CHECKPOINTS_PER_LAYER).max(MIN_CHECKPOINT_SPACING))
}

/// A place a gzip layer can be entered again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Blob bytes before it: the range to ask for starts here.
    pub compressed: u64,
    /// Tar bytes before it.
    pub uncompressed: u64,
    /// Bits of the last byte consumed that the next block starts with (0 to 7).
    pub num_bits: u8,
    /// Those bits, in the low bits.
    pub bit_buf: u8,
    /// The last bytes the inflater wrote in this member, up to [`WINDOW`], as hex.
    pub window: String,
}

impl Checkpoint {
    /// The window's bytes.
    fn window_bytes(&self) -> Result<Vec<u8>, LayerError> {
        let hex = self.window.as_bytes();
        if !hex.len().is_multiple_of(2) || hex.len() > 2 * WINDOW {
            return Err(LayerError::Gzip(
                "a checkpoint's window is not readable".into(),
            ));
        }
        hex.chunks(2)
            .map(|pair| {
                std::str::from_utf8(pair)
                    .ok()
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| LayerError::Gzip("a checkpoint's window is not readable".into()))
            })
            .collect()
    }
}

/// What one call of an inflater did.
pub struct Inflated {
    /// Input bytes consumed.
    pub consumed: usize,
    /// Where its output is (for [`BlockInflater`], in [`BlockInflater::output`]).
    pub produced: std::ops::Range<usize>,
    /// The member's deflate stream ended.
    pub ended: bool,
    /// It stopped where a deflate block ends (only when asked to).
    pub at_boundary: bool,
}

/// A raw-deflate inflater over a wrapping 32 KiB window.
pub struct BlockInflater {
    core: Box<DecompressorOxide>,
    window: Box<[u8]>,
    out_pos: usize,
    /// Bytes written in this member (the window holds the last of them).
    member_out: u64,
}

impl Default for BlockInflater {
    fn default() -> BlockInflater {
        BlockInflater {
            core: Box::default(),
            window: vec![0; WINDOW].into_boxed_slice(),
            out_pos: 0,
            member_out: 0,
        }
    }
}

impl BlockInflater {
    /// An inflater entering a member at `checkpoint`.
    pub fn resume(checkpoint: &Checkpoint) -> Result<BlockInflater, LayerError> {
        let bytes = checkpoint.window_bytes()?;
        let mut inflater = BlockInflater {
            core: Box::new(DecompressorOxide::from_block_boundary_state(
                &BlockBoundaryState {
                    num_bits: checkpoint.num_bits.min(7),
                    bit_buf: checkpoint.bit_buf,
                    ..BlockBoundaryState::default()
                },
            )),
            ..BlockInflater::default()
        };
        inflater.window[..bytes.len()].copy_from_slice(&bytes);
        inflater.out_pos = bytes.len() % WINDOW;
        inflater.member_out = bytes.len() as u64;
        Ok(inflater)
    }

    /// Starts a new member.
    pub fn reset(&mut self) {
        *self = BlockInflater::default();
    }

    /// The window, where [`Inflated::produced`] points.
    pub fn output(&self) -> &[u8] {
        &self.window
    }

    /// Inflates from `input` into the window; stops at the next block's start when `stop_at_boundary`.
    pub fn inflate(
        &mut self,
        input: &[u8],
        stop_at_boundary: bool,
    ) -> Result<Inflated, LayerError> {
        let mut flags = TINFL_FLAG_HAS_MORE_INPUT;
        if stop_at_boundary {
            flags |= TINFL_FLAG_STOP_ON_BLOCK_BOUNDARY;
        }
        let start = self.out_pos;
        let (status, consumed, written) =
            decompress(&mut self.core, input, &mut self.window, start, flags);
        self.out_pos = (start + written) % WINDOW;
        self.member_out += written as u64;
        if start + written > WINDOW {
            return Err(LayerError::Gzip(
                "the inflater wrote past its window".into(),
            ));
        }
        let produced = start..start + written;
        match status {
            TINFLStatus::Done => Ok(Inflated {
                consumed,
                produced,
                ended: true,
                at_boundary: false,
            }),
            TINFLStatus::BlockBoundary => Ok(Inflated {
                consumed,
                produced,
                ended: false,
                at_boundary: true,
            }),
            TINFLStatus::NeedsMoreInput | TINFLStatus::HasMoreOutput => Ok(Inflated {
                consumed,
                produced,
                ended: false,
                at_boundary: false,
            }),
            other => Err(LayerError::Gzip(format!(
                "the deflate stream is damaged ({other:?})"
            ))),
        }
    }

    /// The checkpoint at the block boundary the last call stopped at, `compressed` and `uncompressed`
    /// bytes into the blob and the tar.
    pub fn checkpoint(&self, compressed: u64, uncompressed: u64) -> Option<Checkpoint> {
        let state = self.core.block_boundary_state()?;
        let kept = usize::try_from(self.member_out)
            .unwrap_or(WINDOW)
            .min(WINDOW);
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut window = String::with_capacity(2 * kept);
        let ordered = self.window[self.out_pos..]
            .iter()
            .chain(&self.window[..self.out_pos]);
        for byte in ordered.skip(WINDOW - kept) {
            window.push(char::from(HEX[usize::from(byte >> 4)]));
            window.push(char::from(HEX[usize::from(byte & 15)]));
        }
        Some(Checkpoint {
            compressed,
            uncompressed,
            num_bits: state.num_bits,
            bit_buf: state.bit_buf,
            window,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_gzip_layers_keep_checkpoints_about_every_48th_of_the_blob() {
        let gzip = strata_image::media_type::OCI_LAYER_GZIP;
        let cases = [
            (gzip, 1 << 20, None),
            (gzip, 4 << 20, Some(1 << 20)),
            (gzip, 206_000_000, Some(206_000_000 / 48)),
            (
                strata_image::media_type::DOCKER_LAYER,
                100 << 20,
                Some((100 << 20) / 48),
            ),
            (strata_image::media_type::OCI_LAYER_ZSTD, 100 << 20, None),
            (strata_image::media_type::OCI_LAYER, 100 << 20, None),
        ];
        for (media_type, size, expected) in cases {
            assert_eq!(
                checkpoint_spacing(media_type, size),
                expected,
                "{media_type} {size}"
            );
        }
    }
}
