//! A repository's tags as the page loads them: page by page through the proxy's `tags/list`, following
//! `Link`, the first page asked for once.

use std::cell::RefCell;
use std::rc::Rc;

use strata_image::artifact;
use strata_layers::path_glob;
use yew::prelude::*;

use crate::registry_api;

/// Tags per page asked for.
const PAGE: usize = 100;

/// The tags loaded so far.
#[derive(Clone, PartialEq, Default)]
pub struct TagPages {
    pub tags: Vec<String>,
    /// The next page's URL, while there is one.
    pub next: Option<String>,
    pub error: Option<String>,
    pub loading: bool,
}

impl TagPages {
    /// The tags a reader asked to see: matching `filter` (text or a `1.*`-style pattern), cosign's
    /// `sha256-*` tags only when `show_cosign`.
    pub fn shown<'a>(
        &'a self,
        filter: &'a str,
        show_cosign: bool,
    ) -> impl Iterator<Item = &'a str> {
        self.tags
            .iter()
            .map(String::as_str)
            .filter(move |tag| show_cosign || artifact::cosign_subject(tag).is_none())
            .filter(move |tag| path_glob::matches(filter, tag))
    }
}

/// What a view holds to load tags: their state, a way to load the next page, and a way to load the first
/// page that does nothing after its first call.
#[derive(Clone)]
pub struct TagLoader {
    pub pages: UseStateHandle<TagPages>,
    pub load: Callback<String>,
    first_url: String,
    requested: Rc<RefCell<bool>>,
}

impl TagLoader {
    /// Loads the first page, once.
    pub fn first_page(&self) {
        if !self.requested.replace(true) {
            self.load.emit(self.first_url.clone());
        }
    }
}

/// The tags of `name` (`registry/repository`), loaded on demand.
#[hook]
pub fn use_tag_pages(name: &str) -> TagLoader {
    let pages = use_state(TagPages::default);
    let requested = use_mut_ref(|| false);
    let load = {
        let pages = pages.clone();
        Callback::from(move |url: String| {
            let pages = pages.clone();
            let mut current = (*pages).clone();
            current.loading = true;
            pages.set(current.clone());
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
                pages.set(next);
            });
        })
    };
    TagLoader {
        pages,
        load,
        first_url: format!("/v2/{name}/tags/list?n={PAGE}"),
        requested,
    }
}
