//! The front end built into the binary (`build.rs` embeds `dist/` when it exists), so one file is a whole
//! Strata: an image needs no `--dist` beside the proxy.

use crate::content_encoding::Encoding;

mod files {
    include!(concat!(env!("OUT_DIR"), "/front_end.rs"));
}

/// The page every app route answers with.
pub const INDEX: &str = "index.html";

/// One embedded file, ready to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// The file's bytes.
    pub bytes: &'static [u8],
    /// Its `Content-Type`, from its extension.
    pub content_type: &'static str,
    /// The same bytes brotli-compressed, when the build wrote `<file>.br` beside it.
    pub brotli: Option<&'static [u8]>,
    /// The same bytes gzip'd, when the build wrote `<file>.gz` beside it.
    pub gzip: Option<&'static [u8]>,
}

impl EmbeddedFile {
    /// The copy compressed with `encoding`, if the build wrote one.
    pub fn compressed(&self, encoding: Encoding) -> Option<&'static [u8]> {
        match encoding {
            Encoding::Brotli => self.brotli,
            Encoding::Gzip => self.gzip,
        }
    }
}

/// The file at `path`, relative to the front end's directory (`app.js`, `/app.js`; `/` separates
/// directories). An empty path or a directory names nothing: map `/` to [`INDEX`] first.
pub fn file(path: &str) -> Option<EmbeddedFile> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let bytes = bytes_of(path)?;
    Some(EmbeddedFile {
        bytes,
        content_type: content_type(path),
        brotli: bytes_of(&format!("{path}.br")),
        gzip: bytes_of(&format!("{path}.gz")),
    })
}

/// Whether a front end was embedded (its [`INDEX`] is there); without one, the proxy needs `--dist`.
pub fn is_present() -> bool {
    bytes_of(INDEX).is_some()
}

fn bytes_of(path: &str) -> Option<&'static [u8]> {
    files::FILES
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .ok()
        .map(|found| files::FILES[found].1)
}

/// What browsers need to know to use each kind of file the front end holds; `nosniff` makes this matter.
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "gz" => "application/gzip",
        "br" => "application/x-brotli",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_extensions() {
        for (path, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("app_bg.wasm", "application/wasm"),
            ("fonts/Inter.WOFF2", "font/woff2"),
            ("app.js.gz", "application/gzip"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn files_are_sorted_for_lookup() {
        assert!(files::FILES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn embedded_files_are_found_with_their_gzip() {
        if !is_present() {
            assert_eq!(file(INDEX), None);
            return;
        }
        let index = file("/index.html").expect("the index");
        assert_eq!(index.content_type, "text/html; charset=utf-8");
        assert!(index.bytes.starts_with(b"<!"), "an HTML document");
        assert!(
            index.brotli.is_some() && index.gzip.is_some(),
            "the build compresses the index"
        );
        let page = String::from_utf8_lossy(index.bytes);
        let boot = page
            .split('"')
            .find(|part| part.starts_with("/assets/boot-"))
            .expect("the index loads its boot script from the assets");
        let script = file(boot).expect("the boot script is embedded");
        assert!(
            script.brotli.is_some() && script.gzip.is_some(),
            "{boot} compressed too"
        );
        for missing in ["", "/", "missing.js", "app", "/app.js", "/boot.js"] {
            assert_eq!(file(missing), None, "{missing:?}");
        }
    }
}
