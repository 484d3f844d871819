//! Embeds the demo registry's OCI layout (written into `OUT_DIR` by its generator, a build dependency) and,
//! when it has been built, the front end (`dist/`, built by `cargo xtask build`) into the proxy binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    embed_demo_layout();
    embed_front_end();
}

fn embed_demo_layout() {
    let layout = out_dir().join("demo-registry");
    strata_demo_registry::write_layout(&layout)
        .unwrap_or_else(|error| panic!("cannot write the demo registry's layout: {error}"));
    let mut code = String::new();
    let index = layout.join("index.json");
    writeln!(
        code,
        "pub static INDEX_JSON: &[u8] = include_bytes!({:?});",
        index.display().to_string()
    )
    .unwrap();
    let blobs = layout.join("blobs/sha256");
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&blobs)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", blobs.display()))
        .map(|entry| {
            let name = entry
                .expect("a readable directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            (format!("sha256:{name}"), blobs.join(&name))
        })
        .collect();
    code.push_str(&byte_table("BLOBS", &mut files));
    write_generated("demo_layout.rs", &code);
}

/// `pub static NAME: &[(&str, &[u8])]`: each file's bytes by its key, sorted by key for lookups.
fn byte_table(name: &str, files: &mut [(String, PathBuf)]) -> String {
    files.sort();
    let mut code = format!("pub static {name}: &[(&str, &[u8])] = &[\n");
    for (key, path) in files.iter() {
        writeln!(
            code,
            "    ({key:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    code
}

/// Writes generated code into `OUT_DIR`.
fn write_generated(file: &str, code: &str) {
    std::fs::write(out_dir().join(file), code).expect("OUT_DIR is writable");
}

fn out_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
}

/// Writes `front_end.rs`: every file under the front end's directory, by its path relative to it. A
/// missing directory embeds nothing, and the proxy then serves the front end from `--dist`.
fn embed_front_end() {
    println!("cargo::rerun-if-env-changed=STRATA_FRONT_END");
    let dist = std::env::var_os("STRATA_FRONT_END")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    // A path that does not exist yet reruns this script on every build, so the front end is embedded
    // as soon as it is built.
    println!("cargo::rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    if let Ok(dist) = dist.canonicalize() {
        list_files(&dist, "", &mut files);
    }
    write_generated("front_end.rs", &byte_table("FILES", &mut files));
}

/// Adds the files under `dir` as (`prefix` + relative path with `/` separators, absolute path); names
/// that are not UTF-8 cannot be asked for by URL and are left out.
fn list_files(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, &format!("{prefix}{name}/"), files);
        } else if path.is_file() {
            files.push((format!("{prefix}{name}"), path));
        }
    }
}
