//! `cargo xtask bench` runs this: each measurement beside its baseline, in one process and one run, written
//! to `docs/benchmarks.md`.

mod archive_rows;
mod history;
mod layer_rows;
mod page_rows;
mod proxy_rows;
mod supply_chain_rows;
mod tag_rows;

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;
use strata_image::digest::Digest;

const HASH_MIB: usize = 64;

/// Same bytes as the page's `bench_bytes`, so all three digests must agree.
fn bench_bytes(mib: usize) -> Vec<u8> {
    (0..mib * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs a command-line client or native tool to its end (its output thrown away); how long it took, in
/// milliseconds.
pub(crate) fn run_ms(program: &str, args: &[&str], env: &[(&str, &str)]) -> f64 {
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the program runs");
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed().as_secs_f64() * 1000.0
}

pub(crate) fn millis(duration: Duration) -> f64 {
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

fn report(hash: &HashRow) -> String {
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
    out
}

#[tokio::main]
async fn main() {
    let only = std::env::var("STRATA_BENCH_ONLY").unwrap_or_default();
    if !only.is_empty() {
        println!("{}", section(&only).await);
        return;
    }
    let offline = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    let hash = hash_row(&offline, &browser).await;
    let pages = page_rows::measure(&browser).await;
    let layers = layer_rows::measure(&browser).await;
    let archives = archive_rows::measure(&browser).await;
    let tags = tag_rows::measure(&browser).await;
    let supply_chain = supply_chain_rows::measure(&browser).await;
    browser.close().await;
    drop(offline);
    let proxy = proxy_rows::measure().await;
    let mut text = report(&hash);
    pages.write(&mut text);
    proxy.write(&mut text);
    layers.write(&mut text);
    archives.write(&mut text);
    tags.write(&mut text);
    supply_chain.write(&mut text);
    text.push('\n');
    text.push_str(history::BEFORE_AND_AFTER);
    let path = strata_e2e::workspace_root().join("docs/benchmarks.md");
    std::fs::write(&path, &text).expect("docs/ is writable");
    println!("{text}");
    println!("written to {}", path.display());
}

/// One section of the report alone (`cargo xtask bench --only NAME`), for measuring a change quickly.
async fn section(name: &str) -> String {
    let mut text = String::new();
    match name {
        "proxy" => proxy_rows::measure().await.write(&mut text),
        "hashing" | "pages" | "layers" | "archives" | "tags" | "supply-chain" => {
            let offline = Proxy::start(&["--offline"]);
            let browser = Browser::start().await;
            match name {
                "hashing" => text = report(&hash_row(&offline, &browser).await),
                "pages" => page_rows::measure(&browser).await.write(&mut text),
                "archives" => archive_rows::measure(&browser).await.write(&mut text),
                "tags" => tag_rows::measure(&browser).await.write(&mut text),
                "supply-chain" => supply_chain_rows::measure(&browser).await.write(&mut text),
                _ => layer_rows::measure(&browser).await.write(&mut text),
            }
            browser.close().await;
        }
        other => {
            panic!(
                "no bench section {other:?}: hashing, pages, proxy, layers, archives, tags or supply-chain"
            )
        }
    }
    text
}
