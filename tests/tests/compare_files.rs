//! `/compare?…&view=files`: two images pushed to the real registry, sharing their base layer, compared path
//! by path in Chromium: exactly the expected rows, the shared layer read once, unchanged paths on request.

use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;
use strata_image::digest::Digest;

fn base_layer() -> (Vec<u8>, Vec<u8>) {
    let mut base = TarBuilder::default();
    base.directory("etc/")
        .file("etc/keep", b"the same on both sides")
        .file("etc/conf", b"version=1")
        .file("etc/old", b"removed on the right")
        .file("etc/link", b"a file on the left")
        .directory("bin/")
        .file("bin/tool", b"#!/bin/sh\necho tool\n");
    base.finish()
}

/// The rows the page shows: `[path, change, what differs]`.
async fn shown_rows(browser: &Browser) -> Vec<(String, String, String)> {
    let rows = browser
        .eval(
            "return Array.from(document.querySelectorAll('#file-diff tr[data-path]')).map(row => \
             [row.dataset.path, row.dataset.change, row.querySelector('.differences').textContent])",
        )
        .await;
    serde_json::from_value(rows).expect("rows")
}

/// Waits until the files comparison ended, compared or failed.
async fn wait_for_comparison(browser: &Browser) {
    browser
        .wait_for_within(
            std::time::Duration::from_secs(120),
            "the files comparison",
            "return document.querySelector('#file-diff [data-probe=\"done\"], #file-diff [data-probe=\"failed\"]') !== null",
        )
        .await;
}

