//! Streams a layer blob from the proxy into core's `LayerReader`, chunk by chunk as the network delivers
//! it: the layer is hashed twice and listed in one pass and never held whole in memory.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use strata_image::digest::Digest;
use strata_layers::{FileEntry, LayerReader, LayerSummary, Limits, Progress};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::page_clock::now_ms;

/// Why a layer could not be read to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamError {
    /// The reader pressed cancel.
    Cancelled,
    /// Anything else, in plain words.
    Failed(String),
}

/// What a finished layer gave.
pub struct StreamedLayer {
    /// Every entry, in tar order.
    pub entries: Vec<FileEntry>,
    /// Both verifications.
    pub summary: LayerSummary,
    /// The bytes of the captured path, when one was asked for.
    pub captured: Option<Vec<u8>>,
}

/// Which layer to read, and how.
#[derive(Debug, Clone, Copy)]
pub struct LayerRequest<'a> {
    /// The blob's URL on the proxy.
    pub url: &'a str,
    /// The layer's media type, as its manifest gives it.
    pub media_type: &'a str,
    /// The digest of the compressed bytes.
    pub digest: &'a Digest,
    /// The digest of the uncompressed tar, from the config, when it names one.
    pub diff_id: Option<&'a Digest>,
    /// Bounds on what the layer may hold.
    pub limits: Limits,
    /// A path whose bytes to keep (up to [`PREVIEW_LIMIT`]), for a preview.
    pub capture: Option<&'a str>,
}

/// Reads the layer `request` names, reporting progress about every MiB, until it ends or `cancel` is set.
pub async fn stream_layer(
    request: LayerRequest<'_>,
    cancel: Rc<Cell<bool>>,
    on_progress: impl Fn(Progress),
) -> Result<StreamedLayer, StreamError> {
    let failed =
        |what: &str, error: JsValue| StreamError::Failed(format!("{what}: {}", describe(&error)));
    let mut reader = LayerReader::new(
        request.media_type,
        request.digest,
        request.diff_id,
        request.limits,
    )
    .map_err(|error| StreamError::Failed(error.to_string()))?;
    if let Some(path) = request.capture {
        reader.capture(path, PREVIEW_LIMIT);
    }
    let window = web_sys::window().ok_or_else(|| StreamError::Failed("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(request.url))
        .await
        .map_err(|error| failed("the layer could not be fetched", error))?
        .dyn_into()
        .map_err(|error| failed("not a response", error))?;
    if !response.ok() {
        return Err(StreamError::Failed(format!(
            "the registry answered {} for the layer",
            response.status()
        )));
    }
    let body = response
        .body()
        .ok_or_else(|| StreamError::Failed("the layer has no body".into()))?;
    let stream_reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|error| failed("the body cannot be read", error.into()))?;
    let mut entries = Vec::new();
    let mut reported = 0u64;
    let mut slice_started = now_ms();
    loop {
        // Buffered chunks resolve at once, which would keep the main thread busy for seconds: give the
        // page its turn after each slice of work so it keeps answering while a layer streams.
        if now_ms() - slice_started > SLICE_MS {
            yield_to_page().await;
            slice_started = now_ms();
        }
        if cancel.get() {
            let _ = stream_reader.cancel();
            return Err(StreamError::Cancelled);
        }
        let chunk = JsFuture::from(stream_reader.read())
            .await
            .map_err(|error| failed("the layer stopped arriving", error))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            break;
        }
        let value =
            Reflect::get(&chunk, &JsValue::from_str("value")).map_err(|e| failed("a chunk", e))?;
        let bytes = Uint8Array::new(&value).to_vec();
        match reader.push(&bytes) {
            Ok(found) => entries.extend(found),
            Err(error) => {
                let _ = stream_reader.cancel();
                return Err(StreamError::Failed(error.to_string()));
            }
        }
        let progress = reader.progress();
        if progress.compressed_bytes - reported >= PROGRESS_STEP {
            reported = progress.compressed_bytes;
            on_progress(progress);
        }
    }
    on_progress(reader.progress());
    let captured = reader.captured().map(<[u8]>::to_vec);
    let summary = reader
        .finish()
        .map_err(|error| StreamError::Failed(error.to_string()))?;
    Ok(StreamedLayer {
        entries,
        summary,
        captured,
    })
}

/// How long the reader works before letting the page render and answer input.
const SLICE_MS: f64 = 30.0;

/// Waits for a zero-delay timer: everything queued before it (rendering, clicks) runs first.
async fn yield_to_page() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Files up to this size can be viewed.
pub const PREVIEW_LIMIT: usize = 1024 * 1024;
const PROGRESS_STEP: u64 = 1024 * 1024;

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            js_sys::JSON::stringify(error)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_else(|| "unknown error".into())
}
