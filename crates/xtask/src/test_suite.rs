//! `cargo xtask test`: every check CI runs, in the order that fails fastest, closing with one line that
//! totals every test binary's results.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

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
    run_tests(&built)
}

/// Runs `cargo test`, echoing its output and adding up the `test result:` lines.
fn run_tests(built: &workspace::Built) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args = ["test", "--workspace", "--exclude", "strata-web"];
    eprintln!("$ cargo {}", args.join(" "));
    let mut child = Command::new(cargo)
        .current_dir(workspace::root())
        .args(args)
        .env("STRATA_PROXY_BIN", &built.proxy)
        .env("STRATA_DIST", &built.dist)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo test")?;
    let stdout = child.stdout.take().context("cargo test's output")?;
    let mut totals = Totals::default();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        totals.add(&line);
    }
    let status = child.wait()?;
    println!("{} passed, {} failed", totals.passed, totals.failed);
    if !status.success() || totals.failed > 0 {
        bail!("tests failed ({status})");
    }
    if totals.passed == 0 {
        bail!("no test ran");
    }
    Ok(())
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    passed: u64,
    failed: u64,
}

impl Totals {
    /// Adds a line like `test result: ok. 7 passed; 0 failed; 0 ignored; …`.
    fn add(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(count)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_up_test_result_lines() {
        let mut totals = Totals::default();
        for line in [
            "test result: ok. 31 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            "running 7 tests",
            "test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out",
            "test passed ... ok",
        ] {
            totals.add(line);
        }
        assert_eq!(
            totals,
            Totals {
                passed: 36,
                failed: 2
            }
        );
    }
}
