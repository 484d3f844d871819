//! The tools outside Cargo that building and testing need, installed when missing: the wasm32 and musl
//! targets with rustup, and Debian packages (Chromium, ChromeDriver, the distribution registry, skopeo,
//! openssl, musl-gcc, the Docker CLI when the machine has none) with apt-get.

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

/// The target of the static proxy in `cargo xtask image`.
pub const MUSL_TARGET: &str = "x86_64-unknown-linux-musl";

/// What the static proxy's build needs besides its target: the C compiler for musl (ring's C code).
const IMAGE_TOOLS: &[(&str, &str)] = &[("/usr/bin/musl-gcc", "musl-tools")];

/// Adds the wasm32 target with rustup when it is missing.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    ensure_rust_target("wasm32-unknown-unknown")
}

/// Adds the musl target and installs musl-gcc when they are missing.
pub fn ensure_image_tools() -> anyhow::Result<()> {
    ensure_rust_target(MUSL_TARGET)?;
    ensure_packages(IMAGE_TOOLS)
}

fn ensure_rust_target(target: &str) -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .with_context(|| format!("rustup is needed to add the {target} target"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == target)
    {
        return Ok(());
    }
    let status = Command::new("rustup")
        .args(["target", "add", target])
        .status()?;
    if !status.success() {
        bail!("`rustup target add {target}` failed");
    }
    Ok(())
}

/// The binaryen release whose `wasm-opt` reads what this wasm-bindgen writes (older ones, Debian's among
/// them, stop at its `table.fill`).
const BINARYEN_NPM: &str = "binaryen@132.0.0";

/// `wasm-opt` from npm's binaryen package, installed under `target/tools` (and npm with apt) when missing.
pub fn ensure_wasm_opt() -> anyhow::Result<std::path::PathBuf> {
    npm_tool("binaryen", BINARYEN_NPM, "node_modules/.bin/wasm-opt")
}

/// Deque's axe-core, the accessibility rules browsers' own audits use, pinned: the accessibility tests
/// inject it into every page.
const AXE_CORE_NPM: &str = "axe-core@4.14.1";

/// axe-core's browser script, installed from npm under `target/tools` (and npm with apt) when missing.
pub fn ensure_axe_core() -> anyhow::Result<std::path::PathBuf> {
    npm_tool("axe-core", AXE_CORE_NPM, "node_modules/axe-core/axe.min.js")
}

/// `file` of the npm `package` (pinned, `name@version`), installed under `target/tools/<folder>` when
/// missing, with npm from apt if need be.
fn npm_tool(folder: &str, package: &str, file: &str) -> anyhow::Result<std::path::PathBuf> {
    let prefix = crate::workspace::root().join("target/tools").join(folder);
    let installed = prefix.join(file);
    if installed.exists() {
        return Ok(installed);
    }
    ensure_packages(&[("/usr/bin/npm", "npm")])?;
    std::fs::create_dir_all(&prefix)?;
    let prefix_text = prefix.to_str().context("a UTF-8 target path")?;
    run(
        "npm",
        &[
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            prefix_text,
            package,
        ],
    )?;
    if !installed.exists() {
        bail!(
            "npm installed {package} but {} is missing",
            installed.display()
        );
    }
    Ok(installed)
}

/// Installs the missing Debian packages when running as root; otherwise stops with the command to run.
pub fn ensure_debian_tools() -> anyhow::Result<()> {
    ensure_packages(DEBIAN_TOOLS)?;
    // The Docker CLI (a stock client the tests read through the proxy) comes with this machine image in
    // /usr/local/bin; elsewhere Debian's docker.io provides it.
    if !std::path::Path::new(DOCKER_CLI_PREINSTALLED).exists() {
        ensure_packages(&[("/usr/bin/docker", "docker.io")])?;
    }
    Ok(())
}

/// Where this machine image keeps the Docker CLI.
const DOCKER_CLI_PREINSTALLED: &str = "/usr/local/bin/docker";

fn ensure_packages(tools: &[(&str, &str)]) -> anyhow::Result<()> {
    let missing: Vec<&str> = tools
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
    if let Some((program, package)) = tools
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
