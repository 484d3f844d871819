//! The merged filesystem of an image, built bottom to top as the OCI image spec's layer changesets and
//! whiteouts describe: per layer, opaque directories first, then `.wh.` deletions, then additions; plus each
//! layer's own change list.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use strata_image::finding::{Finding, Severity};

use super::entry::{EntryKind, FileEntry, Whiteout};
use super::path;

/// How a layer changed a path, against the layers below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// Absent below.
    Added,
    /// Present below and replaced (or, for a directory, given new attributes).
    Modified,
    /// Removed: by a whiteout, under an opaque directory, or under a directory replaced by a file.
    Deleted,
    /// A directory listed again with the same attributes.
    Unchanged,
}

impl Change {
    /// Every change, in the order lists and filters show them.
    pub const ALL: [Change; 4] = [
        Change::Added,
        Change::Modified,
        Change::Deleted,
        Change::Unchanged,
    ];

    /// The change a `data-change` value names.
    pub fn parse(name: &str) -> Option<Change> {
        Change::ALL
            .into_iter()
            .find(|change| change.as_str() == name)
    }

    /// The value of the `data-change` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Modified => "modified",
            Change::Deleted => "deleted",
            Change::Unchanged => "unchanged",
        }
    }
}

/// One path of a layer's own view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerChange {
    /// The entry: the layer's own, or for a deletion what was removed (the whiteout itself when nothing
    /// was there). Deletions by a `.wh.` entry carry `Whiteout::Removes`.
    pub entry: FileEntry,
    /// What happened to the path.
    pub change: Change,
}

/// One path of the merged filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedEntry {
    /// The entry as the topmost layer that touched it left it.
    pub entry: FileEntry,
    /// Index of the layer that last added or modified it.
    pub layer: usize,
}

/// A version of a regular file that a layer wrote and the final filesystem does not contain: a later layer
/// (or a later entry of the same layer) overwrote it, or a whiteout, an opaque directory or a directory
/// replaced by a file removed it. Its bytes are shipped and never seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenVersion {
    /// The file's path.
    pub path: String,
    /// Its size, as its tar header states.
    pub size: u64,
    /// The layer that wrote it.
    pub written_by: usize,
    /// The layer that hid it.
    pub hidden_by: usize,
}

/// The merged view of the layers applied so far, bottom to top.
#[derive(Debug, Clone, Default)]
pub struct Filesystem {
    nodes: BTreeMap<String, MergedEntry>,
    findings: Vec<Finding>,
    /// Every regular-file version hidden so far, each once.
    hidden: Vec<HiddenVersion>,
    /// The sizes of every regular file every layer wrote, hidden or not.
    written_bytes: u64,
}

impl Filesystem {
    /// An empty filesystem.
    pub fn new() -> Filesystem {
        Filesystem::default()
    }

