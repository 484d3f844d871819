//! `?view=files`: every file of the selected platform, read layer by layer as it streams — per-layer
//! changes (`&layer=<digest>`) or the merged filesystem — with progress, cancel, search, sort, directory
//! sizes and a preview of small files.

use std::rc::Rc;

use strata_image::config::ImageConfig;
use strata_image::manifest::ImageManifest;
use strata_layers::{Change, FileRow, RowFilter, file_rows_csv, file_rows_json, visible_rows};
use yew::prelude::*;

use super::context::NodeContext;
use super::efficiency_panel::efficiency_panel;
use super::file_table::FileTable;
use super::files_panels::{directory_chart, layer_nav, preview_panel, progress_row};
use super::list_filters::{ExportFormat, ListFilters, use_list_filters, write_to_address};
use crate::download::save_text;
use crate::files_state::{FilesSource, file_to_read, preview, use_files};
use crate::route::{FilesRequest, files_href};

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
    let source = FilesSource {
        context: props.context.clone(),
        manifest: props.manifest.clone(),
        config: props.config.clone(),
    };
    let (state, cancel) = use_files(source.clone(), &props.request);
    // A file too large to read whole at once is read whole when the reader asks.
    let read_whole = match (&state.preview, &state.merged, &props.request.path) {
        (Some(Ok(shown)), Some(merged), Some(path))
            if shown.download.is_none() && &shown.path == path =>
        {
            file_to_read(merged, path).map(|(layer, file)| {
                let (dispatcher, path) = (state.dispatcher(), path.clone());
                let checkpoints = state.checkpoints.get(layer).cloned().flatten();
                Callback::from(move |_: MouseEvent| {
                    yew::platform::spawn_local(preview(
                        source.clone(),
                        layer,
                        path.clone(),
                        file.clone(),
                        checkpoints.clone(),
                        true,
                        dispatcher.clone(),
                    ));
                })
            })
        }
        _ => None,
    };
    let (filters, on_filters) = use_list_filters();
    {
        // Following a row's link writes a new address: the filters go back into it.
        let filters = filters.clone();
        use_effect_with(props.request.clone(), move |_| write_to_address(&filters));
    }
    let (reference, platform) = (
        &props.context.reference,
        &props.context.state.chosen_platform,
    );
    let layers = &props.manifest.layers;
    let selected_layer = props
        .request
        .layer
        .as_ref()
        .and_then(|digest| layers.iter().position(|l| &l.digest == digest));
    let rows: Option<Rc<Vec<FileRow>>> = match (&props.request.layer, selected_layer) {
        (Some(_), Some(index)) => state.changes.get(index).cloned().flatten(),
        (Some(_), None) => None,
        (None, _) => state.merged.clone(),
    };
    let filter = RowFilter {
        query: &filters.query,
        selected: props.request.path.as_deref(),
        by_size: filters.by_size,
        changes: &filters.changes,
        // One layer's own changes are all that layer's: "written by" applies to the merged list.
        layer: filters.layer.filter(|_| props.request.layer.is_none()),
        min_size: filters.min_size(),
    };
    let shown = Rc::new(
        rows.as_deref()
            .map(|rows| visible_rows(rows, filter))
            .unwrap_or_default(),
    );
    let on_export = {
        let shown = shown.clone();
        Callback::from(move |format: ExportFormat| {
            let saved = match format {
                ExportFormat::Csv => save_text("files.csv", "text/csv", &file_rows_csv(&shown)),
                ExportFormat::Json => {
                    save_text("files.json", "application/json", &file_rows_json(&shown))
                }
            };
            if let Err(message) = saved {
                web_sys::console::error_1(&message.into());
            }
        })
    };
    let stop = Callback::from(move |_: MouseEvent| cancel.set(true));
    let link = |layer: Option<String>| {
        let request = FilesRequest {
            layer,
            path: None,
            max_mib: props.request.max_mib,
        };
        files_href(reference, platform.as_deref(), &request)
    };
    html! {
        <section class="files" id="files">
            <h2>{"Files"}</h2>
            { layer_nav(layers, selected_layer, link) }
            <ol class="layer-progress">
                { for state.layers.iter().enumerate().map(|(index, status)| progress_row(index, status, layers.get(index).map_or(0, |l| l.size))) }
            </ol>
            if state.streaming() { <button class="cancel" onclick={stop}>{"Cancel"}</button> }
            if props.request.layer.is_some() && selected_layer.is_none() {
                <p class="error" role="alert">{"This platform's manifest has no layer with that digest."}</p>
            }
            if props.request.layer.is_none() && !state.directories.is_empty() { { directory_chart(&state.directories) } }
            if let (None, Some(efficiency), true) = (&props.request.layer, &state.efficiency, state.all_read()) {
                { efficiency_panel(efficiency, &props.config, layers.len()) }
            }
            if let Some(preview) = state.preview.as_ref().filter(|preview| {
                preview.as_ref().map_or(true, |shown| Some(&shown.path) == props.request.path.as_ref())
            }) { { preview_panel(preview, read_whole) } }
            <ListFilters filters={filters.clone()} changes={Change::ALL.to_vec()} default_changes={Change::ALL.to_vec()}
                layers={if props.request.layer.is_none() { layers.len() } else { 0 }} sortable=true shown={shown.len()}
                on_change={on_filters} {on_export} />
            <FileTable rows={shown} selected={props.request.path.clone()} reference={reference.clone()} platform={platform.clone()} layer={props.request.layer.clone()} max_mib={props.request.max_mib} />
        </section>
    }
}
