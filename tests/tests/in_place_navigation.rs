//! Moving around a loaded Strata keeps the running app: typing a reference, following a link to another
//! image, a platform or a tour step changes the page in place (no new document, no new wasm start), Back and
//! Forward return to each view, and the address is always the view's own link. Pages the first-load module lacks
//! (files, compare, the tour) load the module with every page, which takes the page over in place.

use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;

const MULTI_ARCH: &str = "demo.invalid/strata/multi-arch:1.0";
const SINGLE: &str = "demo.invalid/strata/single:latest";

/// Marks the running document; the mark survives only as long as the page is not loaded again.
const MARK: &str = "window.strataStillRunning = true; return true;";
const STILL_RUNNING: &str = "return window.strataStillRunning === true";

/// `data-repository` of `#reference`.
async fn repository_shown(browser: &Browser) -> String {
    browser
        .eval(
            "const r = document.getElementById('reference'); return r ? r.dataset.repository : '';",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn path_and_query(browser: &Browser) -> String {
    browser
        .eval("return decodeURIComponent(location.pathname + location.search)")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn typing_a_reference_and_following_links_keeps_the_app_running() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{MULTI_ARCH}")))
        .await;
    browser.wait_for_tree().await;
    browser.eval(MARK).await;

    // Typing another reference and pressing Enter.
    browser
        .eval(&format!(
            "const input = document.getElementById('reference-input'); input.value = {SINGLE:?}; \
             input.form.requestSubmit(); return true;"
        ))
        .await;
    browser
        .wait_for(
            "the typed image's tree",
            "return location.pathname.endsWith('/strata/single:latest') \
             && document.querySelector('.tree [data-kind=\"manifest\"][data-verify=\"verified\"]') !== null",
        )
        .await;
    browser.wait_for_tree().await;
    assert_eq!(browser.eval(STILL_RUNNING).await, true, "no new page load");
    assert_eq!(
        repository_shown(&browser).await,
        "strata/single",
        "the reference shown is the typed one"
    );
    assert!(
        browser
            .eval("return document.querySelectorAll('[data-kind=\"index\"]').length === 0")
            .await
            == true,
        "nothing of the previous image's tree is left"
    );

    // Back to the first image, then Forward again.
    browser.eval("history.back(); return true;").await;
    browser
        .wait_for(
            "the first image again",
            "return location.pathname.endsWith('/strata/multi-arch:1.0') \
             && document.querySelectorAll('[data-kind=\"index\"]').length > 0",
        )
        .await;
    browser.wait_for_tree().await;
    assert_eq!(
        path_and_query(&browser).await,
        format!("/inspect/{MULTI_ARCH}")
    );
    browser.eval("history.forward(); return true;").await;
    browser
        .wait_for(
            "the typed image again",
            "return location.pathname.endsWith('/strata/single:latest') \
             && document.querySelectorAll('[data-kind=\"index\"]').length === 0 \
             && document.querySelector('.tree [data-kind]') !== null",
        )
        .await;
    browser.wait_for_tree().await;

    // A link on the page (the brand, to the landing page), then a tour step and the next one.
    browser.click("a.brand").await;
    browser
        .wait_for("the landing page", "return location.pathname === '/'")
        .await;
    browser.click("a[href='/tour']").await;
    browser
        .wait_for(
            "the tour",
            "return document.querySelector('.tour[data-step]') !== null",
        )
        .await;
    browser.click("a[rel='next']").await;
    browser
        .wait_for(
            "the second step",
            "return location.pathname !== '/tour' && document.querySelector('.tour').dataset.step !== 'parse-the-name'",
        )
        .await;
    assert_eq!(
        browser.eval(STILL_RUNNING).await,
        true,
        "still the first document"
    );
    browser.close().await;
}

#[tokio::test]
async fn links_that_are_not_pages_of_the_app_load_as_usual() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{MULTI_ARCH}")))
        .await;
    browser.wait_for_tree().await;
    browser.eval(MARK).await;
    // A registry answer is data the browser opens itself, never a page of the app.
    browser
        .eval(
            "const a = document.createElement('a'); a.href = '/v2/demo.invalid/strata/multi-arch/tags/list'; \
             a.id = 'raw-link'; a.textContent = 'raw'; document.body.append(a); return true;",
        )
        .await;
    browser.click("#raw-link").await;
    browser
        .wait_for(
            "the registry's answer",
            "return location.pathname.endsWith('/tags/list') && window.strataStillRunning !== true",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn choosing_a_file_in_place_keeps_the_layers_read_and_the_share_link_current() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/layers:latest?view=files"))
        .await;
    browser
        .wait_for(
            "the merged files",
            "return document.querySelectorAll('.file-list [data-path] a.path').length > 0 \
             && document.querySelectorAll('.layer-progress-row.done').length > 0",
        )
        .await;
    browser.eval(MARK).await;
    let path = browser
        .eval(
            "const row = Array.from(document.querySelectorAll('.file-list [data-path]')) \
               .find(r => r.querySelector('.entry-kind').textContent === 'file'); \
             row.querySelector('a.path').click(); return row.dataset.path;",
        )
        .await;
    let path = path.as_str().expect("a file's path").to_owned();
    browser
        .wait_for(
            "the file selected",
            &format!(
                "return new URLSearchParams(location.search).get('path') === {path:?} \
                 && document.querySelector('.file-row.selected') !== null"
            ),
        )
        .await;
    assert_eq!(browser.eval(STILL_RUNNING).await, true, "no new page load");
    browser
        .wait_for(
            "the share link to follow the address",
            "const link = document.getElementById('share-link'); \
             return link !== null && new URL(link.href).searchParams.get('path') !== null",
        )
        .await;
    browser.close().await;
}

/// Whether the page has fetched the module with every page.
const ALL_PAGES_LOADED: &str = "return performance.getEntriesByType('resource') \
    .some(entry => entry.name.includes('/app_all_pages'))";

#[tokio::test]
async fn the_first_load_module_hands_the_page_over_in_place_for_the_files() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/layers:latest"))
        .await;
    browser.wait_for_tree().await;
    browser.eval(MARK).await;
    assert_eq!(
        browser.eval(ALL_PAGES_LOADED).await,
        false,
        "the inspect tree needs only the first-load module"
    );

    browser.click("a[href*='view=files']").await;
    browser
        .wait_for(
            "the files, rendered by the module with every page",
            "return document.querySelectorAll('.file-list [data-path]').length > 0",
        )
        .await;
    assert_eq!(browser.eval(STILL_RUNNING).await, true, "no new page load");
    assert_eq!(browser.eval(ALL_PAGES_LOADED).await, true);
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('header.top').length")
            .await,
        1,
        "the first-load module stepped aside: one app on the page"
    );

    // Back to the tree: the module with every page renders it, still in place.
    browser.eval("history.back(); return true;").await;
    browser
        .wait_for(
            "the tree without the files",
            "return !location.search.includes('view=files') \
             && document.querySelector('.file-list') === null \
             && document.querySelector('.tree [data-kind]') !== null",
        )
        .await;
    browser.wait_for_tree().await;
    assert_eq!(browser.eval(STILL_RUNNING).await, true, "no new page load");
    browser.close().await;
}

