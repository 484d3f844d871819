//! `/compare?…&view=files`: the two images' merged filesystems, path by path, left → right. Each distinct
//! layer is read once and verified twice; every regular file is hashed as it streams.

use std::cell::Cell;
use std::rc::Rc;

use strata_compare::{DiffFilter, Difference, FileDiffRow, diff_rows_csv, diff_rows_json};
use strata_explain::file_list_query::FileListQuery;
use strata_layers::{Change, EntryKind, FileEntry};
use yew::prelude::*;

use super::files_panels::progress_parts;
use super::format::{short_digest, size, visible};
use super::list_filters::{ExportFormat, ListFilters, use_list_filters};
use crate::compare_files_state::{self, CompareFilesState, DiffSide, DistinctLayer};
use crate::download::save_text;
use crate::route::{FilesRequest, files_href};

/// Rows shown at most; the counts above always cover every path.
const MOST_ROWS: usize = 5_000;

#[derive(Properties, PartialEq)]
pub struct CompareFilesProps {
    pub left: DiffSide,
    pub right: DiffSide,
}

/// The files comparison: the layers as they are read, then the paths that differ.
#[component]
pub fn CompareFiles(props: &CompareFilesProps) -> Html {
    let state = use_reducer(CompareFilesState::default);
    let (filters, on_filters) = use_list_filters();
    {
        let (left, right, dispatcher) =
            (props.left.clone(), props.right.clone(), state.dispatcher());
        let digests = (
            props.left.image.manifest_digest.clone(),
            props.right.image.manifest_digest.clone(),
        );
        use_effect_with(digests, move |_| {
            let cancel = Rc::new(Cell::new(false));
            yew::platform::spawn_local(compare_files_state::compare_files(
                left,
                right,
                dispatcher,
                cancel.clone(),
            ));
            move || cancel.set(true)
        });
    }
    let shared = state.shared();
    let body = match &state.diff {
        None => {
            html! { <p class="muted" data-probe="pending">{"Reading both images' layers…"}</p> }
        }
        Some(Err(message)) => html! {
            <p class="error" role="alert" data-probe="failed">{visible(message)}</p>
        },
        Some(Ok(diff)) => {
            let counts = diff.counts();
            let rows: Vec<&FileDiffRow> = diff.visible_rows(&diff_filter(&filters));
            let shown = rows.len().min(MOST_ROWS);
            let on_export = {
                let (diff, filters) = (diff.clone(), filters.clone());
                Callback::from(move |format: ExportFormat| {
                    let rows = diff.visible_rows(&diff_filter(&filters));
                    let saved = match format {
                        ExportFormat::Csv => {
                            save_text("file-diff.csv", "text/csv", &diff_rows_csv(&rows))
                        }
                        ExportFormat::Json => {
                            save_text("file-diff.json", "application/json", &diff_rows_json(&rows))
                        }
                    };
                    if let Err(message) = saved {
                        web_sys::console::error_1(&message.into());
                    }
                })
            };
            html! {
                <div class="file-diff-result" data-probe="done">
                    <p class="file-diff-counts" data-added={counts.added.to_string()} data-modified={counts.modified.to_string()}
                        data-deleted={counts.deleted.to_string()} data-unchanged={counts.unchanged.to_string()}>
                        <span class="change added">{format!("{} added", counts.added)}</span>{" · "}
                        <span class="change modified">{format!("{} modified", counts.modified)}</span>{" · "}
                        <span class="change deleted">{format!("{} deleted", counts.deleted)}</span>{" · "}
                        <span class="muted">{format!("{} unchanged", counts.unchanged)}</span>
                    </p>
                    <ListFilters filters={filters.clone()} changes={Change::ALL.to_vec()}
                        default_changes={DiffFilter::DEFAULT_CHANGES.to_vec()} layers=0 sortable=false shown={rows.len()}
                        on_change={on_filters.clone()} {on_export} />
                    if rows.is_empty() && counts.added + counts.modified + counts.deleted == 0 {
                        <p class="muted">{"No path differs: both images hold the same files (modification times aside)."}</p>
                    } else if rows.is_empty() {
                        <p class="muted">{"No path is left by these filters."}</p>
                    } else {
                        <table class="file-diff">
                            <thead><tr><th>{"path"}</th><th>{"change"}</th><th>{"left"}</th><th>{"right"}</th><th>{"what differs"}</th></tr></thead>
                            <tbody>{ for rows.iter().take(MOST_ROWS).map(|row| diff_row(row, &props.left, &props.right)) }</tbody>
                        </table>
                    }
                    if rows.len() > shown {
                        <p class="muted">{format!("The first {shown} of {} paths are shown.", rows.len())}</p>
                    }
                </div>
            }
        }
    };
    html! {
        <section id="file-diff" class="file-diff-section" data-layers-read={state.layers.len().to_string()}
            data-layers-shared={shared.to_string()}>
            <h3>{"Files, left → right"}</h3>
            <p class="muted">
                {format!("{} distinct layers read, each once: {shared} both images share by digest, the rest on one side only. \
                    Every regular file is hashed (SHA-256) as its layer streams; a new modification time alone is not a change.",
                    state.layers.len())}
            </p>
            <ul class="layer-reads">{ for state.layers.iter().map(layer_read) }</ul>
            {body}
        </section>
    }
}

