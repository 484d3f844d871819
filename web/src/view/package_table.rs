//! An SBOM's packages: name, version, type, license and purl, one row per package carrying
//! `data-package="<name>@<version>"`, searched and sorted by `core` (`package_table`). Past 300 rows only
//! those near the view are rendered, so a 10,000-package SBOM scrolls as smoothly as a short one.

use std::rc::Rc;

use strata_supply_chain::attestation::{Attestation, Predicate};
use strata_supply_chain::package_table::{self, PackageOrder};
use strata_supply_chain::sbom::Package;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::format::visible;
use super::row_window::{RowView, RowWindow, use_row_view};

const WINDOW: RowWindow = RowWindow {
    row_height: 28.0,
    render_all: 300,
    around: 40,
    columns: 5,
};
/// Rows taken to be in view before the table could be measured.
const FIRST_VIEW_ROWS: usize = 20;

#[derive(Properties, PartialEq)]
pub struct PackageTableProps {
    /// An attestation whose predicate is an SBOM.
    pub sbom: Rc<Attestation>,
}

/// The package table.
#[component]
pub fn PackageTable(props: &PackageTableProps) -> Html {
    let search = use_state(String::new);
    let order = use_state(PackageOrder::default);
    let oninput = {
        let search = search.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                search.set(input.value());
            }
        })
    };
    let onsort = {
        let order = order.clone();
        Callback::from(move |event: Event| {
            let chosen = event
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|select| PackageOrder::parse(&select.value()))
                .unwrap_or_default();
            order.set(chosen);
        })
    };
    let packages: &[Package] = match &props.sbom.predicate {
        Predicate::Sbom(sbom) => &sbom.packages,
        _ => &[],
    };
    // Searched and sorted again only when the search or the order changes, not on every scroll.
    let positions = use_memo(
        (props.sbom.clone(), (*search).clone(), *order),
        |(sbom, search, order)| match &sbom.predicate {
            Predicate::Sbom(sbom) => package_table::arranged(&sbom.packages, search, *order),
            _ => Vec::new(),
        },
    );
    let total = positions.len();
    let listed = packages.iter().filter(|package| !package.described).count();
    let RowView {
        scroller,
        onscroll,
        first_in_view,
        rows_in_view,
    } = use_row_view(WINDOW, FIRST_VIEW_ROWS, total);
    let (start, end) = WINDOW.range(total, first_in_view, rows_in_view);
    let count = if total == listed {
        format!("{listed} packages")
    } else {
        format!("{total} of {listed} packages")
    };
    html! {
        <div class="packages">
            <div class="file-tools">
                <input class="package-search" type="search" aria-label="Search packages"
                    placeholder="Search: name, version, type, license or purl" {oninput} />
                <label>{"Sort by "}
                    <select class="package-sort" onchange={onsort}>
                        { for PackageOrder::ALL.into_iter().map(|choice| html! {
                            <option value={choice.as_str()} selected={choice == *order}>{choice.label()}</option>
                        }) }
                    </select>
                </label>
                <span class="package-count muted" aria-live="polite">{count}</span>
            </div>
            <div ref={scroller} class="package-scroll" {onscroll}>
                <table class="package-table">
                    <thead><tr>
                        <th scope="col">{"Package"}</th>
                        <th scope="col">{"Version"}</th>
                        <th scope="col">{"Type"}</th>
                        <th scope="col">{"License"}</th>
                        <th scope="col">{"purl"}</th>
                    </tr></thead>
                    <tbody class="package-list">
                        { WINDOW.spacer(start) }
                        { for positions[start..end].iter().map(|&at| package_row(&packages[at])) }
                        { WINDOW.spacer(total - end) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}

fn package_row(package: &Package) -> Html {
    let cell = |text: Option<&str>| match text {
        Some(text) => visible(text),
        None => html! { <span class="muted">{"—"}</span> },
    };
    html! {
        <tr data-package={package.name_at_version()}>
            <td>{visible(&package.name)}</td>
            <td>{cell(package.version.as_deref())}</td>
            <td>{cell(package.kind.as_deref())}</td>
            <td>{cell(package.license.as_deref())}</td>
            <td><code>{cell(package.purl.as_deref())}</code></td>
        </tr>
    }
}
