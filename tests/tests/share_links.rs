//! Links that reproduce a view: the address carries the platform and the open panels, a pinned link names the
//! exact digest and says when its tag has moved, and a repository's own page lists its tags page by page.

use std::collections::HashMap;

use fantoccini::Locator;
use strata_e2e::browser::Browser;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_e2e::tar_builder::TarBuilder;

fn one_file_layer(name: &str, contents: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut tar = TarBuilder::default();
    tar.file(name, contents);
    tar.finish()
}

async fn attribute(browser: &Browser, selector: &str, name: &str) -> String {
    let script = format!(
        "const e = document.querySelector({selector:?}); return e ? e.getAttribute({name:?}) : null;"
    );
    browser
        .eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_pinned_link_shows_its_bytes_and_warns_once_the_tag_has_moved() {
    let registry = Registry::start().await;
    let first = push_image(
        &registry.api(),
        "team/app",
        "stable",
        &[one_file_layer("release", b"one\n")],
    )
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let tagged = format!("{}/team/app:stable", registry.authority);
    browser
        .open(&proxy.url(&format!("/inspect/{tagged}")))
        .await;
    browser.wait_for_tree().await;
    browser
        .wait_for(
            "the pinned link",
            "return !!document.querySelector('#pinned-link')",
        )
        .await;
    let pinned = attribute(&browser, "#pinned-link", "href").await;
    assert!(
        pinned.contains(&format!("/inspect/{tagged}@{first}?pinned=")),
        "the tag stays, the digest pins it, the time is recorded: {pinned}"
    );
    let shared = attribute(&browser, "#share-link", "href").await;
    assert!(shared.ends_with(&format!("/inspect/{tagged}")), "{shared}");

    browser.open(&pinned).await;
    browser.wait_for_tree().await;
    browser
        .wait_for(
            "the tag check",
            "return document.querySelector('.tag-check').dataset.tagStatus === 'unchanged'",
        )
        .await;

    let second = push_image(
        &registry.api(),
        "team/app",
        "stable",
        &[one_file_layer("release", b"two\n")],
    )
    .await;
    assert_ne!(first, second);
    browser.open(&pinned).await;
    browser.wait_for_tree().await;
    browser
        .wait_for(
            "the moved-tag warning",
            "return document.querySelector('.tag-check').dataset.tagStatus === 'moved'",
        )
        .await;
    let root = browser.nodes().await;
    assert_eq!(
        root.first(),
        Some(&("manifest".to_owned(), first.clone(), "verified".to_owned())),
        "the pinned bytes are shown, verified by digest"
    );
    assert_eq!(
        attribute(&browser, ".tag-check", "data-pinned-digest").await,
        first
    );
    assert_eq!(
        attribute(&browser, ".tag-check", "data-current-digest").await,
        second
    );
    let warning = browser
        .element(Locator::Css(".tag-check[role=alert]"))
        .await
        .text()
        .await
        .expect("text");
    assert!(
        warning.contains("has moved") && warning.contains(&first) && warning.contains(&second),
        "{warning}"
    );
    let now = attribute(&browser, ".tag-check a.tag-now", "href").await;
    assert!(now.ends_with(&format!("/inspect/{tagged}")), "{now}");
    let compare = attribute(&browser, ".tag-check a.tag-compare", "href").await;
    assert!(
        compare.starts_with("/compare?left=") && compare.contains(&first),
        "the pinned bytes and the tag's, side by side: {compare}"
    );
    let files = attribute(&browser, ".tag-check a.tag-compare-files", "href").await;
    assert_eq!(
        files,
        format!("{compare}&view=files"),
        "what changed in the files, the same two sides"
    );
    browser.close().await;
}

#[tokio::test]
async fn platform_and_open_panels_are_in_the_link_and_reopen() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    browser.wait_for_tree().await;
    browser
        .click("details.platform[data-platform='linux/arm/v7'] > summary")
        .await;
    browser.click("details.commands > summary").await;
    browser
        .click("details.platform[data-selected=true] details.raw > summary")
        .await;
    browser
        .click("details.concept-help[data-concept=platforms] > summary")
        .await;
    browser
        .wait_for(
            "the address to carry the view",
            "return location.search.includes('platform=linux/arm/v7') \
             && /open=commands,raw-[0-9a-f]{12},concept-platforms/.test(location.search)",
        )
        .await;
    browser
        .wait_for(
            "the share link to follow the address",
            "return document.querySelector('#share-link').href === location.href",
        )
        .await;
    let link = attribute(&browser, "#share-link", "href").await;
    browser.grant_clipboard().await;
    browser.click(".share-links button.copy").await;
    browser
        .wait_for(
            "the copy button to say it copied",
            "return document.querySelectorAll('.share-links .copied').length === 1 \
             && document.querySelectorAll('.share-links .copy-failed').length === 0",
        )
        .await;
    assert_eq!(browser.clipboard().await, link);

    let reader = Browser::start().await;
    reader.open(&link).await;
    reader.wait_for_tree().await;
    let reopened = reader
        .eval(
            "return [document.querySelector('details.commands').open, \
             document.querySelector('details.platform[data-selected=true]').dataset.platform, \
             document.querySelector('details.platform[data-selected=true] details.raw').open, \
             document.querySelector('details.concept-help[data-concept=platforms]').open]",
        )
        .await;
    assert_eq!(
        reopened,
        serde_json::json!([true, "linux/arm/v7", true, true])
    );
    reader.close().await;
    browser.close().await;
}

