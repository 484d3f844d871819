//! Push-based gzip: every member of a (multi-member, as eStargz is) gzip stream, inflated in bounded
//! pieces so a bomb is caught after at most one output buffer.

use flate2::{Crc, Decompress, FlushDecompress, Status};

use super::checkpoint::{BlockInflater, Checkpoint, Inflated};
use super::error::LayerError;

const OUTPUT_BUFFER: usize = 32 * 1024;
/// Header fields (file name, comment, extra) are small in practice; a longer header is not a layer.
const MAX_HEADER_BYTES: usize = 64 * 1024;
const FTEXT_RESERVED: u8 = 0xe0;
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a member header (the stream's first or a following one).
    Header,
    Deflate,
    Trailer,
    /// A member ended; the stream may end here or another member follows.
    BetweenMembers,
}

/// A gzip stream being inflated as its bytes arrive: every member, each checked against its CRC-32 and
/// length, output handed on in pieces of at most 32 KiB.
pub struct GzipStream {
    state: State,
    header: Vec<u8>,
    trailer: Vec<u8>,
    inflate: Inflater,
    crc: Crc,
    output: Vec<u8>,
    /// Blob bytes consumed, and tar bytes produced, so far.
    consumed: u64,
    produced: u64,
    /// Checkpoints kept, and the blob offset from which the next one is due.
    checkpoints: Vec<Checkpoint>,
    next_checkpoint: Option<(u64, u64)>,
    /// The member being read was entered at a checkpoint: its CRC-32 and length cannot be checked.
    partial_member: bool,
}

/// The inflater a stream runs: flate2's (the fastest this build has), or the one that can stop between
/// deflate blocks, for checkpoints.
enum Inflater {
    Flate2(Decompress),
    Blocks(Box<BlockInflater>),
}

impl std::fmt::Debug for GzipStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GzipStream")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Default for GzipStream {
    fn default() -> GzipStream {
        GzipStream::new()
    }
}

impl GzipStream {
    /// A stream expecting the first member's header.
    pub fn new() -> GzipStream {
        GzipStream {
            state: State::Header,
            header: Vec::new(),
            trailer: Vec::with_capacity(8),
            inflate: Inflater::Flate2(Decompress::new(false)),
            crc: Crc::new(),
            output: vec![0; OUTPUT_BUFFER],
            consumed: 0,
            produced: 0,
            checkpoints: Vec::new(),
            next_checkpoint: None,
            partial_member: false,
        }
    }

    /// A stream that keeps a checkpoint about every `spacing` bytes of the blob (see [`Checkpoint`]).
    pub fn with_checkpoints(spacing: u64) -> GzipStream {
        GzipStream {
            inflate: Inflater::Blocks(Box::default()),
            next_checkpoint: Some((spacing.max(1), spacing.max(1))),
            ..GzipStream::new()
        }
    }

    /// A stream entering the blob at `checkpoint`: push the blob's bytes from `checkpoint.compressed` on.
    pub fn resume(checkpoint: &Checkpoint) -> Result<GzipStream, LayerError> {
        Ok(GzipStream {
            state: State::Deflate,
            inflate: Inflater::Blocks(Box::new(BlockInflater::resume(checkpoint)?)),
            consumed: checkpoint.compressed,
            produced: checkpoint.uncompressed,
            partial_member: true,
            ..GzipStream::new()
        })
    }

