//! One file of a layer as the tar archive describes it: path, kind, attributes and whiteout role.

/// What a tar entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link, shown as a link and never followed.
    Symlink {
        /// The link target, as written in the archive (may be relative).
        target: String,
    },
    /// A hard link to another path of the root filesystem.
    Hardlink {
        /// The target: an absolute, cleaned path in the root filesystem.
        target: String,
    },
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A named pipe.
    Fifo,
    /// Any other tar type flag.
    Other(u8),
}

impl EntryKind {
    /// Lowercase name, for display and data attributes.
    pub fn as_str(&self) -> &'static str {
        match self {
            EntryKind::File => "file",
            EntryKind::Directory => "directory",
            EntryKind::Symlink { .. } => "symlink",
            EntryKind::Hardlink { .. } => "hardlink",
            EntryKind::CharDevice => "char-device",
            EntryKind::BlockDevice => "block-device",
            EntryKind::Fifo => "fifo",
            EntryKind::Other(_) => "other",
        }
    }
}

/// Whether an entry is an overlay whiteout rather than a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whiteout {
    /// An ordinary entry.
    None,
    /// `.wh.<name>`: the entry's `path` is the path it removes from lower layers.
    Removes,
    /// `.wh..wh..opq`: the entry's `path` is the directory whose lower-layer contents are hidden.
    Opaque,
}

/// One entry of a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Absolute and cleaned (`/etc/os-release`); directories have no trailing slash. `/` itself is never an
    /// entry, except as the directory of a root-level opaque whiteout.
    pub path: String,
    /// What the entry is.
    pub kind: EntryKind,
    /// Size in bytes, as the header (or its PAX record) states.
    pub size: u64,
    /// Permission and mode bits.
    pub mode: u32,
    /// Owner user id.
    pub uid: u64,
    /// Owner group id.
    pub gid: u64,
    /// Modification time, in seconds since the Unix epoch.
    pub mtime: i64,
    /// Whether this entry is a whiteout.
    pub whiteout: Whiteout,
}