#[tokio::test]
async fn a_repository_page_lists_its_tags_open_with_a_filter_above_the_tree_of_latest() {
    let registry = Registry::start().await;
    // Each tag names an image of its own, so the tree can only be latest's by its digest.
    let mut pushed = std::collections::HashMap::new();
    for tag in ["1.0", "1.1", "2.0-alpine", "latest"] {
        let layers = [one_file_layer("app", format!("app {tag}\n").as_bytes())];
        let digest = push_image(&registry.api(), "team/many", tag, &layers).await;
        pushed.insert(tag, digest);
    }
    let distinct: std::collections::HashSet<&String> = pushed.values().collect();
    assert_eq!(distinct.len(), pushed.len());
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/team/many", registry.authority)))
        .await;
    browser
        .wait_for(
            "the tags, open without a click",
            "return document.querySelectorAll('details.tags.listing[open] .tag-list [data-tag]').length === 4",
        )
        .await;
    browser.wait_for_tree().await;
    let root = browser.nodes().await.first().cloned();
    assert_eq!(
        root,
        Some((
            "manifest".to_owned(),
            pushed["latest"].clone(),
            "verified".to_owned()
        )),
        "the tree below is latest's"
    );
    browser
        .element(Locator::Id("tag-filter"))
        .await
        .send_keys("*-alpine")
        .await
        .expect("typing");
    browser
        .wait_for(
            "the filter",
            "return Array.from(document.querySelectorAll('.tag-list [data-tag]')).map(e => e.dataset.tag).join() === '2.0-alpine'",
        )
        .await;

    browser
        .open(&proxy.url(&format!("/inspect/{}/team/none", registry.authority)))
        .await;
    browser
        .wait_for(
            "a clear message for a repository without latest",
            "return document.querySelector('[role=alert]') !== null \
             && document.querySelector('.latest-missing').textContent.includes('no usable latest tag')",
        )
        .await;
    browser.close().await;
}

fn tag_page(tags: &[String], next: Option<&str>) -> Answer {
    let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    if let Some(next) = next {
        headers.push(("link".to_owned(), format!("<{next}>; rel=\"next\"")));
    }
    Answer {
        status: 200,
        headers,
        body: serde_json::json!({ "name": "team/many", "tags": tags })
            .to_string()
            .into_bytes(),
    }
}

// Debian's distribution registry answers every tag at once, whatever `n` asks; paging is the fixture's.
#[tokio::test]
async fn tags_come_page_by_page_through_the_proxy() {
    let tags: Vec<String> = (0..130).map(|n| format!("1.{n:03}")).collect();
    let next = "/v2/team/many/tags/list?n=100&last=1.099";
    let fixture = TamperingRegistry::start(HashMap::from([
        (
            "/v2/team/many/tags/list?n=100".to_owned(),
            tag_page(&tags[..100], Some(next)),
        ),
        (next.to_owned(), tag_page(&tags[100..], None)),
    ]))
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/team/many", fixture.authority)))
        .await;
    let count = "return document.querySelectorAll('.tag-list [data-tag]').length";
    browser
        .wait_for("the first page", &format!("{count} === 100"))
        .await;
    browser.click("button.more-tags").await;
    browser
        .wait_for("the second page", &format!("{count} === 130"))
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('button.more-tags').length")
            .await,
        0,
        "no third page"
    );
    let asked: Vec<String> = fixture
        .received()
        .into_iter()
        .filter(|request| request.target.contains("/tags/list"))
        .map(|request| request.target)
        .collect();
    assert_eq!(asked, ["/v2/team/many/tags/list?n=100", next]);
    browser.close().await;
}

#[tokio::test]
async fn another_platform_in_the_files_view_opens_that_platforms_files() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    let manifest: serde_json::Value = reqwest::Client::new()
        .get(proxy.url("/v2/demo.invalid/strata/multi-arch/manifests/1.0"))
        .header("accept", "application/vnd.oci.image.index.v1+json")
        .send()
        .await
        .expect("the index")
        .json()
        .await
        .expect("JSON");
    let amd64 = manifest["manifests"][0]["digest"]
        .as_str()
        .expect("a digest");
    let amd64: serde_json::Value = reqwest::get(proxy.url(&format!(
        "/v2/demo.invalid/strata/multi-arch/manifests/{amd64}"
    )))
    .await
    .expect("the manifest")
    .json()
    .await
    .expect("JSON");
    let layer = amd64["layers"][1]["digest"].as_str().expect("a layer");
    browser
        .open(&proxy.url(&format!(
            "/inspect/demo.invalid/strata/multi-arch:1.0?view=files&layer={layer}&path=/usr"
        )))
        .await;
    browser
        .wait_for(
            "the layer's files",
            "return document.querySelectorAll('[data-path]').length > 0",
        )
        .await;
    browser
        .eval(
            "const s = document.getElementById('platform-picker'); s.value = 'linux/arm/v7'; \
             s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
        )
        .await;
    browser
        .wait_for(
            "the arm/v7 files view, with no layer or path of amd64's",
            "return location.search === '?view=files&platform=linux/arm/v7' \
             && document.querySelectorAll('[data-path]').length > 0 \
             && document.querySelector('details.platform[data-selected=true]').dataset.platform === 'linux/arm/v7'",
        )
        .await;
    assert_eq!(browser.alert().await, None);
    browser.close().await;
}
