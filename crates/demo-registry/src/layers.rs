//! Layer contents as tar archives, and the compressions layers come in: gzip and a
//! hand-written zstd frame.

use std::io::{self, Write as _};

use crate::error::{Result, bail};
use flate2::{Compression, GzBuilder};

use super::platforms::Platform;
use super::{LAYER_MTIME, VERSION};

/// A tar entry; directory paths carry no trailing slash (it is added when writing).
pub(super) enum Entry {
    Dir(&'static str, u32),
    File(&'static str, u32, String),
    Symlink(&'static str, &'static str),
}

/// A tiny alpine-like root filesystem.
pub(super) fn base_entries(platform: Platform) -> Vec<Entry> {
    let arch = platform.alpine_arch;
    let spec = platform.spec();
    let os_release = format!(
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.23.2\n\
         PRETTY_NAME=\"Alpine Linux v3.23 ({arch})\"\n\
         VARIANT=\"Strata demo rootfs for {spec}\"\nVARIANT_ID=strata-demo\n\
         HOME_URL=\"https://alpinelinux.org/\"\n\
         BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n"
    );
    let busybox = format!(
        "BusyBox v1.37.0 (2025-12-16 alpine) multi-call binary for {arch}.\n\
         Placeholder in the Strata demo image; not an executable.\n"
    );
    vec![
        Entry::Dir("bin", 0o755),
        Entry::File("bin/busybox", 0o755, busybox),
        Entry::Symlink("bin/sh", "busybox"),
        Entry::Dir("etc", 0o755),
        Entry::File("etc/hostname", 0o644, "strata-demo\n".to_owned()),
        Entry::File("etc/os-release", 0o644, os_release),
        Entry::Dir("root", 0o700),
        Entry::Dir("srv", 0o755),
        Entry::Dir("tmp", 0o1777),
    ]
}

/// The application: a shell script and its data file.
pub(super) fn app_entries(platform: Platform) -> Vec<Entry> {
    let spec = platform.spec();
    let script = format!(
        "#!/bin/sh\n# greet {VERSION} for {spec}\nset -eu\nPUNCTUATION='.'\n\
         if [ -r /etc/greet.conf ]; then . /etc/greet.conf; fi\n\
         printf '%s, %s%s\\n' \"${{GREETING:-hello}}\" \"${{1:-world}}\" \"$PUNCTUATION\"\n\
         cat /usr/share/greet/message.txt\n"
    );
    let message = format!("Served by the {spec} build of greet {VERSION}.\n");
    vec![
        Entry::Dir("usr", 0o755),
        Entry::Dir("usr/local", 0o755),
        Entry::Dir("usr/local/bin", 0o755),
        Entry::File("usr/local/bin/greet", 0o755, script),
        Entry::Dir("usr/share", 0o755),
        Entry::Dir("usr/share/greet", 0o755),
        Entry::File("usr/share/greet/message.txt", 0o644, message),
    ]
}

/// Deletes `/etc/hostname` (a whiteout) and adds a config file.
pub(super) fn config_change_entries(platform: Platform) -> Vec<Entry> {
    let conf = format!(
        "# greet configuration, written at build time for {}\nPUNCTUATION='!'\n",
        platform.spec()
    );
    vec![
        Entry::Dir("etc", 0o755),
        Entry::File("etc/.wh.hostname", 0o644, String::new()),
        Entry::File("etc/greet.conf", 0o644, conf),
    ]
}

/// Serializes entries as a ustar archive with fixed owners and times.
pub(super) fn tar_bytes(entries: &[Entry]) -> Result<Vec<u8>> {
    tar_bytes_at(entries, LAYER_MTIME)
}

/// [`tar_bytes`] with every entry modified at `mtime` (seconds since the epoch).
pub(super) fn tar_bytes_at(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        match entry {
            Entry::Dir(path, mode) => {
                let name = format!("{path}/");
                append_entry(&mut builder, mtime, TarItem::dir(&name, *mode))?;
            }
            Entry::File(path, mode, content) => {
                append_entry(
                    &mut builder,
                    mtime,
                    TarItem::file(path, *mode, content.as_bytes()),
                )?;
            }
            Entry::Symlink(path, target) => {
                append_entry(&mut builder, mtime, TarItem::symlink(path, target))?;
            }
        }
    }
    Ok(builder.into_inner()?)
}

/// One tar entry as written: the name exactly as stored (directories end in `/`).
pub struct TarItem<'a> {
    kind: tar::EntryType,
    name: &'a str,
    mode: u32,
    link: Option<&'a str>,
    data: &'a [u8],
}

impl<'a> TarItem<'a> {
    pub fn dir(name: &'a str, mode: u32) -> Self {
        Self::new(tar::EntryType::Directory, name, mode, None, &[])
    }

