//! `cargo xtask bench`: measurements as ratios against baselines run in the same process, written to
//! `docs/benchmarks.md`.

/// Runs the benchmarks.
pub fn run() -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
