//! `?view=files`: every file of the selected platform, read layer by layer as it streams — per-layer
//! changes (`&layer=<digest>`) or the merged filesystem — with progress, cancel, search, sort, directory
//! sizes and a preview of small files.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::manifest::ImageManifest;
use strata_image::verification::VerifyState;
use strata_layers::path_glob;
use strata_layers::{Change, EntryKind, Filesystem, LayerSummary, Limits, Progress};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::context::NodeContext;
use super::file_table::{FileRow, FileTable};
use super::format::{short_digest, size, visible, visible_lines};
use super::size_bar::bar;
use crate::inspect_state::{Action, LayerCheck};
use crate::layer_stream::{self, StreamError};
use crate::registry_api::Repository;
use crate::route::{FilesRequest, files_href};

/// How far each layer got.
#[derive(Debug, Clone, PartialEq)]
enum LayerStatus {
    Waiting,
    /// Progress, and the milliseconds since the layer started.
    Streaming(Progress, f64),
    Done(Box<LayerSummary>),
    Failed(String),
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct FilesState {
    layers: Vec<LayerStatus>,
    /// Per layer, its changes against the layers below.
    changes: Vec<Option<Rc<Vec<FileRow>>>>,
    /// The merged filesystem, once every layer was read.
    merged: Option<Rc<Vec<FileRow>>>,
    /// Directory sizes of the merged filesystem, largest first.
    directories: Rc<Vec<(String, u64)>>,
    preview: Option<Result<Rc<Vec<u8>>, String>>,
}

enum FilesAction {
    Start(usize),
    Progress(usize, Progress, f64),
    Finished(usize, LayerStatus, Option<Rc<Vec<FileRow>>>),
    Merged(Rc<Vec<FileRow>>, Rc<Vec<(String, u64)>>),
    Preview(Result<Rc<Vec<u8>>, String>),
}

impl Reducible for FilesState {
    type Action = FilesAction;

