//! `docker save` archives of 256 MiB, 1 GiB and 2 GiB opened from disk in the page (`/open`): the time to
//! a verified tree and to every layer read and verified, beside skopeo and native tools reading the same
//! file, and the peak memory of the browser's processes while it does, which must not grow with the file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use strata_e2e::browser::Browser;
use strata_e2e::process_memory;
use strata_e2e::proxy::Proxy;
use strata_e2e::tar_builder::TarBuilder;
use strata_image::digest::Digest;

use crate::layer_rows::text_like;
use crate::run_ms;

const LAYERS: usize = 4;
const FILE_BYTES: usize = 4 << 20;

/// Each archive's layers, in MiB: archives of about 256 MiB, 1 GiB and 2 GiB.
const LAYER_MIBS: [usize; 3] = [64, 256, 512];

/// What opening each archive measured.
pub struct ArchiveRows {
    runs: Vec<ArchiveRun>,
}

/// What opening one archive measured.
struct ArchiveRun {
    archive_mib: f64,
    tree_ms: f64,
    files_ms: f64,
    skopeo_inspect_ms: f64,
    tar_list_ms: f64,
    native_read_ms: f64,
    idle_mib: f64,
    peak_mib: f64,
}

/// Writes a legacy `docker save` archive of [`LAYERS`] uncompressed layers of `layer_mib` MiB of
/// text-like files, as `docker save` lays it out: `manifest.json`, the config named by its digest,
/// `<n>/layer.tar`.
fn write_archive(path: &Path, layer_mib: usize) -> Vec<String> {
    let files_per_layer = (layer_mib << 20) / FILE_BYTES;
    let mut diff_ids = Vec::new();
    let mut layers = Vec::new();
    for layer in 0..LAYERS {
        let mut tar = TarBuilder::default();
        for file in 0..files_per_layer {
            tar.file(
                &format!("data/layer{layer}/file{file:03}.txt"),
                &text_like((layer * files_per_layer + file) as u64, FILE_BYTES),
            );
        }
        let (bytes, _) = tar.finish();
        diff_ids.push(Digest::sha256_of(&bytes).to_string());
        layers.push(bytes);
    }
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": { "Cmd": ["/bin/sh"] },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": (0..LAYERS).map(|layer| serde_json::json!({ "created_by": format!("COPY layer{layer} /data") })).collect::<Vec<_>>(),
    })
    .to_string();
    let config_name = format!("{}.json", Digest::sha256_of(config.as_bytes()).encoded());
    let layer_names: Vec<String> = (0..LAYERS)
        .map(|layer| format!("{layer}/layer.tar"))
        .collect();
    let manifest = serde_json::json!([{
        "Config": config_name, "RepoTags": ["bench/archive:1"], "Layers": layer_names,
    }])
    .to_string();
    let file = std::fs::File::create(path).expect("a temp file");
    let mut archive = tar::Builder::new(std::io::BufWriter::new(file));
    let mut append = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_ustar();
        header.set_mode(0o644);
        header.set_size(bytes.len() as u64);
        archive
            .append_data(&mut header, name, bytes)
            .expect("writing the archive");
    };
    append(&config_name, config.as_bytes());
    for (name, bytes) in layer_names.iter().zip(&layers) {
        append(name, bytes);
    }
    append("manifest.json", manifest.as_bytes());
    archive
        .into_inner()
        .expect("the archive's end")
        .flush()
        .expect("written");
    layer_names
}

/// Memory of every process of this browser (the page, its workers, the browser process that keeps
/// blobs), as proportional set sizes summed, in bytes.
fn browser_memory_bytes(profile: &str) -> u64 {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return 0;
    };
    processes
        .flatten()
        .filter_map(|process| {
            let pid: u32 = process.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(process.path().join("cmdline")).ok()?;
            String::from_utf8_lossy(&cmdline)
                .contains(profile)
                .then(|| process_memory::proportional_kib(pid))
                .flatten()
                .map(|kib| kib * 1024)
        })
        .sum()
}