/// The comparison's filter for the filters in the address.
fn diff_filter(filters: &FileListQuery) -> DiffFilter<'_> {
    DiffFilter {
        query: &filters.query,
        changes: &filters.changes,
        min_size: filters.min_size(),
    }
}

fn layer_read(layer: &DistinctLayer) -> Html {
    let (label, fraction, class) = progress_parts(&layer.status, layer.size);
    let sides = match (layer.in_left, layer.in_right) {
        (true, true) => "both",
        (true, false) => "left",
        _ => "right",
    };
    html! {
        <li class={classes!("layer-progress-row", class)} data-digest={layer.digest.clone()} data-sides={sides}>
            <code title={layer.digest.clone()}>{short_digest(&layer.digest)}</code>
            <span class="sides">{format!(" {sides} ")}</span>
            <progress max="1" value={fraction.min(1.0).to_string()}></progress>
            <span>{visible(&label)}</span>
        </li>
    }
}

fn diff_row(row: &FileDiffRow, left: &DiffSide, right: &DiffSide) -> Html {
    let change = row.change.as_str();
    let differences: Vec<String> = row.differences.iter().map(Difference::describe).collect();
    html! {
        <tr data-path={row.path.clone()} data-change={change} class={classes!("change", change)}>
            <td><code>{visible(&row.path)}</code></td>
            <td>{change}</td>
            <td>{ side(row.left.as_ref(), left, &row.path) }</td>
            <td>{ side(row.right.as_ref(), right, &row.path) }</td>
            <td class="differences">{visible(&differences.join("; "))}</td>
        </tr>
    }
}

/// A side's entry at a path, linked to that image's files (pinned by digest) with the path selected: its
/// preview and download.
fn side(entry: Option<&FileEntry>, image: &DiffSide, path: &str) -> Html {
    let Some(entry) = entry else {
        return html! { <span class="muted">{"—"}</span> };
    };
    let href = image.pinned.as_deref().map(|pinned| {
        let request = FilesRequest {
            path: Some(path.to_owned()),
            ..FilesRequest::default()
        };
        files_href(pinned, None, &request)
    });
    let what = match entry.kind {
        EntryKind::File => size(entry.size),
        _ => entry.kind_label(),
    };
    let digest = entry
        .content_digest
        .as_ref()
        .map(|digest| digest.to_string())
        .unwrap_or_default();
    html! {
        <span class="entry-summary" title={digest}>
            <code>{entry.mode_string()}</code>{" "}
            if let Some(href) = href { <a class="side-file" {href}>{visible(&what)}</a> } else { {visible(&what)} }
        </span>
    }
}
