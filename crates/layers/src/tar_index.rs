//! A tar's table of contents read by seeking, not streaming: only its headers are asked for, one block at
//! a time (and a long name's or PAX record's bytes), each member's data skipped by its size. The page
//! slices a local archive (`File.slice`) where this asks, so a 2 GiB archive is indexed from a few KiB.

use crate::tar::{BLOCK, checksum_matches, header_name, parse_number, parse_pax};

/// Extended headers bigger than this are not an image archive's.
const MAX_META_BYTES: u64 = 1 << 20;
/// Members an archive may list.
const MAX_MEMBERS: usize = 1_000_000;

/// A member of the archive: its path (as written, `./` and all), what it is, and where its bytes lie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TarMember {
    /// The path as the archive writes it.
    pub path: String,
    /// The tar type flag (`b'0'` a file, `b'5'` a directory, `b'2'` a symlink, `b'1'` a hard link).
    pub typeflag: u8,
    /// Where its bytes start in the archive.
    pub offset: u64,
    /// How many there are.
    pub size: u64,
    /// A link's target.
    pub link: String,
}

impl TarMember {
    /// Whether the member is a regular file.
    pub fn is_file(&self) -> bool {
        matches!(self.typeflag, b'0' | 0 | b'7') && !self.path.ends_with('/')
    }
}

/// What the index needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexStep {
    /// The bytes at `offset`, `len` of them (fewer only at the archive's end).
    Read {
        /// Where.
        offset: u64,
        /// How many.
        len: usize,
    },
    /// The index is complete.
    Done,
}

/// Why an archive's index could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TarIndexError {
    /// A header's checksum does not match: not a tar, or damaged.
    #[error("the archive is not a tar, or it is damaged at byte {0}")]
    BadHeader(u64),
    /// The archive ends inside a member.
    #[error("the archive ends early, inside {0}")]
    Truncated(String),
    /// A long name or PAX record is unreadable or too large.
    #[error("an extended header at byte {0} is unreadable")]
    BadExtendedHeader(u64),
    /// More members than an image archive has.
    #[error("the archive lists more than {MAX_MEMBERS} members")]
    TooManyMembers,
}

#[derive(Debug)]
enum Want {
    Header,
    /// The data of an extended header (`L`, `K` or `x`) at this offset.
    Meta {
        typeflag: u8,
        offset: u64,
        size: u64,
    },
}

/// The index being read.
#[derive(Debug)]
pub struct TarIndex {
    length: u64,
    at: u64,
    want: Want,
    long_name: Option<String>,
    long_link: Option<String>,
    pax_path: Option<String>,
    pax_size: Option<u64>,
    members: Vec<TarMember>,
    done: bool,
}

impl TarIndex {
    /// An index of an archive `length` bytes long.
    pub fn new(length: u64) -> TarIndex {
        TarIndex {
            length,
            at: 0,
            want: Want::Header,
            long_name: None,
            long_link: None,
            pax_path: None,
            pax_size: None,
            members: Vec::new(),
            done: false,
        }
    }

    /// What to read next.
    pub fn next_step(&self) -> IndexStep {
        if self.done {
            return IndexStep::Done;
        }
        match self.want {
            Want::Header => IndexStep::Read {
                offset: self.at,
                len: BLOCK,
            },
            Want::Meta { offset, size, .. } => IndexStep::Read {
                offset,
                len: usize::try_from(size).unwrap_or(usize::MAX),
            },
        }
    }

    /// Takes the bytes [`TarIndex::next_step`] asked for.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), TarIndexError> {
        match self.want {
            Want::Header => self.read_header(bytes),
            Want::Meta {
                typeflag,
                offset,
                size,
            } => {
                if (bytes.len() as u64) < size {
                    return Err(TarIndexError::Truncated("an extended header".to_owned()));
                }
                let text = |data: &[u8]| {
                    let end = data
                        .iter()
                        .position(|byte| *byte == 0)
                        .unwrap_or(data.len());
                    String::from_utf8_lossy(&data[..end]).into_owned()
                };
                match typeflag {
                    b'L' => self.long_name = Some(text(bytes)),
                    b'K' => self.long_link = Some(text(bytes)),
                    _ => {
                        let records =
                            parse_pax(bytes).ok_or(TarIndexError::BadExtendedHeader(offset))?;
                        for (key, value) in records {
                            match key {
                                b"path" => self.pax_path = Some(text(value)),
                                b"size" => {
                                    self.pax_size =
                                        std::str::from_utf8(value).ok().and_then(|v| v.parse().ok())
                                }
                                b"linkpath" => self.long_link = Some(text(value)),
                                _ => {}
                            }
                        }
                    }
                }
                self.at = offset + padded(size);
                self.want = Want::Header;
                Ok(())
            }
        }
    }

    /// Every member, in archive order, once [`IndexStep::Done`].
    pub fn members(&self) -> &[TarMember] {
        &self.members
    }

    fn read_header(&mut self, bytes: &[u8]) -> Result<(), TarIndexError> {
        if bytes.len() < BLOCK {
            // An archive may end without its two zero blocks: then it ends between members.
            if bytes.iter().all(|byte| *byte == 0) && self.pending_is_empty() {
                self.done = true;
                return Ok(());
            }
            return Err(TarIndexError::Truncated("a header".to_owned()));
        }
        let header: &[u8; BLOCK] = bytes[..BLOCK].try_into().expect("one block");
        if header.iter().all(|byte| *byte == 0) {
            self.done = true;
            return Ok(());
        }
        if !checksum_matches(header) {
            return Err(TarIndexError::BadHeader(self.at));
        }
        let size = parse_number(&header[124..136])
            .and_then(|size| u64::try_from(size).ok())
            .ok_or(TarIndexError::BadHeader(self.at))?;
        let typeflag = header[156];
        let data = self.at + BLOCK as u64;
        if matches!(typeflag, b'L' | b'K' | b'x') {
            if size > MAX_META_BYTES {
                return Err(TarIndexError::BadExtendedHeader(self.at));
            }
            self.want = Want::Meta {
                typeflag,
                offset: data,
                size,
            };
            return Ok(());
        }
        if matches!(typeflag, b'g' | b'V') {
            self.at = data + padded(size);
            return Ok(());
        }
        let size = self.pax_size.take().unwrap_or(size);
        let path = self
            .pax_path
            .take()
            .or(self.long_name.take())
            .unwrap_or_else(|| String::from_utf8_lossy(&header_name(header)).into_owned());
        let link = self.long_link.take().unwrap_or_else(|| {
            let field = &header[157..257];
            let end = field
                .iter()
                .position(|byte| *byte == 0)
                .unwrap_or(field.len());
            String::from_utf8_lossy(&field[..end]).into_owned()
        });
        // Links and directories carry no data, whatever their size field says.
        let stored = if matches!(typeflag, b'1' | b'2' | b'3' | b'4' | b'5' | b'6') {
            0
        } else {
            size
        };
        if data + stored > self.length {
            return Err(TarIndexError::Truncated(path));
        }
        if self.members.len() >= MAX_MEMBERS {
            return Err(TarIndexError::TooManyMembers);
        }
        self.members.push(TarMember {
            path,
            typeflag,
            offset: data,
            size: stored,
            link,
        });
        self.at = data + padded(stored);
        if self.at >= self.length {
            self.done = true;
        }
        Ok(())
    }

    fn pending_is_empty(&self) -> bool {
        self.long_name.is_none() && self.pax_path.is_none() && self.pax_size.is_none()
    }
}

fn padded(size: u64) -> u64 {
    size.div_ceil(BLOCK as u64) * BLOCK as u64
}
