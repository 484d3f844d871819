//! Builds the Yew app for wasm32, runs wasm-bindgen at exactly the version in Cargo.lock, and lays out
//! `dist/` with the static files of `www/` (see `static_assets`).

use std::path::Path;

use anyhow::Context as _;
use wasm_bindgen_cli_support::Bindgen;

use crate::static_assets;
use crate::workspace::{self, root};

/// Builds the front end into `dist`.
pub fn build(dist: &Path) -> anyhow::Result<()> {
    let bindgen_dir = root().join("target/front-end-bindgen");
    for dir in [dist, bindgen_dir.as_path()] {
        if dir.exists() {
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(dir)?;
    }
    // One module at a time: two of them are one package built with different features, into one file.
    for module in static_assets::MODULES {
        let mut args = vec![
            "build",
            "--profile",
            module.profile,
            "--target",
            "wasm32-unknown-unknown",
            "--package",
            module.package,
        ];
        args.extend(module.feature_flags);
        let target_dir = if module.rustflags.is_empty() {
            root().join("target")
        } else {
            root().join("target").join(module.out_name)
        };
        if module.rustflags.is_empty() {
            workspace::cargo(&args)?;
        } else {
            let target_flag = target_dir.to_string_lossy().into_owned();
            args.extend(["--target-dir", target_flag.as_str()]);
            workspace::cargo_with_env(&args, &[("RUSTFLAGS", module.rustflags.as_ref())])?;
        }
        let wasm = target_dir.join(format!(
            "wasm32-unknown-unknown/{}/{}.wasm",
            module.profile,
            module.package.replace('-', "_")
        ));
        Bindgen::new()
            .input_path(&wasm)
            .web(true)?
            .typescript(false)
            .omit_default_module_path(false)
            .remove_name_section(true)
            .out_name(module.out_name)
            .generate(&bindgen_dir)
            .with_context(|| format!("wasm-bindgen could not process {}", wasm.display()))?;
    }
    static_assets::lay_out(&bindgen_dir, &root().join("www"), dist)?;
    let wasm_size = std::fs::metadata(bindgen_dir.join("app_bg.wasm"))?.len();
    eprintln!(
        "front end built into {} (app_bg.wasm: {wasm_size} bytes)",
        dist.display()
    );
    Ok(())
}
