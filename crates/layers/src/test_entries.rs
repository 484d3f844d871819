//! Entries the unit tests build layers from: one of each kind, with fixed attributes.

use crate::entry::{EntryKind, FileEntry, Whiteout};

fn entry(path: &str, kind: EntryKind, size: u64, whiteout: Whiteout) -> FileEntry {
    FileEntry {
        path: path.to_owned(),
        kind,
        size,
        mode: 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        whiteout,
        content_digest: None,
        data_offset: None,
    }
}

/// A regular file of `size` bytes.
pub fn file(path: &str, size: u64) -> FileEntry {
    entry(path, EntryKind::File, size, Whiteout::None)
}

/// A directory.
pub fn dir(path: &str) -> FileEntry {
    entry(path, EntryKind::Directory, 0, Whiteout::None)
}

/// A `.wh.` whiteout removing `path` from the layers below.
pub fn removes(path: &str) -> FileEntry {
    entry(path, EntryKind::File, 0, Whiteout::Removes)
}

/// An opaque marker hiding what the layers below hold under `path`.
pub fn opaque(path: &str) -> FileEntry {
    entry(path, EntryKind::Directory, 0, Whiteout::Opaque)
}

/// A symbolic link.
pub fn symlink(path: &str) -> FileEntry {
    let target = "/elsewhere".to_owned();
    entry(path, EntryKind::Symlink { target }, 0, Whiteout::None)
}

/// A hard link to `target`.
pub fn hardlink(path: &str, target: &str) -> FileEntry {
    let target = target.to_owned();
    entry(path, EntryKind::Hardlink { target }, 0, Whiteout::None)
}
