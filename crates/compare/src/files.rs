//! Two merged filesystems compared path by path, left → right: what was added, deleted or modified (the
//! files view's [`Change`], so `data-change` means the same everywhere), and
//! for a modified path what differs, in words. A new mtime alone is no change; a directory counts only
//! when it appears, goes, or its own mode, owner or type changes.

use std::collections::BTreeSet;

use strata_layers::{
    Change, EntryKind, FileEntry, Filesystem, csv_line, defused, link_target, path_glob,
};

/// One way a path differs between the two images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// A file became a symlink, a directory a file, and so on: (left, right) kinds.
    Kind(&'static str, &'static str),
    /// A symlink or hardlink points elsewhere.
    LinkTarget(String, String),
    /// A regular file's size.
    Size(u64, u64),
    /// A regular file's bytes (same size, other SHA-256; or digests differing where sizes differ too).
    Content,
    /// Permission and mode bits, as `ls -l` shows them.
    Mode(String, String),
    /// `uid:gid`.
    Owner(String, String),
}

impl Difference {
    /// The difference in words.
    pub fn describe(&self) -> String {
        match self {
            Difference::Kind(left, right) => format!("type {left} → {right}"),
            Difference::LinkTarget(left, right) => format!("link target {left} → {right}"),
            Difference::Size(left, right) => format!("size {left} → {right} bytes"),
            Difference::Content => "content (SHA-256)".to_owned(),
            Difference::Mode(left, right) => format!("mode {left} → {right}"),
            Difference::Owner(left, right) => format!("owner {left} → {right}"),
        }
    }
}

/// One path of either image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiffRow {
    /// The absolute path.
    pub path: String,
    /// What happened to it.
    pub change: Change,
    /// The entry in the left image.
    pub left: Option<FileEntry>,
    /// The entry in the right image.
    pub right: Option<FileEntry>,
    /// For a modified path, each way it differs.
    pub differences: Vec<Difference>,
}

/// Every path of both images, sorted, with what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileDiff {
    /// One row per path of either side, unchanged ones included, by path.
    pub rows: Vec<FileDiffRow>,
}

/// How many paths each change has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileDiffCounts {
    /// Paths only on the right.
    pub added: usize,
    /// Paths on both sides that differ.
    pub modified: usize,
    /// Paths only on the left.
    pub deleted: usize,
    /// Paths on both sides that do not.
    pub unchanged: usize,
}

impl FileDiff {
    /// Compares the merged filesystems of two images, left → right.
    pub fn of(left: &Filesystem, right: &Filesystem) -> FileDiff {
        let paths: BTreeSet<&str> = left
            .entries()
            .into_iter()
            .chain(right.entries())
            .map(|merged| merged.entry.path.as_str())
            .collect();
        let rows = paths
            .into_iter()
            .map(|path| {
                let left = left.get(path).map(|merged| merged.entry.clone());
                let right = right.get(path).map(|merged| merged.entry.clone());
                let (change, differences) = match (&left, &right) {
                    (None, _) => (Change::Added, Vec::new()),
                    (_, None) => (Change::Deleted, Vec::new()),
                    (Some(left), Some(right)) => {
                        let differences = differences(left, right);
                        let change = if differences.is_empty() {
                            Change::Unchanged
                        } else {
                            Change::Modified
                        };
                        (change, differences)
                    }
                };
                FileDiffRow {
                    path: path.to_owned(),
                    change,
                    left,
                    right,
                    differences,
                }
            })
            .collect();
        FileDiff { rows }
    }

    /// The rows `filter` leaves, by path.
    pub fn visible_rows(&self, filter: &DiffFilter<'_>) -> Vec<&FileDiffRow> {
        self.rows
            .iter()
            .filter(|row| {
                let size = |entry: &Option<FileEntry>| entry.as_ref().map_or(0, |entry| entry.size);
                let changes = if filter.changes.is_empty() {
                    &DiffFilter::DEFAULT_CHANGES[..]
                } else {
                    filter.changes
                };
                changes.contains(&row.change)
                    && path_glob::matches(filter.query, &row.path)
                    && filter
                        .min_size
                        .is_none_or(|min| size(&row.left).max(size(&row.right)) >= min)
            })
            .collect()
    }

    /// How many paths each change has.
    pub fn counts(&self) -> FileDiffCounts {
        let mut counts = FileDiffCounts::default();
        for row in &self.rows {
            match row.change {
                Change::Added => counts.added += 1,
                Change::Modified => counts.modified += 1,
                Change::Deleted => counts.deleted += 1,
                Change::Unchanged => counts.unchanged += 1,
            }
        }
        counts
    }
}

