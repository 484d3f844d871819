//! `cargo xtask bench` runs this: each measurement beside its baseline, in one process and one run, written
//! to `docs/benchmarks.md`.

mod layer_rows;
mod proxy_rows;

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_image::digest::Digest;

const HASH_MIB: usize = 64;
const TREE_RUNS: usize = 7;

/// Same bytes as the page's `bench_bytes`, so all three digests must agree.
fn bench_bytes(mib: usize) -> Vec<u8> {
    (0..mib * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

struct HashRow {
    wasm_ms: f64,
    wasm_first_ms: f64,
    webcrypto_ms: f64,
    native_ms: f64,
}

async fn hash_row(proxy: &Proxy, browser: &Browser) -> HashRow {
    browser
        .open(&proxy.url(&format!("/bench/sha256?mib={HASH_MIB}")))
        .await;
    browser
        .wait_for(
            "the hash benchmark",
            "return document.getElementById('bench-result') !== null",
        )
        .await;
    let text = browser
        .eval("return document.getElementById('bench-result').textContent")
        .await;
    let result: Value =
        serde_json::from_str(text.as_str().expect("text")).expect("JSON from the page");
    let bytes = bench_bytes(HASH_MIB);
    let native: Vec<(String, f64)> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let digest = Digest::sha256_of(&bytes).to_string();
            (digest, millis(started.elapsed()))
        })
        .collect();
    let native_digest = &native[0].0;
    assert_eq!(
        result["wasm_digest"],
        native_digest.as_str(),
        "wasm and native sha256 agree"
    );
    assert_eq!(
        result["webcrypto_digest"],
        native_digest.as_str(),
        "WebCrypto and native sha256 agree"
    );
    HashRow {
        wasm_ms: result["wasm_median_ms"].as_f64().expect("a number"),
        wasm_first_ms: result["wasm_first_ms"].as_f64().expect("a number"),
        webcrypto_ms: result["webcrypto_median_ms"].as_f64().expect("a number"),
        native_ms: median(native.into_iter().map(|(_, ms)| ms).collect()),
    }
}

struct TreeRow {
    documents: usize,
    browser_ms: f64,
    skopeo_ms: f64,
}

async fn tree_row(browser: &Browser) -> TreeRow {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.2")
        .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let url = proxy.url(&format!("/inspect/{}/team/app:1.2", registry.authority));
    let settled = "return document.querySelector('.tree [data-kind]') !== null \
        && document.querySelectorAll('[data-verify=\"pending\"]').length === 0 \
        && document.querySelectorAll('[data-kind=\"config\"][data-verify=\"verified\"]').length === 4";
    let mut browser_ms = Vec::new();
    for _ in 0..TREE_RUNS {
        browser.open("about:blank").await;
        let started = Instant::now();
        browser.open(&url).await;
        browser.wait_for("a verified tree", settled).await;
        browser_ms.push(millis(started.elapsed()));
    }

    let index: Value = serde_json::from_slice(&layout.blob(&root).bytes).expect("JSON");
    let children: Vec<String> = index["manifests"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["digest"].as_str().expect("a digest").to_owned())
        .collect();
    let image = format!("docker://{}/team/app", registry.authority);
    let skopeo = strata_e2e::required_program("/usr/bin/skopeo");
    let inspect = |args: &[&str], reference: &str| {
        let output = Command::new(&skopeo)
            .args(["inspect", "--tls-verify=false"])
            .args(args)
            .arg(reference)
            .output()
            .expect("skopeo runs");
        assert!(
            output.status.success(),
            "skopeo: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let mut skopeo_ms = Vec::new();
    for _ in 0..TREE_RUNS {
        let started = Instant::now();
        inspect(&["--raw"], &format!("{image}:1.2"));
        for child in &children {
            inspect(&["--raw"], &format!("{image}@{child}"));
            inspect(&["--config", "--raw"], &format!("{image}@{child}"));
        }
        skopeo_ms.push(millis(started.elapsed()));
    }
    TreeRow {
        documents: 1 + 2 * children.len(),
        browser_ms: median(browser_ms),
        skopeo_ms: median(skopeo_ms),
    }
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split(':').nth(1))
        .unwrap_or("unknown CPU")
        .trim()
        .to_owned();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let chromium = Command::new("/usr/bin/chromium")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{model}, {cores} cores; {chromium}")
}

fn report(hash: &HashRow, tree: &TreeRow) -> String {
    let mib = HASH_MIB as f64;
    let rate = |ms: f64| mib / (ms / 1000.0);
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Reproduce with `cargo xtask bench` (it rewrites this file). Each row and its baselines ran in one process, in one run, on one machine: {}.\n",
        machine()
    );
    let _ = writeln!(
        out,
        "## SHA-256 of the same {HASH_MIB} MiB (digests checked equal)\n"
    );
    let _ = writeln!(out, "| hasher | median | throughput | ratio to native |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for (name, ms) in [
        ("native `sha2` (core, baseline)", hash.native_ms),
        (
            "core in WebAssembly, Chromium, 256 KiB chunks, warm",
            hash.wasm_ms,
        ),
        ("WebCrypto `digest`, Chromium", hash.webcrypto_ms),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {ms:.0} ms | {:.0} MiB/s | {:.2}× |",
            rate(ms),
            ms / hash.native_ms
        );
    }
    let _ = writeln!(
        out,
        "\nFirst (cold) WebAssembly run: {:.0} ms.\n",
        hash.wasm_first_ms
    );
    let _ = writeln!(
        out,
        "## Opening an inspect link until the whole tree is verified\n"
    );
    let _ = writeln!(
        out,
        "The demo multi-arch image (an index, 4 platform manifests, 4 attestation manifests, their configs) pushed to a local `docker-registry`; median of {TREE_RUNS} runs.\n"
    );
    let _ = writeln!(out, "| client | what it does | median | ratio to skopeo |");
    let _ = writeln!(out, "|---|---|---:|---:|");
    let _ = writeln!(
        out,
        "| `skopeo inspect --raw` (baseline) | index, then each child's manifest and config, {} sequential invocations | {:.0} ms | 1.00× |",
        tree.documents, tree.skopeo_ms
    );
    let _ = writeln!(
        out,
        "| Strata in Chromium, through the proxy | page load, wasm start, fetch and hash every document, render | {:.0} ms | {:.2}× |",
        tree.browser_ms,
        tree.browser_ms / tree.skopeo_ms
    );
    out
}

#[tokio::main]
async fn main() {
    let offline = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    let hash = hash_row(&offline, &browser).await;
    let tree = tree_row(&browser).await;
    let layers = layer_rows::measure(&browser).await;
    browser.close().await;
    drop(offline);
    let proxy = proxy_rows::measure().await;
    let mut text = report(&hash, &tree);
    proxy.write(&mut text);
    layers.write(&mut text);
    let path = strata_e2e::workspace_root().join("docs/benchmarks.md");
    std::fs::write(&path, &text).expect("docs/ is writable");
    println!("{text}");
    println!("written to {}", path.display());
}
