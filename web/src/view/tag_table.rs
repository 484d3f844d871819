//! A repository's page leads with its tag table: one row per tag with the digest it names, its platforms, size and build
//! time, tags naming the same image grouped, sorted by name, version, date or size, filtered like `docker
//! image ls --filter reference=`, cosign's `sha256-*` tags hidden unless asked for. Long lists render only
//! the rows near the view, and only rows in view have their details read.

use std::collections::HashMap;

use strata_explain::share_link;
use strata_image::tag_table::{self, TagOrder, TagRow};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::row_window::{RowView, RowWindow, use_row_view};
use super::tag_row::{ROW_HEIGHT, tag_row};
use crate::tag_details::{self, TagDetail, TagDetails, use_tag_details};
use crate::tag_pages::{TagPages, use_tag_pages};
use crate::url_state;

#[derive(Properties, PartialEq)]
pub struct TagTableProps {
    /// The registry, as references name it.
    pub registry: String,
    /// The repository.
    pub repository: String,
}
/// The order's key in the address.
const ORDER_PARAM: &str = "tag-sort";
/// Up to 300 rows every one is rendered; past that, 40 above and below the view.
const WINDOW: RowWindow = RowWindow {
    row_height: ROW_HEIGHT,
    render_all: 300,
    around: 40,
    columns: 6,
};
/// Rows read past the last one in view, so a short scroll finds them ready.
const READ_AHEAD: usize = 4;
/// Rows taken to be in view before the table could be measured.
const FIRST_VIEW_ROWS: usize = 20;