    /// Applies the next layer up and returns its own view against the layers below, sorted by path.
    /// Whiteouts hide lower paths only (opaque markers whatever their position in the tar), so the same
    /// layer can re-create what it hides; duplicate paths in one layer: the last wins. A deleted directory
    /// is reported once: what was below it is implied.
    pub fn apply_layer(&mut self, layer: usize, entries: &[FileEntry]) -> Vec<LayerChange> {
        let mut opaque: BTreeSet<&str> = BTreeSet::new();
        let mut removes: BTreeMap<&str, &FileEntry> = BTreeMap::new();
        let mut additions: BTreeMap<&str, &FileEntry> = BTreeMap::new();
        for entry in entries {
            match entry.whiteout {
                Whiteout::Opaque => {
                    opaque.insert(&entry.path);
                }
                Whiteout::Removes => {
                    removes.insert(&entry.path, entry);
                }
                Whiteout::None if entry.path != "/" => {
                    if entry.kind == EntryKind::File {
                        self.written_bytes = self.written_bytes.saturating_add(entry.size);
                    }
                    if let Some(earlier) = additions.insert(&entry.path, entry) {
                        self.hidden.extend(hidden_file(earlier, layer, layer));
                    }
                }
                Whiteout::None => {}
            }
        }

        // Lower entries removed while applying this layer, by path; `implicit` are those removed as part
        // of something else (below an opaque directory or a replaced directory).
        let mut removed: HashMap<String, MergedEntry> = HashMap::new();
        let mut implicit: BTreeSet<String> = BTreeSet::new();
        for dir in &opaque {
            for (path, node) in self.remove_below(dir) {
                implicit.insert(path.clone());
                removed.entry(path).or_insert(node);
            }
        }
        for path in removes.keys() {
            if let Some(node) = self.nodes.remove(*path) {
                removed.entry((*path).to_owned()).or_insert(node);
            }
            for (below, node) in self.remove_below(path) {
                implicit.insert(below.clone());
                removed.entry(below).or_insert(node);
            }
        }

        let mut changes = Vec::new();
        for (path, entry) in &additions {
            let present = self.nodes.get(*path).cloned();
            if let Some(overwritten) = &present {
                self.hidden
                    .extend(hidden_file(&overwritten.entry, overwritten.layer, layer));
            }
            let lower = present.clone().or_else(|| removed.get(*path).cloned());
            let change = match lower {
                None => Change::Added,
                Some(lower) => {
                    let both_directories = lower.entry.kind == EntryKind::Directory
                        && entry.kind == EntryKind::Directory;
                    if both_directories && present.is_some() && same_attributes(&lower.entry, entry)
                    {
                        changes.push(LayerChange {
                            entry: (*entry).clone(),
                            change: Change::Unchanged,
                        });
                        continue;
                    }
                    if lower.entry.kind == EntryKind::Directory
                        && entry.kind != EntryKind::Directory
                    {
                        for (below, node) in self.remove_below(path) {
                            implicit.insert(below.clone());
                            removed.entry(below).or_insert(node);
                        }
                    }
                    Change::Modified
                }
            };
            self.nodes.insert(
                (*path).to_owned(),
                MergedEntry {
                    entry: (*entry).clone(),
                    layer,
                },
            );
            changes.push(LayerChange {
                entry: (*entry).clone(),
                change,
            });
        }

        for (path, whiteout) in &removes {
            if self.nodes.contains_key(*path) {
                continue;
            }
            let mut entry = match removed.get(*path) {
                Some(node) => node.entry.clone(),
                None => (*whiteout).clone(),
            };
            entry.whiteout = Whiteout::Removes;
            changes.push(LayerChange {
                entry,
                change: Change::Deleted,
            });
        }
        for path in &implicit {
            let parent = path::parent(path);
            let shown = !self.nodes.contains_key(path)
                && !removes.contains_key(path.as_str())
                && (parent == "/" || self.nodes.contains_key(parent));
            if let (true, Some(node)) = (shown, removed.get(path)) {
                changes.push(LayerChange {
                    entry: node.entry.clone(),
                    change: Change::Deleted,
                });
            }
        }

        for node in removed.values() {
            self.hidden
                .extend(hidden_file(&node.entry, node.layer, layer));
        }
        for entry in additions.values() {
            if let EntryKind::Hardlink { target } = &entry.kind
                && !self.nodes.contains_key(target)
            {
                self.findings.push(Finding::new(
                    Severity::Warning,
                    format!(
                        "Layer {layer}: the hardlink {} points at {target}, which is not in the filesystem.",
                        entry.path
                    ),
                ));
            }
        }
        changes.sort_by(|a, b| a.entry.path.cmp(&b.entry.path));
        changes
    }

    /// Every path of the merged filesystem, sorted by path; deleted paths are absent.
    pub fn entries(&self) -> Vec<&MergedEntry> {
        self.nodes.values().collect()
    }

    /// The merged entry at `path` (cleaned first, so `etc/` finds `/etc`).
    pub fn get(&self, path: &str) -> Option<&MergedEntry> {
        self.nodes.get(&path::clean(path)?)
    }

    /// What the entry at `path` is once hardlinks are followed through the whole filesystem: the target of
    /// a hardlink, the entry itself otherwise. `None` when a target is missing or the links loop.
    pub fn resolve_hardlink(&self, path: &str) -> Option<&MergedEntry> {
        let mut current = self.get(path)?;
        for _ in 0..32 {
            match &current.entry.kind {
                EntryKind::Hardlink { target } => current = self.nodes.get(target)?,
                _ => return Some(current),
            }
        }
        None
    }

