//! Builds the Yew app for wasm32 and lays out `dist/`: the static files of `www/`, then `app.js` and
//! `app_bg.wasm` from wasm-bindgen at exactly the version in Cargo.lock.

use std::path::Path;

use anyhow::Context as _;
use wasm_bindgen_cli_support::Bindgen;

use crate::workspace::{self, root};

/// Builds the front end into `dist`.
pub fn build(dist: &Path) -> anyhow::Result<()> {
    workspace::cargo(&[
        "build",
        "--profile",
        "wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        "strata-web",
    ])?;
    if dist.exists() {
        std::fs::remove_dir_all(dist)
            .with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    std::fs::create_dir_all(dist)?;
    let wasm = root().join("target/wasm32-unknown-unknown/wasm/strata_web.wasm");
    Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .typescript(false)
        .omit_default_module_path(false)
        .remove_name_section(true)
        .out_name("app")
        .generate(dist)
        .with_context(|| format!("wasm-bindgen could not process {}", wasm.display()))?;
    for entry in std::fs::read_dir(root().join("www"))? {
        let entry = entry?;
        std::fs::copy(entry.path(), dist.join(entry.file_name()))
            .with_context(|| format!("cannot copy {}", entry.path().display()))?;
    }
    for name in ["app_bg.wasm", "app.js"] {
        write_gzipped(&dist.join(name))?;
    }
    let wasm_size = std::fs::metadata(dist.join("app_bg.wasm"))?.len();
    eprintln!(
        "front end built into {} (app_bg.wasm: {wasm_size} bytes)",
        dist.display()
    );
    Ok(())
}

/// Writes `<file>.gz` beside the file, for the proxy to serve to browsers that accept gzip.
fn write_gzipped(file: &Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    let bytes = std::fs::read(file)?;
    let mut gzipped = file.as_os_str().to_owned();
    gzipped.push(".gz");
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder.write_all(&bytes)?;
    std::fs::write(&gzipped, encoder.finish()?)?;
    Ok(())
}
