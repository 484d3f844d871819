//! Where an image's bytes are wasted, dive's headline done right: the regular-file versions its layers ship
//! that the final filesystem does not contain, each counted once, grouped by path, largest first; and per
//! layer, the bytes it adds that survive.

use std::collections::BTreeMap;

use crate::entry::EntryKind;
use crate::filesystem::{Filesystem, HiddenVersion};

/// One path whose hidden versions hold bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WastedPath {
    /// The path.
    pub path: String,
    /// The sum of the sizes of its hidden versions.
    pub wasted_bytes: u64,
    /// Its hidden versions, bottom layer first: who wrote each and who hid it.
    pub versions: Vec<HiddenVersion>,
}

/// An image's efficiency, from its layers applied bottom to top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Efficiency {
    /// The sizes of every regular file every layer wrote.
    pub total_bytes: u64,
    /// The sizes of the versions the final filesystem does not contain.
    pub wasted_bytes: u64,
    /// The paths that waste bytes, largest first (ties by path); paths whose hidden versions hold 0 bytes
    /// are left out.
    pub paths: Vec<WastedPath>,
    /// Per layer (from 0 at the bottom): the bytes of the regular files it wrote that the final filesystem
    /// still contains.
    pub surviving_by_layer: Vec<u64>,
}

impl Efficiency {
    /// The efficiency of `layers` layers applied to `filesystem`.
    pub fn of(filesystem: &Filesystem, layers: usize) -> Efficiency {
        let mut by_path: BTreeMap<&str, Vec<HiddenVersion>> = BTreeMap::new();
        for version in filesystem.hidden() {
            by_path
                .entry(&version.path)
                .or_default()
                .push(version.clone());
        }
        let mut paths: Vec<WastedPath> = by_path
            .into_iter()
            .map(|(path, mut versions)| {
                versions.sort_by_key(|version| (version.written_by, version.hidden_by));
                WastedPath {
                    path: path.to_owned(),
                    wasted_bytes: versions
                        .iter()
                        .fold(0u64, |sum, version| sum.saturating_add(version.size)),
                    versions,
                }
            })
            .filter(|wasted| wasted.wasted_bytes > 0)
            .collect();
        paths.sort_by(|a, b| {
            b.wasted_bytes
                .cmp(&a.wasted_bytes)
                .then_with(|| a.path.cmp(&b.path))
        });
        let mut surviving_by_layer = vec![0u64; layers];
        for merged in filesystem.entries() {
            if merged.entry.kind == EntryKind::File
                && let Some(bytes) = surviving_by_layer.get_mut(merged.layer)
            {
                *bytes = bytes.saturating_add(merged.entry.size);
            }
        }
        Efficiency {
            total_bytes: filesystem.written_bytes(),
            wasted_bytes: paths
                .iter()
                .fold(0u64, |sum, wasted| sum.saturating_add(wasted.wasted_bytes)),
            paths,
            surviving_by_layer,
        }
    }

    /// `1 − wasted / total`: 1 for an image that wastes nothing (or holds no bytes at all).
    pub fn score(&self) -> f64 {
        if self.total_bytes == 0 {
            return 1.0;
        }
        1.0 - self.wasted_bytes as f64 / self.total_bytes as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::FileEntry;
    use crate::test_entries::{dir, file, hardlink, opaque, removes, symlink};

    /// A wasted path as a case expects it: path, bytes, and each version's (written by, hidden by).
    type Row<'a> = (&'a str, u64, Vec<(usize, usize)>);

    /// (name, layers, total, wasted, rows, surviving per layer)
    type Case = (
        &'static str,
        Vec<Vec<FileEntry>>,
        u64,
        u64,
        Vec<Row<'static>>,
        Vec<u64>,
    );

