//! What a reader waits for: the first load's bytes on the wire, and a verified tree — opened cold from a
//! share link, or typed into a page already loaded — beside the Docker CLI and skopeo asking the same
//! registry for the same image.

use std::fmt::Write as _;
use std::process::Command;

use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::first_load::{self, FIRST_LOAD_GOAL, LoadedFile};
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;

const RUNS: usize = 7;

/// The wasm-opt table's name for the module with every page.
const ALL_PAGES_MODULE: &str = "the app with every page";

/// A wasm module as built and after `wasm-opt -Oz`: raw and brotli bytes of each.
struct WasmOpt {
    module: &'static str,
    built: (u64, u64),
    optimized: (u64, u64),
}

/// What the page measurements found.
pub struct PageRows {
    first_load: Vec<LoadedFile>,
    wasm_opt: Vec<WasmOpt>,
    documents: usize,
    cold_ms: f64,
    /// In the cold runs, when the app asked the proxy for the first document.
    cold_app_started_ms: f64,
    /// In the cold runs, when the first-load wasm had arrived.
    cold_wasm_arrived_ms: f64,
    warm_ms: f64,
    warm_cached_ms: f64,
    /// Elements on the page once the tree is verified.
    elements: u64,
    fetch_floor_ms: f64,
    docker_ms: f64,
    skopeo_ms: f64,
}

/// Installed before the tree is asked for: records `performance.now()` the moment the tree is verified
/// (every config of the four platforms verified, nothing pending), watched on every change to the page.
const SETTLE_WATCH: &str = "window.strataSettled = null; \
    const settled = () => document.querySelector('.tree [data-kind]') !== null \
      && document.querySelectorAll('[data-verify=\"pending\"]').length === 0 \
      && document.querySelectorAll('[data-kind=\"config\"][data-verify=\"verified\"]').length === 4; \
    const check = () => { if (window.strataSettled === null && settled()) { \
      window.strataSettled = performance.now(); watch.disconnect(); } }; \
    const watch = new MutationObserver(check); \
    watch.observe(document.documentElement, { subtree: true, childList: true, attributes: true }); \
    check(); return true;";

const SETTLED: &str = "return window.strataSettled !== null";

/// A share link opened in a fresh tab with nothing cached.
async fn cold_run(browser: &Browser, url: &str) -> ColdRun {
    browser.open("about:blank").await;
    browser.clear_http_cache().await;
    browser.open(url).await;
    browser.eval(SETTLE_WATCH).await;
    browser.wait_for("a verified tree", SETTLED).await;
    let times = browser
        .eval(
            "const resources = performance.getEntriesByType('resource'); \
             const first = resources.filter(entry => new URL(entry.name).pathname.startsWith('/v2/')) \
               .map(entry => entry.startTime); \
             const wasm = resources.find(entry => new URL(entry.name).pathname.endsWith('.wasm')); \
             return [window.strataSettled, Math.min(...first), wasm ? wasm.responseEnd : 0]",
        )
        .await;
    let at = |index: usize| times[index].as_f64().expect("a time");
    ColdRun {
        settled_ms: at(0),
        first_request_ms: at(1),
        wasm_arrived_ms: at(2),
    }
}

/// One cold run's times from navigation start.
struct ColdRun {
    /// The tree verified.
    settled_ms: f64,
    /// The app's first request to the proxy: the app is running.
    first_request_ms: f64,
    /// The first-load wasm's last byte arrived.
    wasm_arrived_ms: f64,
}

/// Opens the landing page and waits for its reference box.
async fn open_landing(browser: &Browser, landing: &str) {
    browser.open(landing).await;
    browser
        .wait_for(
            "the reference box",
            "return document.getElementById('reference-input') !== null",
        )
        .await;
}

/// Milliseconds from pressing Enter on `reference` in the already loaded landing page until the tree
/// verified; the HTTP cache emptied first unless `cached`.
async fn warm_run(browser: &Browser, landing: &str, reference: &str, cached: bool) -> f64 {
    open_landing(browser, landing).await;
    if !cached {
        browser.clear_http_cache().await;
    }
    browser.eval(SETTLE_WATCH).await;
    browser
        .eval(&format!(
            "const input = document.getElementById('reference-input'); input.value = {reference:?}; \
             window.strataStart = performance.now(); input.form.requestSubmit(); return true;"
        ))
        .await;
    browser.wait_for("a verified tree", SETTLED).await;
    browser
        .eval("return window.strataSettled - window.strataStart")
        .await
        .as_f64()
        .expect("a time")
}

