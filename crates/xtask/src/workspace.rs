//! Where things are in the workspace, and running cargo there.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// The crates that hold Strata's logic with no I/O, built for native and wasm32 (ARCHITECTURE.md).
pub const PURE_CRATES: [&str; 7] = [
    "strata-image",
    "strata-registry-api",
    "strata-layers",
    "strata-compare",
    "strata-explain",
    "strata-archive",
    "strata-supply-chain",
];

/// Where the demo registry's layout is written (the proxy embeds it from here).
pub fn demo_layout_dir() -> PathBuf {
    root().join("target/demo-registry")
}

/// The built front end, served by the proxy.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// Runs cargo in the workspace root, failing on a non-zero exit.
pub fn cargo(args: &[&str]) -> anyhow::Result<()> {
    cargo_with_env(args, &[])
}

/// Runs cargo with extra environment variables.
pub fn cargo_with_env(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("$ cargo {}", args.join(" "));
    let mut command = Command::new(cargo);
    command.current_dir(root()).args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let status = command.status().context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo {}` failed with {status}", args.join(" "));
    }
    Ok(())
}
