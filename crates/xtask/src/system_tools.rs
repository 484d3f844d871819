//! The tools outside Cargo that building and testing need, installed when missing: the wasm32 target with
//! rustup, and Debian packages (Chromium, ChromeDriver, the distribution registry, skopeo, openssl) with apt-get.

use std::process::Command;

use anyhow::{Context as _, bail};

/// A program and the Debian package that provides it.
const DEBIAN_TOOLS: &[(&str, &str)] = &[
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("/usr/bin/docker-registry", "docker-registry"),
    ("/usr/bin/skopeo", "skopeo"),
    ("/usr/bin/openssl", "openssl"),
    ("/usr/sbin/nginx", "nginx"),
    ("/usr/bin/htpasswd", "apache2-utils"),
];

/// Adds the wasm32 target with rustup when it is missing.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32-unknown-unknown target")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    let status = Command::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .status()?;
    if !status.success() {
        bail!("`rustup target add wasm32-unknown-unknown` failed");
    }
    Ok(())
}

/// Installs the missing Debian packages when running as root; otherwise stops with the command to run.
pub fn ensure_debian_tools() -> anyhow::Result<()> {
    let missing: Vec<&str> = DEBIAN_TOOLS
        .iter()
        .filter(|(program, _)| !std::path::Path::new(program).exists())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let command = format!("apt-get install -y {}", missing.join(" "));
    if !is_root() {
        bail!("missing tools; install them with:\n  sudo apt-get update && sudo {command}");
    }
    eprintln!("installing {}", missing.join(", "));
    run("apt-get", &["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    run("apt-get", &args)?;
    if let Some((program, package)) = DEBIAN_TOOLS
        .iter()
        .find(|(program, _)| !std::path::Path::new(program).exists())
    {
        bail!("{program} is still missing after installing {package}");
    }
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

fn run(program: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}
