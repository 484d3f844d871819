//! Keyboard navigation of the image tree as the WAI-ARIA tree pattern asks, over the DOM: arrow keys,
//! Home and End move between the visible items, Right and Left open and close an item's disclosure, and
//! exactly one item is in the tab order (roving tabindex) so Tab enters the tree where the reader left it.

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, FocusEvent, HtmlDetailsElement, HtmlElement, KeyboardEvent};

const ITEM: &str = "[role=\"treeitem\"]";
const TREE: &str = "[role=\"tree\"]";
/// What holds the image tree and the trees of cosign's tags after it: the keys walk them as one.
const TREES: &str = ".tree";

/// Where the arrow keys and the one tab stop range: the image tree with cosign's tags after it (each a
/// tree of its own, as the pattern wants the links beside them outside any tree), else one tree.
fn walked(element: &Element) -> Option<Element> {
    element
        .closest(TREES)
        .ok()
        .flatten()
        .or_else(|| element.closest(TREE).ok().flatten())
}

/// Handles a key pressed while a tree item itself has focus. Returns the item when the key activates
/// it (Enter, Space), for the view to do what activating that item means.
pub fn handle_key(event: &KeyboardEvent) -> Option<Element> {
    if event.ctrl_key() || event.alt_key() || event.meta_key() || event.shift_key() {
        return None;
    }
    // Keys pressed in a link, summary or select inside an item keep their own meaning.
    let item = event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
        .filter(|element| element.matches(ITEM).unwrap_or(false))?;
    let tree = walked(&item)?;
    let items = visible_items(&tree);
    let position = items.iter().position(|candidate| *candidate == item)?;
    let destination = match event.key().as_str() {
        "ArrowDown" => items.get(position + 1).cloned(),
        "ArrowUp" => position.checked_sub(1).and_then(|p| items.get(p)).cloned(),
        "Home" => items.first().cloned(),
        "End" => items.last().cloned(),
        "ArrowRight" if expanded(&item) == Some(false) => {
            set_expanded(&item, true);
            None
        }
        "ArrowRight" => items
            .get(position + 1)
            .filter(|next| parent_item(next).as_ref() == Some(&item))
            .cloned(),
        "ArrowLeft" if expanded(&item) == Some(true) => {
            set_expanded(&item, false);
            None
        }
        "ArrowLeft" => parent_item(&item),
        "Enter" | " " => {
            event.prevent_default();
            event.stop_propagation();
            return Some(item);
        }
        _ => return None,
    };
    event.prevent_default();
    event.stop_propagation();
    if let Some(destination) = destination {
        focus(&destination);
    }
    None
}

/// Focus moving within the tree: whatever gets it (an item, or a link or summary in one), the item
/// holding it becomes the one Tab returns to. Tab or Shift+Tab entering the tree from outside lands on
/// that item, as the tree pattern asks, rather than on the first control inside the tree.
pub fn handle_focus(event: &FocusEvent) {
    let Some(target) = event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
    else {
        return;
    };
    let Some(tree) = walked(&target) else {
        return;
    };
    let from_outside = event
        .related_target()
        .and_then(|previous| previous.dyn_into::<web_sys::Node>().ok())
        .is_none_or(|previous| !tree.contains(Some(&previous)));
    // A click keeps its focus where it landed; only keyboard focus is redirected.
    let by_keyboard = target.matches(":focus-visible").unwrap_or(false);
    if from_outside
        && by_keyboard
        && !target.matches(ITEM).unwrap_or(false)
        && let Some(current) = current_item(&tree)
    {
        focus(&current);
        return;
    }
    if let Some(item) = target.closest(ITEM).ok().flatten() {
        make_current(&item);
    }
}

/// The item with the tab stop, when the reader can see it.
fn current_item(tree: &Element) -> Option<Element> {
    visible_items(tree)
        .into_iter()
        .find(|item| item.get_attribute("tabindex").as_deref() == Some("0"))
}

/// Keeps `aria-expanded` of the item holding a `<details>` equal to its open state, however it was
/// toggled (a click on its summary, the picker, a key).
pub fn sync_expanded(event: &Event) {
    let Some(details) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlDetailsElement>().ok())
    else {
        return;
    };
    if let Some(item) = details.closest(ITEM).ok().flatten() {
        let _ = item.set_attribute("aria-expanded", &details.open().to_string());
    }
}

/// Opens an item's disclosure, for an activation that shows what it selects.
pub fn expand(item: &Element) {
    set_expanded(item, true);
}

/// The items a reader can see, in document order: none inside a closed `<details>`.
fn visible_items(tree: &Element) -> Vec<Element> {
    let Ok(list) = tree.query_selector_all(ITEM) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.item(index)?.dyn_into::<Element>().ok())
        .filter(|item| is_visible(item, tree))
        .collect()
}

fn is_visible(item: &Element, tree: &Element) -> bool {
    let mut ancestor = item.parent_element();
    while let Some(element) = ancestor {
        if element == *tree {
            return true;
        }
        if element
            .dyn_ref::<HtmlDetailsElement>()
            .is_some_and(|details| !details.open())
        {
            return false;
        }
        ancestor = element.parent_element();
    }
    true
}

fn parent_item(item: &Element) -> Option<Element> {
    item.parent_element()?.closest(ITEM).ok().flatten()
}

/// `Some(open)` for an item that can be opened and closed, `None` for one that cannot.
fn expanded(item: &Element) -> Option<bool> {
    item.get_attribute("aria-expanded")
        .map(|value| value == "true")
}

fn disclosure(item: &Element) -> Option<HtmlDetailsElement> {
    item.query_selector(":scope > details")
        .ok()
        .flatten()?
        .dyn_into::<HtmlDetailsElement>()
        .ok()
}

fn set_expanded(item: &Element, open: bool) {
    if let Some(details) = disclosure(item) {
        details.set_open(open);
        let _ = item.set_attribute("aria-expanded", &open.to_string());
    }
}

fn focus(item: &Element) {
    make_current(item);
    if let Some(element) = item.dyn_ref::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// Gives the item the tree's only `tabindex="0"`.
fn make_current(item: &Element) {
    if let Some(tree) = walked(item)
        && let Ok(list) = tree.query_selector_all(ITEM)
    {
        for index in 0..list.length() {
            if let Some(other) = list
                .item(index)
                .and_then(|node| node.dyn_into::<Element>().ok())
                && other != *item
                && other.get_attribute("tabindex").as_deref() != Some("-1")
            {
                let _ = other.set_attribute("tabindex", "-1");
            }
        }
    }
    if item.get_attribute("tabindex").as_deref() != Some("0") {
        let _ = item.set_attribute("tabindex", "0");
    }
}
