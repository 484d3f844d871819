//! The files view's state and the loads that fill it: every layer streamed bottom to top into
//! `ImageFiles` (each layer's changes, then the merged filesystem and its largest directories), and one
//! layer read again to preview a file.

use std::cell::Cell;
use std::rc::Rc;

use futures::StreamExt as _;
use futures::channel::mpsc;
use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::manifest::ImageManifest;
use strata_image::verification::VerifyState;
use strata_layers::{
    CapturedFile, Checkpoint, Efficiency, FileAt, FileEntry, FileRow, ImageFiles, LayerJob,
    LayerSummary, Limits, Progress, checkpoint_spacing, row_with_bytes,
};
use yew::prelude::*;

use crate::inspect_state::{Action, LayerCheck};
use crate::layer_stream::{self, DOWNLOAD_AT_ONCE, PREVIEW_LIMIT, StreamError, StreamedLayer};
use crate::page_clock::{self, now_ms};
use crate::registry_api::Repository;
use crate::route::FilesRequest;
use crate::view::context::NodeContext;

/// How far each layer got.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerStatus {
    Waiting,
    /// Progress, and the milliseconds since the layer started.
    Streaming(Progress, f64),
    Done(Box<LayerSummary>),
    Failed(String),
    Cancelled,
}

/// Everything the files view shows, as the loads fill it in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilesState {
    pub layers: Vec<LayerStatus>,
    /// Per layer, its changes against the layers below.
    pub changes: Vec<Option<Rc<Vec<FileRow>>>>,
    /// The merged filesystem, once every layer was read.
    pub merged: Option<Rc<Vec<FileRow>>>,
    /// Directory sizes of the merged filesystem, largest first.
    pub directories: Rc<Vec<(String, u64)>>,
    /// Where the layers waste bytes, once every layer was read.
    pub efficiency: Option<Rc<Efficiency>>,
    pub preview: Option<Result<Rc<FilePreview>, String>>,
    /// Per layer, where it can be entered again (gzip layers read keeping checkpoints).
    pub checkpoints: Vec<Option<Rc<Vec<Checkpoint>>>>,
}

/// A selected file read again from its layer: its first bytes, its SHA-256 and size over every byte, and
/// (once read whole) a `blob:` address of every byte for download.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePreview {
    /// The path shown.
    pub path: String,
    /// Where its bytes are (a hardlink's target), when it is not `path`.
    pub read_from: Option<String>,
    /// The layer (from 0) its bytes were read from.
    pub layer: usize,
    /// The first [`PREVIEW_LIMIT`] bytes.
    pub first_bytes: Rc<Vec<u8>>,
    /// SHA-256 and size over every byte, computed as they streamed.
    pub file: CapturedFile,
    /// A `blob:` address of every byte, when the file was read whole.
    pub download: Option<String>,
    /// When read from a checkpoint rather than from the layer's start: the blob bytes fetched for it.
    pub fetched_from_checkpoint: Option<u64>,
}

impl FilesState {
    /// Whether every layer was read to its end (so figures over all of them hold).
    pub fn all_read(&self) -> bool {
        !self.layers.is_empty()
            && self
                .layers
                .iter()
                .all(|layer| matches!(layer, LayerStatus::Done(_)))
    }

    /// Whether a layer is still to be read to its end.
    pub fn streaming(&self) -> bool {
        self.layers
            .iter()
            .any(|layer| matches!(layer, LayerStatus::Waiting | LayerStatus::Streaming(..)))
    }
}

pub enum FilesAction {
    Start(usize),
    Progress(usize, Progress, f64),
    Finished(usize, LayerStatus, Option<Rc<Vec<FileRow>>>),
    Merged(Rc<Vec<FileRow>>, Rc<Vec<(String, u64)>>, Rc<Efficiency>),
    Preview(Result<Rc<FilePreview>, String>),
    Indexed(usize, Rc<Vec<Checkpoint>>),
}

impl Reducible for FilesState {
    type Action = FilesAction;

