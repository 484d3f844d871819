//! The front end's files as served: every file but `index.html` renamed after its content's SHA-256 under
//! `assets/` (so browsers may keep it for a year without asking again), the references between them
//! rewritten to the new names, and each file written beside a brotli and a gzip copy for the proxy to
//! serve to browsers that take them.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use sha2::{Digest as _, Sha256};

/// The folder of content-named files, which the proxy serves as `immutable`.
pub const ASSETS_DIR: &str = "assets";

/// The page every route answers with; it keeps its name (and is served `no-cache`).
const INDEX: &str = "index.html";

/// Hex digits of the SHA-256 in an asset's name: 64 bits tell versions apart.
const NAME_HASH_HEX: usize = 16;

/// A wasm module of the front end: which package, built with which feature flags, and the name
/// wasm-bindgen gives its files.
pub struct WasmModule {
    /// The Cargo package.
    pub package: &'static str,
    /// Cargo's feature flags for it (`--no-default-features`: the first-load app).
    pub feature_flags: &'static [&'static str],
    /// The Cargo profile it is built with (`Cargo.toml` says why each).
    pub profile: &'static str,
    /// `<out_name>.js` and `<out_name>_bg.wasm`.
    pub out_name: &'static str,
    /// `RUSTFLAGS` of its own, if any; such a module is built in a target folder of its own
    /// (`target/<out_name>`), so the builds do not undo each other's.
    pub rustflags: &'static str,
}

/// The front end's modules: the app a first visit loads (the landing page and the inspect tree), the app
/// with every page (loaded when the reader opens one the first lacks), and the Web Worker that reads
/// layers (loaded when layers are read).
pub const MODULES: [WasmModule; 3] = [
    WasmModule {
        package: "strata-web",
        feature_flags: &["--no-default-features"],
        profile: "wasm",
        out_name: "app",
        // sha2's rolled-up rounds: 17 kB smaller than the unrolled ones, for documents of a few kB.
        rustflags: "--cfg sha2_backend_soft=\"compact\"",
    },
    WasmModule {
        package: "strata-web",
        feature_flags: &[],
        profile: "wasm",
        out_name: "app_all_pages",
        rustflags: "",
    },
    WasmModule {
        package: "strata-layer-worker",
        feature_flags: &[],
        profile: "wasm-worker",
        out_name: "layer_worker",
        rustflags: "",
    },
];

/// Lays out `dist` from wasm-bindgen's loaders and wasm of every module in `bindgen_dir` and the
/// hand-written files of `www`.
pub fn lay_out(bindgen_dir: &Path, www: &Path, dist: &Path) -> anyhow::Result<()> {
    let assets = dist.join(ASSETS_DIR);
    std::fs::create_dir_all(&assets)?;
    // Rewrites `"/name"` to the asset's URL in the files named after it (the imports of the loaders).
    let mut renamed = Vec::new();
    for WasmModule {
        out_name: module, ..
    } in MODULES
    {
        let wasm_file = format!("{module}_bg.wasm");
        let wasm = std::fs::read(bindgen_dir.join(&wasm_file))?;
        let wasm_name = write_asset(&assets, &wasm_file, &wasm)?;
        let loader_file = format!("{module}.js");
        let loader = std::fs::read_to_string(bindgen_dir.join(&loader_file))?;
        // wasm-bindgen's loader finds the wasm beside itself by this expression.
        let wasm_url = format!("new URL('{wasm_file}', import.meta.url)");
        if loader.matches(&wasm_url).count() != 1 {
            bail!("wasm-bindgen's {loader_file} no longer loads its wasm by `{wasm_url}`");
        }
        let loader = loader.replace(
            &wasm_url,
            &format!("new URL('{wasm_name}', import.meta.url)"),
        );
        let asset = write_asset(&assets, &loader_file, loader.as_bytes())?;
        renamed.push((loader_file, asset));
        // The index may name a wasm too, to have the browser fetch it early.
        renamed.push((wasm_file, wasm_name));
    }

    let mut hand_written: Vec<_> = std::fs::read_dir(www)?
        .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    // Files that name others come after them: the scripts loaded on use (which name a stylesheet) before
    // the scripts that load them, those after the loaders, the index last.
    hand_written.sort_by_key(|name| {
        let loaded_on_use = LOADED_ON_USE.contains(&name.as_str());
        (
            name == INDEX,
            name.ends_with(".js") && !loaded_on_use,
            name.ends_with(".js"),
            name.clone(),
        )
    });
    for name in hand_written {
        let bytes =
            std::fs::read(www.join(&name)).with_context(|| format!("cannot read www/{name}"))?;
        let bytes = rewrite_references(&name, bytes, &renamed)?;
        if name == INDEX {
            write_with_compressed(&dist.join(INDEX), &bytes)?;
        } else {
            let asset = write_asset(&assets, &name, &bytes)?;
            renamed.push((name, asset));
        }
    }
    Ok(())
}

