//! A layer-reading Web Worker, a module of its own so that the page's first load carries no decoder: each
//! job the page posts is fetched from the proxy and fed chunk by chunk into core's `LayerReader`, hashed
//! twice and listed in one pass, never held whole; progress and entries are posted back as they come. The
//! page's thread only renders. A big layer's two digests are computed by two more workers at the same
//! time (`blob_hasher`): this one inflates and lists.

mod blob_hasher;

use js_sys::{Reflect, Uint8Array};
use strata_image::media_type::{self, Compression};
use strata_layers::{
    ComputedDigests, FileAt, FileEntry, FileFromCheckpoint, LayerJob, LayerReader, LayerReport,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob_hasher::BlobHasher;

/// Entries posted together: a message the page decodes in a few milliseconds.
const ENTRIES_PER_REPORT: usize = 2000;
/// Longest wait before entries read so far are posted.
const REPORT_EVERY_MS: f64 = 100.0;
/// Compressed bytes between two progress reports.
const PROGRESS_STEP: u64 = 1024 * 1024;
/// From this size on, a layer's digests are computed by workers of their own: below it, starting them costs
/// more than it saves.
const OTHER_THREADS_FROM: f64 = 16.0 * 1024.0 * 1024.0;
/// Decompressed bytes handed to their hasher together: fewer, larger messages.
const HANDED_OVER_TOGETHER: usize = 1024 * 1024;
/// A streamed file's bytes posted to the page together.
const FILE_BYTES_TOGETHER: usize = 1024 * 1024;
/// Compressed bytes pushed at a time while decompressed ones are handed over: what one push inflates to
/// (at most about a thousand times as much) stays a bounded piece of memory.
const PUSHED_AT_A_TIME: usize = 16 * 1024;

/// Runs when `layer-worker.js` starts the module: answers every job posted to the worker.
#[wasm_bindgen(start)]
pub fn start() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let hasher_scope = scope.clone();
    let on_job = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if blob_hasher::answer(&event.data(), &hasher_scope) {
            return;
        }
        let text = event.data().as_string().unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let end = match LayerJob::from_message(&text) {
                Ok(job) => read(&job).await,
                Err(error) => LayerReport::Failed(error),
            };
            post(&end);
        });
    });
    scope.set_onmessage(Some(on_job.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_job.forget();
}

fn post(report: &LayerReport) {
    if let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() {
        let _ = scope.post_message(&JsValue::from_str(&report.to_message()));
    }
}

/// Posts a streamed file's next bytes to the page: a byte array (reports are text), its buffer handed over
/// rather than copied.
fn post_bytes(scope: &DedicatedWorkerGlobalScope, bytes: &[u8]) {
    let array = Uint8Array::from(bytes);
    let _ = scope.post_message_with_transfer(&array, &js_sys::Array::of1(&array.buffer()));
}

/// Reads the job's layer to its end, or its one file from a checkpoint; returns the last report (`Done`,
/// `FileRead` or `Failed`).
async fn read(job: &LayerJob) -> LayerReport {
    let result = match &job.file_at {
        Some(at) => read_file_at(job, at).await,
        None => read_to_end(job).await,
    };
    result.unwrap_or_else(LayerReport::Failed)
}

/// Reads one file from the checkpoint before it: a range of the blob from there, inflated until the
/// file's last byte, checked against what the full read saw.
async fn read_file_at(job: &LayerJob, at: &FileAt) -> Result<LayerReport, String> {
    let failed = |what: &str, error: JsValue| format!("{what}: {}", describe(&error));
    let first_max = job.capture.as_ref().map_or(0, |(_, max)| *max);
    let mut file = FileFromCheckpoint::new(at.clone(), first_max, job.stream_capture)
        .map_err(|error| error.to_string())?;
    let scope: DedicatedWorkerGlobalScope = js_sys::global()
        .dyn_into()
        .map_err(|_| "not in a worker".to_owned())?;
    let headers = web_sys::Headers::new().map_err(|error| failed("no headers", error))?;
    headers
        .set("Range", &format!("bytes={}-", at.checkpoint.compressed))
        .map_err(|error| failed("no range", error))?;
    let init = web_sys::RequestInit::new();
    init.set_headers(&headers);
    let response: web_sys::Response =
        JsFuture::from(scope.fetch_with_str_and_init(&job.url, &init))
            .await
            .map_err(|error| failed("the layer could not be fetched", error))?
            .dyn_into()
            .map_err(|error| failed("not a response", error))?;
    // A registry that ignores the range sends the whole blob: its first bytes are skipped.
    let mut skip = match response.status() {
        206 => 0,
        200 => at.checkpoint.compressed,
        status => {
            return Err(format!(
                "the registry answered {status} for a range of the layer"
            ));
        }
    };
    let body = response.body().ok_or("the layer has no body")?;
    let chunks: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|error| failed("the body cannot be read", error.into()))?;
    let mut fetched_bytes = 0u64;
    let mut file_bytes: Vec<u8> = Vec::new();
    while !file.is_complete() {
        let Some(chunk) = next_chunk(&chunks).await? else {
            break;
        };
        let bytes = chunk.to_vec();
        fetched_bytes += bytes.len() as u64;
        let dropped = usize::try_from(skip).unwrap_or(usize::MAX).min(bytes.len());
        skip -= dropped as u64;
        file.push(&bytes[dropped..])
            .map_err(|error| error.to_string())?;
        if job.stream_capture {
            file_bytes.extend(file.take_streamed());
            if file_bytes.len() >= FILE_BYTES_TOGETHER {
                post_bytes(&scope, &std::mem::take(&mut file_bytes));
            }
        }
    }
    let _ = chunks.cancel();
    if !file_bytes.is_empty() {
        post_bytes(&scope, &file_bytes);
    }
    let (first_bytes, captured) = file.finish().map_err(|error| error.to_string())?;
    Ok(LayerReport::FileRead {
        first_bytes,
        file: captured,
        fetched_bytes,
    })
}