    fn reduce(self: Rc<Self>, action: FilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FilesAction::Start(count) => {
                next.layers = vec![LayerStatus::Waiting; count];
                next.changes = vec![None; count];
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
            FilesAction::Merged(rows, directories) => {
                next.merged = Some(rows);
                next.directories = directories;
            }
            FilesAction::Preview(preview) => next.preview = Some(preview),
        }
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct FilesViewProps {
    pub context: NodeContext,
    pub manifest: Rc<ImageManifest>,
    pub config: Rc<ImageConfig>,
    pub request: FilesRequest,
}

/// The files panel.
#[component]
pub fn FilesView(props: &FilesViewProps) -> Html {
    let state = use_reducer(FilesState::default);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    let query = use_state(String::new);
    let by_size = use_state(|| false);
    {
        let (state, cancel) = (state.dispatcher(), cancel.borrow().clone());
        let (manifest, config, context) = (
            props.manifest.clone(),
            props.config.clone(),
            props.context.clone(),
        );
        let mut limits = Limits::default();
        if let Some(mib) = props.request.max_mib {
            limits.max_uncompressed_bytes = mib.saturating_mul(1024 * 1024);
        }
        use_effect_with(props.manifest.config.digest.clone(), move |_| {
            yew::platform::spawn_local(read_layers(
                context, manifest, config, limits, state, cancel,
            ));
        });
    }
    {
        let dispatcher = state.dispatcher();
        let merged = state.merged.clone();
        let (manifest, config, context) = (
            props.manifest.clone(),
            props.config.clone(),
            props.context.clone(),
        );
        let path = props.request.path.clone();
        use_effect_with((path.clone(), merged.is_some()), move |_| {
            if let (Some(path), Some(merged)) = (path, merged)
                && let Some(row) = merged.iter().find(|row| row.entry.path == path)
                && matches!(row.entry.kind, EntryKind::File)
                && row.entry.size as usize <= layer_stream::PREVIEW_LIMIT
            {
                yew::platform::spawn_local(preview(
                    context, manifest, config, row.layer, path, dispatcher,
                ));
            }
        });
    }
    let reference = &props.context.reference;
    let platform = props.context.state.chosen_platform.clone();
    let selected_layer = props.request.layer.as_ref().and_then(|digest| {
        props
            .manifest
            .layers
            .iter()
            .position(|l| &l.digest == digest)
    });
    let rows: Option<Rc<Vec<FileRow>>> = match (&props.request.layer, selected_layer) {
        (Some(_), Some(index)) => state.changes.get(index).cloned().flatten(),
        (Some(_), None) => None,
        (None, _) => state.merged.clone(),
    };
    let shown: Vec<FileRow> = rows
        .as_deref()
        .map(|rows| {
            let prefix = props
                .request
                .path
                .as_deref()
                .map(|p| format!("{}/", p.trim_end_matches('/')));
            let mut shown: Vec<FileRow> = rows
                .iter()
                .filter(|row| path_glob::matches(&query, &row.entry.path))
                .filter(|row| match (&prefix, &props.request.path) {
                    (Some(prefix), Some(path)) => {
                        row.entry.path == *path
                            || row.entry.path.starts_with(prefix.as_str())
                            || !is_directory(rows, path)
                    }
                    _ => true,
                })
                .cloned()
                .collect();
            if *by_size {
                shown.sort_by(|a, b| {
                    b.entry
                        .size
                        .cmp(&a.entry.size)
                        .then_with(|| a.entry.path.cmp(&b.entry.path))
                });
            }
            shown
        })
        .unwrap_or_default();
    let oninput = {
        let query = query.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                query.set(input.value());
            }
        })
    };
    let toggle_sort = {
        let by_size = by_size.clone();
        Callback::from(move |_: MouseEvent| by_size.set(!*by_size))
    };
    let stop = {
        let cancel = cancel.borrow().clone();
        Callback::from(move |_: MouseEvent| cancel.set(true))
    };
    let streaming = state
        .layers
        .iter()
        .any(|l| matches!(l, LayerStatus::Waiting | LayerStatus::Streaming(..)));
    let link = |layer: Option<String>| {
        files_href(
            reference,
            platform.as_deref(),
            &FilesRequest {
                layer,
                path: None,
                max_mib: props.request.max_mib,
            },
        )
    };
    html! {
        <section class="files" id="files">
            <h2>{"Files"}</h2>
            <nav class="file-views">
                <a href={link(None)} class={classes!(props.request.layer.is_none().then_some("current"))}>{"All layers merged"}</a>
                { for props.manifest.layers.iter().enumerate().map(|(index, layer)| {
                    let label = format!("Layer #{} ({})", index + 1, short_digest(&layer.digest));
                    let current = classes!((selected_layer == Some(index)).then_some("current"));
                    // Only a digest that names the layer goes into a link.
                    match Digest::parse(&layer.digest) {
                        Ok(digest) => html! { <a href={link(Some(digest.to_string()))} class={current}>{label}</a> },
                        Err(_) => html! { <span class={classes!("invalid-digest", current)}>{label}</span> },
                    }
                }) }
            </nav>
            <ol class="layer-progress">
                { for state.layers.iter().enumerate().map(|(index, status)| progress_row(index, status, props.manifest.layers.get(index).map_or(0, |l| l.size))) }
            </ol>
            if streaming { <button class="cancel" onclick={stop}>{"Cancel"}</button> }
            if props.request.layer.is_some() && selected_layer.is_none() {
                <p class="error" role="alert">{"This platform's manifest has no layer with that digest."}</p>
            }
            if props.request.layer.is_none() && !state.directories.is_empty() { { directory_chart(&state.directories) } }
            if let Some(preview) = &state.preview { { preview_panel(props.request.path.as_deref().unwrap_or_default(), preview) } }
            <div class="file-tools">
                <input id="file-search" type="search" placeholder="Search paths: text, or a glob like *.conf or /usr/**/*.so" {oninput} value={(*query).clone()} />
                <button onclick={toggle_sort}>{if *by_size { "Sort by path" } else { "Sort by size" }}</button>
                <span class="muted">{format!("{} entries", shown.len())}</span>
            </div>
            <FileTable rows={Rc::new(shown)} selected={props.request.path.clone()} reference={reference.clone()} platform={platform.clone()} layer={props.request.layer.clone()} max_mib={props.request.max_mib} />
        </section>
    }
}

fn is_directory(rows: &[FileRow], path: &str) -> bool {
    rows.iter()
        .any(|row| row.entry.path == path && matches!(row.entry.kind, EntryKind::Directory))
}

