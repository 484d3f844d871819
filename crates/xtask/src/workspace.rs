//! Where things are in the workspace, and the build steps every command shares.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::{demo_registry, front_end, system_tools};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// Where the demo registry's layout is written (the proxy embeds it from here).
pub fn demo_layout_dir() -> PathBuf {
    root().join("target/demo-registry")
}

/// The built front end, served by the proxy.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// What a build produced.
pub struct Built {
    /// The proxy binary.
    pub proxy: PathBuf,
    /// The front end.
    pub dist: PathBuf,
}

/// How the proxy is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyProfile {
    /// Quick to build, for tests and day-to-day serving.
    Debug,
    /// Fully optimized (`cargo xtask serve --release`).
    Release,
}

/// Demo layout, front end and the debug proxy, in that order (the proxy embeds the layout).
pub fn build_all() -> anyhow::Result<Built> {
    build_all_as(ProxyProfile::Debug)
}

/// [`build_all`] with the proxy built in `profile`.
pub fn build_all_as(profile: ProxyProfile) -> anyhow::Result<Built> {
    system_tools::ensure_wasm_target()?;
    demo_registry::write_layout(&demo_layout_dir())?;
    front_end::build(&dist_dir())?;
    let (args, dir): (&[&str], &str) = match profile {
        ProxyProfile::Debug => (&["build", "--package", "strata-proxy"], "debug"),
        ProxyProfile::Release => (
            &["build", "--release", "--package", "strata-proxy"],
            "release",
        ),
    };
    cargo(args)?;
    Ok(Built {
        proxy: root().join("target").join(dir).join("strata-proxy"),
        dist: dist_dir(),
    })
}

/// Runs the proxy in the foreground with extra flags.
pub fn run_proxy(built: &Built, flags: &[String]) -> anyhow::Result<()> {
    let mut command = Command::new(&built.proxy);
    command.arg("--dist").arg(&built.dist).args(flags);
    let status = command
        .status()
        .with_context(|| format!("cannot start {}", built.proxy.display()))?;
    if !status.success() {
        bail!("the proxy exited with {status}");
    }
    Ok(())
}

/// Runs cargo in the workspace root, failing on a non-zero exit.
pub fn cargo(args: &[&str]) -> anyhow::Result<()> {
    cargo_with_env(args, &[])
}

/// Runs cargo with extra environment variables.
pub fn cargo_with_env(args: &[&str], env: &[(&str, &Path)]) -> anyhow::Result<()> {
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
