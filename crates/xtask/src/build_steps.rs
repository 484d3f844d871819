//! The build every serving and testing command starts with: the demo layout, the front end, then the proxy
//! that embeds them; and running that proxy.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::workspace::{cargo, dist_dir, root};
use crate::{front_end, system_tools};

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

/// The front end and the debug proxy (which embeds the demo layout its build script writes).
pub fn build_all() -> anyhow::Result<Built> {
    build_all_as(ProxyProfile::Debug)
}

/// [`build_all`] with the proxy built in `profile`.
pub fn build_all_as(profile: ProxyProfile) -> anyhow::Result<Built> {
    system_tools::ensure_wasm_target()?;
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
