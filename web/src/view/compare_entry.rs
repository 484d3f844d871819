//! The way into the compare view from the inspect page: two platforms of this index, or this image against
//! another reference. Both forms open a `/compare` link.

use strata_image::manifest::Document;
use strata_image::platform::Platform;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::format::visible_string;
use crate::inspect_state::{Content, InspectState, NodeKey, NodeState};
use crate::navigation::navigate;
use crate::route::compare_href;

/// The compare forms for the inspected reference.
pub fn entry(reference: &str, state: &UseReducerHandle<InspectState>) -> Html {
    let (platforms, selected) = index_platforms(state);
    // The entry the page shows for the platform the reader chose, spelled as the index spells it.
    let chosen = state.chosen_platform.as_ref().and(selected.clone());
    html! { <CompareEntry reference={reference.to_owned()} {platforms} {selected} {chosen} /> }
}

/// The platforms of a verified root index, in its order (attestations and placeholders left out), and the
/// one the inspect page selected.
fn index_platforms(state: &InspectState) -> (Vec<String>, Option<String>) {
    let Some(NodeState::Loaded(root)) = state.node(&NodeKey::Root) else {
        return (Vec::new(), None);
    };
    if !root.verification.is_trusted() {
        return (Vec::new(), None);
    }
    let Content::Document(read) = &root.content else {
        return (Vec::new(), None);
    };
    let Document::Index(index) = &read.document else {
        return (Vec::new(), None);
    };
    let entries = index.entries();
    let label = |platform: Option<&Platform>| platform.map(Platform::os_arch_variant);
    let selected = entries
        .select_for_view(state.chosen_platform.as_deref())
        .chosen
        .and_then(|chosen| label(entries.platforms.get(chosen)?.descriptor.platform.as_ref()));
    let mut platforms: Vec<String> = entries
        .platforms
        .iter()
        .filter(|entry| entry.descriptor.is_runnable_entry())
        .filter_map(|entry| label(entry.descriptor.platform.as_ref()))
        .collect();
    platforms.dedup();
    (platforms, selected)
}

#[derive(Properties, PartialEq)]
struct CompareEntryProps {
    reference: String,
    platforms: Vec<String>,
    /// The entry the inspect page shows.
    selected: Option<String>,
    /// The same, only when the reader chose a platform.
    chosen: Option<String>,
}

#[component]
fn CompareEntry(props: &CompareEntryProps) -> Html {
    let left_select = use_node_ref();
    let right_select = use_node_ref();
    let other = use_node_ref();
    let compare_platforms = {
        let (left_select, right_select) = (left_select.clone(), right_select.clone());
        let reference = props.reference.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let value = |node: &NodeRef| node.cast::<HtmlSelectElement>().map(|s| s.value());
            if let (Some(left), Some(right)) = (value(&left_select), value(&right_select)) {
                navigate(&compare_href(
                    &reference,
                    Some(&left),
                    &reference,
                    Some(&right),
                ));
            }
        })
    };
    let compare_other = {
        let other = other.clone();
        let reference = props.reference.clone();
        let chosen = props.chosen.clone();
        let is_index = !props.platforms.is_empty();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(typed) = other.cast::<HtmlInputElement>().map(|input| input.value()) else {
                return;
            };
            if typed.trim().is_empty() {
                return;
            }
            let left_platform = chosen.as_deref().filter(|_| is_index);
            navigate(&compare_href(&reference, left_platform, &typed, None));
        })
    };
    let left_default = props
        .selected
        .clone()
        .filter(|chosen| props.platforms.contains(chosen))
        .or_else(|| props.platforms.first().cloned())
        .unwrap_or_default();
    let right_default = props
        .platforms
        .iter()
        .find(|platform| **platform != left_default)
        .cloned()
        .unwrap_or_default();
    let options = |selected: &str| {
        html! {
            { for props.platforms.iter().map(|platform| html! {
                <option value={platform.clone()} selected={platform == selected}>{visible_string(platform)}</option>
            }) }
        }
    };
    html! {
        <details class="compare-entry-point">
            <summary>{"Compare platforms, or with another reference"}</summary>
            if props.platforms.len() >= 2 {
                <form class="compare-platforms" onsubmit={compare_platforms}>
                    <label for="compare-left-platform">{"Compare platforms "}</label>
                    <select id="compare-left-platform" ref={left_select}>{ options(&left_default) }</select>
                    {" with "}
                    <select id="compare-right-platform" ref={right_select} aria-label="Right platform">{ options(&right_default) }</select>
                    {" "}<button type="submit" id="compare-platforms-button">{"Compare platforms"}</button>
                </form>
            }
            <form class="compare-other" onsubmit={compare_other}>
                <label for="compare-with">{"Compare with another reference "}</label>
                <input id="compare-with" ref={other} type="text" spellcheck="false" autocomplete="off"
                    placeholder="registry/repository:tag" />
                {" "}<button type="submit" id="compare-with-button">{"Compare"}</button>
            </form>
        </details>
    }
}
