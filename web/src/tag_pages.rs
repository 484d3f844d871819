//! A repository's tags as the page loads them: page by page through the proxy's `tags/list`, following
//! `Link`, the first page asked for once; every page at once when the reader sorts by something other
//! than the name (registries list tags by name, so only that order is right for part of the list).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use strata_image::artifact;
use strata_layers::path_glob;
use yew::prelude::*;

use crate::registry_api;

/// Tags per page asked for.
const PAGE: usize = 100;

/// Loading every page stops past this many tags (the rest stay one "More tags" away).
const MOST_TAGS_AT_ONCE: usize = 20_000;

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

/// What a view holds to load tags: their state, and ways to load the first page (once), the next one, or
/// all that are left.
#[derive(Clone)]
pub struct TagLoader {
    pub pages: UseStateHandle<TagPages>,
    loaded: Rc<RefCell<TagPages>>,
    busy: Rc<Cell<bool>>,
    first_url: String,
    requested: Rc<Cell<bool>>,
}

impl TagLoader {
    /// Loads the first page, once.
    pub fn first_page(&self) {
        if !self.requested.replace(true) {
            self.load(Some(self.first_url.clone()), false);
        }
    }

    /// Loads the page after those loaded.
    pub fn next_page(&self) {
        let next = self.loaded.borrow().next.clone();
        self.load(next, false);
    }

    /// Loads every page left, up to [`MOST_TAGS_AT_ONCE`] tags.
    pub fn every_page(&self) {
        let next = self.loaded.borrow().next.clone();
        self.load(next, true);
    }

    fn load(&self, url: Option<String>, every: bool) {
        let Some(mut url) = url else {
            return;
        };
        if self.busy.replace(true) {
            return;
        }
        let (pages, loaded, busy) = (self.pages.clone(), self.loaded.clone(), self.busy.clone());
        loaded.borrow_mut().loading = true;
        pages.set(loaded.borrow().clone());
        yew::platform::spawn_local(async move {
            loop {
                let answer = registry_api::tag_page(&url).await;
                let next = {
                    let mut state = loaded.borrow_mut();
                    match answer {
                        Ok((page, link)) => {
                            // A page with no tags, or naming itself as the next, ends the list: a
                            // registry's links must not keep the page asking forever.
                            let endless =
                                page.tags.is_empty() || link.as_deref() == Some(url.as_str());
                            state.tags.extend(page.tags);
                            state.next = link.filter(|_| !endless);
                        }
                        Err(error) => {
                            state.error = Some(error);
                            state.next = None;
                        }
                    }
                    let more = every && state.tags.len() < MOST_TAGS_AT_ONCE;
                    state.next.clone().filter(|_| more)
                };
                match next {
                    Some(next) => {
                        pages.set(loaded.borrow().clone());
                        url = next;
                    }
                    None => break,
                }
            }
            loaded.borrow_mut().loading = false;
            busy.set(false);
            pages.set(loaded.borrow().clone());
        });
    }
}

/// The tags of `name` (`registry/repository`), loaded on demand.
#[hook]
pub fn use_tag_pages(name: &str) -> TagLoader {
    let pages = use_state(TagPages::default);
    let loaded = use_mut_ref(TagPages::default);
    let flags = use_memo((), |_| {
        (Rc::new(Cell::new(false)), Rc::new(Cell::new(false)))
    });
    TagLoader {
        pages,
        loaded,
        busy: flags.0.clone(),
        first_url: format!("/v2/{name}/tags/list?n={PAGE}"),
        requested: flags.1.clone(),
    }
}