/// What the reader asked the comparison's list to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffFilter<'a> {
    /// Text or a glob over paths; empty shows every row.
    pub query: &'a str,
    /// Only rows with one of these changes; empty: [`DiffFilter::DEFAULT_CHANGES`].
    pub changes: &'a [Change],
    /// Only paths at least this large on either side.
    pub min_size: Option<u64>,
}

impl DiffFilter<'_> {
    /// What the list shows unless asked otherwise: every path that differs, none that does not.
    pub const DEFAULT_CHANGES: [Change; 3] = [Change::Added, Change::Modified, Change::Deleted];
}

/// The comparison's columns, in order: each side's kind, size, mode and SHA-256.
pub const DIFF_COLUMNS: [&str; 11] = [
    "path",
    "change",
    "left_kind",
    "left_size",
    "left_mode",
    "left_sha256",
    "right_kind",
    "right_size",
    "right_mode",
    "right_sha256",
    "differences",
];

fn side_cells(entry: Option<&FileEntry>) -> [String; 4] {
    match entry {
        None => Default::default(),
        Some(entry) => [
            entry.kind.as_str().to_owned(),
            entry.size.to_string(),
            entry.mode_string(),
            entry
                .content_digest
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ],
    }
}

fn described(row: &FileDiffRow) -> String {
    row.differences
        .iter()
        .map(Difference::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rows as CSV, a header line first.
pub fn diff_rows_csv(rows: &[&FileDiffRow]) -> String {
    let mut csv = csv_line(&DIFF_COLUMNS);
    for row in rows {
        let mut cells = vec![defused(&row.path), row.change.as_str().to_owned()];
        cells.extend(side_cells(row.left.as_ref()));
        cells.extend(side_cells(row.right.as_ref()));
        cells.push(defused(&described(row)));
        csv.push_str(&csv_line(&cells));
    }
    csv
}

/// The rows as a JSON array: each path with its change, both sides (or `null`) and what differs.
pub fn diff_rows_json(rows: &[&FileDiffRow]) -> String {
    let side = |entry: Option<&FileEntry>| {
        entry.map(|entry| {
            serde_json::json!({
                "kind": entry.kind.as_str(),
                "size": entry.size,
                "mode": entry.mode_string(),
                "uid": entry.uid,
                "gid": entry.gid,
                "link_target": Some(link_target(entry)).filter(|target| !target.is_empty()),
                "sha256": entry.content_digest.as_ref().map(ToString::to_string),
            })
        })
    };
    let records: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "path": row.path,
                "change": row.change.as_str(),
                "left": side(row.left.as_ref()),
                "right": side(row.right.as_ref()),
                "differences": row.differences.iter().map(Difference::describe).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&records).unwrap_or_default()
}

/// Each way two entries at the same path differ; none when only their mtimes do.
fn differences(left: &FileEntry, right: &FileEntry) -> Vec<Difference> {
    let mut found = Vec::new();
    if left.kind.as_str() != right.kind.as_str() {
        found.push(Difference::Kind(left.kind.as_str(), right.kind.as_str()));
    } else {
        match (&left.kind, &right.kind) {
            (EntryKind::Symlink { target: a }, EntryKind::Symlink { target: b })
            | (EntryKind::Hardlink { target: a }, EntryKind::Hardlink { target: b })
                if a != b =>
            {
                found.push(Difference::LinkTarget(a.clone(), b.clone()));
            }
            (EntryKind::File, EntryKind::File) => {
                if left.size != right.size {
                    found.push(Difference::Size(left.size, right.size));
                }
                if let (Some(a), Some(b)) = (&left.content_digest, &right.content_digest)
                    && a != b
                {
                    found.push(Difference::Content);
                }
            }
            _ => {}
        }
    }
    // A symlink's own mode means nothing on Linux (its target's counts), so it is not compared.
    let symlink = |entry: &FileEntry| matches!(entry.kind, EntryKind::Symlink { .. });
    let (left_mode, right_mode) = (left.mode_string(), right.mode_string());
    if !symlink(left) && !symlink(right) && left_mode[1..] != right_mode[1..] {
        found.push(Difference::Mode(left_mode, right_mode));
    }
    if (left.uid, left.gid) != (right.uid, right.gid) {
        found.push(Difference::Owner(
            format!("{}:{}", left.uid, left.gid),
            format!("{}:{}", right.uid, right.gid),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use strata_image::digest::Digest;
    use strata_layers::Whiteout;

    use super::*;

    fn entry(path: &str, kind: EntryKind) -> FileEntry {
        FileEntry {
            path: path.to_owned(),
            kind,
            size: 0,
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: 0,
            whiteout: Whiteout::None,
            content_digest: None,
            data_offset: None,
        }
    }

    fn file(path: &str, contents: &str) -> FileEntry {
        FileEntry {
            size: contents.len() as u64,
            mode: 0o644,
            content_digest: Some(Digest::sha256_of(contents.as_bytes())),
            ..entry(path, EntryKind::File)
        }
    }

    fn dir(path: &str) -> FileEntry {
        entry(path, EntryKind::Directory)
    }

    fn symlink(path: &str, target: &str) -> FileEntry {
        let target = target.to_owned();
        entry(path, EntryKind::Symlink { target })
    }

    fn hardlink(path: &str, target: &str) -> FileEntry {
        let target = target.to_owned();
        entry(path, EntryKind::Hardlink { target })
    }

    fn whiteout(path: &str, whiteout: Whiteout) -> FileEntry {
        FileEntry {
            whiteout,
            ..entry(path, EntryKind::File)
        }
    }

    /// An image's layers, bottom to top.
    type Layers = Vec<Vec<FileEntry>>;

    fn filesystem(layers: &[Vec<FileEntry>]) -> Filesystem {
        let mut filesystem = Filesystem::new();
        for (index, layer) in layers.iter().enumerate() {
            filesystem.apply_layer(index, layer);
        }
        filesystem
    }

    /// `path change [difference; …]` for every row that is not unchanged.
    fn changed(diff: &FileDiff) -> Vec<String> {
        diff.rows
            .iter()
            .filter(|row| row.change != Change::Unchanged)
            .map(|row| {
                let words: Vec<String> = row.differences.iter().map(Difference::describe).collect();
                format!(
                    "{} {} [{}]",
                    row.path,
                    row.change.as_str(),
                    words.join("; ")
                )
                .trim_end_matches(" []")
                .to_owned()
            })
            .collect()
    }

    #[test]
    fn paths_compare_by_what_they_hold_not_when() {
        let base = vec![dir("/etc"), file("/etc/keep", "same")];
        let cases: Vec<(&str, Layers, Layers, Vec<&str>)> = vec![
            (
                "added and deleted",
                vec![base.clone(), vec![file("/old", "x")]],
                vec![base.clone(), vec![file("/new", "y")]],
                vec!["/new added", "/old deleted"],
            ),
            (
                "same size, other bytes",
                vec![vec![file("/a", "abc")]],
                vec![vec![file("/a", "abd")]],
                vec!["/a modified [content (SHA-256)]"],
            ),
            (
                "other size",
                vec![vec![file("/a", "abc")]],
                vec![vec![file("/a", "abcd")]],
                vec!["/a modified [size 3 → 4 bytes; content (SHA-256)]"],
            ),
            (
                "a new mtime alone is no change",
                vec![vec![dir("/d"), file("/d/a", "abc")]],
                vec![vec![
                    FileEntry {
                        mtime: 99,
                        ..dir("/d")
                    },
                    FileEntry {
                        mtime: 99,
                        ..file("/d/a", "abc")
                    },
                ]],
                vec![],
            ),
            (
                "a file replaced by a symlink",
                vec![vec![file("/bin/sh", "elf")]],
                vec![vec![symlink("/bin/sh", "busybox")]],
                vec!["/bin/sh modified [type file → symlink]"],
            ),
            (
                "links pointing elsewhere",
                vec![vec![
                    file("/t", "1"),
                    symlink("/s", "a"),
                    hardlink("/h", "/t"),
                ]],
                vec![vec![
                    file("/t", "1"),
                    file("/u", "1"),
                    symlink("/s", "b"),
                    hardlink("/h", "/u"),
                ]],
                vec![
                    "/h modified [link target /t → /u]",
                    "/s modified [link target a → b]",
                    "/u added",
                ],
            ),
            (
                "a directory's own mode and owner",
                vec![vec![dir("/srv"), dir("/var")]],
                vec![vec![
                    FileEntry {
                        mode: 0o700,
                        ..dir("/srv")
                    },
                    FileEntry {
                        uid: 1000,
                        gid: 100,
                        ..dir("/var")
                    },
                ]],
                vec![
                    "/srv modified [mode drwxr-xr-x → drwx------]",
                    "/var modified [owner 0:0 → 1000:100]",
                ],
            ),
            (
                "a file's mode",
                vec![vec![file("/run.sh", "echo")]],
                vec![vec![FileEntry {
                    mode: 0o755,
                    ..file("/run.sh", "echo")
                }]],
                vec!["/run.sh modified [mode -rw-r--r-- → -rwxr-xr-x]"],
            ),
            (
                "removed by a whiteout and by an opaque directory",
                vec![
                    base.clone(),
                    vec![dir("/opt"), file("/opt/a", "1"), file("/tmp-file", "t")],
                ],
                vec![
                    base.clone(),
                    vec![dir("/opt"), file("/opt/a", "1"), file("/tmp-file", "t")],
                    vec![
                        whiteout("/tmp-file", Whiteout::Removes),
                        whiteout("/opt", Whiteout::Opaque),
                        file("/opt/b", "2"),
                    ],
                ],
                vec!["/opt/a deleted", "/opt/b added", "/tmp-file deleted"],
            ),
            (
                "a directory replaced by a file takes what was under it",
                vec![vec![dir("/x"), file("/x/1", "1")]],
                vec![vec![file("/x", "now a file")]],
                vec![
                    "/x modified [type directory → file; mode drwxr-xr-x → -rw-r--r--]",
                    "/x/1 deleted",
                ],
            ),
            (
                "unknown contents compare by size only",
                vec![vec![FileEntry {
                    content_digest: None,
                    data_offset: None,
                    ..file("/a", "abc")
                }]],
                vec![vec![file("/a", "abd")]],
                vec![],
            ),
        ];
        for (name, left, right, expected) in cases {
            let diff = FileDiff::of(&filesystem(&left), &filesystem(&right));
            assert_eq!(changed(&diff), expected, "{name}");
        }
    }

    #[test]
    fn every_path_of_either_side_is_one_row_and_counted() {
        let left = filesystem(&[vec![dir("/etc"), file("/etc/a", "1"), file("/etc/b", "2")]]);
        let right = filesystem(&[vec![
            dir("/etc"),
            file("/etc/a", "1"),
            file("/etc/b", "3"),
            file("/etc/c", "4"),
        ]]);
        let diff = FileDiff::of(&left, &right);
        let paths: Vec<&str> = diff.rows.iter().map(|row| row.path.as_str()).collect();
        assert_eq!(paths, ["/etc", "/etc/a", "/etc/b", "/etc/c"]);
        assert_eq!(
            diff.counts(),
            FileDiffCounts {
                added: 1,
                modified: 1,
                deleted: 0,
                unchanged: 2
            }
        );
        let shown = |filter: DiffFilter| -> Vec<&str> {
            diff.visible_rows(&filter)
                .iter()
                .map(|row| row.path.as_str())
                .collect()
        };
        assert_eq!(
            shown(DiffFilter::default()),
            ["/etc/b", "/etc/c"],
            "what differs, by default"
        );
        assert_eq!(
            shown(DiffFilter {
                changes: &[Change::Unchanged],
                ..DiffFilter::default()
            }),
            ["/etc", "/etc/a"]
        );
        assert_eq!(
            shown(DiffFilter {
                query: "*/c",
                ..DiffFilter::default()
            }),
            ["/etc/c"]
        );
        assert_eq!(
            shown(DiffFilter {
                min_size: Some(2),
                ..DiffFilter::default()
            }),
            Vec::<&str>::new()
        );
        let rows = diff.visible_rows(&DiffFilter::default());
        assert_eq!(
            diff_rows_csv(&rows),
            format!(
                "path,change,left_kind,left_size,left_mode,left_sha256,right_kind,right_size,right_mode,right_sha256,differences\r\n\
                 /etc/b,modified,file,1,-rw-r--r--,{two},file,1,-rw-r--r--,{three},content (SHA-256)\r\n\
                 /etc/c,added,,,,,file,1,-rw-r--r--,{four},\r\n",
                two = Digest::sha256_of(b"2"),
                three = Digest::sha256_of(b"3"),
                four = Digest::sha256_of(b"4"),
            )
        );
        let json: serde_json::Value = serde_json::from_str(&diff_rows_json(&rows)).expect("JSON");
        assert_eq!(
            json[0]["differences"],
            serde_json::json!(["content (SHA-256)"])
        );
        assert_eq!(json[1]["left"], serde_json::Value::Null);
        assert_eq!(
            json[1]["right"]["sha256"],
            Digest::sha256_of(b"4").to_string()
        );
        let same = FileDiff::of(&left, &left);
        assert_eq!(same.counts().unchanged, 3);
        assert!(changed(&same).is_empty());
    }
}
