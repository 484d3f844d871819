//! The URL is the state: every view has a link that reproduces it.

use strata_explain::page_link::{self, PageLinkError, encode_query_value, encode_uri_component};
use strata_explain::share_link::{self, PINNED_PARAM, query_value};
use strata_image::registry_host;

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
        /// `pinned=<time>`: this is a pinned link, made at that time.
        pinned_at: Option<String>,
    },
    /// `/inspect/<registry>`: the registry's repositories, from its catalog.
    Catalog {
        /// The registry, as references name it.
        registry: String,
    },
    /// `/compare?left=<reference>&right=<reference>[&left-platform=..][&right-platform=..]`: two images side
    /// by side (two platforms of one image: the same reference on both sides).
    Compare {
        /// The left reference as typed.
        left: String,
        /// The left platform, when the left reference is an index.
        left_platform: Option<String>,
        /// The right reference as typed.
        right: String,
        /// The right platform.
        right_platform: Option<String>,
        /// `view=files`: the two merged filesystems compared path by path.
        files: bool,
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
    /// `/open[?then=<path>]`: an image archive from the reader's disk, read in the tab; `then`, one of
    /// Strata's pages to go back to once it is open (a local image's link after a reload).
    Open {
        /// Where to go once the file is open.
        then: Option<String>,
    },
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

    /// What makes a page a different one: moving within it (another file, layer or tour step) keeps the
    /// page and what it loaded; anything else (another image, platform or comparison) starts it afresh.
    pub fn page_key(&self) -> String {
        match self {
            Route::Inspect {
                reference,
                platform,
                ..
            } => format!("inspect {reference} {platform:?}"),
            Route::Tour { platform, .. } => format!("tour {platform:?}"),
            Route::Compare {
                left,
                left_platform,
                right,
                right_platform,
                ..
            } => format!("compare {left} {left_platform:?} {right} {right_platform:?}"),
            other => format!("{other:?}"),
        }
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
        if path == "/compare" {
            let value = |key| query_value(search, key).filter(|value| !value.trim().is_empty());
            return Route::Compare {
                left: value("left").unwrap_or_default(),
                left_platform: value("left-platform"),
                right: value("right").unwrap_or_default(),
                right_platform: value("right-platform"),
                files: query_value(search, "view").as_deref() == Some("files"),
            };
        }
        if path == "/concepts" {
            return Route::Concepts;
        }
        if path == "/open" {
            return Route::Open {
                then: query_value(search, "then")
                    .filter(|then| page_link::return_path(then).is_some()),
            };
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
        let inspected = path.strip_prefix("/inspect/").map(decode);
        if let Some(registry) = inspected
            .as_deref()
            .and_then(registry_host::catalog_registry)
        {
            return Route::Catalog {
                registry: registry.to_owned(),
            };
        }
        match inspected {
            Some(reference) => Route::Inspect {
                reference,
                platform: query_value(search, "platform").filter(|p| !p.is_empty()),
                files: (query_value(search, "view").as_deref() == Some("files")).then(|| {
                    FilesRequest {
                        layer: query_value(search, "layer").filter(|l| !l.is_empty()),
                        path: query_value(search, "path").filter(|p| !p.is_empty()),
                        max_mib: query_value(search, "max-mib").and_then(|mib| mib.parse().ok()),
                    }
                }),
                pinned_at: query_value(search, PINNED_PARAM)
                    .filter(|time| share_link::pinned_time(time).is_some()),
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
        href.push_str(&format!("&layer={}", encode_query_value(layer)));
    }
    if let Some(path) = &files.path {
        href.push_str(&format!("&path={}", encode_uri_component(path)));
    }
    if let Some(mib) = files.max_mib {
        href.push_str(&format!("&max-mib={mib}"));
    }
    href
}

/// The link to a tour step, keeping the reader's machine.
pub fn tour_href(step: &str, platform: Option<&str>) -> String {
    match platform {
        Some(platform) => format!("/tour/{step}?platform={}", encode_uri_component(platform)),
        None => format!("/tour/{step}"),
    }
}

/// The link that opens an inspection.
pub fn inspect_href(reference: &str, platform: Option<&str>) -> String {
    page_link::inspect_path(reference, platform)
}

/// The link to `name:tag` for a tag a registry listed, when it is a tag.
pub fn tag_href(name: &str, tag: &str) -> Result<String, PageLinkError> {
    page_link::tagged(name, tag).map(|reference| inspect_href(&reference.full(), None))
}

/// The link to `name@digest` for a digest a manifest names, when it is a digest.
pub fn digest_href(name: &str, digest: &str) -> Result<String, PageLinkError> {
    page_link::by_digest(name, digest).map(|reference| inspect_href(&reference.full(), None))
}

/// The link that compares two images, each a reference and, for an index, a platform.
pub fn compare_href(
    left: &str,
    left_platform: Option<&str>,
    right: &str,
    right_platform: Option<&str>,
) -> String {
    page_link::compare_path(left, left_platform, right, right_platform)
}

/// The link that compares two images' files, path by path.
pub fn compare_files_href(
    left: &str,
    left_platform: Option<&str>,
    right: &str,
    right_platform: Option<&str>,
) -> String {
    page_link::compare_files_path(left, left_platform, right, right_platform)
}

fn decode(encoded: &str) -> String {
    js_sys::decode_uri_component(encoded)
        .map(String::from)
        .unwrap_or_else(|_| encoded.to_owned())
}
