//! One file of a layer as the tar archive describes it: path, kind, attributes and whiteout role.

use strata_image::digest::Digest;

/// What a tar entry is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Whiteout {
    /// An ordinary entry.
    None,
    /// `.wh.<name>`: the entry's `path` is the path it removes from lower layers.
    Removes,
    /// `.wh..wh..opq`: the entry's `path` is the directory whose lower-layer contents are hidden.
    Opaque,
}

/// One entry of a layer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The SHA-256 of a regular file's bytes, when the layer was read with file contents hashed (see
    /// [`crate::LayerReader::hash_file_contents`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_digest: Option<Digest>,
    /// Where a regular file's bytes start in the layer's tar, when the layer was read keeping
    /// checkpoints (see [`crate::LayerReader::keep_checkpoints`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_offset: Option<u64>,
}

impl FileEntry {
    /// What the entry is, as a listing says it: `file`, `directory`, `→ target`, `hardlink to /target`.
    pub fn kind_label(&self) -> String {
        match &self.kind {
            EntryKind::File => "file".into(),
            EntryKind::Directory => "directory".into(),
            EntryKind::Symlink { target } => format!("→ {target}"),
            EntryKind::Hardlink { target } => format!("hardlink to {target}"),
            EntryKind::CharDevice => "character device".into(),
            EntryKind::BlockDevice => "block device".into(),
            EntryKind::Fifo => "fifo".into(),
            EntryKind::Other(flag) => format!("type {}", flag.escape_ascii()),
        }
    }

    /// The type and permission bits as `ls -l` shows them: `drwxr-xr-x`, `-rwsr-xr-x`, `drwxrwxrwt`.
    pub fn mode_string(&self) -> String {
        let kind = match self.kind {
            EntryKind::Directory => 'd',
            EntryKind::Symlink { .. } => 'l',
            EntryKind::CharDevice => 'c',
            EntryKind::BlockDevice => 'b',
            EntryKind::Fifo => 'p',
            _ => '-',
        };
        let bit = |mask: u32, letter: char| if self.mode & mask != 0 { letter } else { '-' };
        // The execute position also says setuid, setgid and sticky: lowercase when executable too.
        let execute = |mask: u32, special: u32, set: char| match (
            self.mode & mask != 0,
            self.mode & special != 0,
        ) {
            (true, true) => set,
            (false, true) => set.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        };
        [
            kind,
            bit(0o400, 'r'),
            bit(0o200, 'w'),
            execute(0o100, 0o4000, 's'),
            bit(0o040, 'r'),
            bit(0o020, 'w'),
            execute(0o010, 0o2000, 's'),
            bit(0o004, 'r'),
            bit(0o002, 'w'),
            execute(0o001, 0o1000, 't'),
        ]
        .into_iter()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: EntryKind, mode: u32) -> FileEntry {
        FileEntry {
            path: "/x".into(),
            kind,
            size: 0,
            mode,
            uid: 0,
            gid: 0,
            mtime: 0,
            whiteout: Whiteout::None,
            content_digest: None,
            data_offset: None,
        }
    }

    #[test]
    fn modes_read_as_ls_shows_them() {
        let cases = [
            (EntryKind::Directory, 0o755, "drwxr-xr-x"),
            (EntryKind::File, 0o644, "-rw-r--r--"),
            (EntryKind::File, 0o4755, "-rwsr-xr-x"),
            (EntryKind::File, 0o2644, "-rw-r-Sr--"),
            (EntryKind::Directory, 0o1777, "drwxrwxrwt"),
            (EntryKind::Directory, 0o1770, "drwxrwx--T"),
            (
                EntryKind::Symlink { target: "y".into() },
                0o777,
                "lrwxrwxrwx",
            ),
            (EntryKind::CharDevice, 0o666, "crw-rw-rw-"),
            (EntryKind::BlockDevice, 0o660, "brw-rw----"),
            (EntryKind::Fifo, 0o600, "prw-------"),
        ];
        for (kind, mode, expected) in cases {
            assert_eq!(entry(kind, mode).mode_string(), expected, "{mode:o}");
        }
    }

    #[test]
    fn kinds_read_as_words() {
        let cases = [
            (EntryKind::File, "file"),
            (EntryKind::Directory, "directory"),
            (
                EntryKind::Symlink {
                    target: "../lib".into(),
                },
                "→ ../lib",
            ),
            (
                EntryKind::Hardlink {
                    target: "/bin/a".into(),
                },
                "hardlink to /bin/a",
            ),
            (EntryKind::Other(b'Z'), "type Z"),
            (EntryKind::Other(0xff), "type \\xff"),
        ];
        for (kind, expected) in cases {
            assert_eq!(entry(kind, 0).kind_label(), expected);
        }
    }
}
