//! The comparison's files view: the layers of both images read (each distinct layer once, however many
//! sides name it), every regular file hashed as it streams, then both merged filesystems compared by core.

use std::cell::Cell;
use std::rc::Rc;

use futures::StreamExt as _;
use futures::channel::mpsc;
use strata_compare::{FileDiff, LayerReads, Side};
use strata_image::digest::Digest;
use strata_image::verification::VerifyState;
use strata_layers::{FileEntry, Filesystem, LayerJob, Limits};
use yew::prelude::*;

use crate::files_state::{LayerStatus, PARALLEL_LAYERS};
use crate::layer_stream::{self, StreamError};
use crate::page_clock::{self, now_ms};
use crate::registry_api::Repository;
use crate::view::compare_side::ReadyImage;

/// One image of the comparison, where its blobs are, and the reference that pins it (`name@digest`), for
/// links to its files.
#[derive(Clone, PartialEq)]
pub struct DiffSide {
    pub image: Rc<ReadyImage>,
    pub repository: Rc<Repository>,
    pub pinned: Option<String>,
}

/// A distinct layer: its digest, the diff_id it is checked against, and the sides that have it.
#[derive(Debug, Clone, PartialEq)]
pub struct DistinctLayer {
    pub digest: String,
    pub size: u64,
    pub in_left: bool,
    pub in_right: bool,
    pub status: LayerStatus,
}

/// What the files comparison shows, as its reads fill it in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompareFilesState {
    pub layers: Vec<DistinctLayer>,
    /// The diff, once every layer was read and verified; or why there is none.
    pub diff: Option<Result<Rc<FileDiff>, String>>,
}

impl CompareFilesState {
    /// Layers both sides have, read once.
    pub fn shared(&self) -> usize {
        self.layers
            .iter()
            .filter(|layer| layer.in_left && layer.in_right)
            .count()
    }
}

pub enum CompareFilesAction {
    Layers(Vec<DistinctLayer>),
    Status(usize, LayerStatus),
    Diff(Result<Rc<FileDiff>, String>),
}

impl Reducible for CompareFilesState {
    type Action = CompareFilesAction;

    fn reduce(self: Rc<Self>, action: CompareFilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            CompareFilesAction::Layers(layers) => next.layers = layers,
            CompareFilesAction::Status(index, status) => {
                if let Some(layer) = next.layers.get_mut(index) {
                    layer.status = status;
                }
            }
            CompareFilesAction::Diff(diff) => next.diff = Some(diff),
        }
        Rc::new(next)
    }
}

/// What to read (see [`LayerReads`]), each distinct layer with the job that reads it, every regular file
/// hashed.
struct Plan {
    layers: Vec<DistinctLayer>,
    jobs: Vec<LayerJob>,
    sides: [Vec<usize>; 2],
}

fn side_of(side: &DiffSide) -> Side<'_> {
    Side {
        manifest: &side.image.manifest,
        config: &side.image.config,
    }
}

fn plan(left: &DiffSide, right: &DiffSide) -> Result<Plan, String> {
    let reads = LayerReads::of(side_of(left), side_of(right));
    let mut layers = Vec::new();
    let mut jobs = Vec::new();
    for read in &reads.layers {
        let layer = &read.layer;
        let digest = Digest::parse(&layer.digest)
            .map_err(|_| format!("the layer digest {:?} is not valid", layer.digest))?;
        // A layer is fetched from the repository of the first side that names it.
        let repository = if read.in_left {
            &left.repository
        } else {
            &right.repository
        };
        jobs.push(LayerJob {
            url: repository.blob_url(&layer.digest),
            media_type: layer.media_type.clone(),
            digest,
            diff_id: layer
                .diff_id
                .as_deref()
                .and_then(|diff_id| Digest::parse(diff_id).ok()),
            limits: Limits::default(),
            capture: None,
            hash_files: true,
            stream_capture: false,
            checkpoints: None,
            file_at: None,
        });
        layers.push(DistinctLayer {
            digest: layer.digest.clone(),
            size: layer.size,
            in_left: read.in_left,
            in_right: read.in_right,
            status: LayerStatus::Waiting,
        });
    }
    Ok(Plan {
        layers,
        jobs,
        sides: [reads.left, reads.right],
    })
}

/// Reads every distinct layer, several at once, then merges each side's layers in order and compares.
pub async fn compare_files(
    left: DiffSide,
    right: DiffSide,
    state: UseReducerDispatcher<CompareFilesState>,
    cancel: Rc<Cell<bool>>,
) {
    let Plan {
        layers,
        jobs,
        sides,
    } = match plan(&left, &right) {
        Ok(plan) => plan,
        Err(message) => {
            state.dispatch(CompareFilesAction::Diff(Err(message)));
            return;
        }
    };
    let digests: Vec<String> = layers.iter().map(|layer| layer.digest.clone()).collect();
    state.dispatch(CompareFilesAction::Layers(layers));
    let count = jobs.len();
    let (finished, mut endings) = mpsc::unbounded::<(usize, Result<Vec<FileEntry>, String>)>();
    let jobs = Rc::new(jobs);
    let start = |index: usize| {
        let (jobs, state, cancel, finished) = (
            jobs.clone(),
            state.clone(),
            cancel.clone(),
            finished.clone(),
        );
        yew::platform::spawn_local(async move {
            let job = &jobs[index];
            let started = now_ms();
            let progress_state = state.clone();
            let result = layer_stream::stream_layer(job, cancel, move |progress| {
                progress_state.dispatch(CompareFilesAction::Status(
                    index,
                    LayerStatus::Streaming(progress, now_ms() - started),
                ));
            })
            .await;
            let (status, entries) = match result {
                Ok(streamed) if streamed.summary.data_verify() == VerifyState::Verified => {
                    (LayerStatus::Done(streamed.summary), Ok(streamed.entries))
                }
                Ok(streamed) => {
                    let why = streamed.summary.explain();
                    (LayerStatus::Done(streamed.summary), Err(why))
                }
                Err(StreamError::Cancelled) => {
                    (LayerStatus::Cancelled, Err("cancelled".to_owned()))
                }
                Err(StreamError::Failed(message)) => {
                    (LayerStatus::Failed(message.clone()), Err(message))
                }
            };
            state.dispatch(CompareFilesAction::Status(index, status));
            let _ = finished.unbounded_send((index, entries));
        });
    };
    let mut started = 0;
    while started < count.min(PARALLEL_LAYERS) {
        start(started);
        started += 1;
    }
    let mut entries: Vec<Option<Vec<FileEntry>>> = (0..count).map(|_| None).collect();
    for _ in 0..count {
        let Some((index, result)) = endings.next().await else {
            return;
        };
        match result {
            Ok(read) => entries[index] = Some(read),
            Err(why) => {
                cancel.set(true);
                let message = format!(
                    "The layer {} could not be read and verified, so the files are not compared: {why}",
                    digests[index]
                );
                state.dispatch(CompareFilesAction::Diff(Err(message)));
                return;
            }
        }
        if started < count {
            start(started);
            started += 1;
        }
    }
    page_clock::next_turn().await;
    let mut merged = Vec::new();
    for order in &sides {
        let mut filesystem = Filesystem::new();
        for (index, &distinct) in order.iter().enumerate() {
            if let Some(read) = &entries[distinct] {
                filesystem.apply_layer(index, read);
            }
        }
        merged.push(filesystem);
        page_clock::next_turn().await;
    }
    let diff = FileDiff::of(&merged[0], &merged[1]);
    state.dispatch(CompareFilesAction::Diff(Ok(Rc::new(diff))));
}