    /// The checkpoints kept so far.
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// Tar bytes produced so far (counted from the blob's start, also when resumed).
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// Inflates `input`, handing every piece of output to `sink` as soon as it exists.
    pub fn push(
        &mut self,
        mut input: &[u8],
        sink: &mut impl FnMut(&[u8]) -> Result<(), LayerError>,
    ) -> Result<(), LayerError> {
        loop {
            match self.state {
                State::BetweenMembers => {
                    if input.is_empty() {
                        return Ok(());
                    }
                    self.state = State::Header;
                }
                State::Header => {
                    if input.is_empty() {
                        return Ok(());
                    }
                    let before = input.len();
                    input = self.read_header(input)?;
                    self.consumed += (before - input.len()) as u64;
                    if self.state == State::Deflate {
                        self.checkpoint_member_start();
                    }
                }
                State::Deflate => {
                    let Inflated {
                        consumed,
                        produced,
                        ended,
                        at_boundary,
                    } = self.inflate_some(input)?;
                    input = &input[consumed..];
                    self.consumed += consumed as u64;
                    self.produced += produced.len() as u64;
                    let produced_none = produced.is_empty();
                    if !produced_none {
                        let piece = match &self.inflate {
                            Inflater::Flate2(_) => &self.output[produced],
                            Inflater::Blocks(blocks) => &blocks.output()[produced],
                        };
                        self.crc.update(piece);
                        sink(piece)?;
                    }
                    if ended {
                        self.state = State::Trailer;
                    } else if consumed == 0 && produced_none && !at_boundary {
                        return Ok(());
                    }
                }
                State::Trailer => {
                    let take = (8 - self.trailer.len()).min(input.len());
                    self.trailer.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    self.consumed += take as u64;
                    if self.trailer.len() < 8 {
                        return Ok(());
                    }
                    self.check_trailer()?;
                }
            }
        }
    }

    /// Inflates what it can of `input` (see [`Inflated`]; for flate2, its output is in `self.output`).
    /// Keeps a checkpoint when one is due and a block just ended.
    fn inflate_some(&mut self, input: &[u8]) -> Result<Inflated, LayerError> {
        match &mut self.inflate {
            Inflater::Flate2(inflate) => {
                let before_in = inflate.total_in();
                let before_out = inflate.total_out();
                let status = inflate
                    .decompress(input, &mut self.output, FlushDecompress::None)
                    .map_err(|error| LayerError::Gzip(error.to_string()))?;
                let consumed = usize::try_from(inflate.total_in() - before_in)
                    .unwrap_or(usize::MAX)
                    .min(input.len());
                let produced = usize::try_from(inflate.total_out() - before_out)
                    .unwrap_or(usize::MAX)
                    .min(self.output.len());
                Ok(Inflated {
                    consumed,
                    produced: 0..produced,
                    ended: status == Status::StreamEnd,
                    at_boundary: false,
                })
            }
            Inflater::Blocks(blocks) => {
                let due = self
                    .next_checkpoint
                    .is_some_and(|(at, _)| self.consumed >= at);
                let inflated = blocks.inflate(input, due)?;
                if inflated.at_boundary
                    && let Some((_, spacing)) = self.next_checkpoint
                {
                    let compressed = self.consumed + inflated.consumed as u64;
                    let uncompressed = self.produced + inflated.produced.len() as u64;
                    if let Some(checkpoint) = blocks.checkpoint(compressed, uncompressed) {
                        self.checkpoints.push(checkpoint);
                    }
                    self.next_checkpoint = Some((compressed + spacing, spacing));
                }
                Ok(inflated)
            }
        }
    }

    /// A member's deflate stream starts with a block and nothing to look back at: a checkpoint with an
    /// empty window, kept for the first member and then as they come due (eStargz has one per file).
    fn checkpoint_member_start(&mut self) {
        let Some((at, spacing)) = self.next_checkpoint else {
            return;
        };
        if self.checkpoints.is_empty() || self.consumed >= at {
            self.checkpoints.push(Checkpoint {
                compressed: self.consumed,
                uncompressed: self.produced,
                num_bits: 0,
                bit_buf: 0,
                window: String::new(),
            });
            self.next_checkpoint = Some((self.consumed + spacing, spacing));
        }
    }

    /// Whether the stream ended after a complete member ([`LayerError::Truncated`] if not).
    pub fn finish(&self) -> Result<(), LayerError> {
        if self.state == State::BetweenMembers {
            Ok(())
        } else {
            Err(LayerError::Truncated)
        }
    }

