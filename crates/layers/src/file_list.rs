//! The rows the files view lists: each layer's changes as it is applied, the merged filesystem with the
//! change of the last layer that touched each path, the largest directories, and the rows that a search, a
//! selected path and a sort leave to show.

use std::collections::HashMap;

use crate::efficiency::Efficiency;
use crate::entry::{EntryKind, FileEntry};
use crate::filesystem::{Change, Filesystem};
use crate::path_glob;

/// Directories at most this many levels deep are ranked by size (`/usr/lib/x86_64-linux-gnu` is 3).
const RANKED_DIRECTORY_DEPTH: usize = 3;

/// One path as a view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// The entry as the layer wrote it.
    pub entry: FileEntry,
    /// Against the layers below (a layer's view), or the last layer's change (the merged view).
    pub change: Change,
    /// The layer that wrote this row, from 0 at the bottom.
    pub layer: usize,
}

/// An image's layers applied bottom to top, remembering the last change to each path.
#[derive(Debug, Default)]
pub struct ImageFiles {
    filesystem: Filesystem,
    last_change: HashMap<String, Change>,
}

impl ImageFiles {
    /// No layer applied yet.
    pub fn new() -> ImageFiles {
        ImageFiles::default()
    }

    /// Applies layer `index` (the next one up) and returns its changes against the layers below, by path.
    pub fn apply_layer(&mut self, index: usize, entries: &[FileEntry]) -> Vec<FileRow> {
        let rows: Vec<FileRow> = self
            .filesystem
            .apply_layer(index, entries)
            .into_iter()
            .map(|change| FileRow {
                entry: change.entry,
                change: change.change,
                layer: index,
            })
            .collect();
        for row in &rows {
            self.last_change.insert(row.entry.path.clone(), row.change);
        }
        rows
    }

    /// Every path of the merged filesystem, by path, with the change of the last layer that touched it.
    pub fn merged_rows(&self) -> Vec<FileRow> {
        self.filesystem
            .entries()
            .into_iter()
            .map(|merged| FileRow {
                change: self
                    .last_change
                    .get(&merged.entry.path)
                    .copied()
                    .unwrap_or(Change::Unchanged),
                entry: merged.entry.clone(),
                layer: merged.layer,
            })
            .collect()
    }

    /// Where the `layers` layers applied so far waste bytes (see [`Efficiency`]).
    pub fn efficiency(&self, layers: usize) -> Efficiency {
        Efficiency::of(&self.filesystem, layers)
    }

    /// The directories up to three levels deep that hold files, with the bytes below them, largest first
    /// (ties by path).
    pub fn largest_directories(&self) -> Vec<(String, u64)> {
        let mut directories: Vec<(String, u64)> = self
            .filesystem
            .entries()
            .into_iter()
            .filter(|merged| {
                merged.entry.kind == EntryKind::Directory
                    && merged.entry.path.matches('/').count() <= RANKED_DIRECTORY_DEPTH
            })
            .map(|merged| {
                let path = merged.entry.path.clone();
                let bytes = self.filesystem.directory_size(&path);
                (path, bytes)
            })
            .filter(|(_, bytes)| *bytes > 0)
            .collect();
        directories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        directories
    }
}

/// The row whose bytes the file at `path` has: its own for a regular file, its target's for a hard link;
/// `None` for anything without bytes (a directory, a symlink, a path not there).
pub fn row_with_bytes<'a>(rows: &'a [FileRow], path: &str) -> Option<&'a FileRow> {
    let row = rows.iter().find(|row| row.entry.path == path)?;
    match &row.entry.kind {
        EntryKind::File => Some(row),
        EntryKind::Hardlink { target } => rows
            .iter()
            .find(|row| &row.entry.path == target && row.entry.kind == EntryKind::File),
        _ => None,
    }
}