/// The tag table, open at the top of a repository's page.
#[component]
pub fn TagTable(props: &TagTableProps) -> Html {
    let name = format!("{}/{}", props.registry, props.repository);
    let loader = use_tag_pages(&name);
    let details = use_tag_details(&props.registry, &props.repository);
    let filter = use_state(String::new);
    let show_cosign = use_state(|| false);
    let order = use_state(|| {
        share_link::query_value(&url_state::search(), ORDER_PARAM)
            .and_then(|order| TagOrder::parse(&order))
            .unwrap_or_default()
    });
    let open = use_state(|| true);
    {
        let loader = loader.clone();
        use_effect_with(*open, move |open| {
            if *open {
                loader.first_page();
            }
        });
    }
    {
        let loader = loader.clone();
        let loaded_count = loader.pages.tags.len();
        use_effect_with((*order, *open, loaded_count), move |(order, open, _)| {
            if *open && *order != TagOrder::Name {
                loader.every_page();
            }
        });
    }
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |event: Event| {
            open.set(
                event
                    .target_dyn_into::<web_sys::HtmlDetailsElement>()
                    .is_some_and(|details| details.open()),
            );
        })
    };
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                filter.set(input.value());
            }
        })
    };
    let toggle_cosign = {
        let show_cosign = show_cosign.clone();
        Callback::from(move |_: Event| show_cosign.set(!*show_cosign))
    };
    let onsort = {
        let order = order.clone();
        Callback::from(move |event: Event| {
            let chosen = event
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|select| TagOrder::parse(&select.value()))
                .unwrap_or_default();
            let value = (chosen != TagOrder::Name).then_some(chosen.as_str());
            url_state::set_params(&[(ORDER_PARAM, value)]);
            order.set(chosen);
        })
    };
    let pages = &*loader.pages;
    let ShownTags { shown, first_of } =
        ShownTags::of(pages, &details.borrow(), &filter, *show_cosign);
    let rows: Vec<TagRow<'_>> = shown
        .iter()
        .map(|(tag, detail)| match detail {
            Some(TagDetail::Known { summary, .. }) => TagRow {
                tag,
                created: summary.created.as_deref(),
                size: summary.size,
            },
            _ => TagRow {
                tag,
                created: None,
                size: None,
            },
        })
        .collect();
    let positions = tag_table::sorted(&rows, *order);
    let total = positions.len();
    // Once open and holding rows, the view's real height.
    let RowView {
        scroller,
        onscroll,
        first_in_view,
        rows_in_view: view_rows,
    } = use_row_view(WINDOW, FIRST_VIEW_ROWS, (*open, total));
    let first_in_view = first_in_view.min(total);
    let in_view_end = (first_in_view + view_rows + READ_AHEAD).min(total);
    let wanted: Vec<String> = if order.needs_details() {
        // Sorting by date or size needs every row's details: those in view first.
        positions[first_in_view..]
            .iter()
            .chain(&positions[..first_in_view])
            .map(|&at| shown[at].0.to_owned())
            .collect()
    } else {
        positions[first_in_view..in_view_end]
            .iter()
            .map(|&at| shown[at].0.to_owned())
            .collect()
    };
    {
        let details = details.clone();
        use_effect_with((wanted, *open), move |(wanted, open)| {
            if *open {
                tag_details::want(&details, wanted);
            }
        });
    }
    let (start, end) = WINDOW.range(total, first_in_view, view_rows);
    let progress = order.needs_details().then(|| {
        let read = details.borrow().settled(shown.iter().map(|(tag, _)| *tag));
        html! {
            <p class="tag-progress muted" aria-live="polite">
                {format!("Sorted by {}: {read} of {total} tags read.", order.as_str())}
            </p>
        }
    });
    let allowance = details.borrow().pull_allowance.clone();
    let economy = allowance.map(|allowance| {
        let in_view: Vec<String> = positions[first_in_view..in_view_end]
            .iter()
            .map(|&at| shown[at].0.to_owned())
            .collect();
        let details = details.clone();
        let onclick = Callback::from(move |_: MouseEvent| tag_details::read_in_full(&details, &in_view));
        html! {
            <p class="notice pull-allowance">
                {format!(
                    "This registry counts every manifest read as a pull ({allowance}), and a HEAD request not: \
                     the table shows each tag's digest from one. "
                )}
                <button id="read-tag-details" {onclick}>{"Read platforms, size and date too"}</button>
            </p>
        }
    });
    let more = pages.next.is_some().then(|| {
        let loader = loader.clone();
        html! { <button class="more-tags" onclick={Callback::from(move |_: MouseEvent| loader.next_page())}>{"More tags"}</button> }
    });
    let count = match (pages.next.is_some(), total == pages.tags.len()) {
        (true, _) => format!("{} tags loaded, more to come", pages.tags.len()),
        (false, true) => format!("{total} tags"),
        (false, false) => format!("{total} of {} tags", pages.tags.len()),
    };
    html! {
        <details class="tags listing" id="tags" open=true {ontoggle}>
            <summary>{format!("Tags of {name}")}</summary>
            <div class="file-tools">
                <input id="tag-filter" type="search" aria-label="Filter tags" placeholder="Filter: text, or a pattern like 1.* or *-alpine" {oninput} />
                <label>{"Sort by "}
                    <select id="tag-sort" onchange={onsort}>
                        { for TagOrder::ALL.into_iter().map(|choice| html! {
                            <option value={choice.as_str()} selected={choice == *order}>{choice.label()}</option>
                        }) }
                    </select>
                </label>
                <label><input id="show-cosign" type="checkbox" checked={*show_cosign} onchange={toggle_cosign} />{" show cosign's sha256-* tags"}</label>
                <span class="tag-count muted">{count}</span>
            </div>
            if pages.loading { <p class="muted">{"Loading tags…"}</p> }
            if let Some(error) = &pages.error { <p class="error">{error.clone()}</p> }
            { economy.unwrap_or_default() }
            { progress.unwrap_or_default() }
            <div ref={scroller} class="tag-scroll" {onscroll}>
                <table class="tag-table">
                    <thead><tr>
                        <th scope="col">{"Tag"}</th>
                        <th scope="col">{"Digest"}</th>
                        <th scope="col">{"Platforms"}</th>
                        <th scope="col" class="number">{"Size"}</th>
                        <th scope="col">{"Created"}</th>
                        <th scope="col">{"Same image as"}</th>
                    </tr></thead>
                    <tbody class="tag-list">
                        { WINDOW.spacer(start) }
                        { for positions[start..end].iter().map(|&at| {
                            let (tag, detail) = &shown[at];
                            tag_row(&name, tag, detail.as_ref(), first_of.get(*tag).map(String::as_str))
                        }) }
                        { WINDOW.spacer(total - end) }
                    </tbody>
                </table>
            </div>
            { more.unwrap_or_default() }
        </details>
    }
}

/// What each shown tag's row knows, taken once per render.
struct ShownTags<'a> {
    /// The tags the filter leaves, with what is known of each.
    shown: Vec<(&'a str, Option<TagDetail>)>,
    /// Each tag naming the same image as a tag first by name, with that tag.
    first_of: HashMap<String, String>,
}

impl<'a> ShownTags<'a> {
    fn of(pages: &'a TagPages, known: &TagDetails, filter: &'a str, show_cosign: bool) -> Self {
        let shown = pages
            .shown(filter, show_cosign)
            .map(|tag| (tag, known.get(tag).cloned()))
            .collect();
        let listed: Vec<(&str, Option<&str>)> = pages
            .tags
            .iter()
            .map(|tag| match known.get(tag) {
                Some(TagDetail::Known { digest, .. }) => (tag.as_str(), Some(digest.as_str())),
                _ => (tag.as_str(), None),
            })
            .collect();
        let first_of = tag_table::same_as(&listed)
            .into_iter()
            .zip(&listed)
            .filter_map(|(first, (tag, _))| {
                first.map(|first| ((*tag).to_owned(), first.to_owned()))
            })
            .collect();
        ShownTags { shown, first_of }
    }
}
