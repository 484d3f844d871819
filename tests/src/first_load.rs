//! What a browser downloads to open Strata the first time: the page, then every file it names (style,
//! icon, boot script), the loader the boot script imports and the wasm the loader fetches, each as the
//! proxy answers it to a browser that takes `gzip, deflate, br, zstd`.

/// What Chromium sends over HTTPS: every encoding it reads.
pub const BROWSER_ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// What the first load may weigh at most on the wire: HTML, JS, CSS and wasm. Past it the build fails
/// (`docs/benchmarks.md` says where the bytes are).
pub const FIRST_LOAD_GOAL: u64 = 250_000;

/// One file of the first load.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Its path on the proxy.
    pub path: String,
    /// Bytes on the wire (the compressed body).
    pub wire_bytes: u64,
    /// `Content-Encoding`, if any.
    pub encoding: Option<String>,
    /// `Cache-Control`.
    pub cache_control: Option<String>,
}

impl LoadedFile {
    /// Whether it counts toward the limit: the icon is not HTML, JS, CSS or wasm.
    pub fn counts(&self) -> bool {
        !self.path.ends_with(".svg")
    }
}

/// Fetches the first load from the proxy at `base` (`http://127.0.0.1:port`), without decompressing.
pub async fn fetch(base: &str) -> Vec<LoadedFile> {
    let client = reqwest::Client::new();
    let get = |path: String| {
        let client = client.clone();
        async move {
            let response = client
                .get(format!("{base}{path}"))
                .header("accept-encoding", BROWSER_ACCEPT_ENCODING)
                .send()
                .await
                .expect("an answer");
            assert_eq!(response.status(), 200, "{path}");
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            let (encoding, cache_control) = (header("content-encoding"), header("cache-control"));
            let body = response.bytes().await.expect("a body");
            (
                LoadedFile {
                    path,
                    wire_bytes: body.len() as u64,
                    encoding,
                    cache_control,
                },
                body.to_vec(),
            )
        }
    };
    let (index, html) = get("/".to_owned()).await;
    let html = decode(&index, &html);
    let mut files = vec![index];
    // A file the index preloads and a script imports again is fetched once.
    let mut seen = std::collections::HashSet::new();
    // What the page loads (`src=`, `href=`), not what it only names (the layer worker's script, fetched
    // when layers are read).
    let mut queue = assets_after(&html, &["src=\"", "href=\""]);
    queue.reverse();
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (file, body) = get(path.clone()).await;
        files.push(file.clone());
        // The boot script imports the loader; the loader names the wasm relative to itself.
        if path.ends_with(".js") {
            let script = decode(&file, &body);
            let mut found = assets_after(&script, &["from \""]);
            found.extend(
                relative_wasm(&script)
                    .into_iter()
                    .map(|wasm| format!("/assets/{wasm}")),
            );
            found.reverse();
            queue.extend(found);
        }
    }
    files
}

/// The sum of what counts toward the limit.
pub fn counted_bytes(files: &[LoadedFile]) -> u64 {
    files
        .iter()
        .filter(|file| file.counts())
        .map(|file| file.wire_bytes)
        .sum()
}

/// The `/assets/…` paths that follow one of `openers` (`src="`) in a text, up to the closing quote.
fn assets_after(text: &str, openers: &[&str]) -> Vec<String> {
    openers
        .iter()
        .flat_map(|opener| {
            text.match_indices(opener)
                .map(move |(at, _)| at + opener.len())
        })
        .filter_map(|start| {
            let rest = &text[start..];
            let path = &rest[..rest.find('"')?];
            path.starts_with("/assets/").then(|| path.to_owned())
        })
        .collect()
}

/// `new URL('<name>.wasm', import.meta.url)` in wasm-bindgen's loader.
fn relative_wasm(script: &str) -> Vec<String> {
    script
        .split('\'')
        .filter(|part| part.ends_with(".wasm") && !part.contains('/'))
        .map(str::to_owned)
        .collect()
}

fn decode(file: &LoadedFile, body: &[u8]) -> String {
    let plain = match file.encoding.as_deref() {
        Some("br") => {
            let mut out = Vec::new();
            brotli::BrotliDecompress(&mut &body[..], &mut out).expect("valid brotli");
            out
        }
        Some("gzip") => {
            use std::io::Read as _;
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("valid gzip");
            out
        }
        None => body.to_vec(),
        Some(other) => panic!("{}: unexpected encoding {other}", file.path),
    };
    String::from_utf8_lossy(&plain).into_owned()
}