#[tokio::test]
async fn a_module_that_cannot_be_loaded_says_so_in_the_page() {
    // The front end as built, without the module with every page.
    let built = std::path::PathBuf::from(std::env::var_os("STRATA_DIST").expect("STRATA_DIST"));
    let dist = std::env::temp_dir().join(format!("strata-dist-{}", std::process::id()));
    let assets = dist.join("assets");
    std::fs::create_dir_all(&assets).expect("a temp dir");
    for entry in std::fs::read_dir(&built).expect("the built front end") {
        let entry = entry.expect("an entry");
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dist.join(entry.file_name())).expect("a copy");
        }
    }
    for entry in std::fs::read_dir(built.join("assets")).expect("the built assets") {
        let name = entry.expect("an asset").file_name();
        if !name.to_string_lossy().starts_with("app_all_pages") {
            std::fs::copy(built.join("assets").join(&name), assets.join(&name)).expect("a copy");
        }
    }
    let proxy = Proxy::start_with_dist(&dist, &["--offline"]);
    let browser = Browser::start().await;
    browser.open(&proxy.url("/tour")).await;
    browser
        .wait_for(
            "the page to say what failed",
            "const alert = document.querySelector('[role=\"alert\"]'); \
             return alert !== null && alert.textContent.includes('could not load this page')",
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelector('a.brand') !== null")
            .await,
        true,
        "the rest of the page is still there"
    );
    browser.close().await;
    let _ = std::fs::remove_dir_all(&dist);
}
