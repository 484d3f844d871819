//! `cargo xtask bench`: measurements as ratios against baselines run in the same process, written to
//! `docs/benchmarks.md` by the `strata-bench` binary of the end-to-end crate.

use crate::{build_steps, system_tools, workspace};

/// Builds everything, then runs the benchmarks against an optimized proxy (as deployed, not the debug
/// build the tests use), driven by an optimized bench binary; `wasm-opt` is there to measure what it would
/// save. `only` names one section to measure and print, leaving the report as it is.
pub fn run(only: Option<&str>) -> anyhow::Result<()> {
    system_tools::ensure_debian_tools()?;
    let wasm_opt = system_tools::ensure_wasm_opt()?;
    let built = build_steps::build_all()?;
    workspace::cargo(&[
        "build",
        "--profile",
        "proxy-bench",
        "--package",
        "strata-proxy",
    ])?;
    let proxy = workspace::root().join("target/proxy-bench/strata-proxy");
    workspace::cargo_with_env(
        &[
            "run",
            "--profile",
            "proxy-bench",
            "--package",
            "strata-e2e",
            "--bin",
            "strata-bench",
        ],
        &[
            ("STRATA_PROXY_BIN", proxy.as_os_str()),
            ("STRATA_DIST", built.dist.as_os_str()),
            ("STRATA_WASM_OPT", wasm_opt.as_os_str()),
            ("STRATA_BENCH_ONLY", only.unwrap_or("").as_ref()),
        ],
    )
}
