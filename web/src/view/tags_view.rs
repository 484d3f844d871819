//! The repository's tags, page by page through the proxy, filtered like `docker image ls --filter
//! reference=`, with cosign's `sha256-*` tags hidden unless asked for.

use strata_image::artifact;
use strata_layers::path_glob;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format::visible;
use crate::registry_api;
use crate::route::tag_href;
use crate::url_state;

#[derive(Properties, PartialEq)]
pub struct TagsViewProps {
    /// `registry/repository`.
    pub name: String,
    /// The page names a repository without tag: the tags lead the page, open.
    #[prop_or_default]
    pub listing: bool,
}

#[derive(Clone, PartialEq, Default)]
struct Tags {
    tags: Vec<String>,
    next: Option<String>,
    error: Option<String>,
    loading: bool,
}

const PAGE: usize = 100;
/// The panel's name in `open=`.
const PANEL: &str = "tags";

/// The tags panel, folded until opened.
#[component]
pub fn TagsView(props: &TagsViewProps) -> Html {
    let tags = use_state(Tags::default);
    let filter = use_state(String::new);
    let show_cosign = use_state(|| false);
    let load = {
        let tags = tags.clone();
        Callback::from(move |url: String| {
            let tags = tags.clone();
            let mut current = (*tags).clone();
            current.loading = true;
            tags.set(current.clone());
            yew::platform::spawn_local(async move {
                let mut next = current;
                next.loading = false;
                match registry_api::tag_page(&url).await {
                    Ok((page, link)) => {
                        next.tags.extend(page.tags);
                        next.next = link;
                    }
                    Err(error) => next.error = Some(error),
                }
                tags.set(next);
            });
        })
    };
    let open_at_start = props.listing || url_state::is_open(PANEL);
    // The first page is asked for once, when the panel is first open.
    let requested = use_mut_ref(|| false);
    let first_page = {
        let (load, requested, name) = (load.clone(), requested.clone(), props.name.clone());
        move || {
            if !*requested.borrow() {
                *requested.borrow_mut() = true;
                load.emit(format!("/v2/{name}/tags/list?n={PAGE}"));
            }
        }
    };
    {
        let first_page = first_page.clone();
        use_effect_with(open_at_start, move |open| {
            if *open {
                first_page();
            }
        });
    }
    let ontoggle = {
        let record = url_state::panel_toggle(PANEL);
        let listing = props.listing;
        Callback::from(move |event: Event| {
            let open = event
                .target_dyn_into::<web_sys::HtmlDetailsElement>()
                .is_some_and(|details| details.open());
            if open {
                first_page();
            }
            // On a repository's own page the list is open by default; only other pages record it.
            if !listing {
                record.emit(event);
            }
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
    let shown: Vec<&String> = tags
        .tags
        .iter()
        .filter(|tag| *show_cosign || artifact::cosign_subject(tag).is_none())
        .filter(|tag| path_glob::matches(&filter, tag))
        .collect();
    let more = tags.next.clone().map(|next| {
        let load = load.clone();
        html! { <button class="more-tags" onclick={Callback::from(move |_: MouseEvent| load.emit(next.clone()))}>{"More tags"}</button> }
    });
    html! {
        <details class={classes!("tags", props.listing.then_some("listing"))} id="tags" open={open_at_start} {ontoggle}>
            <summary>{format!("Tags of {}", props.name)}</summary>
            <div class="file-tools">
                <input id="tag-filter" type="search" placeholder="Filter: text, or a pattern like 1.* or *-alpine" {oninput} />
                <label><input id="show-cosign" type="checkbox" checked={*show_cosign} onchange={toggle_cosign} />{" show cosign's sha256-* tags"}</label>
            </div>
            if tags.loading { <p class="muted">{"Loading tags…"}</p> }
            if let Some(error) = &tags.error { <p class="error">{error.clone()}</p> }
            <ul class="tag-list">
                { for shown.into_iter().map(|tag| tag_item(&props.name, tag)) }
            </ul>
            { more.unwrap_or_default() }
        </details>
    }
}

/// One tag: a link to it, or, when the registry listed something that is not a tag, the text alone.
fn tag_item(name: &str, tag: &str) -> Html {
    match tag_href(name, tag) {
        Ok(href) => html! {
            <li data-tag={tag.to_owned()}><a {href}><code>{visible(tag)}</code></a></li>
        },
        Err(error) => html! {
            <li data-tag={tag.to_owned()} class="invalid-tag" title={error.to_string()}><code>{visible(tag)}</code></li>
        },
    }
}