/// Samples [`browser_memory_bytes`] every 20 ms until dropped, keeping the largest.
struct PeakMemory {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl PeakMemory {
    fn start(profile: String) -> PeakMemory {
        let (peak, stop) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (kept, stopped) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                kept.fetch_max(browser_memory_bytes(&profile), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        PeakMemory { peak, stop }
    }

    fn peak_bytes(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

impl Drop for PeakMemory {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

pub async fn measure(browser: &Browser) -> ArchiveRows {
    let proxy = Proxy::start(&["--offline"]);
    let mut runs = Vec::new();
    for layer_mib in LAYER_MIBS {
        runs.push(measure_one(browser, &proxy, layer_mib).await);
    }
    ArchiveRows { runs }
}

async fn measure_one(browser: &Browser, proxy: &Proxy, layer_mib: usize) -> ArchiveRun {
    let path: PathBuf =
        std::env::temp_dir().join(format!("strata-bench-archive-{}.tar", std::process::id()));
    let layer_names = write_archive(&path, layer_mib);
    let archive = path.to_str().expect("a UTF-8 temp path").to_owned();
    let archive_mib = std::fs::metadata(&path).expect("written").len() as f64 / 1048576.0;

    browser.open("about:blank").await;
    browser.open(&proxy.url("/open")).await;
    browser
        .wait_for(
            "the file input",
            "return document.getElementById('open-local') !== null",
        )
        .await;
    let profile = format!("--user-data-dir={}", browser.profile().display());
    let idle = browser_memory_bytes(&profile);
    let memory = PeakMemory::start(profile);
    browser
        .eval(
            "window.strataChosen = null; window.strataTree = null; \
             document.getElementById('open-local').addEventListener('change', \
               () => { window.strataChosen = performance.now(); }); \
             const watch = new MutationObserver(() => { \
               if (window.strataTree === null && document.querySelector('[data-kind=\"config\"][data-verify=\"verified\"]')) { \
                 window.strataTree = performance.now(); watch.disconnect(); } }); \
             watch.observe(document.documentElement, { subtree: true, childList: true, attributes: true }); \
             return true;",
        )
        .await;
    browser.choose_file("open-local", &path).await;
    browser
        .wait_for_within(
            Duration::from_secs(120),
            "the archive's tree verified",
            "return document.querySelector('[data-kind=\"config\"][data-verify=\"verified\"]') !== null",
        )
        .await;
    let tree_ms = browser
        .eval("return window.strataTree - window.strataChosen")
        .await
        .as_f64()
        .expect("a time");
    let started = Instant::now();
    browser.click("a.open-files").await;
    browser
        .wait_for_within(
            Duration::from_secs(600),
            "every layer read and verified",
            &format!(
                "return document.querySelectorAll('[data-kind=\"layer\"][data-verify=\"verified\"]').length === {LAYERS}"
            ),
        )
        .await;
    let files_ms = started.elapsed().as_secs_f64() * 1000.0;
    let peak = memory.peak_bytes();
    drop(memory);

    let skopeo = strata_e2e::required_program("/usr/bin/skopeo");
    let skopeo_inspect_ms = run_ms(
        skopeo.to_str().expect("a UTF-8 path"),
        &["inspect", &format!("docker-archive:{archive}")],
        &[],
    );
    let tar_list_ms = run_ms("tar", &["tf", &archive], &[]);
    let mut native_read_ms = run_ms("sha256sum", &[&archive], &[]);
    for name in &layer_names {
        native_read_ms += run_ms(
            "sh",
            &["-c", "tar -xOf \"$0\" \"$1\" | tar tf -", &archive, name],
            &[],
        );
    }
    let _ = std::fs::remove_file(&path);
    ArchiveRun {
        archive_mib,
        tree_ms,
        files_ms,
        skopeo_inspect_ms,
        tar_list_ms,
        native_read_ms,
        idle_mib: idle as f64 / 1048576.0,
        peak_mib: peak as f64 / 1048576.0,
    }
}

impl ArchiveRows {
    /// The report's section on local archives.
    pub fn write(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\n## Local archives: `docker save` files opened from disk (`/open`)\n\n\
             Each a legacy `docker save` of {LAYERS} uncompressed layers of text-like files. The tree: from the file \
             input's `change` to the config verified (the page's own clock: the tar index read by slices, \
             `manifest.json`, the config hashed against its name), beside `skopeo inspect docker-archive:` (which \
             reads `manifest.json` and the config). Every layer: from the click on the files view's link until every \
             layer's node is verified (each layer hashed against its diff_id, listed and merged in the layer \
             workers), beside `sha256sum` of the archive and then `tar -xO | tar t` of each layer, natively.\n"
        );
        let _ = writeln!(
            out,
            "| archive | tree | `skopeo inspect` | ratio | every layer | `sha256sum` + `tar` | ratio | browser memory before | at most | added |"
        );
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for run in &self.runs {
            let _ = writeln!(
                out,
                "| {:.0} MiB | {:.0} ms | {:.0} ms | {:.2}× | {:.0} ms | {:.0} ms | {:.2}× | {:.0} MiB | {:.0} MiB | {:.0} MiB |",
                run.archive_mib,
                run.tree_ms,
                run.skopeo_inspect_ms,
                run.tree_ms / run.skopeo_inspect_ms,
                run.files_ms,
                run.native_read_ms,
                run.files_ms / run.native_read_ms,
                run.idle_mib,
                run.peak_mib,
                run.peak_mib - run.idle_mib,
            );
        }
        let added = |run: &ArchiveRun| run.peak_mib - run.idle_mib;
        if let [.., before, last] = self.runs.as_slice() {
            let _ = writeln!(
                out,
                "\nMemory is the browser's processes together (proportional set sizes, sampled every 20 ms from \
                 /proc). From the {:.0} MiB archive to the {:.0} MiB one, what reading adds went from {:.0} to {:.0} MiB: \
                 the file is never read whole (its tar index is read header by header, each blob is a slice of it) \
                 and layers stream through the workers; what is added is mostly the workers themselves, three per \
                 layer of 16 MiB or more, up to four layers at once, and their bounded queues. `tar tf` lists the \
                 largest archive in {:.0} ms.",
                before.archive_mib,
                last.archive_mib,
                added(before),
                added(last),
                last.tar_list_ms
            );
        }
    }
}