    fn reduce(self: Rc<Self>, action: FilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FilesAction::Start(count) => {
                next.layers = vec![LayerStatus::Waiting; count];
                next.changes = vec![None; count];
                next.checkpoints = vec![None; count];
            }
            FilesAction::Indexed(index, checkpoints) => {
                if let Some(slot) = next.checkpoints.get_mut(index) {
                    *slot = Some(checkpoints);
                }
            }
            FilesAction::Progress(index, progress, elapsed_ms) => {
                if let Some(layer) = next.layers.get_mut(index) {
                    *layer = LayerStatus::Streaming(progress, elapsed_ms);
                }
            }
            FilesAction::Finished(index, status, changes) => {
                if let Some(layer) = next.layers.get_mut(index) {
                    *layer = status;
                }
                if let Some(slot) = next.changes.get_mut(index) {
                    *slot = changes;
                }
            }
            FilesAction::Merged(rows, directories, efficiency) => {
                next.merged = Some(rows);
                next.directories = directories;
                next.efficiency = Some(efficiency);
            }
            FilesAction::Preview(preview) => {
                // The address of the bytes shown before is given back to the browser.
                if let Some(Ok(before)) = &next.preview
                    && let Some(url) = &before.download
                {
                    let _ = web_sys::Url::revoke_object_url(url);
                }
                next.preview = Some(preview);
            }
        }
        Rc::new(next)
    }
}

/// The image whose layers are read.
#[derive(Clone)]
pub struct FilesSource {
    pub context: NodeContext,
    pub manifest: Rc<ImageManifest>,
    pub config: Rc<ImageConfig>,
}

impl FilesSource {
    fn layer_url(&self, digest: &str) -> String {
        Repository {
            registry: self.context.registry.clone(),
            repository: self.context.repository.clone(),
        }
        .blob_url(digest)
    }

    /// The diff_id the config names for layer `index`.
    fn diff_id(&self, index: usize) -> Option<Digest> {
        self.config
            .rootfs
            .as_ref()
            .and_then(|rootfs| rootfs.diff_ids.get(index))
            .and_then(|diff_id| Digest::parse(diff_id).ok())
    }

    /// The job that reads layer `index`, keeping the bytes of `capture` (up to [`PREVIEW_LIMIT`]).
    fn layer_job(
        &self,
        index: usize,
        limits: Limits,
        capture: Option<String>,
        whole: bool,
    ) -> Result<LayerJob, StreamError> {
        let layer = self
            .manifest
            .layers
            .get(index)
            .ok_or_else(|| StreamError::Failed("the manifest has no such layer".into()))?;
        let digest = Digest::parse(&layer.digest)
            .map_err(|_| StreamError::Failed("the layer's digest is not valid".into()))?;
        Ok(LayerJob {
            url: self.layer_url(&layer.digest),
            media_type: layer.media_type.clone(),
            digest,
            diff_id: self.diff_id(index),
            limits,
            capture: capture.map(|path| (path, PREVIEW_LIMIT)),
            hash_files: false,
            stream_capture: whole,
            checkpoints: None,
            file_at: None,
        })
    }

    /// The blob bytes between two checkpoints of layer `index`, when it keeps them.
    fn checkpoint_spacing(&self, index: usize) -> Option<u64> {
        let layer = self.manifest.layers.get(index)?;
        checkpoint_spacing(&layer.media_type, layer.size)
    }
}

/// Layers read at once, each in a worker of its own (the browser fetches at most six blobs at a time from
/// one host anyway).
pub const PARALLEL_LAYERS: usize = 4;

