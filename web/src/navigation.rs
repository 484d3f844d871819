//! Moving between Strata's pages without starting the app again: a click on a same-origin link to one of
//! its pages, or [`navigate`], pushes a history entry and renders the new page in place, keeping what the
//! running app holds (and the browser's cache of by-digest answers). Back and Forward render from the
//! address the same way. Every page keeps its own URL, so a link opened afresh shows the same view.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, HtmlAnchorElement, MouseEvent};
use yew::prelude::*;

use crate::route::Route;
use crate::url_state;

thread_local! {
    /// Re-renders the app from the address; set while the app is mounted.
    static RERENDER: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
}

/// Opens `href` (a path on this origin) in place, as a new history entry, at the top of the page.
pub fn navigate(href: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let pushed = window.history().and_then(|history| {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
    });
    if pushed.is_err() {
        let _ = window.location().set_href(href);
        return;
    }
    rerender();
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// Renders the app again from the address, after the address was replaced in place.
pub fn rerender() {
    RERENDER.with(|slot| {
        if let Some(callback) = slot.borrow().as_ref() {
            callback.emit(());
        }
    });
    url_state::announce_change();
}

/// For the app's root: re-renders on [`navigate`], on Back and Forward, and on clicks on links to the
/// app's pages, which it takes over.
#[hook]
pub fn use_in_place_navigation() {
    let changes = use_reducer(Changes::default);
    {
        let changes = changes.dispatcher();
        use_effect_with((), move |_| {
            let on_change = Callback::from(move |()| changes.dispatch(()));
            RERENDER.with(|slot| *slot.borrow_mut() = Some(on_change));
            let listeners = Listeners::install();
            move || {
                RERENDER.with(|slot| *slot.borrow_mut() = None);
                drop(listeners);
            }
        });
    }
    {
        // A `#fragment` names an element of the new page: show it once rendered.
        use_effect_with(changes.count, |_| scroll_to_fragment());
    }
}

#[derive(Default, PartialEq)]
struct Changes {
    count: u32,
}

impl Reducible for Changes {
    type Action = ();

    fn reduce(self: std::rc::Rc<Self>, (): ()) -> std::rc::Rc<Self> {
        std::rc::Rc::new(Changes {
            count: self.count.wrapping_add(1),
        })
    }
}

/// The window's `popstate` and the document's `click` listeners, removed when dropped.
struct Listeners {
    popstate: Closure<dyn Fn(web_sys::Event)>,
    click: Closure<dyn Fn(MouseEvent)>,
}

impl Listeners {
    fn install() -> Listeners {
        let listeners = Listeners {
            popstate: Closure::new(|_: web_sys::Event| rerender()),
            click: Closure::new(|event: MouseEvent| take_over_link(&event)),
        };
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback(
                "popstate",
                listeners.popstate.as_ref().unchecked_ref(),
            );
            if let Some(document) = window.document() {
                let _ = document.add_event_listener_with_callback(
                    "click",
                    listeners.click.as_ref().unchecked_ref(),
                );
            }
        }
        listeners
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "popstate",
                self.popstate.as_ref().unchecked_ref(),
            );
            if let Some(document) = window.document() {
                let _ = document.remove_event_listener_with_callback(
                    "click",
                    self.click.as_ref().unchecked_ref(),
                );
            }
        }
    }
}

/// A plain click on a link to one of the app's pages opens it in place. Anything the browser should
/// handle itself is left alone: modified or non-primary clicks, other origins and targets, downloads,
/// registry answers and other files, and a `#fragment` of the page already shown.
fn take_over_link(event: &MouseEvent) {
    if event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return;
    }
    let Some(anchor) = event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
        .and_then(|element| element.closest("a[href]").ok().flatten())
        .and_then(|element| element.dyn_into::<HtmlAnchorElement>().ok())
    else {
        return;
    };
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return;
    };
    let opens_elsewhere = !matches!(anchor.target().as_str(), "" | "_self");
    if opens_elsewhere
        || anchor.has_attribute("download")
        || Some(anchor.origin()) != location.origin().ok()
    {
        return;
    }
    let (path, search, hash) = (anchor.pathname(), anchor.search(), anchor.hash());
    if matches!(
        Route::parse(&path, &search),
        Route::NotFound(_) | Route::HashBench { .. }
    ) {
        return;
    }
    let same_page = Some(&path) == location.pathname().ok().as_ref()
        && Some(&search) == location.search().ok().as_ref();
    if same_page && !hash.is_empty() {
        return;
    }
    event.prevent_default();
    navigate(&format!("{path}{search}{hash}"));
}

fn scroll_to_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hash = window.location().hash().unwrap_or_default();
    let Some(id) = hash.strip_prefix('#').filter(|id| !id.is_empty()) else {
        return;
    };
    let id = js_sys::decode_uri_component(id).map_or_else(|_| id.to_owned(), String::from);
    if let Some(element) = window
        .document()
        .and_then(|document| document.get_element_by_id(&id))
    {
        element.scroll_into_view();
    }
}
