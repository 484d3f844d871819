//! The disclosures under every fetched document: its raw bytes (pretty-printed and exactly as received) and
//! how it was fetched. A component of its own, compared by the fetched document's identity, so the tree
//! builds them once per document instead of again on every change elsewhere in the tree.

use std::rc::Rc;

use strata_explain::pretty;
use yew::prelude::*;

use super::format::{short_digest, visible, visible_lines};
use super::trace;
use crate::inspect_state::Loaded;
use crate::url_state;

/// The document and the digest it was asked for by.
#[derive(Properties)]
pub struct DocumentPanelsProps {
    /// The fetched document; the same fetch is the same panels.
    pub loaded: Rc<Loaded>,
    /// The digest it was asked for by (empty before one is known).
    pub digest: String,
}

impl PartialEq for DocumentPanelsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.loaded, &other.loaded) && self.digest == other.digest
    }
}

/// Raw bytes, then the fetch's trace.
#[component]
pub fn DocumentPanels(props: &DocumentPanelsProps) -> Html {
    let loaded = &props.loaded;
    html! {
        <>
            { raw(&loaded.bytes, loaded.content_type.as_deref(), &props.digest) }
            { trace::exchange_and_steps(&loaded.exchange, &loaded.trace) }
        </>
    }
}

fn raw(bytes: &[u8], content_type: Option<&str>, digest: &str) -> Html {
    // `open=raw-<first 12 hex>` keeps the panel open in a shared link (once the node has a digest).
    let panel = short_digest(digest)
        .split_once(':')
        .map(|(_, hex)| format!("raw-{hex}"));
    let open = panel.as_deref().is_some_and(url_state::is_open);
    let ontoggle = panel.as_deref().map(url_state::panel_toggle);
    let pretty = pretty::indent_json(bytes);
    let text = String::from_utf8_lossy(bytes).into_owned();
    html! {
        <details class="raw" {open} {ontoggle}>
            <summary>{visible(&format!("Raw bytes ({} B{})", bytes.len(), content_type.map(|t| format!(", {t}")).unwrap_or_default()))}</summary>
            if let Some(pretty) = pretty {
                <h4>{"Pretty-printed (same keys, same order)"}</h4>
                <pre class="pretty">{visible_lines(&pretty)}</pre>
            }
            <h4>{"Exactly as received"}</h4>
            <pre class="exact">{visible_lines(&text)}</pre>
        </details>
    }
}