/// Reads every layer, several at once, and applies them to the filesystem bottom to top as they end;
/// then publishes the merged view.
pub async fn read_layers(
    source: FilesSource,
    limits: Limits,
    state: UseReducerDispatcher<FilesState>,
    cancel: Rc<Cell<bool>>,
) {
    let count = source.manifest.layers.len();
    state.dispatch(FilesAction::Start(count));
    let (finished, mut endings) = mpsc::unbounded::<(usize, Result<StreamedLayer, StreamError>)>();
    let start = |index: usize| {
        let (source, state, cancel, finished) = (
            source.clone(),
            state.clone(),
            cancel.clone(),
            finished.clone(),
        );
        yew::platform::spawn_local(async move {
            let result = read_one(&source, index, limits, &state, cancel).await;
            let _ = finished.unbounded_send((index, result));
        });
    };
    let mut started = 0;
    while started < count.min(PARALLEL_LAYERS) {
        start(started);
        started += 1;
    }
    let mut files = ImageFiles::new();
    let mut ended: Vec<Option<Result<StreamedLayer, StreamError>>> =
        (0..count).map(|_| None).collect();
    let mut applied = 0;
    while applied < count {
        let Some((index, result)) = endings.next().await else {
            return;
        };
        if started < count {
            start(started);
            started += 1;
        }
        ended[index] = Some(result);
        // Layers apply in order: one that ends early waits for those below it.
        while let Some(result) = ended.get_mut(applied).and_then(Option::take) {
            if matches!(result, Err(StreamError::Cancelled)) {
                for rest in applied..count {
                    state.dispatch(FilesAction::Finished(rest, LayerStatus::Cancelled, None));
                }
                return;
            }
            apply(&source, &state, &mut files, applied, result).await;
            applied += 1;
        }
    }
    page_clock::next_turn().await;
    state.dispatch(FilesAction::Merged(
        Rc::new(files.merged_rows()),
        Rc::new(files.largest_directories()),
        Rc::new(files.efficiency(count)),
    ));
}

/// Reads layer `index` to its end, reporting its progress.
async fn read_one(
    source: &FilesSource,
    index: usize,
    limits: Limits,
    state: &UseReducerDispatcher<FilesState>,
    cancel: Rc<Cell<bool>>,
) -> Result<StreamedLayer, StreamError> {
    let mut job = source.layer_job(index, limits, None, false)?;
    job.checkpoints = source.checkpoint_spacing(index);
    job.hash_files = job.checkpoints.is_some();
    let progress_state = state.clone();
    let started = now_ms();
    layer_stream::stream_layer(&job, cancel, move |progress| {
        progress_state.dispatch(FilesAction::Progress(index, progress, now_ms() - started))
    })
    .await
}

/// Applies an ended layer to the filesystem and records its verdicts, on its node, then (in a task of its
/// own, so no single one keeps the page busy for long) in the files view.
async fn apply(
    source: &FilesSource,
    state: &UseReducerDispatcher<FilesState>,
    files: &mut ImageFiles,
    index: usize,
    result: Result<StreamedLayer, StreamError>,
) {
    let (status, changes, check) = match result {
        Ok(streamed) => {
            if !streamed.checkpoints.is_empty() {
                state.dispatch(FilesAction::Indexed(index, Rc::new(streamed.checkpoints)));
            }
            let changes = files.apply_layer(index, &streamed.entries);
            let check = LayerCheck {
                data_verify: streamed.summary.data_verify(),
                note: streamed.summary.explain(),
            };
            let done = LayerStatus::Done(streamed.summary);
            (done, Some(Rc::new(changes)), check)
        }
        Err(error) => {
            let message = match error {
                StreamError::Failed(message) => message,
                StreamError::Cancelled => "cancelled".to_owned(),
            };
            let check = LayerCheck {
                data_verify: VerifyState::Error,
                note: message.clone(),
            };
            (LayerStatus::Failed(message), None, check)
        }
    };
    if let Some(layer) = source.manifest.layers.get(index) {
        source
            .context
            .state
            .dispatch(Action::LayerChecked(layer.digest.clone(), check));
    }
    page_clock::next_turn().await;
    state.dispatch(FilesAction::Finished(index, status, changes));
}

/// What to read again for a selected path: the layer its bytes are in and their entry (a hard link's are
/// its target's), when it is a file with bytes.
pub fn file_to_read(merged: &[FileRow], path: &str) -> Option<(usize, FileEntry)> {
    row_with_bytes(merged, path).map(|row| (row.layer, row.entry.clone()))
}

