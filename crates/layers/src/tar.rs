//! A push-based tar reader: ustar, GNU long names (`L`, `K`) and PAX records (`x`; `g` is ignored), fed
//! uncompressed bytes in pieces of any size; file contents are skipped, never buffered.

use std::collections::HashSet;

use strata_image::digest::{Digest, Sha256Hasher};
use strata_image::finding::{Finding, Severity};

use super::entry::{EntryKind, FileEntry, Whiteout};
use super::error::LayerError;
use super::limits::Limits;
use super::path;

pub(crate) const BLOCK: usize = 512;
/// PAX headers carry paths and a few attributes (and xattrs); anything bigger is not a real layer.
const MAX_PAX_BYTES: u64 = 1 << 20;
const OPAQUE_MARKER: &str = ".wh..wh..opq";
const META_PREFIX: &str = ".wh..wh.";
const WHITEOUT_PREFIX: &str = ".wh.";

/// Which extended header is being collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meta {
    Pax,
    LongName,
    LongLink,
}

/// Where the bytes of the current member go.
#[derive(Debug)]
enum Body {
    Skip,
    /// A regular file's bytes, hashed, copied for the capture, or both. When hashed, its entry waits here
    /// until its bytes end, then leaves with their digest.
    File {
        hasher: Option<Box<Sha256Hasher>>,
        capture: bool,
        held: Option<FileEntry>,
    },
    Meta(Meta, Vec<u8>),
}

#[derive(Debug)]
enum State {
    Header,
    Body {
        remaining: u64,
        padding: u64,
        body: Body,
    },
    Ended,
}

/// Overrides that extended headers set for the next entry.
#[derive(Debug, Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    path: Option<Vec<u8>>,
    link_path: Option<Vec<u8>>,
    size: Option<u64>,
    uid: Option<u64>,
    gid: Option<u64>,
    mtime: Option<i64>,
    sparse_name: Option<Vec<u8>>,
    sparse_real_size: Option<u64>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.long_name.is_none()
            && self.long_link.is_none()
            && self.path.is_none()
            && self.link_path.is_none()
            && self.size.is_none()
            && self.uid.is_none()
            && self.gid.is_none()
            && self.mtime.is_none()
            && self.sparse_name.is_none()
            && self.sparse_real_size.is_none()
    }
}

/// A path whose contents are copied while streaming: its first `max_bytes` kept, every byte hashed, and
/// (when streaming) every byte handed on as it passes.
#[derive(Debug)]
struct Capture {
    path: String,
    max_bytes: usize,
    data: Option<Vec<u8>>,
    hasher: Option<Sha256Hasher>,
    size: u64,
    file: Option<CapturedFile>,
    stream: bool,
    streamed: Vec<u8>,
    /// A later entry at the same path started over, after bytes of an earlier one were handed on.
    restarted: bool,
}

/// The captured file once its bytes ended: their SHA-256 and how many there were.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CapturedFile {
    /// SHA-256 of every byte of the file.
    pub digest: Digest,
    /// Its size in bytes.
    pub size: u64,
}

/// The captured file's bytes handed on since the last call.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StreamedBytes {
    /// The bytes handed on before belong to an earlier entry at the same path: drop them.
    pub restarted: bool,
    /// The next bytes of the file.
    pub bytes: Vec<u8>,
}

/// The tar state machine.
#[derive(Debug)]
pub(crate) struct TarParser {
    limits: Limits,
    state: State,
    header: Box<[u8; BLOCK]>,
    filled: usize,
    zero_blocks: u8,
    pending: Pending,
    offset: u64,
    entries: usize,
    seen: HashSet<String>,
    findings: Vec<Finding>,
    capture: Option<Capture>,
    hash_contents: bool,
    record_offsets: bool,
}

impl TarParser {
    pub(crate) fn new(limits: Limits) -> TarParser {
        TarParser {
            limits,
            state: State::Header,
            header: Box::new([0; BLOCK]),
            filled: 0,
            zero_blocks: 0,
            pending: Pending::default(),
            offset: 0,
            entries: 0,
            seen: HashSet::new(),
            findings: Vec::new(),
            capture: None,
            hash_contents: false,
            record_offsets: false,
        }
    }

    /// Records where each regular file's bytes start ([`FileEntry::data_offset`]) from now on.
    pub(crate) fn record_offsets(&mut self) {
        self.record_offsets = true;
    }