/// The same documents fetched by plain JavaScript in the loaded page, in the same three rounds (the tag,
/// then every entry's manifest at once, then every config at once), nothing hashed, checked or rendered:
/// what the browser, the proxy and the registry alone take, the floor under Strata's warm time.
async fn fetch_floor_run(browser: &Browser, landing: &str, reference: &str) -> f64 {
    open_landing(browser, landing).await;
    browser.clear_http_cache().await;
    let (name, tag) = reference.rsplit_once(':').expect("name:tag");
    let script = format!(
        "const base = '/v2/' + {name:?}, accept = {{ Accept: {accept:?} }}; \
         const json = (path, headers) => fetch(base + path, {{ headers }}) \
           .then(response => response.arrayBuffer()) \
           .then(bytes => JSON.parse(new TextDecoder().decode(bytes))); \
         const started = performance.now(); \
         json('/manifests/' + {tag:?}, accept) \
           .then(index => Promise.all(index.manifests.map(entry => json('/manifests/' + entry.digest, accept)))) \
           .then(manifests => Promise.all(manifests.map(manifest => json('/blobs/' + manifest.config.digest)))) \
           .then(() => done(performance.now() - started), error => done(String(error)));",
        accept = strata_image::media_type::MANIFEST_ACCEPT,
    );
    let measured = browser.eval_async(&script).await;
    measured
        .as_f64()
        .unwrap_or_else(|| panic!("the plain fetches failed: {measured}"))
}

fn brotli_len(bytes: &[u8]) -> u64 {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("brotli in memory");
    out.len() as u64
}

/// Runs `wasm-opt -Oz` (`STRATA_WASM_OPT`, installed by `cargo xtask bench`) on each built wasm: the
/// app's two modules and the layer worker's.
fn measure_wasm_opt() -> Vec<WasmOpt> {
    let dist = std::path::PathBuf::from(std::env::var_os("STRATA_DIST").expect("STRATA_DIST"));
    let built: Vec<std::path::PathBuf> = std::fs::read_dir(dist.join("assets"))
        .expect("the built assets")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "wasm")
        })
        .collect();
    let wasm_opt = std::env::var_os("STRATA_WASM_OPT").expect("STRATA_WASM_OPT");
    let sizes = |path: &std::path::Path| {
        let bytes = std::fs::read(path).expect("a wasm");
        (bytes.len() as u64, brotli_len(&bytes))
    };
    [
        ("the app, first load", "app_bg-"),
        (ALL_PAGES_MODULE, "app_all_pages_bg-"),
        ("the layer worker", "layer_worker_bg-"),
    ]
    .into_iter()
    .map(|(module, prefix)| {
        let wasm = built
            .iter()
            .find(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with(prefix))
            })
            .unwrap_or_else(|| panic!("the built wasm of {module}"));
        let optimized =
            std::env::temp_dir().join(format!("strata-bench-{}-{prefix}.wasm", std::process::id()));
        let status = Command::new(&wasm_opt)
            .arg("-Oz")
            .arg("--all-features")
            .arg(wasm)
            .arg("-o")
            .arg(&optimized)
            .status()
            .expect("wasm-opt runs");
        assert!(status.success(), "wasm-opt -Oz on {module}");
        let measured = WasmOpt {
            module,
            built: sizes(wasm),
            optimized: sizes(&optimized),
        };
        let _ = std::fs::remove_file(&optimized);
        measured
    })
    .collect()
}

