//! `cargo xtask fuzz`: runs the cargo-fuzz targets of the pure crates (crates/fuzz) on nightly, seeded with hand-written
//! inputs and the shared real-world manifests, so the code that reads untrusted registry bytes never panics.
//! Where no nightly can be installed, the default toolchain stands in with `RUSTC_BOOTSTRAP=1`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::workspace;

/// Every fuzz target, in the order they run.
/// The fuzz targets: the `[[bin]]` names of `crates/fuzz/Cargo.toml`, so a new target is run without
/// being listed again here.
pub fn targets() -> anyhow::Result<Vec<String>> {
    let manifest = fuzz_dir().join("Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let names = bin_names(&text);
    if names.is_empty() {
        bail!("{} names no [[bin]] fuzz target", manifest.display());
    }
    Ok(names)
}

/// The `name` of every `[[bin]]` table of a Cargo manifest.
fn bin_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin
            && let Some(value) = line.strip_prefix("name")
            && let Some(value) = value.trim_start().strip_prefix('=')
        {
            names.push(value.trim().trim_matches('"').to_owned());
        }
    }
    names
}

/// Seconds each target runs when `--seconds` is not given.
const DEFAULT_SECONDS: u64 = 60;

const HEX64: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// `cargo xtask fuzz [--seconds N] [TARGET…]`.
pub fn command(args: &[String]) -> anyhow::Result<()> {
    let known = targets()?;
    let mut seconds = DEFAULT_SECONDS;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--seconds" {
            let value = args.next().context("--seconds needs a number")?;
            seconds = value
                .parse()
                .ok()
                .filter(|&seconds| seconds > 0)
                .with_context(|| format!("--seconds needs a positive number, not {value:?}"))?;
        } else if known.contains(arg) {
            targets.push(arg.clone());
        } else {
            bail!(
                "unknown fuzz argument {arg:?}: expected --seconds N or a target ({})",
                known.join(", ")
            );
        }
    }
    if targets.is_empty() {
        targets = known;
    }
    run(&targets, seconds)
}

/// Runs each target for `seconds`, then fails naming the crash files of every target that found one.
pub fn run(targets: &[String], seconds: u64) -> anyhow::Result<()> {
    let toolchain = ensure_toolchain()?;
    ensure_cargo_fuzz()?;
    let fuzz_dir = fuzz_dir();
    write_seeds(&fuzz_dir)?;
    let mut failures = Vec::new();
    for target in targets {
        if let Err(error) = run_target(&toolchain, &fuzz_dir, target, seconds) {
            eprintln!("{error:#}");
            failures.push(format!("{error:#}"));
        }
    }
    if !failures.is_empty() {
        bail!(
            "{}\nreplay a crash with `{} fuzz run <target> <file>` in {}",
            failures.join("\n"),
            toolchain.cargo_spelling(),
            fuzz_dir.display()
        );
    }
    Ok(())
}

fn run_target(
    toolchain: &Toolchain,
    fuzz_dir: &Path,
    target: &str,
    seconds: u64,
) -> anyhow::Result<()> {
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let before = files_in(&artifacts)?;
    let max_total_time = format!("-max_total_time={seconds}");
    // The fuzz crate is not a `fuzz/` folder inside the crate it tests, so cargo-fuzz is told where it is.
    let fuzz_dir_text = fuzz_dir.display().to_string();
    let args = [
        "fuzz",
        "run",
        "--fuzz-dir",
        &fuzz_dir_text,
        target,
        "--",
        &max_total_time,
    ];
    eprintln!(
        "$ {} {}  (in {})",
        toolchain.cargo_spelling(),
        args.join(" "),
        fuzz_dir.display()
    );
    let status = toolchain
        .cargo()
        .current_dir(fuzz_dir)
        .args(args)
        .status()
        .context("cannot run cargo fuzz")?;
    if status.success() {
        return Ok(());
    }
    let found: Vec<String> = files_in(&artifacts)?
        .difference(&before)
        .map(|path| path.display().to_string())
        .collect();
    if found.is_empty() {
        bail!("fuzz target {target} failed with {status}");
    }
    bail!("fuzz target {target} found a crash: {}", found.join(", "))
}

fn fuzz_dir() -> PathBuf {
    workspace::root().join("crates/fuzz")
}

/// Cargo through rustup's proxy, which alone understands `+nightly`; `$CARGO` is the stable toolchain's own
/// binary, and the toolchain variables rustup set for this run would pin the children to stable.
fn rustup_cargo() -> Command {
    let mut command = Command::new("cargo");
    for variable in ["RUSTUP_TOOLCHAIN", "RUSTC", "RUSTDOC", "CARGO"] {
        command.env_remove(variable);
    }
    command
}

