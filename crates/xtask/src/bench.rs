//! `cargo xtask bench`: measurements as ratios against baselines run in the same process, written to
//! `docs/benchmarks.md` by the `strata-bench` binary of the end-to-end crate.

use crate::{system_tools, workspace};

/// Builds everything, then runs the benchmarks.
pub fn run() -> anyhow::Result<()> {
    system_tools::ensure_debian_tools()?;
    let built = workspace::build_all()?;
    workspace::cargo_with_env(
        &["run", "--package", "strata-e2e", "--bin", "strata-bench"],
        &[
            ("STRATA_PROXY_BIN", &built.proxy),
            ("STRATA_DIST", &built.dist),
        ],
    )
}