    /// Consumes header bytes; returns what follows the header once it is complete.
    fn read_header<'a>(&mut self, input: &'a [u8]) -> Result<&'a [u8], LayerError> {
        if self.header.is_empty()
            && let Some(length) = header_length(input)?
        {
            self.start_member();
            return Ok(&input[length..]);
        }
        let before = self.header.len();
        self.header.extend_from_slice(input);
        match header_length(&self.header)? {
            Some(length) => {
                let used = length.saturating_sub(before).min(input.len());
                self.header.clear();
                self.start_member();
                Ok(&input[used..])
            }
            None if self.header.len() > MAX_HEADER_BYTES => Err(LayerError::Gzip(
                "a member header is longer than 64 KiB".to_owned(),
            )),
            None => Ok(&[]),
        }
    }

    fn start_member(&mut self) {
        match &mut self.inflate {
            Inflater::Flate2(inflate) => inflate.reset(false),
            Inflater::Blocks(blocks) => blocks.reset(),
        }
        self.crc.reset();
        self.trailer.clear();
        self.state = State::Deflate;
    }

    fn check_trailer(&mut self) -> Result<(), LayerError> {
        if std::mem::take(&mut self.partial_member) {
            self.state = State::BetweenMembers;
            return Ok(());
        }
        let word = |at: usize| {
            u32::from_le_bytes([
                self.trailer[at],
                self.trailer[at + 1],
                self.trailer[at + 2],
                self.trailer[at + 3],
            ])
        };
        if word(0) != self.crc.sum() {
            return Err(LayerError::Gzip(
                "the CRC-32 of a member does not match its data".to_owned(),
            ));
        }
        if word(4) != self.crc.amount() {
            return Err(LayerError::Gzip(
                "the length recorded for a member does not match its data".to_owned(),
            ));
        }
        self.state = State::BetweenMembers;
        Ok(())
    }
}

