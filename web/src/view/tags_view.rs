//! An image page's folded list of its repository's tags, page by page through the proxy, filtered like
//! `docker image ls --filter reference=`, with cosign's `sha256-*` tags hidden unless asked for, and a link
//! to the repository's page, where the tag table shows what each tag is.

use strata_explain::page_link;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format::visible;
use crate::route::tag_href;
use crate::tag_pages::use_tag_pages;
use crate::url_state;

#[derive(Properties, PartialEq)]
pub struct TagsViewProps {
    /// `registry/repository`.
    pub name: String,
}

/// The panel's name in `open=`.
const PANEL: &str = "tags";

/// The tags panel, folded until opened.
#[component]
pub fn TagsView(props: &TagsViewProps) -> Html {
    let loader = use_tag_pages(&props.name);
    let filter = use_state(String::new);
    let show_cosign = use_state(|| false);
    let open_at_start = url_state::is_open(PANEL);
    {
        let loader = loader.clone();
        use_effect_with(open_at_start, move |open| {
            if *open {
                loader.first_page();
            }
        });
    }
    let ontoggle = {
        let record = url_state::panel_toggle(PANEL);
        let loader = loader.clone();
        Callback::from(move |event: Event| {
            let open = event
                .target_dyn_into::<web_sys::HtmlDetailsElement>()
                .is_some_and(|details| details.open());
            if open {
                loader.first_page();
            }
            record.emit(event);
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
    let tags = &*loader.pages;
    let more = tags.next.is_some().then(|| {
        let loader = loader.clone();
        html! { <button class="more-tags" onclick={Callback::from(move |_: MouseEvent| loader.next_page())}>{"More tags"}</button> }
    });
    html! {
        <details class="tags" id="tags" open={open_at_start} {ontoggle}>
            <summary>{format!("Tags of {}", props.name)}</summary>
            <p><a class="tag-table-link" href={page_link::inspect_path(&props.name, None)}>
                {"The repository's tag table: each tag's digest, platforms, size and build date"}</a></p>
            <div class="file-tools">
                <input id="tag-filter" type="search" placeholder="Filter: text, or a pattern like 1.* or *-alpine" {oninput} />
                <label><input id="show-cosign" type="checkbox" checked={*show_cosign} onchange={toggle_cosign} />{" show cosign's sha256-* tags"}</label>
            </div>
            if tags.loading { <p class="muted">{"Loading tags…"}</p> }
            if let Some(error) = &tags.error { <p class="error">{error.clone()}</p> }
            <ul class="tag-list tag-names">
                { for tags.shown(&filter, *show_cosign).map(|tag| tag_item(&props.name, tag)) }
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