fn progress_row(index: usize, status: &LayerStatus, total: u64) -> Html {
    let (label, fraction, class) = match status {
        LayerStatus::Waiting => ("waiting".to_owned(), 0.0, "waiting"),
        LayerStatus::Streaming(progress, elapsed_ms) => (
            format!(
                "{} of {} read ({}/s), {} entries",
                size(progress.compressed_bytes),
                size(total),
                size((progress.compressed_bytes as f64 / (elapsed_ms / 1000.0).max(0.001)) as u64),
                progress.entries
            ),
            progress.compressed_bytes as f64 / total.max(1) as f64,
            "streaming",
        ),
        LayerStatus::Done(summary) => (
            format!(
                "{} read, {} uncompressed, {} entries — compressed {}, uncompressed {}",
                size(summary.progress.compressed_bytes),
                size(summary.progress.uncompressed_bytes),
                summary.progress.entries,
                summary.compressed.data_verify(),
                summary.uncompressed.data_verify()
            ),
            1.0,
            "done",
        ),
        LayerStatus::Failed(message) => (message.clone(), 1.0, "failed"),
        LayerStatus::Cancelled => ("cancelled".to_owned(), 0.0, "cancelled"),
    };
    html! {
        <li class={classes!("layer-progress-row", class)}>
            <span class="layer-number">{format!("#{}", index + 1)}</span>
            <progress max="1" value={fraction.min(1.0).to_string()}></progress>
            <span>{visible(&label)}</span>
        </li>
    }
}

fn directory_chart(directories: &[(String, u64)]) -> Html {
    let largest = directories.first().map_or(1, |(_, bytes)| (*bytes).max(1));
    html! {
        <div class="directory-sizes">
            <h3>{"Largest directories"}</h3>
            { for directories.iter().take(12).map(|(path, bytes)| html! {
                <div class="directory-bar">
                    { bar(*bytes, largest) }
                    <code>{visible(path)}</code>{" "}<span class="size">{size(*bytes)}</span>
                </div>
            }) }
        </div>
    }
}

fn preview_panel(path: &str, preview: &Result<Rc<Vec<u8>>, String>) -> Html {
    let body = match preview {
        Err(message) => html! { <p class="error">{visible(message)}</p> },
        Ok(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => html! { <pre class="file-preview">{visible_lines(text)}</pre> },
            Err(_) => html! { <pre class="file-preview hex">{hex_dump(bytes)}</pre> },
        },
    };
    html! {
        <div class="preview">
            <h3>{visible(path)}</h3>
            {body}
        </div>
    }
}

const HEX_LIMIT: usize = 16 * 1024;

fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (line, chunk) in bytes.chunks(16).take(HEX_LIMIT / 16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let text: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!(
            "{:08x}  {:<48} {text}\n",
            line * 16,
            hex.join(" ")
        ));
    }
    if bytes.len() > HEX_LIMIT {
        out.push_str(&format!("… {} more bytes\n", bytes.len() - HEX_LIMIT));
    }
    out
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

fn layer_url(context: &NodeContext, digest: &str) -> String {
    Repository {
        registry: context.registry.clone(),
        repository: context.repository.clone(),
    }
    .blob_url(digest)
}

