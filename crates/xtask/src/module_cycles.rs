//! Import cycles between the modules of one crate, read from the `use crate::…` and `use super::…` lines:
//! a cycle means two modules can only be understood (and changed) together. The check runs as a test in
//! `cargo xtask test`, over every crate of the workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module by its path inside its crate, `a::b` for `src/a/b.rs` or `src/a/b/mod.rs`.
type Module = String;

/// The modules each module imports, for the crate whose sources are under `src`.
pub fn imports(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    collect_rust_files(src, &mut files);
    let modules: BTreeMap<Module, PathBuf> = files
        .into_iter()
        .filter_map(|file| module_of(src, &file).map(|module| (module, file)))
        .collect();
    let known: BTreeSet<&Module> = modules.keys().collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let mut used = BTreeSet::new();
        for target in used_paths(&text, module) {
            // `crate::a::b::Item` names module `a::b` when it exists, else `a`.
            let mut parts: Vec<&str> = target.split("::").collect();
            while !parts.is_empty() {
                let candidate = parts.join("::");
                if known.contains(&candidate) {
                    if candidate != *module && !module.starts_with(&format!("{candidate}::")) {
                        used.insert(candidate);
                    }
                    break;
                }
                parts.pop();
            }
        }
        graph.insert(module.clone(), used);
    }
    graph
}

/// The cycles of a graph, each as its modules in order, smallest first.
pub fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    let mut found = BTreeSet::new();
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        walk(graph, start, &mut path, &mut found);
    }
    let mut cycles: Vec<Vec<Module>> = found.into_iter().collect();
    cycles.sort_by_key(Vec::len);
    cycles
}

fn walk(
    graph: &BTreeMap<Module, BTreeSet<Module>>,
    start: &Module,
    path: &mut Vec<Module>,
    found: &mut BTreeSet<Vec<Module>>,
) {
    let Some(last) = path.last().cloned() else {
        return;
    };
    for next in graph.get(&last).into_iter().flatten() {
        if next == start {
            found.insert(path.clone());
        } else if !path.contains(next) && next > start && path.len() < 8 {
            // Only modules after `start`: each cycle is found once, from its smallest module.
            path.push(next.clone());
            walk(graph, start, path, found);
            path.pop();
        }
    }
}

/// The crate-relative paths a file's `use` lines name (`crate::a::b`, `super::c` resolved against `module`).
fn used_paths(text: &str, module: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut statement = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        if statement.is_empty() && !(line.starts_with("use ") || line.starts_with("pub use ")) {
            continue;
        }
        statement.push_str(line);
        if !line.ends_with(';') {
            continue;
        }
        let body = statement
            .trim_start_matches("pub ")
            .trim_start_matches("use ")
            .trim_end_matches(';')
            .to_owned();
        statement.clear();
        for path in expand(&body) {
            if let Some(rest) = path.strip_prefix("crate::") {
                paths.push(rest.to_owned());
            } else if path.starts_with("super::") {
                let mut base: Vec<&str> = module.split("::").collect();
                let mut rest = path.as_str();
                while let Some(after) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = after;
                }
                base.push(rest);
                paths.push(base.join("::"));
            }
        }
    }
    paths
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e` (items and `self` included; callers look up modules).
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.replace(' ', "");
    let Some(open) = tree.find('{') else {
        return vec![tree.trim_end_matches("::self").to_owned()];
    };
    let prefix = &tree[..open];
    let inner = tree[open + 1..]
        .strip_suffix('}')
        .unwrap_or(&tree[open + 1..]);
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .filter(|part| !part.is_empty())
        .flat_map(|part| expand(&format!("{prefix}{part}")))
        .map(|path| {
            path.strip_suffix("::self")
                .map(str::to_owned)
                .unwrap_or(path)
        })
        .collect()
}

fn module_of(src: &Path, file: &Path) -> Option<Module> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    if parts.first().is_some_and(|first| first == "bin") {
        return None;
    }
    Some(parts.join("::"))
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rust_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_use_trees() {
        assert_eq!(
            expand("crate::a::{self, b::{C, d}, E}"),
            [
                "crate::a",
                "crate::a::b::C",
                "crate::a::b::d",
                "crate::a::E"
            ]
        );
        let text = "use crate::x::Y;\npub use super::z::{self, W};\nuse std::fmt;\n#[cfg(test)]\nuse crate::t;";
        assert_eq!(used_paths(text, "p::q"), ["x::Y", "p::z", "p::z::W"]);
    }

    #[test]
    fn finds_cycles_once() {
        let graph: BTreeMap<Module, BTreeSet<Module>> = [
            ("a", &["b"][..]),
            ("b", &["c"][..]),
            ("c", &["a"][..]),
            ("d", &["a"][..]),
        ]
        .into_iter()
        .map(|(module, uses)| {
            (
                module.to_owned(),
                uses.iter().map(|used| (*used).to_owned()).collect(),
            )
        })
        .collect();
        assert_eq!(cycles(&graph), [["a", "b", "c"]]);
    }

    #[test]
    fn no_crate_has_an_import_cycle() {
        let root = crate::workspace::root();
        let mut found = Vec::new();
        for src in [
            "crates/image/src",
            "crates/registry-api/src",
            "crates/layers/src",
            "crates/compare/src",
            "crates/explain/src",
            "crates/proxy/src",
            "crates/xtask/src",
            "web/src",
            "tests/src",
        ] {
            for cycle in cycles(&imports(&root.join(src))) {
                found.push(format!("{src}: {}", cycle.join(" → ")));
            }
        }
        assert!(
            found.is_empty(),
            "modules that import each other (move what they share into a module of its own):\n{}",
            found.join("\n")
        );
    }
}