    /// The sum of the sizes of the regular files below `dir` (hardlinks count once, at their target).
    pub fn directory_size(&self, dir: &str) -> u64 {
        let Some(dir) = path::clean(dir) else {
            return 0;
        };
        self.below(&dir)
            .filter(|(_, node)| node.entry.kind == EntryKind::File)
            .fold(0u64, |total, (_, node)| {
                total.saturating_add(node.entry.size)
            })
    }

    /// Every regular-file version the layers applied so far wrote and then hid, each once.
    pub fn hidden(&self) -> &[HiddenVersion] {
        &self.hidden
    }

    /// The sum of the sizes of every regular file the layers applied so far wrote, hidden or not.
    pub fn written_bytes(&self) -> u64 {
        self.written_bytes
    }

    /// What applying layers noticed: hardlinks whose target is missing.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    fn below<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a String, &'a MergedEntry)> + 'a {
        let prefix = path::subtree_prefix(dir);
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(path, _)| path.starts_with(&prefix))
    }

    /// Removes everything strictly below `dir`, returning it.
    fn remove_below(&mut self, dir: &str) -> Vec<(String, MergedEntry)> {
        let paths: Vec<String> = self.below(dir).map(|(path, _)| path.clone()).collect();
        paths
            .into_iter()
            .filter_map(|path| self.nodes.remove(&path).map(|node| (path, node)))
            .collect()
    }
}

/// The hidden version `entry` leaves, when it is a regular file (directories and links hold no bytes).
fn hidden_file(entry: &FileEntry, written_by: usize, hidden_by: usize) -> Option<HiddenVersion> {
    (entry.kind == EntryKind::File).then(|| HiddenVersion {
        path: entry.path.clone(),
        size: entry.size,
        written_by,
        hidden_by,
    })
}

