//! Push-based gzip: every member of a (multi-member, as eStargz is) gzip stream, inflated in bounded
//! pieces so a bomb is caught after at most one output buffer.

use flate2::{Crc, Decompress, FlushDecompress, Status};

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
    inflate: Decompress,
    crc: Crc,
    output: Vec<u8>,
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
            inflate: Decompress::new(false),
            crc: Crc::new(),
            output: vec![0; OUTPUT_BUFFER],
        }
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
                    input = self.read_header(input)?;
                }
                State::Deflate => {
                    let before_in = self.inflate.total_in();
                    let before_out = self.inflate.total_out();
                    let status = self
                        .inflate
                        .decompress(input, &mut self.output, FlushDecompress::None)
                        .map_err(|error| LayerError::Gzip(error.to_string()))?;
                    let consumed = usize::try_from(self.inflate.total_in() - before_in)
                        .unwrap_or(usize::MAX)
                        .min(input.len());
                    let produced = usize::try_from(self.inflate.total_out() - before_out)
                        .unwrap_or(usize::MAX)
                        .min(self.output.len());
                    input = &input[consumed..];
                    if produced > 0 {
                        let piece = &self.output[..produced];
                        self.crc.update(piece);
                        sink(piece)?;
                    }
                    if status == Status::StreamEnd {
                        self.state = State::Trailer;
                    } else if consumed == 0 && produced == 0 {
                        return Ok(());
                    }
                }
                State::Trailer => {
                    let take = (8 - self.trailer.len()).min(input.len());
                    self.trailer.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    if self.trailer.len() < 8 {
                        return Ok(());
                    }
                    self.check_trailer()?;
                }
            }
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
        self.inflate.reset(false);
        self.crc.reset();
        self.trailer.clear();
        self.state = State::Deflate;
    }

    fn check_trailer(&mut self) -> Result<(), LayerError> {
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
}
