//! What assistive technology meets in a page: Deque's axe-core (installed by `cargo xtask test`, given in
//! `STRATA_AXE_CORE`) run inside it, the colour scheme and width a reader's device asks for, and
//! Chromium's own accessibility tree.

use serde_json::{Value, json};

use crate::browser::Browser;

/// The axe-core rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and best practices.
pub const AXE_TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// One rule axe-core found broken, and where.
#[derive(Debug)]
pub struct Violation {
    /// The rule's id (`color-contrast`, `aria-required-children`…).
    pub rule: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// Each element in violation: its selector and axe's summary of what fails.
    pub elements: Vec<String>,
}

/// A light or dark page, as `prefers-color-scheme` asks.
#[derive(Debug, Clone, Copy)]
pub enum Scheme {
    /// The light scheme.
    Light,
    /// The dark scheme.
    Dark,
}

impl Scheme {
    fn media_value(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// Makes the browser ask for `scheme` and show pages `width` CSS pixels wide, as a reader's screen would.
pub async fn emulate(browser: &Browser, scheme: Scheme, width: u32) {
    browser
        .devtools(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme.media_value() }] }),
        )
        .await;
    browser
        .devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500 }),
        )
        .await;
}

/// Waits until the page has settled: nothing pending, and no change to the page for half a second.
pub async fn wait_until_settled(browser: &Browser) {
    browser
        .wait_for(
            "the page to settle",
            "if (window.strataQuietSince === undefined) { \
               window.strataQuietSince = performance.now(); \
               new MutationObserver(() => { window.strataQuietSince = performance.now(); }) \
                 .observe(document, { subtree: true, childList: true, attributes: true, characterData: true }); \
             } \
             return document.readyState === 'complete' \
               && document.querySelector('main') !== null \
               && document.querySelectorAll('[data-verify=\"pending\"], [data-probe=\"pending\"]').length === 0 \
               && performance.now() - window.strataQuietSince > 500",
        )
        .await;
}

/// axe-core's violations in the page as it is now.
pub async fn violations(browser: &Browser) -> Vec<Violation> {
    let path = std::env::var("STRATA_AXE_CORE").unwrap_or_else(|_| {
        panic!("STRATA_AXE_CORE is not set: run `cargo xtask test`, which installs axe-core")
    });
    let script = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("axe-core at {path}: {error}"));
    browser.eval(&format!("{script}\n;return true;")).await;
    let found = browser
        .eval_async(&format!(
            "axe.run(document, {{ runOnly: {{ type: 'tag', values: {tags} }} }}) \
               .then(result => done(result.violations.map(v => ({{ \
                 rule: v.id, impact: v.impact || '', \
                 elements: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')) \
               }}))), error => done(String(error)));",
            tags = json!(AXE_TAGS),
        ))
        .await;
    let Some(listed) = found.as_array() else {
        panic!("axe-core did not run: {found}");
    };
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    listed
        .iter()
        .map(|violation| Violation {
            rule: text(&violation["rule"]),
            impact: text(&violation["impact"]),
            elements: violation["elements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect(),
        })
        .collect()
}

/// One node of Chromium's accessibility tree: its role, name and the states the ARIA patterns name.
#[derive(Debug, Clone)]
pub struct AxNode {
    /// Its computed role (`tree`, `treeitem`, `grid`, `row`…).
    pub role: String,
    /// Its accessible name.
    pub name: String,
    /// `aria-level`, where it has one.
    pub level: Option<u64>,
    /// `aria-expanded`, where it has one.
    pub expanded: Option<bool>,
    /// `aria-selected`, where it has one.
    pub selected: Option<bool>,
}

/// Chromium's accessibility tree of the page (DevTools `Accessibility.getFullAXTree`), in document order,
/// the nodes it ignores left out.
pub async fn accessibility_tree(browser: &Browser) -> Vec<AxNode> {
    browser.devtools("Accessibility.enable", json!({})).await;
    let tree = browser
        .devtools("Accessibility.getFullAXTree", json!({}))
        .await;
    let value =
        |node: &Value, key: &str| node.get(key).and_then(|field| field.get("value")).cloned();
    tree["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|node| node["ignored"] != true)
        .map(|node| {
            let property = |name: &str| {
                node["properties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|property| property["name"] == name)
                    .and_then(|property| property["value"]["value"].clone().into())
            };
            AxNode {
                role: value(&node, "role")
                    .and_then(|role| role.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                name: value(&node, "name")
                    .and_then(|name| name.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                level: property("level").and_then(|level: Value| level.as_u64()),
                expanded: property("expanded").and_then(|state: Value| state.as_bool()),
                selected: property("selected").and_then(|state: Value| state.as_bool()),
            }
        })
        .collect()
}