    /// Hashes every regular file's bytes from now on: each such entry is then reported once its bytes
    /// are read, with [`FileEntry::content_digest`] set.
    pub(crate) fn hash_contents(&mut self) {
        self.hash_contents = true;
    }

    /// Tar members read so far (entries, not extended headers).
    pub(crate) fn entries(&self) -> usize {
        self.entries
    }

    pub(crate) fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    pub(crate) fn capture(&mut self, path: String, max_bytes: usize, stream: bool) {
        self.capture = Some(Capture {
            path,
            max_bytes,
            data: None,
            hasher: None,
            size: 0,
            file: None,
            stream,
            streamed: Vec::new(),
            restarted: false,
        });
    }

    pub(crate) fn captured_file(&self) -> Option<&CapturedFile> {
        self.capture.as_ref()?.file.as_ref()
    }

    pub(crate) fn take_streamed(&mut self) -> StreamedBytes {
        match &mut self.capture {
            Some(capture) => StreamedBytes {
                restarted: std::mem::take(&mut capture.restarted),
                bytes: std::mem::take(&mut capture.streamed),
            },
            None => StreamedBytes::default(),
        }
    }

    pub(crate) fn captured(&self) -> Option<&[u8]> {
        self.capture.as_ref()?.data.as_deref()
    }