/// Runs every page measurement.
pub async fn measure(browser: &Browser) -> PageRows {
    let offline = Proxy::start(&["--offline"]);
    let first_load = first_load::fetch(&offline.url("")).await;
    drop(offline);
    let wasm_opt = measure_wasm_opt();

    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.2")
        .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let reference = format!("{}/team/app:1.2", registry.authority);
    let share_link = proxy.url(&format!("/inspect/{reference}"));
    let landing = proxy.url("/");

    let mut cold = Vec::new();
    let mut app_started = Vec::new();
    let mut wasm_arrived = Vec::new();
    let mut warm = Vec::new();
    let mut warm_cached = Vec::new();
    let mut fetch_floor = Vec::new();
    let mut elements = 0;
    for _ in 0..RUNS {
        let run = cold_run(browser, &share_link).await;
        cold.push(run.settled_ms);
        app_started.push(run.first_request_ms);
        wasm_arrived.push(run.wasm_arrived_ms);
        warm.push(warm_run(browser, &landing, &reference, false).await);
        warm_cached.push(warm_run(browser, &landing, &reference, true).await);
        elements = browser
            .eval("return document.querySelectorAll('*').length")
            .await
            .as_u64()
            .expect("a count");
        fetch_floor.push(fetch_floor_run(browser, &landing, &reference).await);
    }

    let docker = strata_e2e::required_program("/usr/local/bin/docker");
    let docker_home =
        std::env::temp_dir().join(format!("strata-bench-docker-{}", std::process::id()));
    std::fs::create_dir_all(&docker_home).expect("a temp dir");
    let home = docker_home.to_str().expect("a UTF-8 temp path");
    let docker_ms = crate::median(
        (0..RUNS)
            .map(|_| {
                crate::run_ms(
                    docker.to_str().expect("a UTF-8 path"),
                    &["manifest", "inspect", "-v", "--insecure", &reference],
                    &[("HOME", home), ("DOCKER_CONFIG", home)],
                )
            })
            .collect(),
    );
    let _ = std::fs::remove_dir_all(&docker_home);

    let index: Value = serde_json::from_slice(&layout.blob(&root).bytes).expect("JSON");
    let children: Vec<String> = index["manifests"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["digest"].as_str().expect("a digest").to_owned())
        .collect();
    let image = format!("docker://{}/team/app", registry.authority);
    let skopeo = strata_e2e::required_program("/usr/bin/skopeo");
    let skopeo = skopeo.to_str().expect("a UTF-8 path");
    let skopeo_ms = crate::median(
        (0..RUNS)
            .map(|_| {
                let inspect = |extra: &[&str], target: &str| {
                    let mut args = vec!["inspect", "--tls-verify=false"];
                    args.extend(extra);
                    args.push(target);
                    crate::run_ms(skopeo, &args, &[])
                };
                inspect(&["--raw"], &format!("{image}:1.2"))
                    + children
                        .iter()
                        .map(|child| {
                            let target = format!("{image}@{child}");
                            inspect(&["--raw"], &target) + inspect(&["--config", "--raw"], &target)
                        })
                        .sum::<f64>()
            })
            .collect(),
    );
    PageRows {
        first_load,
        wasm_opt,
        documents: 1 + 2 * children.len(),
        cold_ms: crate::median(cold),
        cold_app_started_ms: crate::median(app_started),
        cold_wasm_arrived_ms: crate::median(wasm_arrived),
        warm_ms: crate::median(warm),
        warm_cached_ms: crate::median(warm_cached),
        elements,
        fetch_floor_ms: crate::median(fetch_floor),
        docker_ms,
        skopeo_ms,
    }
}

