//! Push-based zstd: frames (and skippable frames) decoded one block at a time with ruzstd, so output is
//! handed on in pieces of at most a block (128 KiB) plus what the window releases.

use std::io::Read as _;

use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

use super::error::LayerError;

const FRAME_MAGIC: u32 = 0xfd2f_b528;
const SKIPPABLE_MAGIC: u32 = 0x184d_2a50;
const SKIPPABLE_MASK: u32 = 0xffff_fff0;
const OUTPUT_BUFFER: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FrameStart,
    Blocks { checksum: bool },
    Skip(u64),
}

/// A zstd stream being decoded, pushed chunk by chunk.
pub struct ZstdStream {
    state: State,
    decoder: FrameDecoder,
    pending: Vec<u8>,
    output: Vec<u8>,
    frames: usize,
}

impl std::fmt::Debug for ZstdStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZstdStream")
            .field("state", &self.state)
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

fn zstd_error(error: impl std::fmt::Display) -> LayerError {
    LayerError::Zstd(error.to_string())
}

impl Default for ZstdStream {
    fn default() -> ZstdStream {
        ZstdStream::new()
    }
}

impl ZstdStream {
    /// A stream at its start.
    pub fn new() -> ZstdStream {
        ZstdStream {
            state: State::FrameStart,
            decoder: FrameDecoder::new(),
            pending: Vec::new(),
            output: vec![0; OUTPUT_BUFFER],
            frames: 0,
        }
    }

    /// Decodes `input`, handing every piece of output to `sink` as soon as it exists.
    pub fn push(
        &mut self,
        input: &[u8],
        sink: &mut impl FnMut(&[u8]) -> Result<(), LayerError>,
    ) -> Result<(), LayerError> {
        self.pending.extend_from_slice(input);
        let mut at = 0;
        let result = self.decode(&mut at, sink);
        self.pending.drain(..at.min(self.pending.len()));
        result
    }

    /// Whether the stream ended after a complete frame.
    pub fn finish(&self) -> Result<(), LayerError> {
        if self.state == State::FrameStart && self.pending.is_empty() && self.frames > 0 {
            Ok(())
        } else {
            Err(LayerError::Truncated)
        }
    }

    fn decode(
        &mut self,
        at: &mut usize,
        sink: &mut impl FnMut(&[u8]) -> Result<(), LayerError>,
    ) -> Result<(), LayerError> {
        loop {
            let available = &self.pending[*at..];
            match self.state {
                State::FrameStart => {
                    let Some(magic) = available.first_chunk::<4>().map(|b| u32::from_le_bytes(*b))
                    else {
                        return Ok(());
                    };
                    if magic & SKIPPABLE_MASK == SKIPPABLE_MAGIC {
                        let Some(size) = available.get(4..8) else {
                            return Ok(());
                        };
                        let size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]);
                        *at += 8;
                        self.state = State::Skip(u64::from(size));
                        self.frames += 1;
                        continue;
                    }
                    if magic != FRAME_MAGIC {
                        return Err(LayerError::Zstd(
                            "a frame does not start with the zstd magic bytes".to_owned(),
                        ));
                    }
                    let Some(&descriptor) = available.get(4) else {
                        return Ok(());
                    };
                    let length = frame_header_length(descriptor);
                    let Some(mut header) = available.get(..length) else {
                        return Ok(());
                    };
                    self.decoder.reset(&mut header).map_err(zstd_error)?;
                    *at += length;
                    self.state = State::Blocks {
                        checksum: descriptor & 0x04 != 0,
                    };
                }
                State::Blocks { checksum } => {
                    let Some(header) = available.first_chunk::<3>() else {
                        return Ok(());
                    };
                    let header = u32::from_le_bytes([header[0], header[1], header[2], 0]);
                    let last = header & 1 == 1;
                    let size = (header >> 3) as usize;
                    let content = match (header >> 1) & 3 {
                        0 | 2 => size,
                        1 => 1,
                        _ => {
                            return Err(LayerError::Zstd(
                                "a block has the reserved block type".to_owned(),
                            ));
                        }
                    };
                    let length = 3 + content + if last && checksum { 4 } else { 0 };
                    let Some(mut block) = available.get(..length) else {
                        return Ok(());
                    };
                    self.decoder
                        .decode_blocks(&mut block, BlockDecodingStrategy::UptoBlocks(1))
                        .map_err(zstd_error)?;
                    *at += length;
                    self.drain(sink)?;
                    if last {
                        self.end_frame()?;
                    }
                }
                State::Skip(remaining) => {
                    let take = usize::try_from(remaining)
                        .unwrap_or(usize::MAX)
                        .min(available.len());
                    *at += take;
                    let remaining = remaining - take as u64;
                    if remaining > 0 {
                        self.state = State::Skip(remaining);
                        return Ok(());
                    }
                    self.state = State::FrameStart;
                }
            }
        }
    }

    fn drain(
        &mut self,
        sink: &mut impl FnMut(&[u8]) -> Result<(), LayerError>,
    ) -> Result<(), LayerError> {
        loop {
            let read = self.decoder.read(&mut self.output).map_err(zstd_error)?;
            if read == 0 {
                return Ok(());
            }
            sink(&self.output[..read.min(self.output.len())])?;
        }
    }

    fn end_frame(&mut self) -> Result<(), LayerError> {
        if let (Some(stored), Some(computed)) = (
            self.decoder.get_checksum_from_data(),
            self.decoder.get_calculated_checksum(),
        ) && stored != computed
        {
            return Err(LayerError::Zstd(
                "the checksum of a frame does not match its data".to_owned(),
            ));
        }
        self.frames += 1;
        self.state = State::FrameStart;
        Ok(())
    }
}

