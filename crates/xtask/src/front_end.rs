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
        "--release",
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
    let wasm = root().join("target/wasm32-unknown-unknown/release/strata_web.wasm");
    Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .typescript(false)
        .omit_default_module_path(false)
        .out_name("app")
        .generate(dist)
        .with_context(|| format!("wasm-bindgen could not process {}", wasm.display()))?;
    for entry in std::fs::read_dir(root().join("www"))? {
        let entry = entry?;
        std::fs::copy(entry.path(), dist.join(entry.file_name()))
            .with_context(|| format!("cannot copy {}", entry.path().display()))?;
    }
    let wasm_size = std::fs::metadata(dist.join("app_bg.wasm"))?.len();
    eprintln!(
        "front end built into {} (app_bg.wasm: {wasm_size} bytes)",
        dist.display()
    );
    Ok(())
}
