//! The components. They call `core` and render what it returns; they never parse or hash themselves.

mod artifact_view;
#[cfg(feature = "all-pages")]
mod catalog_page;
mod commands_view;
mod compare_entry;
#[cfg(feature = "all-pages")]
mod compare_files;
#[cfg(feature = "all-pages")]
mod compare_page;
#[cfg(feature = "all-pages")]
pub mod compare_side;
#[cfg(feature = "all-pages")]
mod compare_tables;
pub mod concept_help;
mod config_view;
pub(crate) mod context;
mod copy_button;
mod document_panels;
#[cfg(feature = "all-pages")]
mod efficiency_panel;
#[cfg(feature = "all-pages")]
mod file_table;
#[cfg(feature = "all-pages")]
mod files_panels;
#[cfg(feature = "all-pages")]
mod files_view;
mod findings;
mod format;
#[cfg(feature = "all-pages")]
mod hash_bench;
mod inspect_page;
mod landing;
#[cfg(feature = "all-pages")]
mod list_filters;
mod node_view;
#[cfg(feature = "all-pages")]
mod open_page;
#[cfg(feature = "all-pages")]
mod package_table;
mod platform_picker;
#[cfg(feature = "all-pages")]
mod provenance_view;
mod reference_view;
#[cfg(feature = "all-pages")]
mod row_window;
mod share_links;
mod signature_view;
mod size_bar;
#[cfg(not(feature = "all-pages"))]
mod supply_chain_slot;
#[cfg(feature = "all-pages")]
pub mod supply_chain_view;
#[cfg(feature = "all-pages")]
mod tag_row;
#[cfg(feature = "all-pages")]
mod tag_table;
mod tags_view;
#[cfg(feature = "all-pages")]
mod tour_evidence;
#[cfg(feature = "all-pages")]
mod tour_page;
mod trace;
mod tree_keyboard;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::navigation::{navigate, use_in_place_navigation};
use crate::route::{Route, inspect_href};

/// Whether a page's reference names a repository alone (no tag, no digest): its page is the tag table.
#[cfg(not(feature = "all-pages"))]
fn names_repository(reference: &str) -> bool {
    strata_image::reference::Reference::parse(reference)
        .is_ok_and(|reference| reference.tag().is_none() && reference.digest().is_none())
}

/// Whether the address carries a public key to check signatures with (`key=`).
#[cfg(not(feature = "all-pages"))]
fn carries_a_key() -> bool {
    strata_explain::share_link::query_value(
        &crate::url_state::search(),
        crate::signature_check::KEY_PARAM,
    )
    .is_some_and(|key| !key.is_empty())
}

/// The whole app: a header with the reference box, then the page the URL names.
#[component]
pub fn App() -> Html {
    use_in_place_navigation();
    let route = Route::current();
    let page_key = route.page_key();
    let typed = match &route {
        Route::Inspect { reference, .. } => reference.clone(),
        Route::Catalog { registry } => registry.clone(),
        _ => String::new(),
    };
    // Pages whose visible headings start at level 2 get their level-one heading here, for screen readers.
    let heading = match &route {
        Route::Inspect { reference, .. } => Some(format!("Inspect {reference}")),
        Route::Compare { left, right, .. } => Some(format!("Compare {left} with {right}")),
        Route::Tour { .. } => Some("Guided tour: what docker pull does".to_owned()),
        Route::Concepts => Some("Concepts".to_owned()),
        Route::NotFound(_) => Some("No such page".to_owned()),
        _ => None,
    };
    let page = match route {
        Route::Home => html! { <landing::Landing /> },
        // A repository's page leads with its tag table, and a key is checked with crypto: only the module
        // with every page holds them.
        #[cfg(not(feature = "all-pages"))]
        Route::Inspect { reference, .. } if names_repository(&reference) || carries_a_key() => {
            html! { <crate::hand_over::HandOver /> }
        }
        Route::Inspect {
            reference,
            platform,
            files,
            pinned_at,
        } => {
            html! { <inspect_page::InspectPage {reference} {platform} {files} {pinned_at} /> }
        }
        #[cfg(feature = "all-pages")]
        Route::Compare {
            left,
            left_platform,
            right,
            right_platform,
            files,
        } => html! {
            <compare_page::ComparePage {left} {left_platform} {right} {right_platform} {files} />
        },
        #[cfg(feature = "all-pages")]
        Route::HashBench { mib } => html! { <hash_bench::HashBench {mib} /> },
        #[cfg(feature = "all-pages")]
        Route::Tour { step, platform } => html! { <tour_page::TourPage {step} {platform} /> },
        #[cfg(feature = "all-pages")]
        Route::Open { then } => html! { <open_page::OpenPage {then} /> },
        #[cfg(not(feature = "all-pages"))]
        Route::Compare { .. }
        | Route::HashBench { .. }
        | Route::Tour { .. }
        | Route::Open { .. }
        | Route::Catalog { .. } => {
            html! { <crate::hand_over::HandOver /> }
        }
        Route::Concepts => concept_help::page(),
        #[cfg(feature = "all-pages")]
        Route::Catalog { registry } => html! { <catalog_page::CatalogPage {registry} /> },
        Route::NotFound(path) => html! {
            <div class="error" role="alert">
                {"There is no page at "}{format::visible(&path)}{". "}<a href="/">{"Go to the start page."}</a>
            </div>
        },
    };
    html! {
        <>
            <a class="skip-link" href={skip_link_target()}>{"Skip to the content"}</a>
            <header class="top">
                <a class="brand" href="/">{"Strata"}</a>
                <nav class="top-links" aria-label="Strata's pages"><a href="/tour">{"Tour"}</a>{" "}<a href="/concepts">{"Concepts"}</a></nav>
                <ReferenceForm initial={typed} />
            </header>
            <main key={page_key} id="main" tabindex="-1">
                if let Some(heading) = heading { <h1 class="visually-hidden">{format::visible(&heading)}</h1> }
                {page}
            </main>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ReferenceFormProps {
    initial: String,
}

/// The box where a reference is typed; submitting opens its inspect link.
#[component]
fn ReferenceForm(props: &ReferenceFormProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let input = input.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let typed = field.value();
            if typed.trim().is_empty() {
                return;
            }
            navigate(&inspect_href(&typed, None));
        })
    };
    html! {
        <form class="reference-form" {onsubmit}>
            <input ref={input} id="reference-input" name="reference" type="text" spellcheck="false"
                autocomplete="off" value={props.initial.clone()}
                placeholder="alpine, ghcr.io/org/app:1.2, localhost:5000/team/app@sha256:…"
                aria-label="Image reference" />
            <button type="submit">{"Inspect"}</button>
        </form>
    }
}

/// This page's own address with `#main`: the browser moves to the content itself (the app leaves a link
/// within the same page alone), and every link still names a path of Strata's.
fn skip_link_target() -> String {
    format!("{}#main", crate::url_state::current_address())
}
