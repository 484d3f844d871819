//! `?view=files`: every file of the selected platform, read layer by layer as it streams — per-layer
//! changes (`&layer=<digest>`) or the merged filesystem — with progress, cancel, search, sort, directory
//! sizes and a preview of small files.

use std::rc::Rc;

use strata_image::config::ImageConfig;
use strata_image::manifest::ImageManifest;
use strata_layers::{FileRow, RowFilter, visible_rows};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::context::NodeContext;
use super::efficiency_panel::efficiency_panel;
use super::file_table::FileTable;
use super::files_panels::{directory_chart, layer_nav, preview_panel, progress_row};
use crate::files_state::{FilesSource, use_files};
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
    let (state, cancel) = use_files(source, &props.request);
    let query = use_state(String::new);
    let by_size = use_state(|| false);
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
        query: &query,
        selected: props.request.path.as_deref(),
        by_size: *by_size,
    };
    let shown = rows
        .as_deref()
        .map(|rows| visible_rows(rows, filter))
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
