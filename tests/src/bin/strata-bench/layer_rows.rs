//! The layer explorer beside native tools, in one run: reading a 200 MB gzip layer (verify twice, gunzip,
//! list) in Chromium against `sha256sum` + `tar tz` and `zcat` on the same blob, the WebAssembly memory a
//! 1 GiB layer needs, and the time until a 100k-entry layer is a usable list.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use strata_e2e::browser::Browser;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;

/// What the layer measurements found.
pub struct LayerRows {
    compressed_mib: f64,
    uncompressed_mib: f64,
    browser_ms: f64,
    native_ms: f64,
    zcat_ms: f64,
    gib_layer_memory_mib: f64,
    many_entries_ms: f64,
    longest_stall_ms: f64,
}

/// Text-like bytes that gzip compresses about 2:1, like real binaries and text.
fn text_like(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            b"etaoinshrdlucmfw"[(state >> 60) as usize]
        })
        .collect()
}

fn run_ms(program: &str, args: &[&str]) -> f64 {
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("a native tool runs");
    assert!(status.success(), "{program} {args:?}");
    started.elapsed().as_secs_f64() * 1000.0
}

/// Opens a files link and waits until `done`; returns the time taken and the longest gap between two
/// zero-delay timer ticks meanwhile: how long the page's main thread was busy at a stretch.
async fn open_files(browser: &Browser, url: &str, done: &str) -> (f64, f64) {
    browser.open("about:blank").await;
    let started = Instant::now();
    browser.open(url).await;
    browser.eval(STALL_MONITOR).await;
    browser
        .wait_for_within(Duration::from_secs(300), "the layer to be read", done)
        .await;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let stall = browser
        .eval("window.strataStop = true; return window.strataLongestStall")
        .await;
    (elapsed, stall.as_f64().unwrap_or_default())
}

const STALL_MONITOR: &str = "window.strataLongestStall = 0; window.strataStop = false; let last = performance.now(); \
    (function tick() { const now = performance.now(); window.strataLongestStall = Math.max(window.strataLongestStall, now - last); \
    last = now; if (!window.strataStop) setTimeout(tick, 0); })(); return true;";

const READ: &str = "return document.querySelectorAll('.layer-progress-row.done').length === 1 \
    && document.querySelector('[data-path]') !== null";

/// Runs every layer measurement against a fresh registry.
pub async fn measure(browser: &Browser) -> LayerRows {
    let registry = Registry::start().await;
    let mut big = TarBuilder::default();
    for file in 0..360 {
        big.file(
            &format!("data/file{file:03}.bin"),
            &text_like(file, 1024 * 1024),
        );
    }
    let (tar, gzipped) = big.finish();
    let (uncompressed_mib, compressed_mib) = (
        tar.len() as f64 / 1048576.0,
        gzipped.len() as f64 / 1048576.0,
    );
    let blob =
        std::env::temp_dir().join(format!("strata-bench-layer-{}.tar.gz", std::process::id()));
    std::fs::write(&blob, &gzipped).expect("a temp file");
    push_image(&registry.api(), "bench/big", "1", &[(tar, gzipped)]).await;

    let mut gib = TarBuilder::default();
    for file in 0..1024 {
        gib.file(
            &format!("data/chunk{file:04}"),
            &vec![(file % 251) as u8; 1024 * 1024],
        );
    }
    push_image(&registry.api(), "bench/gib", "1", &[gib.finish()]).await;

    let mut many = TarBuilder::default();
    for group in 0..100 {
        many.directory(&format!("data/g{group:03}/"));
        for item in 0..1000 {
            many.file(&format!("data/g{group:03}/f{item:04}.txt"), b"");
        }
    }
    push_image(&registry.api(), "bench/many", "1", &[many.finish()]).await;

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let files = |repository: &str| {
        proxy.url(&format!(
            "/inspect/{}/{repository}:1?view=files",
            registry.authority
        ))
    };
    let (browser_ms, longest_stall_ms) = open_files(browser, &files("bench/big"), READ).await;
    let path = blob.to_str().expect("a UTF-8 temp path");
    let native_ms = run_ms("sha256sum", &[path]) + run_ms("tar", &["tzf", path]);
    let zcat_ms = run_ms("zcat", &[path]);
    let _ = std::fs::remove_file(&blob);

    open_files(browser, &files("bench/gib"), READ).await;
    let memory = browser
        .eval("return window.strataWasmMemory.buffer.byteLength")
        .await;
    let (many_entries_ms, _) = open_files(
        browser,
        &files("bench/many"),
        "return document.querySelector('.file-list.windowed [data-path]') !== null",
    )
    .await;
    LayerRows {
        compressed_mib,
        uncompressed_mib,
        browser_ms,
        native_ms,
        zcat_ms,
        gib_layer_memory_mib: memory.as_f64().unwrap_or_default() / 1048576.0,
        many_entries_ms,
        longest_stall_ms,
    }
}

impl LayerRows {
    /// The report's layer sections.
    pub fn write(&self, out: &mut String) {
        let rate = |ms: f64| self.compressed_mib / (ms / 1000.0);
        let _ = writeln!(
            out,
            "\n## Layers: one gzip layer of {:.0} MB ({:.0} MB uncompressed), read to its end\n",
            self.compressed_mib * 1.048576,
            self.uncompressed_mib * 1.048576
        );
        let _ = writeln!(
            out,
            "| reader | what it does | time | compressed MiB/s | ratio to baseline |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|");
        for (label, what, ms) in [
            (
                "`sha256sum` then `tar tzf` (baseline)",
                "hash, then gunzip and list, natively",
                self.native_ms,
            ),
            ("`zcat`", "gunzip alone, natively", self.zcat_ms),
            (
                "Strata in Chromium, through the proxy",
                "fetch, hash compressed and uncompressed, gunzip, list, merge, render",
                self.browser_ms,
            ),
        ] {
            let _ = writeln!(
                out,
                "| {label} | {what} | {ms:.0} ms | {:.0} | {:.2}× |",
                rate(ms),
                ms / self.native_ms
            );
        }
        let _ = writeln!(
            out,
            "\nLongest stretch the page's main thread was busy while reading it: {:.0} ms. The reader hands the \
             page its turn after every 30 ms of hashing, inflating and listing, so the page keeps answering; a \
             Web Worker would only pay off if this grew past what a reader notices (about 100 ms).",
            self.longest_stall_ms
        );
        let _ = writeln!(
            out,
            "\nWebAssembly memory after reading a 1 GiB (uncompressed) layer: {:.0} MiB — the layer streams through, it is never held.",
            self.gib_layer_memory_mib
        );
        let _ = writeln!(
            out,
            "\nA layer of 100,000 entries: {:.0} ms from opening its link to a scrollable, searchable list (rows outside the view are not rendered).",
            self.many_entries_ms
        );
    }
}