/// Hand-written files the index does not name: `boot.js` loads the first when the module with every page is
/// needed, and it loads the second.
const LOADED_ON_USE: [&str; 2] = ["load-all-pages.js", "all-pages.css"];

/// In a text file, `"/original"` becomes `"/assets/<hashed>"` for every file renamed so far. The index
/// must name every renamed file but the wasm modules (their loaders, which the scripts it names import, and
/// the wasm each loader fetches) and the files loaded on use.
fn rewrite_references(
    name: &str,
    bytes: Vec<u8>,
    renamed: &[(String, String)],
) -> anyhow::Result<Vec<u8>> {
    let is_text = [".html", ".js", ".css"]
        .iter()
        .any(|end| name.ends_with(end));
    if !is_text {
        return Ok(bytes);
    }
    let mut text = String::from_utf8(bytes).with_context(|| format!("www/{name} is not UTF-8"))?;
    for (original, asset) in renamed {
        let quoted = format!("\"/{original}\"");
        let is_module = MODULES.iter().any(|module| {
            *original == format!("{}.js", module.out_name)
                || *original == format!("{}_bg.wasm", module.out_name)
        });
        let loaded_on_use = LOADED_ON_USE.contains(&original.as_str());
        if name == INDEX && !is_module && !loaded_on_use && !text.contains(&quoted) {
            bail!("www/{INDEX} does not name /{original}");
        }
        text = text.replace(&quoted, &format!("\"/{ASSETS_DIR}/{asset}\""));
    }
    Ok(text.into_bytes())
}

/// Writes `bytes` into `assets` as `<stem>-<hash>.<extension>`; returns that name.
fn write_asset(assets: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let hash = hex(&Sha256::digest(bytes))[..NAME_HASH_HEX].to_owned();
    let hashed = match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-{hash}.{extension}"),
        None => format!("{name}-{hash}"),
    };
    write_with_compressed(&assets.join(&hashed), bytes)?;
    Ok(hashed)
}

/// Writes `file`, and beside it `<file>.br` and `<file>.gz`.
fn write_with_compressed(file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
    let beside = |extension: &str| {
        let mut path = file.as_os_str().to_owned();
        path.push(extension);
        path
    };
    std::fs::write(beside(".br"), brotli_best(bytes)?)?;
    let mut gzip = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes)?;
    std::fs::write(beside(".gz"), gzip.finish()?)?;
    Ok(())
}

/// Brotli at its best quality and largest standard window: built once, served many times.
fn brotli_best(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed() -> Vec<(String, String)> {
        vec![
            ("app.js".to_owned(), "app-00.js".to_owned()),
            ("style.css".to_owned(), "style-11.css".to_owned()),
        ]
    }

    #[test]
    fn references_are_rewritten_to_the_hashed_names() {
        let boot = rewrite_references(
            "boot.js",
            b"import init from \"/app.js\";".to_vec(),
            &renamed(),
        )
        .expect("rewritten");
        assert_eq!(boot, b"import init from \"/assets/app-00.js\";");
        let index = rewrite_references(
            "index.html",
            b"<link href=\"/style.css\">".to_vec(),
            &renamed(),
        )
        .expect("rewritten");
        assert_eq!(index, b"<link href=\"/assets/style-11.css\">");
        let svg = b"<svg>\"/style.css\"</svg>".to_vec();
        assert_eq!(
            rewrite_references("favicon.svg", svg.clone(), &renamed()).expect("kept"),
            svg
        );
    }

    #[test]
    fn an_index_that_forgets_a_file_is_refused() {
        assert!(rewrite_references("index.html", b"<p>".to_vec(), &renamed()).is_err());
    }

    #[test]
    fn brotli_round_trips() {
        let text = b"the same words again and again and again and again".repeat(20);
        let compressed = brotli_best(&text).expect("compressed");
        assert!(compressed.len() < text.len() / 4);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &compressed[..], &mut back).expect("decompressed");
        assert_eq!(back, text);
    }
}
