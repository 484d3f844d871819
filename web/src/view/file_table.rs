//! The file list: one row per path with `data-path` and `data-change`; past a few thousand rows only the
//! rows in view are rendered, so a 100k-entry layer scrolls without freezing the page.

use std::rc::Rc;

use strata_core::layer::{Change, EntryKind, FileEntry};
use yew::prelude::*;

use super::format::size;
use crate::route::{FilesRequest, files_href};

/// A path as one of the views shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    /// The entry as the layer wrote it.
    pub entry: FileEntry,
    /// Against the layers below (per-layer view), or the last layer's change (merged view).
    pub change: Change,
    /// The layer that wrote this row.
    pub layer: usize,
}

#[derive(Properties, PartialEq)]
pub struct FileTableProps {
    pub rows: Rc<Vec<FileRow>>,
    pub selected: Option<String>,
    pub reference: String,
    pub platform: Option<String>,
    pub layer: Option<String>,
    pub max_mib: Option<u64>,
}

const ROW_HEIGHT: f64 = 24.0;
const WINDOW_ROWS: usize = 80;
/// Up to this many rows everything is rendered (and every row is in the DOM for search and tests).
const RENDER_ALL: usize = 3000;

/// The list, windowed when long.
#[component]
pub fn FileTable(props: &FileTableProps) -> Html {
    let first = use_state(|| 0usize);
    let onscroll = {
        let first = first.clone();
        Callback::from(move |event: Event| {
            if let Some(element) = event.target_dyn_into::<web_sys::Element>() {
                first.set((element.scroll_top() as f64 / ROW_HEIGHT) as usize);
            }
        })
    };
    let total = props.rows.len();
    let (start, end) = if total <= RENDER_ALL {
        (0, total)
    } else {
        let start = (*first).min(total.saturating_sub(WINDOW_ROWS));
        (start, (start + WINDOW_ROWS).min(total))
    };
    let windowed = total > RENDER_ALL;
    let link = |path: &str| {
        files_href(
            &props.reference,
            props.platform.as_deref(),
            &FilesRequest {
                layer: props.layer.clone(),
                path: Some(path.to_owned()),
                max_mib: props.max_mib,
            },
        )
    };
    html! {
        <div class={classes!("file-list", windowed.then_some("windowed"))} onscroll={windowed.then_some(onscroll)}>
            <div class="file-row header">
                <span class="change">{"change"}</span><span class="path">{"path"}</span><span class="entry-kind">{"kind"}</span>
                <span class="size">{"size"}</span><span class="mode">{"mode"}</span><span class="owner">{"uid:gid"}</span><span class="mtime">{"modified"}</span>
                <span class="layer">{"layer"}</span>
            </div>
            if windowed { <div style={format!("height: {}px", start as f64 * ROW_HEIGHT)}></div> }
            { for props.rows[start..end].iter().map(|row| {
                let selected = props.selected.as_deref() == Some(row.entry.path.as_str());
                html! {
                    <div class={classes!("file-row", row.change.as_str(), selected.then_some("selected"))}
                        data-path={row.entry.path.clone()} data-change={row.change.as_str()}>
                        <span class={classes!("change", "badge", row.change.as_str())}>{row.change.as_str()}</span>
                        <a class="path" href={link(&row.entry.path)}><code>{row.entry.path.clone()}</code></a>
                        <span class="entry-kind">{kind(&row.entry)}</span>
                        <span class="size">{if matches!(row.entry.kind, EntryKind::File) { size(row.entry.size) } else { String::new() }}</span>
                        <code class="mode">{mode(&row.entry)}</code>
                        <span class="owner">{format!("{}:{}", row.entry.uid, row.entry.gid)}</span>
                        <span class="mtime">{date(row.entry.mtime)}</span>
                        <span class="layer">{format!("#{}", row.layer + 1)}</span>
                    </div>
                }
            }) }
            if windowed { <div style={format!("height: {}px", (total - end) as f64 * ROW_HEIGHT)}></div> }
        </div>
    }
}

fn kind(entry: &FileEntry) -> String {
    match &entry.kind {
        EntryKind::File => "file".into(),
        EntryKind::Directory => "directory".into(),
        EntryKind::Symlink { target } => format!("→ {target}"),
        EntryKind::Hardlink { target } => format!("hardlink to {target}"),
        EntryKind::CharDevice => "character device".into(),
        EntryKind::BlockDevice => "block device".into(),
        EntryKind::Fifo => "fifo".into(),
        EntryKind::Other(flag) => format!("type {}", *flag as char),
    }
}

/// `drwxr-xr-x`, as `ls -l` shows modes.
fn mode(entry: &FileEntry) -> String {
    let kind = match entry.kind {
        EntryKind::Directory => 'd',
        EntryKind::Symlink { .. } => 'l',
        EntryKind::CharDevice => 'c',
        EntryKind::BlockDevice => 'b',
        EntryKind::Fifo => 'p',
        _ => '-',
    };
    let bits = ['r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x'];
    let rest: String = bits
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if entry.mode & (1 << (8 - i)) != 0 {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{kind}{rest}")
}

/// `2026-01-01 00:00` (UTC) from seconds since the epoch.
fn date(seconds: i64) -> String {
    let iso: String = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0))
        .to_iso_string()
        .into();
    iso.get(..16).map(|s| s.replace('T', " ")).unwrap_or(iso)
}
