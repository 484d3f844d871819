//! Archives opened from the reader's disk in this tab: each is a repository of the registry
//! `local.invalid`, whose blobs are `blob:` URLs of slices of the file, so the tree, files and compare
//! views read them exactly as they read a registry's, and no byte leaves the browser. They live on
//! `window`, where both of the app's modules (the first-load one and the one with every page) find them.

use strata_image::registry_host::LOCAL_ARCHIVE_REGISTRY;
use wasm_bindgen::{JsCast, JsValue};

/// The `window` property that holds the opened archives, by repository name.
const ARCHIVES_PROPERTY: &str = "strataLocalArchives";

/// Why a local blob cannot be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalMissing {
    /// The archive is not open in this tab (the page was reloaded, or the link came from elsewhere).
    NotOpen,
    /// The archive does not hold this blob.
    NoBlob {
        /// The archive's file name.
        file: String,
    },
}

impl LocalMissing {
    /// What the page says about it.
    pub fn message(&self, digest: &str) -> String {
        match self {
            LocalMissing::NotOpen => "This local image is not open in this tab: a file from your disk \
                 never leaves the browser, so its link works only in the tab that opened it, while it is open. \
                 Choose the file again to see this page."
                .to_owned(),
            LocalMissing::NoBlob { file } => {
                format!("The archive {file} holds no blob {digest}, which a document in it names.")
            }
        }
    }
}

/// Whether a registry name is the one local archives are given.
pub fn is_local(registry: &str) -> bool {
    registry == LOCAL_ARCHIVE_REGISTRY
}

fn archives() -> Option<js_sys::Object> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &JsValue::from_str(ARCHIVES_PROPERTY))
        .ok()?
        .dyn_into()
        .ok()
}

fn archive(repository: &str) -> Option<js_sys::Object> {
    let archives = archives()?;
    js_sys::Reflect::get(&archives, &JsValue::from_str(repository))
        .ok()?
        .dyn_into()
        .ok()
}

fn text(object: &js_sys::Object, key: &str) -> Option<String> {
    js_sys::Reflect::get(object, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// The file an opened archive was read from.
pub fn file_name(repository: &str) -> Option<String> {
    text(&archive(repository)?, "file")
}

/// The `blob:` URL of a blob of an opened archive.
pub fn blob_url(repository: &str, digest: &str) -> Result<String, LocalMissing> {
    let archive = archive(repository).ok_or(LocalMissing::NotOpen)?;
    let blobs: js_sys::Object = js_sys::Reflect::get(&archive, &JsValue::from_str("blobs"))
        .ok()
        .and_then(|blobs| blobs.dyn_into().ok())
        .ok_or(LocalMissing::NotOpen)?;
    text(&blobs, digest).ok_or_else(|| LocalMissing::NoBlob {
        file: text(&archive, "file").unwrap_or_default(),
    })
}

/// Whether the document `digest` of an opened archive is a manifest Strata wrote (docker save's legacy
/// form holds none), not one the archive holds.
pub fn is_written(repository: &str, digest: &str) -> bool {
    archive(repository)
        .and_then(|archive| js_sys::Reflect::get(&archive, &JsValue::from_str("written")).ok())
        .and_then(|written| written.dyn_into::<js_sys::Array>().ok())
        .is_some_and(|written| written.includes(&JsValue::from_str(digest), 0))
}

/// Records an opened archive under `repository` (`strata_archive::local_repository`): its file's name, each blob by
/// digest, and which of them are manifests Strata wrote.
#[cfg(feature = "all-pages")]
pub fn register(
    repository: &str,
    file: &str,
    blobs: &[(String, web_sys::Blob)],
    written: &[String],
) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let all = match archives() {
        Some(all) => all,
        None => {
            let all = js_sys::Object::new();
            js_sys::Reflect::set(&window, &JsValue::from_str(ARCHIVES_PROPERTY), &all)
                .map_err(|_| "the page could not keep the archive")?;
            all
        }
    };
    let by_digest = js_sys::Object::new();
    for (digest, blob) in blobs {
        let url = web_sys::Url::create_object_url_with_blob(blob)
            .map_err(|_| "the browser refused a blob URL")?;
        js_sys::Reflect::set(
            &by_digest,
            &JsValue::from_str(digest),
            &JsValue::from_str(&url),
        )
        .map_err(|_| "the page could not keep the archive")?;
    }
    let archive = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        js_sys::Reflect::set(&archive, &JsValue::from_str(key), value)
            .map_err(|_| "the page could not keep the archive".to_owned())
    };
    set("file", &JsValue::from_str(file))?;
    set("blobs", &by_digest)?;
    set(
        "written",
        &written
            .iter()
            .map(|digest| JsValue::from_str(digest))
            .collect::<js_sys::Array>(),
    )?;
    js_sys::Reflect::set(&all, &JsValue::from_str(repository), &archive)
        .map_err(|_| "the page could not keep the archive")?;
    Ok(())
}