    /// Reads `data`, appending every entry whose header completes to `out`.
    pub(crate) fn push(
        &mut self,
        mut data: &[u8],
        out: &mut Vec<FileEntry>,
    ) -> Result<(), LayerError> {
        while !data.is_empty() {
            match &mut self.state {
                State::Ended => return Ok(()),
                State::Header => {
                    let take = (BLOCK - self.filled).min(data.len());
                    let (head, rest) = data.split_at(take);
                    self.header[self.filled..self.filled + take].copy_from_slice(head);
                    self.filled += take;
                    data = rest;
                    if self.filled == BLOCK {
                        self.filled = 0;
                        self.read_header(out)?;
                        self.offset += BLOCK as u64;
                    }
                }
                State::Body {
                    remaining,
                    padding,
                    body,
                } => {
                    let want = remaining.saturating_add(*padding);
                    let take = usize::try_from(want).unwrap_or(usize::MAX).min(data.len());
                    let (head, rest) = data.split_at(take);
                    let content_len = usize::try_from(*remaining).unwrap_or(usize::MAX).min(take);
                    let content = &head[..content_len];
                    match body {
                        Body::Skip => {}
                        Body::File {
                            hasher, capture, ..
                        } => {
                            if let Some(hasher) = hasher {
                                hasher.update(content);
                            }
                            if *capture && let Some(capture) = &mut self.capture {
                                if let Some(buffer) = &mut capture.data {
                                    let room = capture.max_bytes.saturating_sub(buffer.len());
                                    buffer.extend_from_slice(&content[..room.min(content.len())]);
                                }
                                if let Some(hasher) = &mut capture.hasher {
                                    hasher.update(content);
                                    capture.size += content.len() as u64;
                                }
                                if capture.stream {
                                    capture.streamed.extend_from_slice(content);
                                }
                            }
                        }
                        Body::Meta(_, buffer) => buffer.extend_from_slice(content),
                    }
                    *remaining -= content_len as u64;
                    *padding -= (take - content_len) as u64;
                    self.offset += take as u64;
                    data = rest;
                    if *remaining == 0 && *padding == 0 {
                        self.end_body(out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the archive ended cleanly: with its end-of-archive blocks, or at least between members.
    pub(crate) fn finish(&self) -> Result<(), LayerError> {
        match self.state {
            State::Ended => Ok(()),
            State::Header if self.filled == 0 && self.pending.is_empty() => Ok(()),
            _ => Err(LayerError::Truncated),
        }
    }

    fn tar_error(&self, what: &str) -> LayerError {
        tar_error_at(self.offset, what)
    }

    fn read_header(&mut self, out: &mut Vec<FileEntry>) -> Result<(), LayerError> {
        let header = *self.header;
        if header.iter().all(|byte| *byte == 0) {
            self.zero_blocks += 1;
            if self.zero_blocks >= 2 {
                self.state = State::Ended;
            }
            return Ok(());
        }
        self.zero_blocks = 0;
        if !checksum_matches(&header) {
            return Err(self.tar_error("a header's checksum does not match"));
        }
        let offset = self.offset;
        let field = |range: std::ops::Range<usize>| -> Result<u64, LayerError> {
            parse_number(&header[range])
                .and_then(|value| u64::try_from(value).ok())
                .ok_or_else(|| tar_error_at(offset, "a header has an unreadable number"))
        };
        let header_size = field(124..136)?;
        let typeflag = header[156];
        let padding_of = |size: u64| (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        let meta = match typeflag {
            b'x' | b'X' => Some(Meta::Pax),
            b'L' => Some(Meta::LongName),
            b'K' => Some(Meta::LongLink),
            _ => None,
        };
        if let Some(meta) = meta {
            if meta == Meta::Pax && header_size > MAX_PAX_BYTES {
                return Err(self.tar_error("a PAX header is larger than 1 MiB"));
            }
            // A long name carries its NUL terminator.
            if meta != Meta::Pax && header_size > self.limits.max_path_bytes as u64 + 1 {
                return Err(LayerError::PathTooLong {
                    limit: self.limits.max_path_bytes,
                });
            }
            self.begin_body(
                header_size,
                padding_of(header_size),
                Body::Meta(meta, Vec::new()),
                out,
            )?;
            return Ok(());
        }
        if matches!(typeflag, b'g' | b'V' | b'M' | b'N') {
            // Global PAX records (containerd ignores them), volume labels and multi-volume continuations.
            self.begin_body(header_size, padding_of(header_size), Body::Skip, out)?;
            return Ok(());
        }

        let pending = std::mem::take(&mut self.pending);
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(LayerError::TooManyEntries {
                limit: self.limits.max_entries,
            });
        }
        let name = pending
            .sparse_name
            .or(pending.path)
            .or(pending.long_name.map(trim_nul))
            .unwrap_or_else(|| header_name(&header));
        let link = pending
            .link_path
            .or(pending.long_link.map(trim_nul))
            .unwrap_or_else(|| until_nul(&header[157..257]).to_vec());
        if name.len() > self.limits.max_path_bytes || link.len() > self.limits.max_path_bytes {
            return Err(LayerError::PathTooLong {
                limit: self.limits.max_path_bytes,
            });
        }
        let size = pending.size.unwrap_or(header_size);
        let header_only = matches!(typeflag, b'1'..=b'6');
        let stored = if header_only { 0 } else { size };
        let mode = parse_number(&header[100..108])
            .and_then(|value| u32::try_from(value & 0o7777_7777).ok())
            .ok_or_else(|| self.tar_error("a header has an unreadable mode"))?;
        let uid = match pending.uid {
            Some(uid) => uid,
            None => field(108..116)?,
        };
        let gid = match pending.gid {
            Some(gid) => gid,
            None => field(116..124)?,
        };
        let mtime = match pending.mtime {
            Some(mtime) => mtime,
            None => parse_number(&header[136..148])
                .ok_or_else(|| self.tar_error("a header has an unreadable mtime"))?,
        };
        let raw = Raw {
            name: String::from_utf8_lossy(&name).into_owned(),
            link: String::from_utf8_lossy(&link).into_owned(),
            typeflag,
            size: pending.sparse_real_size.unwrap_or(size),
            mode,
            uid,
            gid,
            mtime,
        };
        let mut body = Body::Skip;
        if let Some(mut entry) = self.classify(raw) {
            let regular = entry.kind == EntryKind::File && entry.whiteout == Whiteout::None;
            if regular && self.record_offsets {
                // The header being read is the member's last block: its bytes follow it.
                entry.data_offset = Some(self.offset + BLOCK as u64);
            }
            let capture = regular
                && match &mut self.capture {
                    Some(capture) if capture.path == entry.path => {
                        capture.restarted |= capture.data.is_some();
                        capture.data = Some(Vec::new());
                        capture.hasher = Some(Sha256Hasher::new());
                        capture.size = 0;
                        capture.file = None;
                        capture.streamed.clear();
                        true
                    }
                    _ => false,
                };
            let hash = regular && self.hash_contents;
            if hash || capture {
                body = Body::File {
                    hasher: hash.then(Box::default),
                    capture,
                    held: hash.then_some(entry),
                };
            } else {
                out.push(entry);
            }
        }
        self.begin_body(stored, padding_of(stored), body, out)
    }

    fn begin_body(
        &mut self,
        remaining: u64,
        padding: u64,
        body: Body,
        out: &mut Vec<FileEntry>,
    ) -> Result<(), LayerError> {
        self.state = State::Body {
            remaining,
            padding,
            body,
        };
        if remaining == 0 && padding == 0 {
            self.end_body(out)?;
        }
        Ok(())
    }

    /// A member's bytes ended: an extended header takes effect, a held entry leaves with its digest.
    fn end_body(&mut self, out: &mut Vec<FileEntry>) -> Result<(), LayerError> {
        let State::Body { body, .. } = std::mem::replace(&mut self.state, State::Header) else {
            return Ok(());
        };
        match body {
            Body::Meta(meta, buffer) => self.read_meta(meta, &buffer)?,
            Body::File {
                hasher,
                held,
                capture,
            } => {
                if capture
                    && let Some(capture) = &mut self.capture
                    && let Some(file_hasher) = capture.hasher.take()
                {
                    capture.file = Some(CapturedFile {
                        digest: file_hasher.finish(),
                        size: capture.size,
                    });
                }
                if let (Some(hasher), Some(mut entry)) = (hasher, held) {
                    entry.content_digest = Some(hasher.finish());
                    out.push(entry);
                }
            }
            Body::Skip => {}
        }
        Ok(())
    }

    fn read_meta(&mut self, meta: Meta, data: &[u8]) -> Result<(), LayerError> {
        match meta {
            Meta::LongName => self.pending.long_name = Some(data.to_vec()),
            Meta::LongLink => self.pending.long_link = Some(data.to_vec()),
            Meta::Pax => {
                let records =
                    parse_pax(data).ok_or_else(|| self.tar_error("a PAX header is malformed"))?;
                for (key, value) in records {
                    let number = || {
                        std::str::from_utf8(value)
                            .ok()
                            .and_then(|text| text.parse::<u64>().ok())
                    };
                    let bad = || self.tar_error("a PAX record has an unreadable number");
                    match key {
                        b"path" => self.pending.path = Some(value.to_vec()),
                        b"linkpath" => self.pending.link_path = Some(value.to_vec()),
                        b"size" => self.pending.size = Some(number().ok_or_else(bad)?),
                        b"uid" => self.pending.uid = Some(number().ok_or_else(bad)?),
                        b"gid" => self.pending.gid = Some(number().ok_or_else(bad)?),
                        b"mtime" => {
                            self.pending.mtime = Some(parse_pax_time(value).ok_or_else(bad)?)
                        }
                        b"GNU.sparse.name" => self.pending.sparse_name = Some(value.to_vec()),
                        b"GNU.sparse.realsize" | b"GNU.sparse.size" => {
                            self.pending.sparse_real_size = Some(number().ok_or_else(bad)?);
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// Turns a member into an entry, or skips it (with a finding when it is unsafe or invalid).
    fn classify(&mut self, raw: Raw) -> Option<FileEntry> {
        let Some(cleaned) = path::clean(&raw.name) else {
            self.note(
                Severity::Error,
                format!(
                    "The entry {:?} climbs out of the root filesystem with `..`; it was skipped.",
                    raw.name
                ),
            );
            return None;
        };
        if cleaned == "/" {
            return None;
        }
        let kind = match raw.typeflag {
            b'0' | 0 if raw.name.ends_with('/') => EntryKind::Directory,
            b'0' | 0 | b'7' | b'S' => EntryKind::File,
            b'1' => {
                let target = path::clean(&raw.link).filter(|target| target != "/");
                let Some(target) = target else {
                    self.note(
                        Severity::Error,
                        format!(
                            "The hardlink {cleaned} points at {:?}, outside the root filesystem; it was skipped.",
                            raw.link
                        ),
                    );
                    return None;
                };
                EntryKind::Hardlink { target }
            }
            b'2' => EntryKind::Symlink { target: raw.link },
            b'3' => EntryKind::CharDevice,
            b'4' => EntryKind::BlockDevice,
            b'5' => EntryKind::Directory,
            b'6' => EntryKind::Fifo,
            other => EntryKind::Other(other),
        };
        let name = path::file_name(&cleaned);
        let (entry_path, whiteout) = if name == OPAQUE_MARKER {
            (path::parent(&cleaned).to_owned(), Whiteout::Opaque)
        } else if name.starts_with(META_PREFIX) {
            // Other meta-whiteouts (aufs `.wh..wh.plnk`, `.wh..wh.aufs`) are never shown.
            return None;
        } else if let Some(removed) = name.strip_prefix(WHITEOUT_PREFIX) {
            if matches!(removed, "" | "." | "..") {
                self.note(
                    Severity::Warning,
                    format!("The whiteout {cleaned} names nothing; it was skipped."),
                );
                return None;
            }
            (
                path::join(path::parent(&cleaned), removed),
                Whiteout::Removes,
            )
        } else {
            (cleaned, Whiteout::None)
        };
        if whiteout == Whiteout::None && !self.seen.insert(entry_path.clone()) {
            self.note(
                Severity::Warning,
                format!("The path {entry_path} appears twice in the layer; the last one wins."),
            );
        }
        Some(FileEntry {
            path: entry_path,
            kind,
            size: raw.size,
            mode: raw.mode,
            uid: raw.uid,
            gid: raw.gid,
            mtime: raw.mtime,
            whiteout,
            content_digest: None,
            data_offset: None,
        })
    }

    fn note(&mut self, severity: Severity, message: String) {
        self.findings.push(Finding::new(severity, message));
    }
}

fn tar_error_at(offset: u64, what: &str) -> LayerError {
    LayerError::Tar(format!(
        "{what} (at byte {offset} of the uncompressed layer)"
    ))
}

/// A member's fields after extended headers are applied.
struct Raw {
    name: String,
    link: String,
    typeflag: u8,
    size: u64,
    mode: u32,
    uid: u64,
    gid: u64,
    mtime: i64,
}

fn until_nul(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .position(|byte| *byte == 0)
        .unwrap_or(bytes.len());
    &bytes[..end]
}

fn trim_nul(bytes: Vec<u8>) -> Vec<u8> {
    until_nul(&bytes).to_vec()
}

/// The name, joined with the ustar prefix when the header is POSIX ustar (GNU headers use those bytes for
/// other fields).
pub(crate) fn header_name(header: &[u8; BLOCK]) -> Vec<u8> {
    let name = until_nul(&header[0..100]);
    let prefix = if &header[257..263] == b"ustar\0" {
        until_nul(&header[345..500])
    } else {
        &[]
    };
    if prefix.is_empty() {
        name.to_vec()
    } else {
        [prefix, b"/", name].concat()
    }
}

/// The header checksum, computed unsigned (POSIX) or signed (old Sun tar), with the field as spaces.
pub(crate) fn checksum_matches(header: &[u8; BLOCK]) -> bool {
    let Some(stored) = parse_number(&header[148..156]) else {
        return false;
    };
    let mut unsigned: i64 = 0;
    let mut signed: i64 = 0;
    for (at, byte) in header.iter().enumerate() {
        let byte = if (148..156).contains(&at) {
            b' '
        } else {
            *byte
        };
        unsigned += i64::from(byte);
        signed += i64::from(byte as i8);
    }
    stored == unsigned || stored == signed
}

/// A numeric header field: octal text (NUL- or space-terminated), or GNU base-256 when the high bit of
/// the first byte is set.
pub(crate) fn parse_number(field: &[u8]) -> Option<i64> {
    let first = *field.first()?;
    if first & 0x80 != 0 {
        // GNU base-256, as Go's archive/tar reads it: two's complement, big-endian, marker bit cleared.
        let invert: u8 = if first & 0x40 != 0 { 0xff } else { 0 };
        let mut value: u64 = 0;
        for (at, byte) in field.iter().enumerate() {
            let mut byte = byte ^ invert;
            if at == 0 {
                byte &= 0x7f;
            }
            if value >> 56 > 0 {
                return None;
            }
            value = value << 8 | u64::from(byte);
        }
        let value = i64::try_from(value).ok()?;
        return Some(if invert == 0xff { !value } else { value });
    }
    let text = std::str::from_utf8(field).ok()?;
    let text = text.trim_matches(|c: char| c == '\0' || c == ' ');
    let text = until_nul_str(text);
    if text.is_empty() {
        return Some(0);
    }
    i64::from_str_radix(text, 8)
        .ok()
        .filter(|value| *value >= 0)
}

fn until_nul_str(text: &str) -> &str {
    text.split(['\0', ' ']).next().unwrap_or(text)
}

/// PAX records: `<length> <key>=<value>\n`, where the length counts the whole record.
pub(crate) fn parse_pax(mut data: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let mut records = Vec::new();
    // Some writers pad the data with NULs.
    while !data.is_empty() && data[0] != 0 {
        let space = data.iter().position(|byte| *byte == b' ')?;
        let length: usize = std::str::from_utf8(&data[..space]).ok()?.parse().ok()?;
        if length <= space + 1 || length > data.len() {
            return None;
        }
        let record = &data[space + 1..length];
        let record = record.strip_suffix(b"\n")?;
        let equals = record.iter().position(|byte| *byte == b'=')?;
        records.push((&record[..equals], &record[equals + 1..]));
        data = &data[length..];
    }
    Some(records)
}

/// A PAX time: seconds, optionally with a fraction, which is dropped (rounding towards minus infinity).
fn parse_pax_time(value: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(value).ok()?;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let seconds: i64 = whole.parse().ok()?;
    if !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let has_fraction = fraction.bytes().any(|byte| byte != b'0');
    Some(if whole.starts_with('-') && has_fraction {
        seconds - 1
    } else {
        seconds
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let cases: [(&[u8], Option<i64>); 9] = [
            (b"0000644\0", Some(0o644)),
            (b"00000001750 ", Some(0o1750)),
            (b"       \0", Some(0)),
            (b"\0\0\0\0", Some(0)),
            (b"12345670", Some(0o12345670)),
            (b"0009", None),
            (&[0x80, 0, 0, 0, 0, 0, 0x01, 0x00], Some(256)),
            (&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], Some(-2)),
            (
                &[0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                None,
            ),
        ];
        for (field, expected) in cases {
            assert_eq!(parse_number(field), expected, "{field:?}");
        }
    }

    #[test]
    fn pax_records_and_times() {
        let data = b"29 path=a/very/long/name.txt\n11 size=42\n\0\0";
        let records = parse_pax(data).expect("valid");
        assert_eq!(
            records,
            vec![
                (&b"path"[..], &b"a/very/long/name.txt"[..]),
                (&b"size"[..], &b"42"[..])
            ]
        );
        for bad in [
            &b"5 a=b\n"[..],
            b"99 path=x\n",
            b"x path=x\n",
            b"9 pathx\n\n",
        ] {
            assert_eq!(parse_pax(bad), None, "{bad:?}");
        }
        let times: [(&[u8], Option<i64>); 5] = [
            (b"1700000000", Some(1_700_000_000)),
            (b"1700000000.75", Some(1_700_000_000)),
            (b"-1.5", Some(-2)),
            (b"-1.0", Some(-1)),
            (b"soon", None),
        ];
        for (value, expected) in times {
            assert_eq!(parse_pax_time(value), expected, "{value:?}");
        }
    }

    fn header(name: &str, typeflag: u8, size: u64) -> [u8; BLOCK] {
        let mut block = [0u8; BLOCK];
        block[..name.len()].copy_from_slice(name.as_bytes());
        block[100..108].copy_from_slice(b"0000644\0");
        block[108..116].copy_from_slice(b"0000000\0");
        block[116..124].copy_from_slice(b"0000000\0");
        block[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        block[136..148].copy_from_slice(b"00000000000\0");
        block[156] = typeflag;
        block[257..263].copy_from_slice(b"ustar\0");
        block[263..265].copy_from_slice(b"00");
        block[148..156].copy_from_slice(b"        ");
        let sum: u32 = block.iter().map(|byte| u32::from(*byte)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        block
    }

    #[test]
    fn ends_cleanly_or_reports_truncation() {
        let mut archive = header("a.txt", b'0', 3).to_vec();
        archive.extend_from_slice(b"abc");
        archive.resize(1024, 0);
        let ended = [archive.clone(), vec![0; 1024]].concat();
        let cases: [(&[u8], Result<usize, LayerError>); 5] = [
            (&ended, Ok(1)),
            (&archive, Ok(1)),
            (&archive[..600], Err(LayerError::Truncated)),
            (&archive[..100], Err(LayerError::Truncated)),
            (&[], Ok(0)),
        ];
        for (bytes, expected) in cases {
            let mut parser = TarParser::new(Limits::default());
            let mut out = Vec::new();
            let result = parser
                .push(bytes, &mut out)
                .and_then(|()| parser.finish())
                .map(|()| out.len());
            assert_eq!(result, expected, "{} bytes", bytes.len());
        }
    }

    #[test]
    fn rejects_a_bad_checksum() {
        let mut block = header("a.txt", b'0', 0);
        block[0] = b'b';
        let mut parser = TarParser::new(Limits::default());
        let error = parser
            .push(&block, &mut Vec::new())
            .expect_err("bad checksum");
        assert!(matches!(error, LayerError::Tar(message) if message.contains("checksum")));
    }
}