/// The length of the gzip member header at the start of `bytes`, `None` if more bytes are needed.
fn header_length(bytes: &[u8]) -> Result<Option<usize>, LayerError> {
    let invalid = |what: &str| Err(LayerError::Gzip(what.to_owned()));
    if bytes.first().is_some_and(|byte| *byte != 0x1f)
        || bytes.get(1).is_some_and(|byte| *byte != 0x8b)
    {
        return invalid("a member does not start with the gzip magic bytes");
    }
    if bytes.get(2).is_some_and(|method| *method != 8) {
        return invalid("a member uses a compression method other than deflate");
    }
    let Some(&flags) = bytes.get(3) else {
        return Ok(None);
    };
    if flags & FTEXT_RESERVED != 0 {
        return invalid("a member header sets reserved flags");
    }
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let (Some(low), Some(high)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Ok(None);
        };
        at += 2 + usize::from(u16::from_le_bytes([*low, *high]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let Some(end) = bytes
                .get(at..)
                .and_then(|rest| rest.iter().position(|byte| *byte == 0))
            else {
                return Ok(None);
            };
            at += end + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    Ok((bytes.len() >= at).then_some(at))
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("in memory");
        encoder.finish().expect("in memory")
    }

    fn inflate(input: &[u8], chunk: usize) -> Result<Vec<u8>, LayerError> {
        let mut stream = GzipStream::new();
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            stream.push(piece, &mut |bytes: &[u8]| {
                out.extend_from_slice(bytes);
                Ok(())
            })?;
        }
        stream.finish().map(|()| out)
    }

    /// Name, input, and the output expected (`None`: an error).
    type Case<'a> = (&'a str, Vec<u8>, Option<&'a [u8]>);

    #[test]
    fn members_headers_and_damage() {
        let hello = gzip(b"hello ");
        let world = gzip(b"world");
        let two_members = [hello.clone(), world.clone()].concat();
        let mut named = flate2::GzBuilder::new()
            .filename("layer.tar")
            .comment("a comment")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), Compression::fast());
        named.write_all(b"named").expect("in memory");
        let named = named.finish().expect("in memory");
        let mut bad_crc = hello.clone();
        let at = bad_crc.len() - 8;
        bad_crc[at] ^= 1;
        let cases: Vec<Case<'_>> = vec![
            ("one member", hello.clone(), Some(b"hello ")),
            ("two members (eStargz)", two_members, Some(b"hello world")),
            ("name, comment, extra", named, Some(b"named")),
            ("truncated", hello[..hello.len() - 3].to_vec(), None),
            ("empty", Vec::new(), None),
            ("bad crc", bad_crc, None),
            ("not gzip", b"plain text".to_vec(), None),
            ("trailing garbage", [hello, b"xx".to_vec()].concat(), None),
        ];
        for (name, input, expected) in cases {
            for chunk in [1, 7, 1 << 20] {
                let result = inflate(&input, chunk);
                match expected {
                    Some(bytes) => {
                        assert_eq!(result.as_deref(), Ok(bytes), "{name}, chunk {chunk}")
                    }
                    None => assert!(result.is_err(), "{name}, chunk {chunk}: {result:?}"),
                }
            }
        }
    }

    /// Text-like bytes that deflate into many blocks with back-references.
    fn text_like(len: usize) -> Vec<u8> {
        let words = [
            &b"layer "[..],
            b"tar ",
            b"gzip ",
            b"manifest\n",
            b"digest ",
            b"sha256 ",
        ];
        let mut state: u32 = 0x9e37_79b9;
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            out.extend_from_slice(words[(state % 6) as usize]);
            if state.is_multiple_of(7) {
                out.push((state >> 8) as u8);
            }
        }
        out.truncate(len);
        out
    }

    fn inflate_with(mut stream: GzipStream, input: &[u8], chunk: usize) -> (Vec<u8>, GzipStream) {
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            stream
                .push(piece, &mut |bytes: &[u8]| {
                    out.extend_from_slice(bytes);
                    Ok(())
                })
                .expect("valid");
        }
        (out, stream)
    }

    #[test]
    fn a_layer_is_entered_again_at_any_checkpoint() {
        let big = text_like(3 << 20);
        let cases: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
            ("one member", gzip(&big), big.clone()),
            (
                "two members",
                [gzip(&big[..1 << 20]), gzip(&big[1 << 20..])].concat(),
                big.clone(),
            ),
            (
                "stored blocks",
                {
                    let mut encoder = GzEncoder::new(Vec::new(), Compression::none());
                    encoder.write_all(&big[..300_000]).expect("in memory");
                    encoder.finish().expect("in memory")
                },
                big[..300_000].to_vec(),
            ),
        ];
        for (name, blob, expected) in cases {
            for chunk in [997, 65_536] {
                let (out, stream) =
                    inflate_with(GzipStream::with_checkpoints(64 * 1024), &blob, chunk);
                assert_eq!(out, expected, "{name}: the full read, in pieces of {chunk}");
                stream.finish().expect("complete");
                let checkpoints = stream.checkpoints().to_vec();
                assert!(
                    checkpoints.len() >= 3,
                    "{name}: {} checkpoints",
                    checkpoints.len()
                );
                for checkpoint in checkpoints.iter().step_by(3) {
                    let resumed = GzipStream::resume(checkpoint).expect("a checkpoint");
                    let rest = &blob[usize::try_from(checkpoint.compressed).expect("small")..];
                    let (out, resumed) = inflate_with(resumed, rest, chunk);
                    let from = usize::try_from(checkpoint.uncompressed).expect("small");
                    assert!(
                        out == expected[from..],
                        "{name}: entered at {checkpoint:?}",
                        checkpoint = (checkpoint.compressed, checkpoint.uncompressed)
                    );
                    assert_eq!(resumed.produced(), expected.len() as u64);
                    resumed.finish().expect("the rest is complete");
                }
            }
        }
        let (_, plain) = inflate_with(GzipStream::new(), &gzip(&big), 65_536);
        assert!(plain.checkpoints().is_empty(), "none unless asked for");
    }

    #[test]
    fn a_damaged_checkpoint_is_refused() {
        let damaged = Checkpoint {
            compressed: 0,
            uncompressed: 0,
            num_bits: 0,
            bit_buf: 0,
            window: "zz".to_owned(),
        };
        assert!(GzipStream::resume(&damaged).is_err());
    }
}