/// Reads every layer bottom to top, applying each to the filesystem, then publishes the merged view.
async fn read_layers(
    context: NodeContext,
    manifest: Rc<ImageManifest>,
    config: Rc<ImageConfig>,
    limits: Limits,
    state: UseReducerDispatcher<FilesState>,
    cancel: Rc<Cell<bool>>,
) {
    state.dispatch(FilesAction::Start(manifest.layers.len()));
    let diff_ids = config
        .rootfs
        .as_ref()
        .map(|r| r.diff_ids.clone())
        .unwrap_or_default();
    let mut filesystem = Filesystem::new();
    let mut last_change: HashMap<String, Change> = HashMap::new();
    for (index, layer) in manifest.layers.iter().enumerate() {
        let Ok(digest) = Digest::parse(&layer.digest) else {
            state.dispatch(FilesAction::Finished(
                index,
                LayerStatus::Failed("the layer's digest is not valid".into()),
                None,
            ));
            continue;
        };
        let diff_id = diff_ids.get(index).and_then(|d| Digest::parse(d).ok());
        let progress_state = state.clone();
        let started = now();
        let result = layer_stream::stream_layer(
            &layer_url(&context, &layer.digest),
            limits,
            &layer.media_type,
            &digest,
            diff_id.as_ref(),
            None,
            cancel.clone(),
            move |progress| {
                progress_state.dispatch(FilesAction::Progress(index, progress, now() - started))
            },
        )
        .await;
        match result {
            Ok(streamed) => {
                let changes: Vec<FileRow> = filesystem
                    .apply_layer(index, &streamed.entries)
                    .into_iter()
                    .map(|change| FileRow {
                        entry: change.entry,
                        change: change.change,
                        layer: index,
                    })
                    .collect();
                for row in &changes {
                    last_change.insert(row.entry.path.clone(), row.change);
                }
                context.state.dispatch(Action::LayerChecked(
                    layer.digest.clone(),
                    check(&streamed.summary),
                ));
                state.dispatch(FilesAction::Finished(
                    index,
                    LayerStatus::Done(Box::new(streamed.summary)),
                    Some(Rc::new(changes)),
                ));
            }
            Err(StreamError::Cancelled) => {
                for rest in index..manifest.layers.len() {
                    state.dispatch(FilesAction::Finished(rest, LayerStatus::Cancelled, None));
                }
                return;
            }
            Err(StreamError::Failed(message)) => {
                context.state.dispatch(Action::LayerChecked(
                    layer.digest.clone(),
                    LayerCheck {
                        data_verify: VerifyState::Error,
                        note: message.clone(),
                    },
                ));
                state.dispatch(FilesAction::Finished(
                    index,
                    LayerStatus::Failed(message),
                    None,
                ));
            }
        }
    }
    let merged: Vec<FileRow> = filesystem
        .entries()
        .into_iter()
        .map(|merged| FileRow {
            change: last_change
                .get(&merged.entry.path)
                .copied()
                .unwrap_or(Change::Unchanged),
            entry: merged.entry.clone(),
            layer: merged.layer,
        })
        .collect();
    let mut directories: Vec<(String, u64)> = merged
        .iter()
        .filter(|row| {
            matches!(row.entry.kind, EntryKind::Directory)
                && row.entry.path.matches('/').count() <= 3
        })
        .map(|row| {
            (
                row.entry.path.clone(),
                filesystem.directory_size(&row.entry.path),
            )
        })
        .filter(|(_, bytes)| *bytes > 0)
        .collect();
    directories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    state.dispatch(FilesAction::Merged(Rc::new(merged), Rc::new(directories)));
}

fn check(summary: &LayerSummary) -> LayerCheck {
    LayerCheck {
        data_verify: summary.data_verify(),
        note: summary.explain(),
    }
}

/// Reads one layer again to capture one file's bytes for the preview.
async fn preview(
    context: NodeContext,
    manifest: Rc<ImageManifest>,
    config: Rc<ImageConfig>,
    layer: usize,
    path: String,
    state: UseReducerDispatcher<FilesState>,
) {
    let Some(descriptor) = manifest.layers.get(layer) else {
        return;
    };
    let Ok(digest) = Digest::parse(&descriptor.digest) else {
        return;
    };
    let diff_id = config
        .rootfs
        .as_ref()
        .and_then(|r| r.diff_ids.get(layer))
        .and_then(|d| Digest::parse(d).ok());
    let result = layer_stream::stream_layer(
        &layer_url(&context, &descriptor.digest),
        Limits::default(),
        &descriptor.media_type,
        &digest,
        diff_id.as_ref(),
        Some(&path),
        Rc::new(Cell::new(false)),
        |_| {},
    )
    .await;
    let preview = match result {
        Ok(streamed) if streamed.summary.compressed.is_trusted() => match streamed.captured {
            Some(bytes) => Ok(Rc::new(bytes)),
            None => Err(format!("{path} has no contents in layer #{}", layer + 1)),
        },
        Ok(_) => Err("The layer did not verify, so its contents are not shown.".to_owned()),
        Err(StreamError::Failed(message)) => Err(message),
        Err(StreamError::Cancelled) => Err("cancelled".to_owned()),
    };
    state.dispatch(FilesAction::Preview(preview));
}
