//! `/inspect/<registry>`: the registry's repositories from its catalog, page by page (`Link`), filtered,
//! each opening its tag table; a registry that does not list them gets a plain explanation and a box to
//! name a repository instead.

use std::cell::Cell;
use std::rc::Rc;

use strata_explain::page_link;
use strata_layers::path_glob;
use strata_registry_api::registry_error::ErrorCode;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format::visible;
use crate::navigation::navigate;
use crate::registry_api::{self, FetchError};

/// Repositories per page asked for.
const PAGE: usize = 100;

#[derive(Properties, PartialEq)]
pub struct CatalogPageProps {
    /// The registry, as references name it.
    pub registry: String,
}

/// The repositories loaded so far.
#[derive(Clone, PartialEq, Default)]
struct Catalog {
    repositories: Vec<String>,
    next: Option<String>,
    refused: Option<FetchError>,
    loading: bool,
}

/// The catalog page.
#[component]
pub fn CatalogPage(props: &CatalogPageProps) -> Html {
    let catalog = use_state(Catalog::default);
    let busy = use_memo((), |_| Rc::new(Cell::new(false)));
    let filter = use_state(String::new);
    let load = {
        let (catalog, busy) = (catalog.clone(), (*busy).clone());
        Callback::from(move |url: String| {
            if busy.replace(true) {
                return;
            }
            let (catalog, busy) = (catalog.clone(), busy.clone());
            let mut current = (*catalog).clone();
            current.loading = true;
            catalog.set(current.clone());
            yew::platform::spawn_local(async move {
                match registry_api::catalog_page(&url).await {
                    Ok((page, next)) => {
                        current.repositories.extend(page.repositories);
                        current.next = next;
                    }
                    Err(error) => {
                        current.refused = Some(error);
                        current.next = None;
                    }
                }
                current.loading = false;
                busy.set(false);
                catalog.set(current);
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(props.registry.clone(), move |registry| {
            load.emit(format!("/v2/{registry}/_catalog?n={PAGE}"));
        });
    }
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                filter.set(input.value());
            }
        })
    };
    let registry = &props.registry;
    let shown: Vec<&String> = catalog
        .repositories
        .iter()
        .filter(|name| path_glob::matches(&filter, name))
        .collect();
    let more = catalog.next.clone().map(|next| {
        let load = load.clone();
        html! { <button class="more-repositories" onclick={Callback::from(move |_: MouseEvent| load.emit(next.clone()))}>{"More repositories"}</button> }
    });
    let count = if catalog.next.is_some() {
        format!(
            "{} repositories loaded, more to come",
            catalog.repositories.len()
        )
    } else if shown.len() == catalog.repositories.len() {
        format!("{} repositories", catalog.repositories.len())
    } else {
        format!(
            "{} of {} repositories",
            shown.len(),
            catalog.repositories.len()
        )
    };
    html! {
        <section class="catalog" data-registry={registry.clone()}>
            <h1>{"Repositories of "}<code>{visible(registry)}</code></h1>
            <p class="muted">{"From the registry's catalog ("}<code>{"GET /v2/_catalog"}</code>{"). Open one to see its tags."}</p>
            { repository_box(registry) }
            if let Some(refused) = &catalog.refused { { refusal(registry, refused) } }
            if catalog.refused.is_none() {
                <div class="file-tools">
                    <input id="repository-filter" type="search" aria-label="Filter repositories"
                        placeholder="Filter: text, or a pattern like team/*" {oninput} />
                    <span class="muted">{count}</span>
                </div>
            }
            if catalog.loading { <p class="muted">{"Loading the catalog…"}</p> }
            <ul class="repository-list">
                { for shown.iter().map(|name| repository_item(registry, name)) }
            </ul>
            { more.unwrap_or_default() }
        </section>
    }
}

/// One repository: a link to its tag table, or its name alone when it is not a repository name.
fn repository_item(registry: &str, name: &str) -> Html {
    match page_link::repository_path(registry, name) {
        Ok(href) => html! {
            <li data-repository={name.to_owned()}><a {href}><code>{visible(name)}</code></a></li>
        },
        Err(error) => html! {
            <li data-repository={name.to_owned()} class="invalid-repository" title={error.to_string()}><code>{visible(name)}</code></li>
        },
    }
}

/// A box to open a repository by name: the way in when the catalog is closed, and faster than paging
/// through a long one.
fn repository_box(registry: &str) -> Html {
    let registry = registry.to_owned();
    let input = NodeRef::default();
    let onsubmit = {
        let input = input.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let name = input
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            let name = name.trim().trim_matches('/');
            if !name.is_empty() {
                navigate(&page_link::inspect_path(
                    &format!("{registry}/{name}"),
                    None,
                ));
            }
        })
    };
    html! {
        <form class="repository-box" {onsubmit}>
            <label for="repository-name">{"Open a repository: "}</label>
            <input id="repository-name" ref={input} type="text" placeholder="team/app" autocomplete="off" />
            <button type="submit">{"Show its tags"}</button>
        </form>
    }
}

/// Why there is no list, in plain words: most registries keep their catalog closed.
fn refusal(registry: &str, error: &FetchError) -> Html {
    let status = error.exchange.status;
    let by_proxy = error.message.contains(ErrorCode::ProxyRefused.as_str());
    let why = match status {
        Some(403) if by_proxy => {
            "This Strata instance asks for the catalog only of registries its operator named with --insecure-registry."
        }
        Some(401) | Some(403) => {
            "It asks for credentials this Strata instance does not have, or keeps its catalog closed to everyone."
        }
        Some(404) | Some(405) => "It does not offer the catalog endpoint at all.",
        Some(429) => "It is limiting requests right now; try again in a while.",
        None => "Strata's proxy could not be reached.",
        _ => "It answered with an error.",
    };
    let hub = matches!(
        registry,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    );
    html! {
        <div class="notice catalog-refused" role="status">
            <p>
                <strong>{"This registry does not list its repositories here. "}</strong>{why}
                {" That is normal: Docker Hub, GitHub's, Google's and most public registries turn the catalog off \
                  or keep it for signed-in accounts. Every repository still opens by its name, in the box above."}
            </p>
            if hub {
                <p>{"Docker Hub's repositories are found by searching hub.docker.com; official images are "}
                    <code>{"docker.io/library/<name>"}</code>{", for example "}
                    <a href="/inspect/docker.io/library/alpine">{"docker.io/library/alpine"}</a>{"."}</p>
            }
            <p class="muted catalog-answer">{"What came back: "}{visible(&error.message)}</p>
        </div>
    }
}