fn same_attributes(a: &FileEntry, b: &FileEntry) -> bool {
    a.mode == b.mode && a.uid == b.uid && a.gid == b.gid && a.mtime == b.mtime
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, kind: EntryKind, whiteout: Whiteout) -> FileEntry {
        FileEntry {
            path: path.to_owned(),
            kind,
            size: 0,
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: 0,
            whiteout,
            content_digest: None,
            data_offset: None,
        }
    }

    fn file(path: &str, size: u64) -> FileEntry {
        FileEntry {
            size,
            ..entry(path, EntryKind::File, Whiteout::None)
        }
    }

    fn dir(path: &str) -> FileEntry {
        entry(path, EntryKind::Directory, Whiteout::None)
    }

    fn wh(path: &str) -> FileEntry {
        entry(path, EntryKind::File, Whiteout::Removes)
    }

    fn opq(path: &str) -> FileEntry {
        entry(path, EntryKind::File, Whiteout::Opaque)
    }

    fn summary(changes: &[LayerChange]) -> Vec<String> {
        changes
            .iter()
            .map(|change| format!("{} {}", change.change.as_str(), change.entry.path))
            .collect()
    }

    fn merged(fs: &Filesystem) -> Vec<String> {
        fs.entries()
            .iter()
            .map(|node| format!("{}@{}", node.entry.path, node.layer))
            .collect()
    }

    #[test]
    fn layers_table() {
        let base = vec![
            dir("/a"),
            file("/a/x", 1),
            dir("/a/d"),
            file("/a/d/y", 2),
            file("/f", 3),
        ];
        #[allow(clippy::type_complexity)]
        let cases: Vec<(&str, Vec<FileEntry>, Vec<&str>, Vec<&str>)> = vec![
            (
                "whiteout of a lower file",
                vec![wh("/f")],
                vec!["deleted /f"],
                vec!["/a@0", "/a/d@0", "/a/d/y@0", "/a/x@0"],
            ),
            (
                "whiteout of a lower directory",
                vec![wh("/a/d")],
                vec!["deleted /a/d"],
                vec!["/a@0", "/a/x@0", "/f@0"],
            ),
            (
                "whiteout of something absent",
                vec![wh("/nothing")],
                vec!["deleted /nothing"],
                vec!["/a@0", "/a/d@0", "/a/d/y@0", "/a/x@0", "/f@0"],
            ),
            (
                "opaque after a re-creation in the tar",
                vec![dir("/a"), file("/a/new", 4), opq("/a"), file("/a/x", 9)],
                vec![
                    "unchanged /a",
                    "deleted /a/d",
                    "added /a/new",
                    "modified /a/x",
                ],
                vec!["/a@0", "/a/new@1", "/a/x@1", "/f@0"],
            ),
            (
                "opaque keeps a re-created subdirectory but hides its lower children",
                vec![opq("/a"), dir("/a/d")],
                vec!["modified /a/d", "deleted /a/d/y", "deleted /a/x"],
                vec!["/a@0", "/a/d@1", "/f@0"],
            ),
            (
                "a file replacing a directory",
                vec![file("/a/d", 5)],
                vec!["modified /a/d", "deleted /a/d/y"],
                vec!["/a@0", "/a/d@1", "/a/x@0", "/f@0"],
            ),
            (
                "a directory replacing a file",
                vec![dir("/f"), file("/f/inner", 1)],
                vec!["modified /f", "added /f/inner"],
                vec!["/a@0", "/a/d@0", "/a/d/y@0", "/a/x@0", "/f@1", "/f/inner@1"],
            ),
            (
                "a directory with new attributes",
                vec![FileEntry {
                    mode: 0o700,
                    ..dir("/a")
                }],
                vec!["modified /a"],
                vec!["/a@1", "/a/d@0", "/a/d/y@0", "/a/x@0", "/f@0"],
            ),
            (
                "duplicates: the last wins",
                vec![file("/n", 1), file("/n", 2)],
                vec!["added /n"],
                vec!["/a@0", "/a/d@0", "/a/d/y@0", "/a/x@0", "/f@0", "/n@1"],
            ),
            (
                "whiteout and re-creation in one layer",
                vec![wh("/f"), file("/f", 8)],
                vec!["modified /f"],
                vec!["/a@0", "/a/d@0", "/a/d/y@0", "/a/x@0", "/f@1"],
            ),
            (
                "opaque root",
                vec![opq("/"), file("/only", 1)],
                vec!["deleted /a", "deleted /f", "added /only"],
                vec!["/only@1"],
            ),
        ];
        for (name, layer, expected_changes, expected_merged) in cases {
            let mut fs = Filesystem::new();
            let first = fs.apply_layer(0, &base);
            assert!(
                first.iter().all(|change| change.change == Change::Added),
                "{name}"
            );
            let changes = fs.apply_layer(1, &layer);
            assert_eq!(summary(&changes), expected_changes, "{name}");
            assert_eq!(merged(&fs), expected_merged, "{name}");
        }
    }

    #[test]
    fn hardlinks_sizes_and_lookups() {
        let mut fs = Filesystem::new();
        fs.apply_layer(
            0,
            &[
                dir("/bin"),
                file("/bin/busybox", 100),
                file("/bin/sh.txt", 5),
            ],
        );
        let link = entry(
            "/bin/ls",
            EntryKind::Hardlink {
                target: "/bin/busybox".into(),
            },
            Whiteout::None,
        );
        let dangling = entry(
            "/bin/gone",
            EntryKind::Hardlink {
                target: "/nowhere".into(),
            },
            Whiteout::None,
        );
        fs.apply_layer(1, &[link, dangling]);
        assert_eq!(
            fs.resolve_hardlink("/bin/ls")
                .map(|node| node.entry.path.as_str()),
            Some("/bin/busybox")
        );
        assert_eq!(fs.resolve_hardlink("/bin/gone"), None);
        assert_eq!(
            fs.resolve_hardlink("bin/busybox").map(|node| node.layer),
            Some(0)
        );
        assert_eq!(fs.findings().len(), 1);
        assert_eq!(fs.directory_size("/bin"), 105);
        assert_eq!(fs.directory_size("/"), 105);
        assert_eq!(fs.directory_size("/bi"), 0);
        assert_eq!(fs.get("/bin/ls").map(|node| node.layer), Some(1));
        assert!(fs.get("/../x").is_none());
    }
}
