//! The files view's filters — change, the layer that wrote a path, a minimum size — kept in the address,
//! and the filtered list exported as JSON and CSV, downloaded as a reader downloads it.

use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;

/// The paths the list shows, in order, once every layer was read.
async fn listed(browser: &Browser) -> Vec<String> {
    let rows = browser
        .eval("return Array.from(document.querySelectorAll('.file-list [data-path]')).map(e => e.dataset.path)")
        .await;
    serde_json::from_value(rows).expect("paths")
}

async fn wait_for_list(browser: &Browser, expected: &[&str]) {
    let expected = serde_json::to_string(expected).expect("JSON");
    browser
        .wait_for(
            &format!("the list {expected}"),
            &format!(
                "return document.querySelectorAll('.layer-progress-row.waiting, .layer-progress-row.streaming').length === 0 \
                 && JSON.stringify(Array.from(document.querySelectorAll('.file-list [data-path]')).map(e => e.dataset.path)) === {expected:?}"
            ),
        )
        .await;
}

#[tokio::test]
async fn filters_travel_in_the_link_and_the_list_exports() {
    let registry = Registry::start().await;
    let mut first = TarBuilder::default();
    first
        .directory("etc/")
        .file("etc/a", &[b'a'; 1000])
        .file("etc/small", b"0123456789");
    let mut second = TarBuilder::default();
    second
        .file("etc/a", &[b'b'; 2000])
        .file("etc/new", &[b'n'; 300])
        .file("etc/.wh.small", b"");
    push_image(
        &registry.api(),
        "team/filters",
        "1",
        &[first.finish(), second.finish()],
    )
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let base = proxy.url(&format!("/inspect/{}/team/filters:1", registry.authority));

    browser
        .open(&format!("{base}?view=files&change=modified"))
        .await;
    wait_for_list(&browser, &["/etc/a"]).await;
    browser
        .open(&format!("{base}?view=files&change=added"))
        .await;
    wait_for_list(&browser, &["/etc", "/etc/new"]).await;

    browser.open(&format!("{base}?view=files")).await;
    wait_for_list(&browser, &["/etc", "/etc/a", "/etc/new"]).await;
    let boxes = browser
        .eval("return Array.from(document.querySelectorAll('[data-change-filter]')).map(b => b.checked)")
        .await;
    assert_eq!(
        boxes,
        serde_json::json!([true, true, true, true]),
        "every change shown"
    );
    browser.click("input[data-change-filter=\"added\"]").await;
    wait_for_list(&browser, &["/etc/a"]).await;
    browser.click("input[data-change-filter=\"added\"]").await;
    wait_for_list(&browser, &["/etc", "/etc/a", "/etc/new"]).await;
    browser
        .eval(
            "const select = document.getElementById('from-layer'); select.value = '2'; \
             select.dispatchEvent(new Event('change', { bubbles: true })); return true;",
        )
        .await;
    wait_for_list(&browser, &["/etc/a", "/etc/new"]).await;
    browser
        .element(fantoccini::Locator::Id("min-size"))
        .await
        .send_keys("1k")
        .await
        .expect("typing works");
    wait_for_list(&browser, &["/etc/a"]).await;
    let search = browser.eval("return location.search").await;
    let search = search.as_str().unwrap_or_default();
    assert!(
        search.contains("from-layer=2") && search.contains("min-size=1k"),
        "the filters are in the address: {search}"
    );

    let downloads = browser.allow_downloads("file-filters").await;
    browser.click("#export-json").await;
    let json: Value =
        serde_json::from_slice(&browser.downloaded(&downloads, "files.json").await).expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(json[0]["path"], "/etc/a");
    assert_eq!(json[0]["size"], 2000);
    assert_eq!(json[0]["layer"], 2);
    assert_eq!(json[0]["change"], "modified");
    browser.click("#export-csv").await;
    let csv = String::from_utf8(browser.downloaded(&downloads, "files.csv").await).expect("UTF-8");
    assert_eq!(
        csv,
        "path,change,kind,size,mode,uid,gid,mtime,layer,link_target,sha256\r\n\
         /etc/a,modified,file,2000,-rw-r--r--,0,0,1767225600,2,,\r\n"
    );

    // The link, opened afresh, shows the same list with the same controls set.
    let link = browser.eval("return location.href").await;
    browser.open(link.as_str().expect("an address")).await;
    wait_for_list(&browser, &["/etc/a"]).await;
    let controls = browser
        .eval("return [document.getElementById('from-layer').value, document.getElementById('min-size').value]")
        .await;
    assert_eq!(controls, serde_json::json!(["2", "1k"]));
    assert_eq!(listed(&browser).await, ["/etc/a"]);
    browser.screenshot("file-filters").await;
    browser.close().await;
    let _ = std::fs::remove_dir_all(&downloads);
}
