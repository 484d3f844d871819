//! The proxy as one static binary (musl) embedding the front end and the demo layout, built so that
//! another clone of the same commit, anywhere on disk, gets the same bytes.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use crate::system_tools::MUSL_TARGET;
use crate::workspace;

/// Builds `strata-proxy` for [`MUSL_TARGET`] with the release profile; returns the binary's path.
pub fn build(front_end: &Path) -> anyhow::Result<PathBuf> {
    let root = workspace::root();
    let cargo_home = cargo_home()?;
    // Paths that would otherwise end up in panic messages and in ring's C objects.
    let prefix_maps = [
        (root.as_path(), "/strata"),
        (cargo_home.as_path(), "/cargo"),
    ];
    let mut rustflags: Vec<String> = prefix_maps
        .iter()
        .map(|(from, to)| format!("--remap-path-prefix={}={to}", from.display()))
        .collect();
    rustflags.push("-Cstrip=symbols".to_owned());
    let cflags: Vec<String> = prefix_maps
        .iter()
        .map(|(from, to)| format!("-ffile-prefix-map={}={to}", from.display()))
        .collect();
    let args = [
        "build",
        "--release",
        "--target",
        MUSL_TARGET,
        "--package",
        "strata-proxy",
        "--message-format=json-render-diagnostics",
    ];
    eprintln!("$ cargo {}", args.join(" "));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Only this build sees these variables; its own target directory keeps the host builds' caches.
    let mut child = Command::new(cargo)
        .current_dir(&root)
        .args(args)
        .env("CARGO_ENCODED_RUSTFLAGS", rustflags.join("\x1f"))
        .env(
            format!("CFLAGS_{}", MUSL_TARGET.replace('-', "_")),
            cflags.join(" "),
        )
        .env("STRATA_FRONT_END", front_end)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo")?;
    let stdout = child.stdout.take().context("cargo's output")?;
    let mut binary = None;
    for line in BufReader::new(stdout).lines() {
        if let Some(path) = proxy_executable(&line?) {
            binary = Some(path);
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`cargo {}` failed with {status}", args.join(" "));
    }
    binary.context("cargo built no strata-proxy executable")
}

/// The executable named by one of cargo's JSON messages, when it is the proxy's.
fn proxy_executable(message: &str) -> Option<PathBuf> {
    let message: serde_json::Value = serde_json::from_str(message).ok()?;
    if message["reason"] != "compiler-artifact" || message["target"]["name"] != "strata-proxy" {
        return None;
    }
    message["executable"].as_str().map(PathBuf::from)
}

/// Where Cargo keeps downloaded crates' sources (`$CARGO_HOME`, by default `~/.cargo`).
fn cargo_home() -> anyhow::Result<PathBuf> {
    let home = match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => {
            PathBuf::from(std::env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?)
                .join(".cargo")
        }
    };
    Ok(home.canonicalize().unwrap_or(home))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_proxy_among_cargo_messages() {
        for (message, expected) in [
            (
                r#"{"reason":"compiler-artifact","target":{"name":"strata-proxy","kind":["bin"]},"executable":"/t/strata-proxy"}"#,
                Some("/t/strata-proxy"),
            ),
            (
                r#"{"reason":"compiler-artifact","target":{"name":"strata-proxy","kind":["lib"]},"executable":null}"#,
                None,
            ),
            (
                r#"{"reason":"compiler-artifact","target":{"name":"tokio"},"executable":null}"#,
                None,
            ),
            (r#"{"reason":"build-finished","success":true}"#, None),
            ("not json", None),
        ] {
            assert_eq!(
                proxy_executable(message),
                expected.map(PathBuf::from),
                "{message}"
            );
        }
    }
}