impl PageRows {
    /// The report's first-load and tree sections.
    pub fn write(&self, out: &mut String) {
        let total = first_load::counted_bytes(&self.first_load);
        let _ = writeln!(
            out,
            "## First load: what a browser downloads to open Strata\n\n\
             Each file as the proxy answers a browser that sends `Accept-Encoding: gzip, deflate, br, zstd`.\n"
        );
        let _ = writeln!(out, "| file | encoding | bytes on the wire | cached |");
        let _ = writeln!(out, "|---|---|---:|---|");
        for file in &self.first_load {
            let name = file.path.rsplit('/').next().unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                if name.is_empty() { "/" } else { name },
                file.encoding.as_deref().unwrap_or("none"),
                file.wire_bytes,
                file.cache_control.as_deref().unwrap_or("")
            );
        }
        let _ = writeln!(
            out,
            "\nHTML, JS, CSS and wasm: **{total} bytes**, {:.2}× the goal of {FIRST_LOAD_GOAL} (the icon is not counted). \
             The test `first_load` fails the build past that goal.\n\n\
             The first load carries the app without the pages most visits never open: the landing page, the inspect \
             tree, an image's tag names and concepts (`app`). Opening files, a comparison, the tour, a repository's tag \
             table or a registry's catalog loads the module with every page \
             (`app_all_pages`, {} bytes of brotli wasm below), which takes the page over in place: no reload, the \
             history kept, the documents read again from the browser's cache; its styles (`all-pages.css`) and \
             loader (`load-all-pages.js`) come with it. The same module reads an image's SBOMs and provenance into a \
             place the first-load page keeps for them, without taking the page over. One module built twice, with \
             and without the `all-pages` feature, rather than a split by hand: they share every component. The \
             first-load build uses sha2's compact rounds: it hashes documents of a few kB, not layers.\n",
            total as f64 / FIRST_LOAD_GOAL as f64,
            self.wasm_opt
                .iter()
                .find(|measured| measured.module == ALL_PAGES_MODULE)
                .map_or(0, |measured| measured.built.1)
        );
        let _ = writeln!(
            out,
            "`wasm-opt -Oz` (binaryen 132) on each built wasm, against rustc's own output (`opt-level = \"z\"`, fat LTO), \
             which the build serves:\n"
        );
        let _ = writeln!(
            out,
            "| module | built, raw | after wasm-opt, raw | built, brotli | after wasm-opt, brotli |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for measured in &self.wasm_opt {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} ({:+.1}%) |",
                measured.module,
                measured.built.0,
                measured.optimized.0,
                measured.built.1,
                measured.optimized.1,
                (measured.optimized.1 as f64 / measured.built.1 as f64 - 1.0) * 100.0
            );
        }
        let _ = writeln!(
            out,
            "\nThe brotli columns are what goes over the wire; the build serves rustc's output as it is: wasm-opt \
             made the app larger in brotli when measured, and the worker smaller by about 1%. The worker is built \
             with `opt-level = 3` (Cargo profile `wasm-worker`): it inflates and hashes every layer byte, and \
             loads only when layers are read.\n"
        );
        let _ = writeln!(
            out,
            "## A verified tree, cold and warm, beside the Docker CLI\n\n\
             The demo multi-arch image (an index, 4 platform manifests, 4 attestation manifests, their configs) \
             pushed to a local `docker-registry`; median of {RUNS} runs. Strata's times are the page's own clock, \
             until every document is hashed and shown verified.\n"
        );
        let _ = writeln!(
            out,
            "| client | what it does | median | ratio to `docker manifest inspect` |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|");
        let rows = [
            (
                "`docker manifest inspect -v --insecure` (baseline)",
                "the index, then each entry's manifest; no configs".to_owned(),
                self.docker_ms,
            ),
            (
                "Strata, warm: typed into a loaded page, nothing cached",
                format!("fetch and hash all {} documents, render", self.documents),
                self.warm_ms,
            ),
            (
                "Strata, warm, by-digest answers in the browser's cache",
                "the tag asked again, everything else from the cache, hashed again".to_owned(),
                self.warm_cached_ms,
            ),
            (
                "the same fetches alone, plain JavaScript in the loaded page",
                format!(
                    "the {} documents in the same three rounds; nothing hashed, checked or rendered",
                    self.documents
                ),
                self.fetch_floor_ms,
            ),
            (
                "Strata, cold: a share link in a fresh tab, nothing cached",
                "page load, wasm start, then the same".to_owned(),
                self.cold_ms,
            ),
            (
                "`skopeo inspect --raw`",
                format!(
                    "index, each manifest and config: {} invocations",
                    self.documents
                ),
                self.skopeo_ms,
            ),
        ];
        for (client, what, ms) in rows {
            let _ = writeln!(
                out,
                "| {client} | {what} | {ms:.0} ms | {:.2}× |",
                ms / self.docker_ms
            );
        }
        let (warm_ratio, cold_ratio) =
            (self.warm_ms / self.docker_ms, self.cold_ms / self.docker_ms);
        let _ = writeln!(
            out,
            "\nWhere the warm time goes: the browser, the proxy and the registry alone take {:.0} ms for the \
             fetches ({:.2}× the CLI), in three rounds that cannot overlap (a manifest names the next documents \
             only once it has arrived, and Strata follows a child only once its parent verified). The other {:.0} ms \
             are the page's: reading, hashing and checking each of the {} documents as it arrives (the next round \
             waits for that), and rendering the page, {} elements (most of them in raw bytes, traces and \
             platforms kept closed), once the documents are in (or within 100 ms, on a slow registry). The \
             Docker CLI fetches {} of them (no configs), verifies nothing and renders nothing. With the network \
             nearly out of it (every by-digest answer from the browser's cache), the page alone still takes {:.0} \
             ms, {:.2}× the CLI's whole run: that work, not the network, is what stands between Strata and the \
             goal. A Chromium trace of one warm run: the inspect page's first render, before any answer, about \
             15 ms and its layout 7 ms; each answer read, hashed and checked in 1–2 ms; the tree's render, once \
             its documents are in, about 25 ms (Yew building each element through a call into the browser).",
            self.fetch_floor_ms,
            self.fetch_floor_ms / self.docker_ms,
            (self.warm_ms - self.fetch_floor_ms).max(0.0),
            self.documents,
            self.elements,
            self.documents.div_ceil(2),
            self.warm_cached_ms,
            self.warm_cached_ms / self.docker_ms,
        );
        let _ = writeln!(
            out,
            "Warm: {warm_ratio:.2}× (the goal is 1.0×{}). Cold: {cold_ratio:.2}× (the goal is 2.0×{}): the \
             first-load wasm had arrived at {:.0} ms (the page, its script, then the wasm), the app asked for its \
             first document at {:.0} ms (the wasm compiled and instantiated, the app started and rendered), and \
             the tree took the other {:.0} ms. An app that started the moment its wasm arrived and then took the \
             warm tree's time would need {:.0} ms, {:.2}× the CLI.\n",
            if warm_ratio <= 1.0 {
                ", met"
            } else {
                ", not met: the page's own work above is the limit, not the network"
            },
            if cold_ratio <= 2.0 {
                ", met"
            } else {
                ", not met"
            },
            self.cold_wasm_arrived_ms,
            self.cold_app_started_ms,
            (self.cold_ms - self.cold_app_started_ms).max(0.0),
            self.cold_wasm_arrived_ms + self.warm_ms,
            (self.cold_wasm_arrived_ms + self.warm_ms) / self.docker_ms,
        );
    }
}
