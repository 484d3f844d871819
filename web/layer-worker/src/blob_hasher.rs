//! A worker that hashes a big layer's bytes as they arrive while this one inflates and lists them: one for
//! the compressed bytes, one for the uncompressed (and, for a comparison, every file in it), three threads
//! on one layer. The same module plays every
//! part; a hasher is told apart by what it is sent (chunks of bytes, then [`FINISH`]), a reader by a
//! `LayerJob`.

use std::cell::RefCell;

use futures::StreamExt as _;
use futures::channel::mpsc;
use js_sys::Uint8Array;
use strata_image::digest::{Digest, Sha256Hasher};
use strata_layers::{FileDigests, Limits};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions, WorkerType};

/// Asks the hasher for the digest of every chunk sent so far.
const FINISH: &str = "strata-hash-finish";
/// Starts the hasher's answer: the digest follows.
const DIGEST: &str = "strata-hash-digest:";
/// Asks the hasher, before any chunk, to hash every regular file of the tar too; the layer's `Limits`
/// follow, as JSON, so it sees the entries the reader sees.
const FILES: &str = "strata-hash-files:";
/// Starts the hasher's answer with the files' digests (a JSON list, in tar order), before [`DIGEST`].
const FILE_DIGESTS: &str = "strata-hash-file-digests:";
/// Bytes sent but not yet hashed, at most: past it the reader waits, so a slow hasher never makes the
/// layer pile up in memory.
const MAX_QUEUED: f64 = 8.0 * 1024.0 * 1024.0;

thread_local! {
    /// The hasher's running hash, in a worker that plays the hasher.
    static HASHING: RefCell<Option<Sha256Hasher>> = const { RefCell::new(None) };
    /// Its files' digests, when asked for, or why they could not be had.
    static FILES_HASHING: RefCell<Option<Result<FileDigests, String>>> = const { RefCell::new(None) };
}

/// In a worker playing the hasher: hashes a chunk (and acknowledges its length) or answers [`FINISH`].
/// Returns whether `data` was for the hasher.
pub fn answer(data: &JsValue, scope: &DedicatedWorkerGlobalScope) -> bool {
    if let Some(chunk) = data.dyn_ref::<Uint8Array>() {
        let bytes = chunk.to_vec();
        HASHING.with(|hashing| {
            hashing
                .borrow_mut()
                .get_or_insert_with(Sha256Hasher::new)
                .update(&bytes)
        });
        FILES_HASHING.with(|files| {
            let mut files = files.borrow_mut();
            if let Some(Ok(digests)) = files.as_mut()
                && let Err(error) = digests.push(&bytes)
            {
                *files = Some(Err(error.to_string()));
            }
        });
        let _ = scope.post_message(&JsValue::from_f64(bytes.len() as f64));
        return true;
    }
    let text = data.as_string().unwrap_or_default();
    if let Some(limits) = text.strip_prefix(FILES) {
        let started = serde_json::from_str::<Limits>(limits)
            .map(FileDigests::new)
            .map_err(|error| format!("the layer's limits were not readable: {error}"));
        FILES_HASHING.with(|files| *files.borrow_mut() = Some(started));
        return true;
    }
    if text == FINISH {
        if let Some(files) = FILES_HASHING.with(|files| files.borrow_mut().take()) {
            let answer = match files {
                Ok(digests) => {
                    let digests: Vec<String> =
                        digests.finish().iter().map(ToString::to_string).collect();
                    serde_json::to_string(&digests).unwrap_or_default()
                }
                Err(_) => String::new(),
            };
            let _ = scope.post_message(&JsValue::from_str(&format!("{FILE_DIGESTS}{answer}")));
        }
        let digest = HASHING
            .with(|hashing| hashing.borrow_mut().take())
            .unwrap_or_default()
            .finish();
        let _ = scope.post_message(&JsValue::from_str(&format!("{DIGEST}{digest}")));
        return true;
    }
    false
}

/// The reader's side: a hasher worker of its own, fed every chunk of one blob.
pub struct BlobHasher {
    worker: Worker,
    /// The hasher's answers: acknowledged lengths, the digest, or `null` when it failed.
    answers: mpsc::UnboundedReceiver<JsValue>,
    queued: f64,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(JsValue)>,
}

impl BlobHasher {
    /// Starts a hasher: this worker's own script, in a worker of its own.
    pub fn start(scope: &DedicatedWorkerGlobalScope) -> Option<BlobHasher> {
        let script = scope.location().href();
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&script, &options).ok()?;
        let (sender, answers) = mpsc::unbounded();
        let on_error = {
            let sender = sender.clone();
            Closure::<dyn Fn(JsValue)>::new(move |_| {
                let _ = sender.unbounded_send(JsValue::NULL);
            })
        };
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let _ = sender.unbounded_send(event.data());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(BlobHasher {
            worker,
            answers,
            queued: 0.0,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Hands a chunk over (the chunk's buffer moves to the hasher); waits while too much is queued.
    pub async fn hash(&mut self, chunk: Uint8Array) -> Result<(), String> {
        self.queued += f64::from(chunk.length());
        let moved = js_sys::Array::of1(&chunk.buffer());
        self.worker
            .post_message_with_transfer(&chunk, &moved)
            .map_err(|_| "the hashing worker took no more bytes".to_owned())?;
        while self.queued > MAX_QUEUED {
            let answer = self.next_answer().await?;
            if let Some(hashed) = answer.as_f64() {
                self.queued -= hashed;
            }
        }
        Ok(())
    }

    /// Asks the hasher to hash every regular file of the tar too (before any chunk is handed over).
    pub fn hash_files(&self, limits: &Limits) -> Result<(), String> {
        let limits = serde_json::to_string(limits).unwrap_or_default();
        self.worker
            .post_message(&JsValue::from_str(&format!("{FILES}{limits}")))
            .map_err(|_| "the hashing worker could not be asked to hash files".to_owned())
    }

    /// The digest of every chunk handed over, and (when asked for) every regular file's, in tar order.
    pub async fn digest(mut self) -> Result<(Digest, Option<Vec<Digest>>), String> {
        self.worker
            .post_message(&JsValue::from_str(FINISH))
            .map_err(|_| "the hashing worker could not be asked for its digest".to_owned())?;
        let mut files = None;
        loop {
            let answer = self.next_answer().await?;
            let Some(text) = answer.as_string() else {
                continue;
            };
            if let Some(list) = text.strip_prefix(FILE_DIGESTS) {
                let listed: Vec<String> = serde_json::from_str(list).map_err(|_| {
                    "the hashing worker could not hash the layer's files".to_owned()
                })?;
                let parsed: Result<Vec<Digest>, _> =
                    listed.iter().map(|digest| Digest::parse(digest)).collect();
                files = Some(parsed.map_err(|error| format!("a file digest: {error}"))?);
                continue;
            }
            let digest = text.strip_prefix(DIGEST).unwrap_or_default();
            let digest = Digest::parse(digest)
                .map_err(|error| format!("the hashing worker answered {digest:?}: {error}"))?;
            return Ok((digest, files));
        }
    }

    async fn next_answer(&mut self) -> Result<JsValue, String> {
        match self.answers.next().await {
            Some(answer) if !answer.is_null() => Ok(answer),
            _ => Err("the hashing worker stopped".to_owned()),
        }
    }
}

impl Drop for BlobHasher {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