fn owned_rows(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(path, change, words)| {
            (
                (*path).to_owned(),
                (*change).to_owned(),
                (*words).to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn two_builds_compared_file_by_file() {
    let registry = Registry::start().await;
    let mut left_top = TarBuilder::default();
    left_top.directory("app/").file("app/version", b"1");
    let mut right_top = TarBuilder::default();
    right_top
        .directory("app/")
        .file("app/version", b"1")
        .file("etc/conf", b"version=2")
        .file("etc/new", b"added on the right")
        .file("etc/.wh.old", b"")
        .symlink("etc/link", "keep")
        .file_with_mode("bin/tool", b"#!/bin/sh\necho tool\n", 0o755);
    push_image(
        &registry.api(),
        "team/app",
        "1",
        &[base_layer(), left_top.finish()],
    )
    .await;
    push_image(
        &registry.api(),
        "team/app",
        "2",
        &[base_layer(), right_top.finish()],
    )
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let name = format!("{}/team/app", registry.authority);
    browser
        .open(&proxy.url(&format!("/compare?left={name}:1&right={name}:2")))
        .await;
    browser
        .wait_for(
            "the link to the files comparison",
            "return document.querySelector('a.compare-files') !== null",
        )
        .await;
    browser.click("a.compare-files").await;
    wait_for_comparison(&browser).await;
    assert!(
        browser
            .eval("return location.search")
            .await
            .as_str()
            .unwrap_or_default()
            .ends_with("&view=files"),
        "the files view has its own URL"
    );
    let section = browser
        .eval(
            "const s = document.getElementById('file-diff'); \
             return [s.dataset.layersRead, s.dataset.layersShared, \
               Array.from(s.querySelectorAll('.layer-reads [data-sides]')).map(l => l.dataset.sides)]",
        )
        .await;
    assert_eq!(
        section,
        serde_json::json!(["3", "1", ["both", "left", "right"]]),
        "the shared base layer is read once"
    );
    let rows = shown_rows(&browser).await;
    let expected = [
        ("/bin/tool", "modified", "mode -rw-r--r-- → -rwxr-xr-x"),
        ("/etc/conf", "modified", "content (SHA-256)"),
        ("/etc/link", "modified", "type file → symlink"),
        ("/etc/new", "added", ""),
        ("/etc/old", "deleted", ""),
    ];
    let expected = owned_rows(&expected);
    assert_eq!(rows, expected);
    let right_manifest = browser
        .eval("return document.querySelectorAll('.compare-side .compare-digest')[1].textContent")
        .await;
    let right_manifest = right_manifest
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let link = browser
        .eval("return document.querySelector('#file-diff tr[data-path=\"/etc/conf\"] td:nth-child(4) a.side-file').getAttribute('href')")
        .await;
    assert_eq!(
        link.as_str().unwrap_or_default(),
        format!("/inspect/{name}@{right_manifest}?view=files&path=%2Fetc%2Fconf"),
        "each side's file opens in that image's files, pinned by digest"
    );

    browser
        .click("input[data-change-filter=\"unchanged\"]")
        .await;
    let all = shown_rows(&browser).await;
    let unchanged: Vec<&str> = all
        .iter()
        .filter(|(_, change, _)| change == "unchanged")
        .map(|(path, _, _)| path.as_str())
        .collect();
    assert_eq!(
        unchanged,
        ["/app", "/app/version", "/bin", "/etc", "/etc/keep"],
        "paths the same on both sides, shown on request"
    );
    let counts: Value = browser
        .eval(
            "const c = document.querySelector('.file-diff-counts').dataset; \
             return [c.added, c.modified, c.deleted, c.unchanged]",
        )
        .await;
    assert_eq!(counts, serde_json::json!(["1", "3", "1", "5"]));
    let search = browser.eval("return location.search").await;
    assert!(
        search
            .as_str()
            .unwrap_or_default()
            .contains("change=added,modified,deleted,unchanged"),
        "the filters are in the address: {search}"
    );
    browser.screenshot("compare-files").await;

    // Only what was deleted or added, at least 10 bytes: then the list exported, and the link reopened.
    for change in ["modified", "unchanged"] {
        browser
            .click(&format!("input[data-change-filter=\"{change}\"]"))
            .await;
    }
    browser
        .element(fantoccini::Locator::Id("min-size"))
        .await
        .send_keys("19")
        .await
        .expect("typing works");
    let expected_rows = [("/etc/old", "deleted")];
    let filtered = || async {
        let rows = shown_rows(&browser).await;
        rows.into_iter()
            .map(|(path, change, _)| (path, change))
            .collect::<Vec<_>>()
    };
    browser
        .wait_for(
            "the filtered rows",
            "return document.querySelectorAll('#file-diff tr[data-path]').length === 1",
        )
        .await;
    let owned: Vec<(String, String)> = expected_rows
        .iter()
        .map(|(path, change)| ((*path).to_owned(), (*change).to_owned()))
        .collect();
    assert_eq!(filtered().await, owned, "/etc/new is 18 bytes, /etc/old 20");
    let downloads = browser.allow_downloads("compare-files").await;
    browser.click("#export-csv").await;
    let csv =
        String::from_utf8(browser.downloaded(&downloads, "file-diff.csv").await).expect("UTF-8");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "path,change,left_kind,left_size,left_mode,left_sha256,right_kind,right_size,right_mode,right_sha256,differences"
    );
    assert_eq!(
        lines[1],
        format!(
            "/etc/old,deleted,file,20,-rw-r--r--,{},,,,,",
            Digest::sha256_of(b"removed on the right")
        )
    );
    assert_eq!(
        lines.len(),
        3,
        "one row, and the end of the last line: {csv}"
    );
    browser.click("#export-json").await;
    let json: Value =
        serde_json::from_slice(&browser.downloaded(&downloads, "file-diff.json").await)
            .expect("JSON");
    assert_eq!(json[0]["path"], "/etc/old");
    assert_eq!(json[0]["right"], Value::Null);

    let link = browser.eval("return location.href").await;
    browser.open(link.as_str().expect("an address")).await;
    wait_for_comparison(&browser).await;
    assert_eq!(filtered().await, owned, "the link keeps the filters");
    let boxes = browser
        .eval(
            "return Array.from(document.querySelectorAll('[data-change-filter]')).map(b => [b.dataset.changeFilter, b.checked]) \
               .concat([[document.getElementById('min-size').value]])",
        )
        .await;
    assert_eq!(
        boxes,
        serde_json::json!([
            ["added", true],
            ["modified", false],
            ["deleted", true],
            ["unchanged", false],
            ["19"]
        ])
    );
    browser.close().await;
    let _ = std::fs::remove_dir_all(&downloads);
}

/// Bytes gzip cannot shrink, the same in every run.
fn incompressible(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

#[tokio::test]
async fn big_layers_are_compared_by_their_files_digests() {
    // Past 16 MiB a layer's uncompressed bytes, and then its files, are hashed by a worker of their own.
    let registry = Registry::start().await;
    let blob = incompressible(17 << 20, 7);
    let layer = |conf: &[u8]| {
        let mut tar = TarBuilder::default();
        tar.directory("data/")
            .file("data/blob", &blob)
            .file("data/conf", conf)
            .file("data/same", b"unchanged");
        tar.finish()
    };
    push_image(&registry.api(), "team/big", "1", &[layer(b"mode=a")]).await;
    push_image(&registry.api(), "team/big", "2", &[layer(b"mode=b")]).await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let name = format!("{}/team/big", registry.authority);
    browser
        .open(&proxy.url(&format!(
            "/compare?left={name}:1&right={name}:2&view=files&change=added,modified,deleted,unchanged"
        )))
        .await;
    wait_for_comparison(&browser).await;
    let rows = shown_rows(&browser).await;
    let expected = owned_rows(&[
        ("/data", "unchanged", ""),
        ("/data/blob", "unchanged", ""),
        ("/data/conf", "modified", "content (SHA-256)"),
        ("/data/same", "unchanged", ""),
    ]);
    assert_eq!(
        rows, expected,
        "same sizes: only the files' digests tell /data/conf apart"
    );
    browser.close().await;
}
