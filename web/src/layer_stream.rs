//! Reads a layer in a Web Worker of its own (`layer_worker`): the page posts the job, the worker streams
//! the blob from the proxy through core's `LayerReader` and posts back progress, entries and the two
//! verdicts. The page's thread only renders; several layers are read at once, one worker each.

use std::cell::Cell;
use std::rc::Rc;

use futures::StreamExt as _;
use futures::channel::mpsc;
use strata_layers::{
    CapturedFile, Checkpoint, FileEntry, LayerJob, LayerReport, LayerSummary, Progress,
    attach_file_digests,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

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
    pub summary: Box<LayerSummary>,
    /// The first bytes of the captured path, when one was asked for.
    pub captured: Option<Vec<u8>>,
    /// The captured path's SHA-256 and size, over every byte.
    pub captured_file: Option<CapturedFile>,
    /// Every byte of the captured path, in pieces (`Uint8Array`s), when the job streamed it.
    pub file_parts: js_sys::Array,
    /// Where the layer can be entered again, when the job kept checkpoints.
    pub checkpoints: Vec<Checkpoint>,
}

/// What a file read from a checkpoint gave.
pub struct StreamedFile {
    /// Its first bytes.
    pub first_bytes: Vec<u8>,
    /// Its SHA-256 and size, as the full read saw them.
    pub file: CapturedFile,
    /// Every byte, in pieces, when the job streamed it.
    pub file_parts: js_sys::Array,
    /// Blob bytes fetched for it.
    pub fetched_bytes: u64,
}

/// A file's preview shows its first bytes, up to this many.
pub const PREVIEW_LIMIT: usize = 64 * 1024;
/// Files up to this size are read whole for download as soon as they are selected; a larger one when
/// the reader asks.
pub const DOWNLOAD_AT_ONCE: u64 = 64 * 1024 * 1024;

/// How often a read with nothing to report looks at the cancel button.
const CANCEL_CHECK_MS: i32 = 200;

/// The page names the worker's script in `<meta name="strata-layer-worker">` (its name carries a hash).
const WORKER_META: &str = "meta[name=\"strata-layer-worker\"]";

/// What the worker and the page's timer put in the read's mailbox.
enum Mail {
    Report(String),
    /// The next bytes of a streamed file.
    FileBytes(js_sys::Uint8Array),
    WorkerFailed(String),
    Tick,
}

/// What a job ended with.
enum Streamed {
    Layer(StreamedLayer),
    File(StreamedFile),
}

/// Reads the layer `job` names in a worker, reporting progress about every MiB, until it ends or `cancel`
/// is set.
pub async fn stream_layer(
    job: &LayerJob,
    cancel: Rc<Cell<bool>>,
    on_progress: impl Fn(Progress),
) -> Result<StreamedLayer, StreamError> {
    match run(job, cancel, on_progress).await? {
        Streamed::Layer(layer) => Ok(layer),
        Streamed::File(_) => Err(StreamError::Failed(
            "the worker read a file where a layer was asked for".into(),
        )),
    }
}

/// Reads the one file of a `file_at` job from its checkpoint, in a worker.
pub async fn stream_file(job: &LayerJob) -> Result<StreamedFile, StreamError> {
    match run(job, Rc::new(Cell::new(false)), |_| {}).await? {
        Streamed::File(file) => Ok(file),
        Streamed::Layer(_) => Err(StreamError::Failed(
            "the worker read a layer where a file was asked for".into(),
        )),
    }
}

