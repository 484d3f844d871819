//! `cargo xtask test`: every check CI runs, in the order that fails fastest, closing with one line that
//! totals every test binary's results.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use crate::{build_steps, fuzz, image, system_tools, workspace};

/// Seconds each fuzz target runs in the suite: every target, well within CI's time.
const FUZZ_SECONDS: u64 = 20;

/// Runs formatting, lints, the wasm32 build of the pure crates, Strata's image, the unit and end-to-end tests, then every
/// fuzz target.
pub fn run() -> anyhow::Result<()> {
    system_tools::ensure_wasm_target()?;
    system_tools::ensure_debian_tools()?;
    workspace::cargo(&["fmt", "--all", "--check"])?;
    let built = build_steps::build_all()?;
    workspace::cargo(&[
        "clippy",
        "--workspace",
        "--exclude",
        "strata-web",
        "--exclude",
        "strata-layer-worker",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    // The app with every page and the layer worker, then the first-load app (without the pages it hands over).
    for packages in [
        &[
            "--package",
            "strata-web",
            "--package",
            "strata-layer-worker",
        ][..],
        &["--package", "strata-web", "--no-default-features"][..],
    ] {
        let mut args = vec!["clippy"];
        args.extend(packages);
        args.extend(["--target", "wasm32-unknown-unknown", "--", "-D", "warnings"]);
        workspace::cargo(&args)?;
    }
    let mut pure_on_wasm = vec!["build", "--target", "wasm32-unknown-unknown"];
    for package in workspace::PURE_CRATES {
        pure_on_wasm.extend(["--package", package]);
    }
    workspace::cargo(&pure_on_wasm)?;
    // The layer worker inflates with flate2's zlib-rs backend (the rest of Strata with miniz_oxide): the
    // layer tests run on both.
    workspace::cargo(&[
        "test",
        "--package",
        "strata-layers",
        "--features",
        "flate2/zlib-rs",
    ])?;
    let image_layout = image::layout_dir();
    image::write(&image_layout)?;
    let axe_core = system_tools::ensure_axe_core()?;
    let mut totals = run_tests(&built, &image_layout, &axe_core)?;
    // Each fuzz target counts as a test; the closing line comes last, fuzz included, for CI to read.
    let targets = fuzz::targets()?;
    let fuzzed = fuzz::run(&targets, FUZZ_SECONDS);
    match &fuzzed {
        Ok(()) => totals.passed += targets.len() as u64,
        Err(error) => {
            eprintln!("{error:#}");
            totals.failed += 1;
        }
    }
    totals.print();
    if fuzzed.is_err() {
        bail!("fuzzing found a crash");
    }
    Ok(())
}

/// Runs `cargo test`, echoing its output and adding up the `test result:` lines.
fn run_tests(
    built: &build_steps::Built,
    image_layout: &Path,
    axe_core: &Path,
) -> anyhow::Result<Totals> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args = [
        "test",
        "--workspace",
        "--exclude",
        "strata-web",
        "--exclude",
        "strata-layer-worker",
        "--no-fail-fast",
    ];
    eprintln!("$ cargo {}", args.join(" "));
    let mut child = Command::new(cargo)
        .current_dir(workspace::root())
        .args(args)
        .env("STRATA_PROXY_BIN", &built.proxy)
        .env("STRATA_DIST", &built.dist)
        .env("STRATA_IMAGE_LAYOUT", image_layout)
        .env("STRATA_AXE_CORE", axe_core)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo test")?;
    let stdout = child.stdout.take().context("cargo test's output")?;
    let mut totals = Totals::default();
    let mut failures = Failures::default();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        totals.add(&line);
        failures.add(&line);
    }
    let status = child.wait()?;
    if !status.success() || totals.failed > 0 {
        failures.print();
        totals.print();
        bail!("tests failed ({status})");
    }
    if totals.passed == 0 {
        totals.print();
        bail!("no test ran");
    }
    Ok(totals)
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
                // An ignored test is one that did not show it works: it counts against the run.
                "failed" | "ignored" => self.failed += count,
                _ => {}
            }
        }
    }

    /// The closing line, `N passed, N failed`.
    fn print(&self) {
        println!("{} passed, {} failed", self.passed, self.failed);
    }
}

/// What each failed test printed (libtest's `---- name stdout ----` sections), said again at the end so that
/// the reason stays next to the closing line however long the log is.
#[derive(Debug, Default)]
struct Failures {
    sections: Vec<Vec<String>>,
    inside: bool,
}

impl Failures {
    /// Lines kept per failed test.
    const LINES_PER_FAILURE: usize = 30;

    fn add(&mut self, line: &str) {
        if line.starts_with("---- ") && line.ends_with(" ----") {
            self.sections.push(vec![line.to_owned()]);
            self.inside = true;
        } else if line == "failures:"
            || line.starts_with("test result: ")
            || line.starts_with("stack backtrace:")
        {
            self.inside = false;
        } else if self.inside
            && let Some(section) = self.sections.last_mut()
            && section.len() < Self::LINES_PER_FAILURE
        {
            section.push(line.to_owned());
        }
    }

    fn print(&self) {
        if self.sections.is_empty() {
            return;
        }
        println!("\nwhat the failed tests printed:");
        for line in self.sections.iter().flatten() {
            println!("{line}");
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
            "test result: FAILED. 5 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out",
            "test passed ... ok",
        ] {
            totals.add(line);
        }
        assert_eq!(
            totals,
            Totals {
                passed: 36,
                failed: 3
            }
        );
    }

    #[test]
    fn keeps_what_failed_tests_printed() {
        let mut failures = Failures::default();
        for line in [
            "test a ... FAILED",
            "failures:",
            "",
            "---- a stdout ----",
            "thread 'a' panicked at tests/a.rs:3:5:",
            "boom",
            "stack backtrace:",
            "   0: somewhere",
            "",
            "failures:",
            "    a",
            "test result: FAILED. 0 passed; 1 failed; 0 ignored",
            "---- not a header",
        ] {
            failures.add(line);
        }
        assert_eq!(
            failures.sections,
            [[
                "---- a stdout ----",
                "thread 'a' panicked at tests/a.rs:3:5:",
                "boom"
            ]]
        );
    }
}
