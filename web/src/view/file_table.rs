//! The file list: one row per path with `data-path` and `data-change`; past a few thousand rows only the
//! rows in view are rendered, so a 100k-entry layer scrolls without freezing the page.
//!
//! It is a WAI-ARIA grid of rows: the path link of one row is in the tab order, Up and Down (Page Up and
//! Down, Home and End) move focus between the rows' links, and Enter follows the link as a click does.

use std::rc::Rc;

use strata_layers::{EntryKind, FileRow};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::format::{size, utc_minute, visible};
use crate::route::{FilesRequest, files_href};

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
/// Rows Page Up and Page Down move by: about a windowed list's height.
const PAGE_ROWS: usize = 25;
/// The header is the grid's first row, so data row `n` (from 0) is `aria-rowindex` `n + 2`.
const FIRST_ROW_INDEX: usize = 2;

/// The list, windowed when long.
#[component]
pub fn FileTable(props: &FileTableProps) -> Html {
    let list = use_node_ref();
    let first = use_state(|| 0usize);
    let total = props.rows.len();
    let (onkeydown, onfocusin) = use_grid_keys(list.clone(), first.clone(), total);
    let onscroll = {
        let first = first.clone();
        Callback::from(move |event: Event| {
            if let Some(element) = event.target_dyn_into::<web_sys::Element>() {
                first.set((element.scroll_top() as f64 / ROW_HEIGHT) as usize);
            }
        })
    };
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
        <div ref={list} class={classes!("file-list", windowed.then_some("windowed"))} onscroll={windowed.then_some(onscroll)}
            role="grid" aria-label="Files" aria-rowcount={(total + 1).to_string()} {onkeydown} {onfocusin}>
            { header_row() }
            if windowed { { spacer(start) } }
            { for props.rows[start..end].iter().enumerate().map(|(offset, row)| {
                let selected = props.selected.as_deref() == Some(row.entry.path.as_str());
                file_row(row, start + offset, selected, link(&row.entry.path))
            }) }
            if windowed { { spacer(total - end) } }
        </div>
    }
}

/// Keyboard movement between the rows' links, and focus kept on its row while the window moves: the
/// grid's `keydown` and `focusin` handlers.
#[hook]
fn use_grid_keys(
    list: NodeRef,
    first: UseStateHandle<usize>,
    total: usize,
) -> (Callback<KeyboardEvent>, Callback<FocusEvent>) {
    // A row to focus once it is rendered: a jump (Home, End, pages) past the rows of a windowed list.
    let focus_after_render = use_state(|| None::<usize>);
    // The row whose link last had focus: when the window moves, its element shows another row, so
    // focus follows the row to the element that now shows it.
    let focused = use_mut_ref(|| None::<usize>);
    {
        let list = list.clone();
        let focused = focused.clone();
        use_effect(move || {
            keep_one_tab_stop(&list);
            if let Some(index) = *focused.borrow() {
                follow_focused_row(&list, index);
            }
        });
    }
    {
        let list = list.clone();
        let focus_after_render = focus_after_render.clone();
        use_effect_with(*focus_after_render, move |target| {
            if let Some(index) = *target {
                focus_row(&list, index);
                focus_after_render.set(None);
            }
        });
    }
    let onkeydown = {
        let list = list.clone();
        let first = first.clone();
        let focus_after_render = focus_after_render.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.alt_key() || event.meta_key() || event.shift_key() {
                return;
            }
            let Some(index) = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|element| row_index(&element))
            else {
                return;
            };
            let Some(next) = row_after_key(&event.key(), index, total) else {
                return;
            };
            event.prevent_default();
            if !focus_row(&list, next) {
                if let Some(element) = list.cast::<Element>() {
                    element.set_scroll_top((next as f64 * ROW_HEIGHT) as i32);
                }
                first.set(next);
                focus_after_render.set(Some(next));
            }
        })
    };
    let onfocusin = {
        let list = list.clone();
        Callback::from(move |event: FocusEvent| {
            let link = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .filter(|element| element.matches("a.path").unwrap_or(false));
            if let Some(link) = link {
                make_tab_stop(&list, &link);
                *focused.borrow_mut() = row_index(&link);
            }
        })
    };
    (onkeydown, onfocusin)
}

/// The grid's column headers.
fn header_row() -> Html {
    html! {
    <div class="file-row header" role="row" aria-rowindex="1">
        <span class="change" role="columnheader">{"change"}</span><span class="path" role="columnheader">{"path"}</span>
        <span class="entry-kind" role="columnheader">{"kind"}</span><span class="size" role="columnheader">{"size"}</span>
        <span class="mode" role="columnheader">{"mode"}</span><span class="owner" role="columnheader">{"uid:gid"}</span>
        <span class="mtime" role="columnheader">{"modified"}</span><span class="layer" role="columnheader">{"layer"}</span>
    </div>
    }
}