/// Reads the file `path` (whose bytes are `file`'s, in layer `layer`) again: its first bytes and digest,
/// and every byte for download when `whole`. From the nearest checkpoint before it when its layer kept
/// some (a range of the blob, checked against what the full read saw), else the whole layer again.
pub async fn preview(
    source: FilesSource,
    layer: usize,
    path: String,
    file: FileEntry,
    checkpoints: Option<Rc<Vec<Checkpoint>>>,
    whole: bool,
    state: UseReducerDispatcher<FilesState>,
) {
    let read_from = file.path.clone();
    let Ok(mut job) = source.layer_job(layer, Limits::default(), Some(read_from.clone()), whole)
    else {
        return;
    };
    let file_at = match (&checkpoints, file.data_offset, &file.content_digest) {
        (Some(checkpoints), Some(offset), Some(digest)) => FileAt::nearest(checkpoints, offset)
            .map(|checkpoint| FileAt {
                checkpoint: checkpoint.clone(),
                offset,
                size: file.size,
                digest: digest.clone(),
            }),
        _ => None,
    };
    let read = match file_at {
        Some(at) => {
            job.file_at = Some(at);
            match layer_stream::stream_file(&job).await {
                Ok(streamed) => Ok((
                    streamed.first_bytes,
                    streamed.file,
                    streamed.file_parts,
                    Some(streamed.fetched_bytes),
                )),
                Err(error) => Err(error),
            }
        }
        None => match layer_stream::stream_layer(&job, Rc::new(Cell::new(false)), |_| {}).await {
            Ok(streamed) if streamed.summary.compressed.is_trusted() => {
                match (streamed.captured, streamed.captured_file) {
                    (Some(first_bytes), Some(captured)) => {
                        Ok((first_bytes, captured, streamed.file_parts, None))
                    }
                    _ => Err(StreamError::Failed(format!(
                        "{read_from} has no contents in layer #{}",
                        layer + 1
                    ))),
                }
            }
            Ok(_) => Err(StreamError::Failed(
                "The layer did not verify, so its contents are not shown.".to_owned(),
            )),
            Err(error) => Err(error),
        },
    };
    let preview = match read {
        Ok((first_bytes, captured, parts, fetched_from_checkpoint)) => {
            let download = if whole {
                match crate::download::blob_url(&parts, "application/octet-stream") {
                    Ok(url) => Some(url),
                    Err(message) => {
                        state.dispatch(FilesAction::Preview(Err(message)));
                        return;
                    }
                }
            } else {
                None
            };
            Ok(Rc::new(FilePreview {
                read_from: (read_from != path).then_some(read_from),
                path,
                layer,
                first_bytes: Rc::new(first_bytes),
                file: captured,
                download,
                fetched_from_checkpoint,
            }))
        }
        Err(StreamError::Failed(message)) => Err(message),
        Err(StreamError::Cancelled) => Err("cancelled".to_owned()),
    };
    state.dispatch(FilesAction::Preview(preview));
}

/// The files view's loads: every layer read when the platform's manifest is known (again when it changes),
/// and the selected file previewed once the merged filesystem says it is a small file. Returns the state
/// and the flag that cancels the reads.
#[hook]
pub fn use_files(
    source: FilesSource,
    request: &FilesRequest,
) -> (UseReducerHandle<FilesState>, Rc<Cell<bool>>) {
    let state = use_reducer(FilesState::default);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false))).borrow().clone();
    {
        let (state, cancel, source) = (state.dispatcher(), cancel.clone(), source.clone());
        let mut limits = Limits::default();
        if let Some(mib) = request.max_mib {
            limits.max_uncompressed_bytes = mib.saturating_mul(1024 * 1024);
        }
        use_effect_with(source.manifest.config.digest.clone(), move |_| {
            yew::platform::spawn_local(read_layers(source, limits, state, cancel));
        });
    }
    {
        let (dispatcher, merged) = (state.dispatcher(), state.merged.clone());
        let path = request.path.clone();
        let checkpoints = state.checkpoints.clone();
        use_effect_with((path.clone(), merged.is_some()), move |_| {
            if let (Some(path), Some(merged)) = (path, merged)
                && let Some((layer, file)) = file_to_read(&merged, &path)
            {
                let whole = file.size <= DOWNLOAD_AT_ONCE;
                let checkpoints = checkpoints.get(layer).cloned().flatten();
                yew::platform::spawn_local(preview(
                    source,
                    layer,
                    path,
                    file,
                    checkpoints,
                    whole,
                    dispatcher,
                ));
            }
        });
    }
    (state, cancel)
}