/// The toolchain cargo fuzz builds with, which must accept `-Z` flags.
enum Toolchain {
    Nightly,
    /// The default toolchain with its unstable flags unlocked, where no nightly can be installed (these
    /// machines fetch crates but, their description says, no other toolchain).
    Bootstrapped,
}

impl Toolchain {
    fn cargo(&self) -> Command {
        let mut command = rustup_cargo();
        match self {
            Toolchain::Nightly => command.arg("+nightly"),
            Toolchain::Bootstrapped => command.env("RUSTC_BOOTSTRAP", "1"),
        };
        command
    }

    fn cargo_spelling(&self) -> &'static str {
        match self {
            Toolchain::Nightly => "cargo +nightly",
            Toolchain::Bootstrapped => "RUSTC_BOOTSTRAP=1 cargo",
        }
    }
}

fn ensure_toolchain() -> anyhow::Result<Toolchain> {
    let list = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .context("rustup is needed to pick a toolchain for fuzzing")?;
    // `+nightly` names the undated channel, not `nightly-2025-01-01-…`.
    let has_nightly = String::from_utf8_lossy(&list.stdout).lines().any(|line| {
        line.strip_prefix("nightly-")
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
    });
    if has_nightly {
        return Ok(Toolchain::Nightly);
    }
    let installed = run_tool(
        Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
            "--no-self-update",
        ]),
        "rustup toolchain install nightly --profile minimal --no-self-update",
    );
    match installed {
        Ok(()) => Ok(Toolchain::Nightly),
        Err(error) => {
            eprintln!("{error:#}; fuzzing on the default toolchain with RUSTC_BOOTSTRAP=1 instead");
            Ok(Toolchain::Bootstrapped)
        }
    }
}

fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    let installed = rustup_cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if installed {
        return Ok(());
    }
    if run_tool(
        rustup_cargo().args(["install", "cargo-fuzz", "--locked"]),
        "cargo install cargo-fuzz --locked",
    )
    .is_ok()
    {
        return Ok(());
    }
    // A version pinned in cargo-fuzz's lock file can be yanked from crates.io.
    eprintln!("retrying without --locked");
    run_tool(
        rustup_cargo().args(["install", "cargo-fuzz"]),
        "cargo install cargo-fuzz",
    )
}

fn run_tool(command: &mut Command, what: &str) -> anyhow::Result<()> {
    eprintln!("$ {what}");
    let status = command
        .status()
        .with_context(|| format!("cannot run `{what}`"))?;
    if !status.success() {
        bail!("`{what}` failed with {status}");
    }
    Ok(())
}

fn files_in(dir: &Path) -> anyhow::Result<BTreeSet<PathBuf>> {
    if !dir.exists() {
        return Ok(BTreeSet::new());
    }
    fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|entry| Ok(entry?.path()))
        .collect()
}

/// Writes the hand-written seeds into `corpus/<target>/`, plus the shared real-world manifests when they
/// are beside the workspace (they are copied at run time and never committed).
fn write_seeds(fuzz_dir: &Path) -> anyhow::Result<()> {
    let corpus = fuzz_dir.join("corpus");
    write_corpus(&corpus.join("reference"), reference_seeds())?;
    write_corpus(&corpus.join("auth"), auth_seeds())?;
    write_corpus(&corpus.join("attestation"), attestation_seeds())?;
    let seeded = copy_demo_layers(&workspace::demo_layout_dir(), &corpus.join("layer"))?;
    eprintln!("seeded the layer corpus with {seeded} demo layers");
    let manifest_corpus = corpus.join("manifest");
    write_corpus(&manifest_corpus, manifest_seeds())?;
    let real_world = strata_test_corpus::real_world_dir();
    if real_world.is_dir() {
        let copied = copy_real_world(&real_world, &manifest_corpus)?;
        eprintln!(
            "seeded the manifest corpus with {copied} documents from {}",
            real_world.display()
        );
    }
    Ok(())
}