    #[test]
    fn wasted_bytes_are_every_hidden_version_once() {
        let cases: Vec<Case> = vec![
            (
                "overwritten",
                vec![vec![file("/a", 10)], vec![file("/a", 4)]],
                14,
                10,
                vec![("/a", 10, vec![(0, 1)])],
                vec![0, 4],
            ),
            (
                "deleted by a whiteout",
                vec![vec![file("/a", 10), file("/b", 1)], vec![removes("/a")]],
                11,
                10,
                vec![("/a", 10, vec![(0, 1)])],
                vec![1, 0],
            ),
            (
                "hidden by an opaque directory, then one file written again",
                vec![
                    vec![dir("/d"), file("/d/x", 3), file("/d/y", 5)],
                    vec![opaque("/d"), file("/d/z", 1), file("/d/x", 2)],
                ],
                11,
                8,
                vec![("/d/y", 5, vec![(0, 1)]), ("/d/x", 3, vec![(0, 1)])],
                vec![0, 3],
            ),
            (
                "written three times: one row, its two hidden versions",
                vec![
                    vec![file("/a", 1)],
                    vec![file("/a", 2)],
                    vec![file("/a", 3)],
                ],
                6,
                3,
                vec![("/a", 3, vec![(0, 1), (1, 2)])],
                vec![0, 0, 3],
            ),
            (
                "directories, symlinks and hardlinks hold no bytes",
                vec![
                    vec![
                        dir("/d"),
                        symlink("/l"),
                        file("/a", 2),
                        hardlink("/h", "/a"),
                    ],
                    vec![removes("/d"), removes("/l"), removes("/h")],
                ],
                2,
                0,
                vec![],
                vec![2, 0],
            ),
            (
                "an empty file hidden: no row",
                vec![vec![file("/e", 0)], vec![removes("/e")]],
                0,
                0,
                vec![],
                vec![0, 0],
            ),
            (
                "a file replaced by a directory",
                vec![vec![file("/a", 7)], vec![dir("/a")]],
                7,
                7,
                vec![("/a", 7, vec![(0, 1)])],
                vec![0, 0],
            ),
            (
                "a directory replaced by a file hides what was below it",
                vec![vec![dir("/d"), file("/d/f", 9)], vec![file("/d", 1)]],
                10,
                9,
                vec![("/d/f", 9, vec![(0, 1)])],
                vec![0, 1],
            ),
            (
                "a whiteout of a directory hides every file below",
                vec![
                    vec![dir("/d"), file("/d/f", 2), file("/d/g", 3)],
                    vec![removes("/d")],
                ],
                5,
                5,
                vec![("/d/g", 3, vec![(0, 1)]), ("/d/f", 2, vec![(0, 1)])],
                vec![0, 0],
            ),
            (
                "a path twice in one layer: the first is hidden by the second",
                vec![vec![file("/a", 5), file("/a", 6)]],
                11,
                5,
                vec![("/a", 5, vec![(0, 0)])],
                vec![6],
            ),
        ];
        for (name, layers, total, wasted, rows, surviving) in cases {
            let mut filesystem = Filesystem::new();
            for (index, entries) in layers.iter().enumerate() {
                filesystem.apply_layer(index, entries);
            }
            let efficiency = Efficiency::of(&filesystem, layers.len());
            assert_eq!(efficiency.total_bytes, total, "{name}: total");
            assert_eq!(efficiency.wasted_bytes, wasted, "{name}: wasted");
            let found: Vec<Row> = efficiency
                .paths
                .iter()
                .map(|wasted| {
                    let versions = wasted
                        .versions
                        .iter()
                        .map(|version| (version.written_by, version.hidden_by))
                        .collect();
                    (wasted.path.as_str(), wasted.wasted_bytes, versions)
                })
                .collect();
            assert_eq!(found, rows, "{name}: rows");
            assert_eq!(
                efficiency.surviving_by_layer, surviving,
                "{name}: surviving"
            );
        }
    }

    #[test]
    fn the_score_is_the_share_not_wasted() {
        let cases = [(0, 0, 1.0), (10, 0, 1.0), (10, 10, 0.0), (8, 2, 0.75)];
        for (total_bytes, wasted_bytes, score) in cases {
            let efficiency = Efficiency {
                total_bytes,
                wasted_bytes,
                paths: Vec::new(),
                surviving_by_layer: Vec::new(),
            };
            assert_eq!(efficiency.score(), score, "{total_bytes} {wasted_bytes}");
        }
    }
}