/// Data row `index` (from 0), its path linking to `href`.
fn file_row(row: &FileRow, index: usize, selected: bool, href: String) -> Html {
    html! {
        <div class={classes!("file-row", row.change.as_str(), selected.then_some("selected"))}
            data-path={row.entry.path.clone()} data-change={row.change.as_str()}
            role="row" aria-rowindex={(index + FIRST_ROW_INDEX).to_string()} aria-selected={selected.to_string()}>
            <span class={classes!("change", "badge", row.change.as_str())} role="gridcell">{row.change.as_str()}</span>
            <span class="path" role="gridcell">
                <a class="path" {href} tabindex="-1"><code>{visible(&row.entry.path)}</code></a>
            </span>
            <span class="entry-kind" role="gridcell">{visible(&row.entry.kind_label())}</span>
            <span class="size" role="gridcell">{if matches!(row.entry.kind, EntryKind::File) { size(row.entry.size) } else { String::new() }}</span>
            <code class="mode" role="gridcell">{row.entry.mode_string()}</code>
            <span class="owner" role="gridcell">{format!("{}:{}", row.entry.uid, row.entry.gid)}</span>
            <span class="mtime" role="gridcell">{utc_minute(row.entry.mtime)}</span>
            <span class="layer" role="gridcell">{format!("#{}", row.layer + 1)}</span>
        </div>
    }
}

/// Stands in for `rows` rows that are not rendered, so the list scrolls as if they were. Its height is an
/// SVG attribute, not a `style`, which the page's Content-Security-Policy would refuse.
fn spacer(rows: usize) -> Html {
    html! { <svg class="spacer" aria-hidden="true" width="1" height={(rows as f64 * ROW_HEIGHT).to_string()}></svg> }
}

/// The row a navigation key moves to from row `index` of `total`, if the key is one.
fn row_after_key(key: &str, index: usize, total: usize) -> Option<usize> {
    let last = total.checked_sub(1)?;
    match key {
        "ArrowDown" => Some((index + 1).min(last)),
        "ArrowUp" => Some(index.saturating_sub(1).min(last)),
        "PageDown" => Some((index + PAGE_ROWS).min(last)),
        "PageUp" => Some(index.saturating_sub(PAGE_ROWS).min(last)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// The data row (from 0) an element of the list is in.
fn row_index(element: &Element) -> Option<usize> {
    element
        .closest("[role=\"row\"][aria-rowindex]")
        .ok()
        .flatten()?
        .get_attribute("aria-rowindex")?
        .parse::<usize>()
        .ok()?
        .checked_sub(FIRST_ROW_INDEX)
}

/// While focus is in the list, keeps it on row `index` after the rendered rows moved under it.
fn follow_focused_row(list: &NodeRef, index: usize) {
    let Some(list_element) = list.cast::<Element>() else {
        return;
    };
    let active = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.active_element());
    let Some(active) = active.filter(|active| list_element.contains(Some(active))) else {
        return;
    };
    if row_index(&active) != Some(index) {
        focus_row(list, index);
    }
}

/// Focuses the link of row `index` if it is rendered; `false` when it is not.
fn focus_row(list: &NodeRef, index: usize) -> bool {
    let link = list.cast::<Element>().and_then(|list| {
        list.query_selector(&format!(
            "[aria-rowindex=\"{}\"] a.path",
            index + FIRST_ROW_INDEX
        ))
        .ok()
        .flatten()
    });
    match link.and_then(|link| link.dyn_into::<HtmlElement>().ok()) {
        Some(link) => {
            make_tab_stop(list, &link);
            link.focus().is_ok()
        }
        None => false,
    }
}

/// Makes `link` the list's only link in the tab order.
fn make_tab_stop(list: &NodeRef, link: &Element) {
    if let Some(list) = list.cast::<Element>()
        && let Ok(stops) = list.query_selector_all("a.path[tabindex=\"0\"]")
    {
        for position in 0..stops.length() {
            if let Some(stop) = stops
                .item(position)
                .and_then(|node| node.dyn_into::<Element>().ok())
                && stop != *link
            {
                let _ = stop.set_attribute("tabindex", "-1");
            }
        }
    }
    let _ = link.set_attribute("tabindex", "0");
}

/// After every render (rows filtered, sorted or scrolled): exactly one link is in the tab order, the
/// selected row's when no other was focused.
fn keep_one_tab_stop(list: &NodeRef) {
    let Some(element) = list.cast::<Element>() else {
        return;
    };
    let stops = element
        .query_selector_all("a.path[tabindex=\"0\"]")
        .map(|stops| stops.length())
        .unwrap_or(0);
    if stops == 1 {
        return;
    }
    let chosen = element
        .query_selector(".file-row.selected a.path")
        .ok()
        .flatten()
        .or_else(|| element.query_selector("a.path").ok().flatten());
    if let Some(link) = chosen {
        make_tab_stop(list, &link);
    }
}
