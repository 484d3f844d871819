//! The filters above a file list — search, changes, layer, minimum size, sort — and its export as CSV or
//! JSON. Each change goes to the address bar (`strata_explain::file_list_query`), so a copied link keeps
//! the list as filtered.

use strata_explain::file_list_query::FileListQuery;
use strata_layers::Change;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::url_state;

/// The formats a list exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Properties, PartialEq)]
pub struct ListFiltersProps {
    pub filters: FileListQuery,
    /// The changes offered, and those shown when the reader chose none.
    pub changes: Vec<Change>,
    pub default_changes: Vec<Change>,
    /// How many layers the image has (a layer filter is offered when there are some).
    pub layers: usize,
    /// Whether the list can be sorted by size.
    pub sortable: bool,
    /// Rows left after filtering.
    pub shown: usize,
    pub on_change: Callback<FileListQuery>,
    pub on_export: Callback<ExportFormat>,
}

/// Keeps a list's filters, read from the address once and written back on every change.
#[hook]
pub fn use_list_filters() -> (FileListQuery, Callback<FileListQuery>) {
    let filters = use_state(|| FileListQuery::from_search(&url_state::search()));
    let on_change = {
        let filters = filters.clone();
        Callback::from(move |next: FileListQuery| {
            write_to_address(&next);
            filters.set(next);
        })
    };
    ((*filters).clone(), on_change)
}

/// Puts the filters in the address bar (in place of the current history entry).
pub fn write_to_address(filters: &FileListQuery) {
    let params = filters.params();
    let params: Vec<(&str, Option<&str>)> = params
        .iter()
        .map(|(key, value)| (*key, value.as_deref()))
        .collect();
    url_state::set_params(&params);
}

/// A change the reader made to the filters, given what they typed or chose.
type Edit = dyn Fn(&mut FileListQuery, String);

/// The filter bar.
#[component]
pub fn ListFilters(props: &ListFiltersProps) -> Html {
    let filters = &props.filters;
    let changed = |edit: Box<Edit>| {
        let (filters, on_change) = (filters.clone(), props.on_change.clone());
        move |value: String| {
            let mut next = filters.clone();
            edit(&mut next, value);
            on_change.emit(next);
        }
    };
    let on_search = {
        let set = changed(Box::new(|next, value| next.query = value));
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                set(input.value());
            }
        })
    };
    let on_min_size = {
        let set = changed(Box::new(|next, value| next.min_size_text = value));
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                set(input.value());
            }
        })
    };
    let on_layer = {
        let set = changed(Box::new(|next, value| {
            next.layer = value.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
        }));
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                set(select.value());
            }
        })
    };
    let toggle_sort = {
        let set = changed(Box::new(|next, _| next.by_size = !next.by_size));
        Callback::from(move |_: MouseEvent| set(String::new()))
    };
    let shown_changes = if filters.changes.is_empty() {
        &props.default_changes
    } else {
        &filters.changes
    };
    let change_box = |change: Change| {
        let toggle = {
            let (filters, on_change, defaults) = (
                filters.clone(),
                props.on_change.clone(),
                props.default_changes.clone(),
            );
            Callback::from(move |_: Event| {
                let mut next = filters.clone();
                next.changes = filters.toggled(change, &defaults);
                on_change.emit(next);
            })
        };
        let name = change.as_str();
        html! {
            <label class={classes!("change-filter", name)}>
                <input type="checkbox" data-change-filter={name} checked={shown_changes.contains(&change)} onchange={toggle} />
                {format!(" {name}")}
            </label>
        }
    };
    let export = |format: ExportFormat| {
        let on_export = props.on_export.clone();
        Callback::from(move |_: MouseEvent| on_export.emit(format))
    };
    let size_unreadable = !filters.min_size_text.trim().is_empty() && filters.min_size().is_none();
    html! {
        <div class="file-tools">
            <input id="file-search" type="search" aria-label="Search paths" placeholder="Search paths: text, or a glob like *.conf or /usr/**/*.so"
                oninput={on_search} value={filters.query.clone()} />
            <span class="muted">{if props.shown == 1 { "1 entry".to_owned() } else { format!("{} entries", props.shown) }}</span>
            <fieldset class="change-filters">
                <legend class="visually-hidden">{"Changes shown"}</legend>
                { for props.changes.iter().map(|change| change_box(*change)) }
            </fieldset>
            if props.layers > 0 {
                <label>{"Written by "}
                    <select id="from-layer" onchange={on_layer}>
                        <option value="" selected={filters.layer.is_none()}>{"any layer"}</option>
                        { for (0..props.layers).map(|index| html! {
                            <option value={(index + 1).to_string()} selected={filters.layer == Some(index)}>{format!("layer #{}", index + 1)}</option>
                        }) }
                    </select>
                </label>
            }
            <label>{"At least "}
                <input id="min-size" class="min-size" type="text" inputmode="decimal" placeholder="size, e.g. 1M" size="8"
                    aria-invalid={size_unreadable.then_some("true")} oninput={on_min_size} value={filters.min_size_text.clone()} />
            </label>
            if size_unreadable {
                <span class="error" role="status">{"Not a size: try 4096, 512k, 10M or 1.5GB."}</span>
            }
            if props.sortable {
                <button onclick={toggle_sort}>{if filters.by_size { "Sort by path" } else { "Sort by size" }}</button>
            }
            <button id="export-csv" onclick={export(ExportFormat::Csv)}>{"Export CSV"}</button>
            <button id="export-json" onclick={export(ExportFormat::Json)}>{"Export JSON"}</button>
        </div>
    }
}
