//! Every page and state Strata serves, checked with axe-core (WCAG 2.0–2.2 A and AA, and best practices)
//! in light and dark, 1400 and 320 pixels wide: no violation anywhere. And the image tree and the file
//! grid as a screen reader gets them from Chromium's accessibility tree: the roles, names, levels and
//! states the WAI-ARIA tree and grid patterns name.

use strata_e2e::accessibility::{self, Scheme};
use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;

const SINGLE: &str = "demo.invalid/strata/single:1.0";
const LAYERS: &str = "demo.invalid/strata/layers:1.0";

/// Opens each of `paths` in both colour schemes and both widths, and fails on any violation, naming the
/// page, the rule, its impact and the elements.
async fn no_violations(paths: &[String]) {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    let mut found = Vec::new();
    for path in paths {
        for scheme in [Scheme::Light, Scheme::Dark] {
            for width in [1400, 320] {
                accessibility::emulate(&browser, scheme, width).await;
                browser.open(&proxy.url(path)).await;
                accessibility::wait_until_settled(&browser).await;
                for violation in accessibility::violations(&browser).await {
                    found.push(format!(
                        "{path} ({scheme:?}, {width} px): {} ({}) on {}",
                        violation.rule,
                        violation.impact,
                        violation.elements.join(" | ")
                    ));
                }
            }
        }
    }
    browser.close().await;
    assert!(
        found.is_empty(),
        "axe-core violations:\n{}",
        found.join("\n")
    );
}

/// The digest of the demo image's second layer, for its page.
async fn second_layer(proxy: &Proxy) -> String {
    let manifest: serde_json::Value = reqwest::Client::new()
        .get(proxy.url("/v2/demo.invalid/strata/layers/manifests/1.0"))
        .header("accept", "application/vnd.oci.image.manifest.v1+json")
        .send()
        .await
        .expect("the manifest")
        .json()
        .await
        .expect("JSON");
    manifest["layers"][1]["digest"]
        .as_str()
        .expect("a layer")
        .to_owned()
}

#[tokio::test]
async fn the_inspect_pages_have_no_violations() {
    let key = {
        let proxy = Proxy::start(&["--offline"]);
        let demo: serde_json::Value = reqwest::get(proxy.url("/demo.json"))
            .await
            .expect("the demo list")
            .json()
            .await
            .expect("JSON");
        demo.as_array()
            .into_iter()
            .flatten()
            .find_map(|image| image["key"].as_str().map(str::to_owned))
            .expect("a signed demo image with its key")
    };
    let pages: Vec<String> = [
        "/".to_owned(),
        "/inspect/demo.invalid/strata/multi-arch:1.0".to_owned(),
        "/inspect/demo.invalid/strata/multi-arch:1.0?platform=linux/arm64/v8".to_owned(),
        format!("/inspect/demo.invalid/strata/multi-arch:1.0?key={key}"),
        format!("/inspect/{SINGLE}"),
        "/inspect/demo.invalid/strata/artifacts:report".to_owned(),
        "/inspect/demo.invalid/strata/helm-chart:0.1.0".to_owned(),
        "/inspect/demo.invalid/strata/schema1:signed".to_owned(),
        "/inspect/demo.invalid/strata/nested-index:1.0".to_owned(),
        "/inspect/demo.invalid/strata/tampered:latest".to_owned(),
        format!("/inspect/demo.invalid/strata/signed-elsewhere:1.0?key={key}"),
        "/inspect/demo.invalid/strata/layers".to_owned(),
        "/inspect/not a reference!".to_owned(),
        "/inspect/demo.invalid".to_owned(),
    ]
    .into();
    no_violations(&pages).await;
}

#[tokio::test]
async fn the_files_and_compare_pages_have_no_violations() {
    let layer = second_layer(&Proxy::start(&["--offline"])).await;
    let pages = [
        format!("/inspect/{LAYERS}?view=files"),
        format!("/inspect/{LAYERS}?view=files&layer={layer}"),
        format!("/inspect/{LAYERS}?view=files&path=/etc"),
        format!("/compare?left={SINGLE}&right={LAYERS}"),
        format!("/compare?left={SINGLE}&right={LAYERS}&view=files"),
    ];
    no_violations(&pages).await;
}

#[tokio::test]
async fn the_tour_concepts_and_other_pages_have_no_violations() {
    let mut pages: Vec<String> = ["/tour", "/concepts", "/open", "/no-such-page"]
        .map(str::to_owned)
        .into();
    pages.extend(
        strata_explain::tour::TourStep::ALL
            .iter()
            .map(|step| format!("/tour/{}", step.slug())),
    );
    no_violations(&pages).await;
}

/// Chromium's accessibility tree of `url`, once the page has settled.
async fn settled_tree(browser: &Browser, url: &str) -> Vec<accessibility::AxNode> {
    browser.open(url).await;
    accessibility::wait_until_settled(browser).await;
    accessibility::accessibility_tree(browser).await
}

#[tokio::test]
async fn the_image_tree_and_the_file_grid_read_as_their_patterns_say() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    let nodes = settled_tree(
        &browser,
        &proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"),
    )
    .await;
    assert!(
        nodes
            .iter()
            .any(|node| node.role == "tree" && node.name == "Image tree"),
        "a tree named by its heading"
    );
    // Chromium lists the nodes breadth first: the root item before the items below it.
    let items: Vec<_> = nodes
        .iter()
        .filter(|node| node.role == "treeitem")
        .collect();
    assert!(
        items
            .first()
            .is_some_and(|root| root.level == Some(1) && root.name.starts_with("INDEX")),
        "the root item first, at level 1, named by what it is: {items:#?}"
    );
    let platforms: Vec<_> = items.iter().filter(|item| item.level == Some(2)).collect();
    assert_eq!(platforms.len(), 4, "four platforms at level 2: {items:#?}");
    for platform in &platforms {
        assert!(
            platform.expanded.is_some() && platform.selected == platform.expanded,
            "a platform says whether it is expanded and selected: {platform:?}"
        );
        assert!(platform.name.contains("verified"), "{platform:?}");
    }
    assert_eq!(
        platforms
            .iter()
            .filter(|platform| platform.selected == Some(true))
            .count(),
        1,
        "one platform selected"
    );
    assert!(
        items
            .iter()
            .any(|item| item.level == Some(3) && item.name.starts_with("MANIFEST"))
            && items
                .iter()
                .any(|item| item.level == Some(4) && item.name.starts_with("CONFIG")),
        "the selected platform's manifest and config below it: {items:#?}"
    );
    assert!(nodes.iter().any(|node| node.role == "group"));

    let nodes = settled_tree(
        &browser,
        &proxy.url(&format!("/inspect/{LAYERS}?view=files&path=/etc")),
    )
    .await;
    assert!(
        nodes
            .iter()
            .any(|node| node.role == "grid" && node.name == "Files"),
        "a grid named Files"
    );
    let rows: Vec<_> = nodes
        .iter()
        .filter(|node| node.role == "row" && node.selected.is_some())
        .collect();
    assert!(
        rows.iter()
            .any(|row| row.selected == Some(true) && row.name.contains("/etc"))
            && rows.iter().filter(|row| row.selected == Some(true)).count() == 1,
        "the selected path's row, and only it, is selected: {rows:#?}"
    );
    assert!(
        nodes
            .iter()
            .any(|node| node.role == "columnheader" || node.role == "gridcell")
    );
    browser.close().await;
}