fn write_corpus(dir: &Path, seeds: Vec<(&str, Vec<u8>)>) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in seeds {
        let path = dir.join(format!("seed-{name}"));
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// An SPDX statement, a CycloneDX one in a DSSE envelope, a SLSA v1 provenance, and a Sigstore bundle.
fn attestation_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let statement = |predicate_type: &str, predicate: serde_json::Value| {
        serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "app", "digest": {"sha256": HEX64}}],
            "predicateType": predicate_type,
            "predicate": predicate,
        })
    };
    let spdx = statement(
        "https://spdx.dev/Document",
        serde_json::json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
            "packages": [{"name": "musl", "SPDXID": "SPDXRef-musl", "versionInfo": "1.2.5",
                "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:apk/alpine/musl@1.2.5"}]}]}),
    );
    let cyclonedx = statement(
        "https://cyclonedx.org/bom",
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5",
            "components": [{"type": "library", "name": "lodash", "version": "4.17.21",
                "components": [{"type": "file", "name": "package.json"}]}]}),
    );
    let envelope = serde_json::json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": strata_supply_chain::base64::encode(
            &serde_json::to_vec(&cyclonedx).unwrap_or_default(),
            false,
        ),
        "signatures": [{"keyid": "", "sig": "MEUCIQ=="}],
    });
    let slsa = statement(
        "https://slsa.dev/provenance/v1",
        serde_json::json!({"buildDefinition": {"buildType": "https://mobyproject.org/buildkit@v1",
            "externalParameters": {"configSource": {"uri": "https://github.com/org/app.git", "digest": {"sha1": "ab"}}},
            "resolvedDependencies": [{"uri": "pkg:docker/alpine@3.20", "digest": {"sha256": HEX64}}]},
            "runDetails": {"builder": {"id": "https://github.com/org/app/actions/runs/1"}}}),
    );
    let bundle = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": ""}, "tlogEntries": [{"logIndex": "1",
            "integratedTime": "1767226200", "kindVersion": {"kind": "dsse", "version": "0.0.1"},
            "inclusionPromise": {"signedEntryTimestamp": "MEUCIQ=="}}]},
        "dsseEnvelope": envelope.clone(),
    });
    [
        ("spdx", spdx),
        ("cyclonedx-dsse", envelope),
        ("slsa-v1", slsa),
        ("bundle-v0.3", bundle),
    ]
    .into_iter()
    .map(|(name, value)| (name, serde_json::to_vec(&value).unwrap_or_default()))
    .collect()
}

fn reference_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let sha512 = format!("sha512:{HEX64}{HEX64}");
    [
        ("official", "alpine".to_string()),
        ("official-tag", "alpine:3.19".to_string()),
        ("hub-user", "bitnami/nginx:1.25".to_string()),
        ("hub-full", "docker.io/library/alpine:latest".to_string()),
        ("legacy-hub", "index.docker.io/library/busybox".to_string()),
        (
            "tag-and-digest",
            format!("ghcr.io/org/app:1.2@sha256:{HEX64}"),
        ),
        ("digest-only", format!("quay.io/org/app@{sha512}")),
        ("ipv6-port", "[::1]:5000/a/b".to_string()),
        ("localhost-port", "localhost:5000/team/app:dev".to_string()),
        ("host-like-name", "registry.example.com:5000".to_string()),
        ("bare-digest", format!("sha256:{HEX64}")),
        ("separators", "r.example/a__b/c-d/e.f:v1.0-rc_1".to_string()),
        ("other-algorithm", format!("a@md5:{}", &HEX64[..32])),
        ("whitespace", "  alpine:3 \n".to_string()),
    ]
    .into_iter()
    .map(|(name, text)| (name, text.into_bytes()))
    .collect()
}

/// Challenges as registries send them, and token answers, honest and lying.
fn auth_seeds() -> Vec<(&'static str, Vec<u8>)> {
    [
        (
            "hub-challenge",
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
        ),
        (
            "quay-two-schemes",
            r#"Basic realm="quay.io", Bearer realm="https://quay.io/v2/auth",service="quay.io""#,
        ),
        ("escaped", r#"bearer REALM="a"b",empty="",scope=x"#),
        ("token", r#"{"token":"eyJhbGciOi.x.y","expires_in":300,"issued_at":"2026-01-01T00:00:00Z"}"#),
        ("access-token", r#"{"access_token":"abc","expires_in":1e300}"#),
        ("negative", r#"{"token":"abc","expires_in":-1}"#),
        ("not-a-number", r#"{"token":"abc","expires_in":"soon"}"#),
    ]
    .into_iter()
    .map(|(name, text)| (name, text.as_bytes().to_vec()))
    .collect()
}

/// Manifest seeds start with the byte that picks the Content-Type in the target (0: none, 1: OCI index,
/// 2: OCI manifest, 3: Docker list, 4: Docker v2, 5: schema 1 signed, 6: `application/json`).
fn manifest_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let (a, b, c) = (digest('a'), digest('b'), digest('c'));
    let oci_index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{a}","size":10,"platform":{{"os":"linux","architecture":"arm","variant":"v7"}}}},
{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{b}","size":11,"platform":{{"os":"unknown","architecture":"unknown"}},
"annotations":{{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"{a}"}}}}],
"annotations":{{"org.opencontainers.image.created":"2024-01-01T00:00:00Z"}}}}"#
    );
    let oci_manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{a}","size":1470}},
"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{b}","size":3623807}}],
"subject":{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{c}","size":7}}}}"#
    );
    let docker_list = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
{{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{a}","size":525,
"platform":{{"os":"windows","architecture":"amd64","os.version":"10.0.17763.5329","os.features":["win32k"]}}}}]}}"#
    );
    let docker_v2 = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