/// Magic, descriptor, window descriptor, dictionary id and content size, from the descriptor's flags.
fn frame_header_length(descriptor: u8) -> usize {
    let single_segment = descriptor & 0x20 != 0;
    let window = if single_segment { 0 } else { 1 };
    let dictionary = [0, 1, 2, 4][usize::from(descriptor & 0x03)];
    let content_size = match descriptor >> 6 {
        0 if single_segment => 1,
        0 => 0,
        1 => 2,
        2 => 4,
        _ => 8,
    };
    5 + window + dictionary + content_size
}

#[cfg(test)]
mod tests {
    use ruzstd::encoding::{CompressionLevel, compress_to_vec};

    use super::*;

    fn decode(input: &[u8], chunk: usize) -> Result<Vec<u8>, LayerError> {
        let mut stream = ZstdStream::new();
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            stream.push(piece, &mut |bytes: &[u8]| {
                out.extend_from_slice(bytes);
                Ok(())
            })?;
        }
        stream.finish().map(|()| out)
    }

    /// A frame with one raw block, written by hand: single segment, one-byte content size, no checksum.
    fn raw_frame(data: &[u8]) -> Vec<u8> {
        assert!(data.len() < 256);
        let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0x20, data.len() as u8];
        let header = ((data.len() as u32) << 3) | 1;
        frame.extend_from_slice(&header.to_le_bytes()[..3]);
        frame.extend_from_slice(data);
        frame
    }

    /// Name, input, and the output expected (`None`: an error).
    type Case<'a> = (&'a str, Vec<u8>, Option<Vec<u8>>);

    #[test]
    fn frames_blocks_and_damage() {
        let text: Vec<u8> = b"layer bytes, ".repeat(20_000);
        let compressed = compress_to_vec(&text[..], CompressionLevel::Fastest);
        let raw = raw_frame(b"raw");
        let skippable = [&[0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9][..], &raw].concat();
        let cases: Vec<Case<'_>> = vec![
            ("ruzstd encoder", compressed.clone(), Some(text.clone())),
            ("hand-written raw block", raw.clone(), Some(b"raw".to_vec())),
            (
                "two frames",
                [raw.clone(), raw.clone()].concat(),
                Some(b"rawraw".to_vec()),
            ),
            ("skippable frame first", skippable, Some(b"raw".to_vec())),
            (
                "truncated",
                compressed[..compressed.len() / 2].to_vec(),
                None,
            ),
            ("empty", Vec::new(), None),
            ("not zstd", b"plain text".to_vec(), None),
        ];
        for (name, input, expected) in cases {
            for chunk in [1, 5, 1 << 20] {
                let result = decode(&input, chunk);
                match &expected {
                    Some(bytes) => assert_eq!(result.as_ref(), Ok(bytes), "{name}, chunk {chunk}"),
                    None => assert!(result.is_err(), "{name}, chunk {chunk}"),
                }
            }
        }
    }

    #[test]
    fn header_lengths() {
        let cases = [
            (0x20, 6),
            (0x00, 6),
            (0x24, 6),
            (0x60, 7),
            (0xa3, 13),
            (0x41, 9),
            (0xe0, 13),
        ];
        for (descriptor, length) in cases {
            assert_eq!(frame_header_length(descriptor), length, "{descriptor:#x}");
        }
    }
}
