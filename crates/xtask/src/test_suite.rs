//! `cargo xtask test`: every check CI runs, in the order that fails fastest.

use crate::{system_tools, workspace};

/// Runs formatting, lints, unit tests, the wasm32 build of core, and the end-to-end tests.
pub fn run() -> anyhow::Result<()> {
    system_tools::ensure_wasm_target()?;
    system_tools::ensure_debian_tools()?;
    workspace::cargo(&["fmt", "--all", "--check"])?;
    let built = workspace::build_all()?;
    workspace::cargo(&[
        "clippy",
        "--workspace",
        "--exclude",
        "strata-web",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    workspace::cargo(&[
        "clippy",
        "--package",
        "strata-web",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ])?;
    workspace::cargo(&[
        "build",
        "--package",
        "strata-core",
        "--target",
        "wasm32-unknown-unknown",
    ])?;
    workspace::cargo_with_env(
        &["test", "--workspace", "--exclude", "strata-web"],
        &[
            ("STRATA_PROXY_BIN", &built.proxy),
            ("STRATA_DIST", &built.dist),
        ],
    )
}