    pub fn file(name: &'a str, mode: u32, data: &'a [u8]) -> Self {
        Self::new(tar::EntryType::Regular, name, mode, None, data)
    }

    pub(super) fn symlink(name: &'a str, target: &'a str) -> Self {
        Self::new(tar::EntryType::Symlink, name, 0o777, Some(target), &[])
    }

    /// A hardlink to `target`, a path relative to the root filesystem; it has no content.
    pub(super) fn hardlink(name: &'a str, mode: u32, target: &'a str) -> Self {
        Self::new(tar::EntryType::Link, name, mode, Some(target), &[])
    }

    fn new(
        kind: tar::EntryType,
        name: &'a str,
        mode: u32,
        link: Option<&'a str>,
        data: &'a [u8],
    ) -> Self {
        TarItem {
            kind,
            name,
            mode,
            link,
            data,
        }
    }
}

/// Appends a ustar entry owned by root and modified at `mtime`.
pub fn append_entry(
    builder: &mut tar::Builder<Vec<u8>>,
    mtime: u64,
    item: TarItem<'_>,
) -> Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    header.set_username("root")?;
    header.set_groupname("root")?;
    header.set_device_major(0)?;
    header.set_device_minor(0)?;
    header.set_entry_type(item.kind);
    header.set_mode(item.mode);
    header.set_size(item.data.len() as u64);
    if let Some(link) = item.link {
        header.set_link_name(link)?;
    }
    set_entry_name(&mut header, item.name)?;
    header.set_cksum();
    builder.append(&header, item.data)?;
    Ok(())
}

/// Writes the name field directly: `Header::set_path` drops the trailing `/` that
/// docker and buildkit put on directory entries.
fn set_entry_name(header: &mut tar::Header, name: &str) -> Result<()> {
    let field = &mut header.as_old_mut().name;
    if name.len() >= field.len() {
        bail!("tar entry name too long for a ustar header: {name}");
    }
    field.fill(0);
    field[..name.len()].copy_from_slice(name.as_bytes());
    Ok(())
}

/// Gzip with mtime 0 and no file name so the header bytes never vary.
pub fn gzip(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::default());
    encoder.write_all(data)?;
    encoder.finish()
}

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// Block_Maximum_Size: no block may hold more than 128 KiB.
const ZSTD_MAX_BLOCK: usize = 128 * 1024;

/// Wraps `data` in one valid zstd frame (RFC 8878) that stores it uncompressed, since the
/// build may not depend on a zstd encoder. Any zstd decoder accepts it.
///
/// The frame is `Magic_Number | Frame_Header | Block...`, with no checksum:
/// - Magic_Number: `28 b5 2f fd` (0xFD2FB528 little-endian).
/// - Frame_Header_Descriptor: Frame_Content_Size_flag in bits 7-6, Single_Segment_flag
///   (bit 5) set, checksum (bit 2) and Dictionary_ID_flag (bits 1-0) clear. A single
///   segment frame has no Window_Descriptor: the content size doubles as window size.
/// - Frame_Content_Size, little-endian: 1 byte below 256 (flag 0), 2 bytes holding
///   `size - 256` below 65 792 (flag 1), 4 bytes (flag 2), otherwise 8 bytes (flag 3).
/// - Blocks: a 3-byte little-endian header, bit 0 Last_Block, bits 1-2 Block_Type (0 =
///   Raw, the content follows verbatim), bits 3-23 Block_Size, at most 128 KiB. Empty
///   content still needs one (empty, last) block.
pub(super) fn zstd_raw_frame(data: &[u8]) -> Vec<u8> {
    let mut frame = ZSTD_MAGIC.to_vec();
    let size = data.len() as u64;
    let (flag, size_field): (u8, Vec<u8>) = if size < 256 {
        (0, vec![size as u8])
    } else if size < 65_792 {
        (1, ((size - 256) as u16).to_le_bytes().to_vec())
    } else if let Ok(size) = u32::try_from(size) {
        (2, size.to_le_bytes().to_vec())
    } else {
        (3, size.to_le_bytes().to_vec())
    };
    frame.push(flag << 6 | 1 << 5);
    frame.extend(size_field);
    let mut blocks = data.chunks(ZSTD_MAX_BLOCK).peekable();
    if blocks.peek().is_none() {
        frame.extend(zstd_block_header(0, true));
    }
    while let Some(block) = blocks.next() {
        frame.extend(zstd_block_header(block.len(), blocks.peek().is_none()));
        frame.extend_from_slice(block);
    }
    frame
}

/// The 3-byte header of a Raw block of `size` bytes.
fn zstd_block_header(size: usize, last: bool) -> [u8; 3] {
    let header = (size as u32) << 3 | u32::from(last);
    let [low, middle, high, _] = header.to_le_bytes();
    [low, middle, high]
}