async fn read_to_end(job: &LayerJob) -> Result<LayerReport, String> {
    let failed = |what: &str, error: JsValue| format!("{what}: {}", describe(&error));
    let mut reader = LayerReader::new(
        &job.media_type,
        &job.digest,
        job.diff_id.as_ref(),
        job.limits,
    )
    .map_err(|error| error.to_string())?;
    // A compressed layer's files are hashed by its uncompressed bytes' hasher when it has one (below);
    // otherwise here.
    let compressed = matches!(
        media_type::layer_kind(&job.media_type).compression,
        Compression::Gzip | Compression::Zstd
    );
    if let Some(spacing) = job.checkpoints {
        reader.keep_checkpoints(spacing);
    }
    if let Some((path, max_bytes)) = &job.capture {
        if job.stream_capture {
            reader.capture_streaming(path, *max_bytes);
        } else {
            reader.capture(path, *max_bytes);
        }
    }
    let mut file_bytes: Vec<u8> = Vec::new();
    let scope: DedicatedWorkerGlobalScope = js_sys::global()
        .dyn_into()
        .map_err(|_| "not in a worker".to_owned())?;
    let response: web_sys::Response = JsFuture::from(scope.fetch_with_str(&job.url))
        .await
        .map_err(|error| failed("the layer could not be fetched", error))?
        .dyn_into()
        .map_err(|error| failed("not a response", error))?;
    if !response.ok() {
        return Err(format!(
            "the registry answered {} for the layer",
            response.status()
        ));
    }
    let length = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|length| length.parse::<f64>().ok())
        .unwrap_or_default();
    let (mut compressed_hasher, mut uncompressed_hasher) = if length >= OTHER_THREADS_FROM {
        (BlobHasher::start(&scope), BlobHasher::start(&scope))
    } else {
        (None, None)
    };
    if compressed_hasher.is_some() {
        reader.hash_compressed_elsewhere();
    }
    if uncompressed_hasher.is_some() {
        reader.hash_uncompressed_elsewhere();
    }
    let files_elsewhere = match &uncompressed_hasher {
        Some(hasher) if job.hash_files && compressed => {
            hasher.hash_files(&job.limits)?;
            true
        }
        _ => false,
    };
    if job.hash_files && !files_elsewhere {
        reader.hash_file_contents();
    }
    let mut handed_over: Vec<u8> = Vec::new();
    let body = response.body().ok_or("the layer has no body")?;
    let chunks: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|error| failed("the body cannot be read", error.into()))?;
    let mut pending: Vec<FileEntry> = Vec::new();
    let mut reported_bytes = 0u64;
    let mut reported_at = now_ms();
    while let Some(chunk) = next_chunk(&chunks).await? {
        let bytes = chunk.to_vec();
        if let Some(hasher) = &mut compressed_hasher {
            hasher.hash(chunk).await?;
        }
        let step = match uncompressed_hasher {
            Some(_) => PUSHED_AT_A_TIME,
            None => bytes.len().max(1),
        };
        for piece in bytes.chunks(step) {
            let pushed = reader.push_handing_over(piece, &mut |inflated| {
                handed_over.extend_from_slice(inflated)
            });
            match pushed {
                Ok(found) => pending.extend(found),
                Err(error) => {
                    let _ = chunks.cancel();
                    return Err(error.to_string());
                }
            }
            if job.stream_capture {
                let streamed = reader.take_streamed();
                if streamed.restarted {
                    file_bytes.clear();
                    post(&LayerReport::CaptureRestarted);
                }
                file_bytes.extend(streamed.bytes);
                if file_bytes.len() >= FILE_BYTES_TOGETHER {
                    post_bytes(&scope, &std::mem::take(&mut file_bytes));
                }
            }
            if let Some(hasher) = &mut uncompressed_hasher
                && handed_over.len() >= HANDED_OVER_TOGETHER
            {
                hasher.hash(Uint8Array::from(&handed_over[..])).await?;
                handed_over.clear();
            }
        }
        let progress = reader.progress();
        if progress.compressed_bytes - reported_bytes >= PROGRESS_STEP {
            reported_bytes = progress.compressed_bytes;
            post(&LayerReport::Progress(progress));
        }
        if pending.len() >= ENTRIES_PER_REPORT || now_ms() - reported_at > REPORT_EVERY_MS {
            reported_at = now_ms();
            if !pending.is_empty() {
                post(&LayerReport::Entries(std::mem::take(&mut pending)));
            }
        }
    }
    if !pending.is_empty() {
        post(&LayerReport::Entries(pending));
    }
    post(&LayerReport::Progress(reader.progress()));
    if !file_bytes.is_empty() {
        post_bytes(&scope, &file_bytes);
    }
    let captured = reader.captured().map(<[u8]>::to_vec);
    let captured_file = reader.captured_file().cloned();
    let checkpoints = reader.checkpoints().to_vec();
    let mut computed = ComputedDigests::default();
    if let Some(hasher) = compressed_hasher {
        computed.compressed = Some(hasher.digest().await?.0);
    }
    let mut file_digests = Vec::new();
    if let Some(mut hasher) = uncompressed_hasher {
        if !handed_over.is_empty() {
            hasher.hash(Uint8Array::from(&handed_over[..])).await?;
        }
        let (digest, files) = hasher.digest().await?;
        computed.uncompressed = Some(digest);
        if files_elsewhere {
            file_digests = files.ok_or("the layer's files were not hashed")?;
        }
    }
    let summary = reader
        .finish_with(computed)
        .map_err(|error| error.to_string())?;
    let memory_bytes = wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|memory| {
            memory
                .buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length()
        })
        .unwrap_or_default();
    Ok(LayerReport::Done {
        summary: Box::new(summary),
        captured,
        captured_file,
        file_digests,
        checkpoints,
        memory_bytes: u64::from(memory_bytes),
    })
}

/// The body's next chunk, or `None` at its end.
async fn next_chunk(
    chunks: &web_sys::ReadableStreamDefaultReader,
) -> Result<Option<Uint8Array>, String> {
    let chunk = JsFuture::from(chunks.read())
        .await
        .map_err(|error| format!("the layer stopped arriving: {}", describe(&error)))?;
    let done = Reflect::get(&chunk, &JsValue::from_str("done"))
        .map(|done| done.is_truthy())
        .unwrap_or(true);
    if done {
        return Ok(None);
    }
    let value = Reflect::get(&chunk, &JsValue::from_str("value"))
        .map_err(|error| format!("a chunk: {}", describe(&error)))?;
    Ok(Some(Uint8Array::new(&value)))
}

/// Milliseconds from the worker's clock.
fn now_ms() -> f64 {
    js_sys::global()
        .dyn_into::<DedicatedWorkerGlobalScope>()
        .ok()
        .and_then(|scope| scope.performance())
        .map_or(0.0, |performance| performance.now())
}

fn describe(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error
        .as_string()
        .or_else(|| {
            js_sys::JSON::stringify(error)
                .ok()
                .and_then(|text| text.as_string())
        })
        .unwrap_or_else(|| "unknown error".into())
}
