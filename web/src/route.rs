//! The URL is the state: every view has a link that reproduces it.

/// What the URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The landing page.
    Home,
    /// `/inspect/<reference>[?platform=os/arch[/variant]]`.
    Inspect {
        /// The reference as typed (URL-decoded).
        reference: String,
        /// The requested platform, if any.
        platform: Option<String>,
        /// `view=files`: the files of the selected platform's layers.
        files: Option<FilesRequest>,
    },
    /// `/bench/sha256?mib=N`: hashes N MiB in WebAssembly and with WebCrypto, for `cargo xtask bench`.
    HashBench {
        /// How many MiB to hash.
        mib: usize,
    },
    /// `/tour[/<step>][?platform=os/arch[/variant]]`: the guided tour of a pull.
    Tour {
        /// The step's slug (empty: the first step).
        step: String,
        /// The machine the reader chose, if any.
        platform: Option<String>,
    },
    /// `/concepts`: every concept panel on one page.
    Concepts,
    /// Anything else.
    NotFound(String),
}

impl Route {
    /// Reads the current location.
    pub fn current() -> Route {
        let location = web_sys::window().map(|window| window.location());
        let path = location
            .as_ref()
            .and_then(|l| l.pathname().ok())
            .unwrap_or_default();
        let search = location
            .as_ref()
            .and_then(|l| l.search().ok())
            .unwrap_or_default();
        Route::parse(&path, &search)
    }

    /// Reads a path and query string.
    pub fn parse(path: &str, search: &str) -> Route {
        if path == "/" || path.is_empty() || path == "/index.html" {
            return Route::Home;
        }
        if path == "/bench/sha256" {
            let mib = query_value(search, "mib")
                .and_then(|mib| mib.parse().ok())
                .unwrap_or(64);
            return Route::HashBench { mib };
        }
        if path == "/concepts" {
            return Route::Concepts;
        }
        if path == "/tour" || path.starts_with("/tour/") {
            return Route::Tour {
                step: path
                    .trim_start_matches("/tour")
                    .trim_matches('/')
                    .to_owned(),
                platform: query_value(search, "platform").filter(|p| !p.is_empty()),
            };
        }
        match path.strip_prefix("/inspect/") {
            Some(encoded) => Route::Inspect {
                reference: decode(encoded),
                platform: query_value(search, "platform").filter(|p| !p.is_empty()),
                files: (query_value(search, "view").as_deref() == Some("files")).then(|| {
                    FilesRequest {
                        layer: query_value(search, "layer").filter(|l| !l.is_empty()),
                        path: query_value(search, "path").filter(|p| !p.is_empty()),
                        max_mib: query_value(search, "max-mib").and_then(|mib| mib.parse().ok()),
                    }
                }),
            },
            None => Route::NotFound(path.to_owned()),
        }
    }
}

/// `view=files`: which layer (all of them merged when none) and which path is selected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilesRequest {
    /// `layer=<digest>`: one layer's own changes.
    pub layer: Option<String>,
    /// `path=/usr/bin`: the selected path.
    pub path: Option<String>,
    /// `max-mib=N`: stop reading a layer past N MiB uncompressed (the default suits real images).
    pub max_mib: Option<u64>,
}

/// The link to a platform's files: one layer, or all merged, with a path selected.
pub fn files_href(reference: &str, platform: Option<&str>, files: &FilesRequest) -> String {
    let mut href = inspect_href(reference, platform);
    href.push(if href.contains('?') { '&' } else { '?' });
    href.push_str("view=files");
    if let Some(layer) = &files.layer {
        href.push_str(&format!("&layer={layer}"));
    }
    if let Some(path) = &files.path {
        href.push_str(&format!("&path={}", encode_query(path)));
    }
    if let Some(mib) = files.max_mib {
        href.push_str(&format!("&max-mib={mib}"));
    }
    href
}

/// The link to a tour step, keeping the reader's machine.
pub fn tour_href(step: &str, platform: Option<&str>) -> String {
    match platform {
        Some(platform) => format!("/tour/{step}?platform={}", encode_query(platform)),
        None => format!("/tour/{step}"),
    }
}

fn encode_query(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

/// The link that opens an inspection.
pub fn inspect_href(reference: &str, platform: Option<&str>) -> String {
    let encoded: String = reference
        .trim()
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '/' | ':' | '@' | '.' | '_' | '-' => c.to_string(),
            other => {
                let mut buffer = [0u8; 4];
                other
                    .encode_utf8(&mut buffer)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect();
    match platform {
        Some(platform) => format!("/inspect/{encoded}?platform={platform}"),
        None => format!("/inspect/{encoded}"),
    }
}

fn decode(encoded: &str) -> String {
    js_sys::decode_uri_component(encoded)
        .map(String::from)
        .unwrap_or_else(|_| encoded.to_owned())
}

fn query_value(search: &str, key: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == key)
        .map(|(_, value)| decode(&value.replace('+', " ")))
}