/// What the reader asked the list to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFilter<'a> {
    /// Text or a glob over paths (see [`path_glob::matches`]); empty shows every row.
    pub query: &'a str,
    /// The selected path: a directory shows itself and what is below it; a file leaves every row.
    pub selected: Option<&'a str>,
    /// Largest first (ties by path), instead of by path.
    pub by_size: bool,
    /// Only rows with one of these changes; empty leaves every row.
    pub changes: &'a [Change],
    /// Only rows the layer with this index (from 0) wrote.
    pub layer: Option<usize>,
    /// Only rows of at least this many bytes.
    pub min_size: Option<u64>,
}

/// The rows `filter` leaves, in the order it asks for.
pub fn visible_rows(rows: &[FileRow], filter: RowFilter<'_>) -> Vec<FileRow> {
    let directory = filter.selected.filter(|selected| {
        rows.iter()
            .any(|row| row.entry.path == *selected && row.entry.kind == EntryKind::Directory)
    });
    let prefix = directory.map(|directory| format!("{}/", directory.trim_end_matches('/')));
    let mut shown: Vec<FileRow> = rows
        .iter()
        .filter(|row| path_glob::matches(filter.query, &row.entry.path))
        .filter(|row| filter.changes.is_empty() || filter.changes.contains(&row.change))
        .filter(|row| filter.layer.is_none_or(|layer| row.layer == layer))
        .filter(|row| filter.min_size.is_none_or(|min| row.entry.size >= min))
        .filter(|row| match (directory, &prefix) {
            (Some(directory), Some(prefix)) => {
                row.entry.path == directory || row.entry.path.starts_with(prefix.as_str())
            }
            _ => true,
        })
        .cloned()
        .collect();
    if filter.by_size {
        shown.sort_by(|a, b| {
            b.entry
                .size
                .cmp(&a.entry.size)
                .then_with(|| a.entry.path.cmp(&b.entry.path))
        });
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Whiteout;
    use crate::test_entries::{dir, file};

    fn paths(rows: &[FileRow]) -> Vec<&str> {
        rows.iter().map(|row| row.entry.path.as_str()).collect()
    }

    fn two_layers() -> ImageFiles {
        let mut files = ImageFiles::new();
        files.apply_layer(
            0,
            &[
                dir("/etc"),
                file("/etc/os-release", 10),
                dir("/usr"),
                dir("/usr/bin"),
                file("/usr/bin/big", 5000),
            ],
        );
        let mut gone = file("/etc/os-release", 0);
        gone.whiteout = Whiteout::Removes;
        let second = files.apply_layer(1, &[gone, file("/etc/hosts", 20)]);
        assert_eq!(
            second
                .iter()
                .map(|row| (row.entry.path.as_str(), row.change, row.layer))
                .collect::<Vec<_>>(),
            [
                ("/etc/hosts", Change::Added, 1),
                ("/etc/os-release", Change::Deleted, 1),
            ]
        );
        files
    }

    #[test]
    fn merged_rows_carry_the_last_change() {
        let merged = two_layers().merged_rows();
        let shown: Vec<(&str, Change, usize)> = merged
            .iter()
            .map(|row| (row.entry.path.as_str(), row.change, row.layer))
            .collect();
        assert_eq!(
            shown,
            [
                ("/etc", Change::Added, 0),
                ("/etc/hosts", Change::Added, 1),
                ("/usr", Change::Added, 0),
                ("/usr/bin", Change::Added, 0),
                ("/usr/bin/big", Change::Added, 0),
            ]
        );
    }

    #[test]
    fn directories_rank_by_the_bytes_below_them() {
        assert_eq!(
            two_layers().largest_directories(),
            [
                ("/usr".to_owned(), 5000),
                ("/usr/bin".to_owned(), 5000),
                ("/etc".to_owned(), 20),
            ]
        );
    }

    #[test]
    fn filters_by_query_selection_change_layer_and_size() {
        let rows = two_layers().merged_rows();
        let cases: Vec<(RowFilter, &[&str])> = vec![
            (
                RowFilter::default(),
                &["/etc", "/etc/hosts", "/usr", "/usr/bin", "/usr/bin/big"],
            ),
            (
                RowFilter {
                    query: "hosts",
                    ..RowFilter::default()
                },
                &["/etc/hosts"],
            ),
            (
                RowFilter {
                    query: "/usr/**",
                    ..RowFilter::default()
                },
                &["/usr/bin", "/usr/bin/big"],
            ),
            (
                RowFilter {
                    selected: Some("/usr"),
                    ..RowFilter::default()
                },
                &["/usr", "/usr/bin", "/usr/bin/big"],
            ),
            // A selected file leaves the whole list, so the file is seen among its neighbours.
            (
                RowFilter {
                    selected: Some("/etc/hosts"),
                    ..RowFilter::default()
                },
                &["/etc", "/etc/hosts", "/usr", "/usr/bin", "/usr/bin/big"],
            ),
            (
                RowFilter {
                    by_size: true,
                    ..RowFilter::default()
                },
                &["/usr/bin/big", "/etc/hosts", "/etc", "/usr", "/usr/bin"],
            ),
            (
                RowFilter {
                    layer: Some(1),
                    ..RowFilter::default()
                },
                &["/etc/hosts"],
            ),
            (
                RowFilter {
                    min_size: Some(20),
                    ..RowFilter::default()
                },
                &["/etc/hosts", "/usr/bin/big"],
            ),
            (
                RowFilter {
                    min_size: Some(20),
                    layer: Some(0),
                    ..RowFilter::default()
                },
                &["/usr/bin/big"],
            ),
            (
                RowFilter {
                    changes: &[Change::Modified, Change::Deleted],
                    ..RowFilter::default()
                },
                &[],
            ),
        ];
        for (filter, expected) in cases {
            assert_eq!(paths(&visible_rows(&rows, filter)), expected, "{filter:?}");
        }
        let mut files = two_layers();
        let third = files.apply_layer(2, &[file("/etc/hosts", 30), file("/srv", 1)]);
        let only = |changes: &[Change]| {
            let filter = RowFilter {
                changes,
                ..RowFilter::default()
            };
            paths(&visible_rows(&third, filter)).join(" ")
        };
        assert_eq!(only(&[Change::Modified]), "/etc/hosts");
        assert_eq!(only(&[Change::Added]), "/srv");
        assert_eq!(only(&[]), "/etc/hosts /srv");
    }

    #[test]
    fn a_hard_link_reads_its_targets_bytes() {
        let mut files = ImageFiles::new();
        files.apply_layer(
            0,
            &[
                dir("/bin"),
                file("/bin/busybox", 900),
                crate::test_entries::hardlink("/bin/sh", "/bin/busybox"),
                crate::test_entries::hardlink("/bin/gone", "/bin/missing"),
                crate::test_entries::symlink("/bin/ls"),
            ],
        );
        let rows = files.merged_rows();
        let cases = [
            ("/bin/busybox", Some("/bin/busybox")),
            ("/bin/sh", Some("/bin/busybox")),
            ("/bin/gone", None),
            ("/bin/ls", None),
            ("/bin", None),
            ("/nowhere", None),
        ];
        for (path, expected) in cases {
            let found = row_with_bytes(&rows, path).map(|row| row.entry.path.as_str());
            assert_eq!(found, expected, "{path}");
        }
    }

    #[test]
    fn a_selected_file_among_many_rows_is_linear() {
        let rows: Vec<FileRow> = (0..100_000)
            .map(|n| FileRow {
                entry: file(&format!("/data/{n:06}"), n),
                change: Change::Added,
                layer: 0,
            })
            .collect();
        let shown = visible_rows(
            &rows,
            RowFilter {
                selected: Some("/data/050000"),
                ..RowFilter::default()
            },
        );
        assert_eq!(shown.len(), rows.len());
    }
}
