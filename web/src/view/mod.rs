//! The components. They call `core` and render what it returns; they never parse or hash themselves.

mod artifact_view;
mod commands_view;
mod config_view;
mod file_table;
mod files_view;
mod findings;
mod format;
mod hash_bench;
mod inspect_page;
mod landing;
mod node_view;
mod platform_picker;
mod reference_view;
mod tags_view;
mod trace;
mod tree_keyboard;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::route::{Route, inspect_href};

/// The whole app: a header with the reference box, then the page the URL names.
#[component]
pub fn App() -> Html {
    let route = Route::current();
    let typed = match &route {
        Route::Inspect { reference, .. } => reference.clone(),
        _ => String::new(),
    };
    let page = match route {
        Route::Home => html! { <landing::Landing /> },
        Route::Inspect {
            reference,
            platform,
            files,
        } => {
            html! { <inspect_page::InspectPage {reference} {platform} {files} /> }
        }
        Route::HashBench { mib } => html! { <hash_bench::HashBench {mib} /> },
        Route::NotFound(path) => html! {
            <div class="error" role="alert">
                {format!("There is no page at {path}. ")}<a href="/">{"Go to the start page."}</a>
            </div>
        },
    };
    html! {
        <>
            <header class="top">
                <a class="brand" href="/">{"Strata"}</a>
                <ReferenceForm initial={typed} />
            </header>
            <main>{page}</main>
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
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(&inspect_href(&typed, None));
            }
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