async fn run(
    job: &LayerJob,
    cancel: Rc<Cell<bool>>,
    on_progress: impl Fn(Progress),
) -> Result<Streamed, StreamError> {
    let (mailbox, mut mail) = mpsc::unbounded::<Mail>();
    let worker = LayerWorker::start(mailbox)?;
    worker
        .worker
        .post_message(&JsValue::from_str(&job.to_message()))
        .map_err(|_| StreamError::Failed("the layer could not be handed to its worker".into()))?;
    let mut entries = Vec::new();
    let file_parts = js_sys::Array::new();
    while let Some(item) = mail.next().await {
        if cancel.get() {
            return Err(StreamError::Cancelled);
        }
        let text = match item {
            Mail::Tick => continue,
            Mail::FileBytes(bytes) => {
                file_parts.push(&bytes);
                continue;
            }
            Mail::WorkerFailed(message) => return Err(StreamError::Failed(message)),
            Mail::Report(text) => text,
        };
        match LayerReport::from_message(&text).map_err(StreamError::Failed)? {
            LayerReport::Progress(progress) => on_progress(progress),
            LayerReport::Entries(found) => entries.extend(found),
            LayerReport::Failed(message) => return Err(StreamError::Failed(message)),
            LayerReport::CaptureRestarted => file_parts.set_length(0),
            LayerReport::Done {
                summary,
                captured,
                captured_file,
                file_digests,
                checkpoints,
                memory_bytes,
            } => {
                record_worker_memory(memory_bytes);
                if !file_digests.is_empty() {
                    attach_file_digests(&mut entries, &file_digests)
                        .map_err(StreamError::Failed)?;
                }
                return Ok(Streamed::Layer(StreamedLayer {
                    entries,
                    summary,
                    captured,
                    captured_file,
                    file_parts,
                    checkpoints,
                }));
            }
            LayerReport::FileRead {
                first_bytes,
                file,
                fetched_bytes,
            } => {
                return Ok(Streamed::File(StreamedFile {
                    first_bytes,
                    file,
                    file_parts,
                    fetched_bytes,
                }));
            }
        }
    }
    Err(StreamError::Failed(
        "the layer's worker stopped without an answer".into(),
    ))
}

/// A worker and the page-side handlers that feed its mailbox; the worker is stopped when dropped.
struct LayerWorker {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::ErrorEvent)>,
    _tick: Closure<dyn Fn()>,
    interval: Option<i32>,
}

impl LayerWorker {
    fn start(mailbox: mpsc::UnboundedSender<Mail>) -> Result<LayerWorker, StreamError> {
        let window = web_sys::window().ok_or_else(|| StreamError::Failed("no window".into()))?;
        let script = window
            .document()
            .and_then(|document| document.query_selector(WORKER_META).ok().flatten())
            .and_then(|meta| meta.get_attribute("content"))
            .ok_or_else(|| StreamError::Failed("the page names no layer worker".into()))?;
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&script, &options).map_err(|_| {
            StreamError::Failed("this browser could not start a layer worker".into())
        })?;
        let reports = mailbox.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let mail = match data.dyn_into::<js_sys::Uint8Array>() {
                Ok(bytes) => Mail::FileBytes(bytes),
                Err(data) => Mail::Report(data.as_string().unwrap_or_default()),
            };
            let _ = reports.unbounded_send(mail);
        });
        let failures = mailbox.clone();
        let on_error =
            Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                let message = format!("the layer's worker failed: {}", event.message());
                let _ = failures.unbounded_send(Mail::WorkerFailed(message));
            });
        let tick = Closure::<dyn Fn()>::new(move || {
            let _ = mailbox.unbounded_send(Mail::Tick);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let interval = window
            .set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                CANCEL_CHECK_MS,
            )
            .ok();
        Ok(LayerWorker {
            worker,
            _on_message: on_message,
            _on_error: on_error,
            _tick: tick,
            interval,
        })
    }
}

impl Drop for LayerWorker {
    fn drop(&mut self) {
        self.worker.terminate();
        if let (Some(window), Some(interval)) = (web_sys::window(), self.interval) {
            window.clear_interval_with_handle(interval);
        }
    }
}

/// `cargo xtask bench` reads the most WebAssembly memory one layer's worker needed from here.
fn record_worker_memory(bytes: u64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = JsValue::from_str("strataLayerWorkerMemory");
    let before = js_sys::Reflect::get(&window, &key)
        .ok()
        .and_then(|value| value.as_f64())
        .unwrap_or_default();
    let _ = js_sys::Reflect::set(&window, &key, &JsValue::from_f64(before.max(bytes as f64)));
}