"config":{{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{a}","size":1469}},
"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"{b}","size":5,
"urls":["https://example.com/layer"]}}]}}"#
    );
    let schema1 = r#"{"schemaVersion":1,"name":"library/hello-world","tag":"latest","architecture":"amd64",
"fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],
"history":[{"v1Compatibility":"{\"id\":\"1\"}"}],"signatures":[{"header":{"alg":"ES256"},"signature":"x","protected":"e30"}]}"#
        .to_string();
    let config = r#"{"created":"1970-01-01T00:00:00Z","architecture":"arm64","os":"linux","variant":"v8",
"config":{"User":"app","Env":["PATH=/bin"],"Cmd":["sh"],"WorkingDir":"/","Labels":{"a":"b"},"ExposedPorts":{"80/tcp":{}}},
"rootfs":{"type":"layers","diff_ids":["sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]},
"history":[{"created":"2024-01-01T00:00:00Z","created_by":"ADD rootfs.tar / # buildkit"},
{"created_by":"CMD [\"sh\"]","empty_layer":true},{"created_by":"RUN true","comment":"buildkit.dockerfile.v0"}]}"#
        .to_string();
    let mismatch = oci_manifest.replace("oci.image.manifest", "docker.distribution.manifest");
    [
        ("oci-index", 1, oci_index.clone()),
        ("oci-index-no-header", 0, oci_index),
        ("oci-manifest", 2, oci_manifest.clone()),
        ("header-mismatch", 2, mismatch),
        ("docker-list", 3, docker_list),
        ("docker-v2", 4, docker_v2),
        ("schema1-signed", 5, schema1),
        ("config", 6, config),
        (
            "unknown",
            0,
            r#"{"b":[1,2.50,-0,1e3],"s":"a,{b}:\"c\"\\","e":{}}"#.to_string(),
        ),
        ("not-json", 0, "{\"a\":".to_string()),
    ]
    .into_iter()
    .map(|(name, selector, json)| (name, [vec![selector], json.into_bytes()].concat()))
    .collect()
}

/// Copies every `*.json` under `dir`, behind a 0 byte so the target reads it with no Content-Type; the name
/// keeps the path, since the shared corpus names files by digest in folders named by source.
/// The demo registry's small blobs that are layers (gzip or zstd by their magic, or a tar by its `ustar`
/// mark), each behind the byte that picks the chunk size in the target; the layout is written when missing.
fn copy_demo_layers(layout: &Path, corpus: &Path) -> anyhow::Result<usize> {
    fs::create_dir_all(corpus).with_context(|| format!("cannot create {}", corpus.display()))?;
    let blobs = layout.join("blobs/sha256");
    if !blobs.is_dir() {
        strata_demo_registry::write_layout(layout)?;
    }
    let mut copied = 0;
    for entry in fs::read_dir(&blobs).with_context(|| format!("cannot list {}", blobs.display()))? {
        let path = entry?.path();
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let layer = bytes.starts_with(&[0x1f, 0x8b])
            || bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
            || bytes.get(257..262) == Some(b"ustar");
        if !layer || bytes.len() > 64 * 1024 {
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let seed = corpus.join(format!("demo-{name}"));
        fs::write(&seed, [&[7][..], &bytes].concat())
            .with_context(|| format!("cannot write {}", seed.display()))?;
        copied += 1;
    }
    Ok(copied)
}

fn copy_real_world(dir: &Path, corpus: &Path) -> anyhow::Result<usize> {
    let mut copied = 0;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            copied += copy_real_world(&path, corpus)?;
            continue;
        }
        if path.extension().is_none_or(|extension| extension != "json") {
            continue;
        }
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let parent = dir.file_name().unwrap_or_default().to_string_lossy();
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let seed = corpus.join(format!("real-world-{parent}-{file}"));
        fs::write(&seed, [&[0][..], &bytes].concat())
            .with_context(|| format!("cannot write {}", seed.display()))?;
        copied += 1;
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_the_fuzz_crates_bins() {
        let names = bin_names(
            "[package]\nname = \"strata-fuzz\"\n[[bin]]\nname = \"reference\"\npath = \"a.rs\"\n\n[workspace]\nmembers = [\".\"]\n[[bin]]\nname= \"auth\"\n",
        );
        assert_eq!(names, ["reference", "auth"]);
        let real = targets().expect("the fuzz crate's manifest");
        for target in ["reference", "manifest", "auth"] {
            assert!(real.iter().any(|name| name == target), "{target}: {real:?}");
        }
    }

    #[test]
    fn manifest_seeds_are_json_behind_a_selector() {
        for (name, bytes) in manifest_seeds() {
            let parsed = serde_json::from_slice::<serde_json::Value>(&bytes[1..]);
            assert_eq!(parsed.is_ok(), name != "not-json", "{name}");
        }
    }
}
