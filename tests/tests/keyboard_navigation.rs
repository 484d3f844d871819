//! The image tree is a WAI-ARIA tree a keyboard can walk: roles and levels, one tab stop, arrow keys,
//! Home and End, Right and Left opening and closing a platform, Enter selecting it. The file list is a
//! grid whose rows Up, Down, Home and End move between, Enter opening one. Both fit a 320 px screen.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;

const MULTI_ARCH: &str = "/inspect/demo.invalid/strata/multi-arch:1.0";

/// Every tree item in document order, as `kind-or-platform@level`, which names them in failures.
const ITEM_NAMES: &str = "window.__items = () => Array.from(document.querySelectorAll('[role=\"treeitem\"]')); \
     window.__name = (e) => e && e.getAttribute('role') === 'treeitem' \
       ? ((e.querySelector(':scope > details')?.dataset.platform ?? e.dataset.kind) + '@' + e.getAttribute('aria-level')) \
       : (e ? e.tagName : 'none');";

/// Presses one key where the focus is, as a reader does.
async fn press(browser: &Browser, key: Key) {
    press_chord(browser, &[key]).await;
}

/// Presses keys together (a modifier first), then releases them.
async fn press_chord(browser: &Browser, keys: &[Key]) {
    let mut actions = KeyActions::new("keyboard".into());
    for key in keys {
        actions = actions.then(KeyAction::Down {
            value: (*key).into(),
        });
    }
    for key in keys.iter().rev() {
        actions = actions.then(KeyAction::Up {
            value: (*key).into(),
        });
    }
    browser
        .client
        .perform_actions(actions)
        .await
        .expect("the keys are pressed");
}

/// The item (or element) that has focus, named as in `ITEM_NAMES`.
async fn focused(browser: &Browser) -> String {
    let script = format!("{ITEM_NAMES} return window.__name(document.activeElement);");
    browser
        .eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The items a reader can see (none inside a closed `<details>`), in document order.
async fn visible_items(browser: &Browser) -> Vec<String> {
    let script = format!(
        "{ITEM_NAMES} return window.__items().filter(item => {{ \
           for (let e = item.parentElement; e; e = e.parentElement) {{ \
             if (e.tagName === 'DETAILS' && !e.open) return false; }} \
           return true; }}).map(window.__name);"
    );
    serde_json::from_value(browser.eval(&script).await).expect("a list of names")
}

/// `[aria-expanded, details open, aria-selected, data-selected]` of a platform's tree item.
async fn platform_state(browser: &Browser, platform: &str) -> Value {
    browser
        .eval(&format!(
            "const d = document.querySelector('[data-platform=\"{platform}\"]'); \
             const item = d.parentElement; \
             return [item.getAttribute('aria-expanded'), d.open, item.getAttribute('aria-selected'), d.dataset.selected];"
        ))
        .await
}

/// The items with `tabindex="0"`.
async fn tab_stops(browser: &Browser) -> Vec<String> {
    let script = format!(
        "{ITEM_NAMES} return window.__items().filter(e => e.getAttribute('tabindex') === '0').map(window.__name);"
    );
    serde_json::from_value(browser.eval(&script).await).expect("a list of names")
}

async fn open_multi_arch(proxy: &Proxy, browser: &Browser) {
    browser.open(&proxy.url(MULTI_ARCH)).await;
    browser.wait_for_tree().await;
}

/// Checks what every tree holds (one labelled tree, items with short names, each one level below the
/// item whose group holds it) and returns the items' names in document order.
async fn tree_structure(browser: &Browser) -> Vec<String> {
    let tree = browser
        .eval(
            "const t = document.querySelector('[role=\"tree\"]'); \
             return [t.getAttribute('aria-label'), \
                     Array.from(document.querySelectorAll('[role=\"treeitem\"]')).filter(i => i.closest('[role=\"tree\"]')).length, \
                     document.querySelectorAll('[role=\"treeitem\"]').length];",
        )
        .await;
    assert_eq!(tree[0], "Image tree");
    assert_eq!(
        tree[1], tree[2],
        "every tree item is inside a tree (the image's, or one of cosign's tags)"
    );

    // Every item: its level, its parent item's level, whether a group sits between them, and its name.
    let structure = browser
        .eval(&format!(
            "{ITEM_NAMES} return window.__items().map(item => {{ \
               const parent = item.parentElement.closest('[role=\"treeitem\"]'); \
               const group = item.parentElement.closest('[role=\"group\"]'); \
               return [window.__name(item), Number(item.getAttribute('aria-level')), \
                       parent ? Number(parent.getAttribute('aria-level')) : 0, \
                       parent ? (group !== null && parent.contains(group)) : true, \
                       item.querySelector(':scope > .node-head, :scope > details > summary') !== null]; }});"
        ))
        .await;
    let structure: Vec<(String, u32, u32, bool, bool)> =
        serde_json::from_value(structure).expect("item rows");
    for (name, level, parent_level, grouped, labelled) in &structure {
        assert_eq!(*level, parent_level + 1, "{name}: {structure:?}");
        assert!(grouped, "{name} sits in its parent's role=group");
        assert!(
            labelled,
            "{name} is named by its own line (the rest of it is in a group)"
        );
    }
    structure.into_iter().map(|row| row.0).collect()
}

#[tokio::test]
async fn the_tree_carries_tree_roles_and_levels() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    open_multi_arch(&proxy, &browser).await;
    let names = tree_structure(&browser).await;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(names[0], "index@1", "{names:?}");
    for platform in [
        "linux/amd64",
        "linux/arm64/v8",
        "linux/arm/v7",
        "linux/s390x",
    ] {
        let position = names
            .iter()
            .position(|name| *name == format!("{platform}@2"))
            .unwrap_or_else(|| panic!("{platform} is a level-2 item: {names:?}"));
        assert_eq!(
            names.get(position + 1),
            Some(&"manifest@3"),
            "{platform}'s manifest is its first child: {names:?}"
        );
    }
    assert!(names.contains(&"config@4"), "{names:?}");
    assert!(names.contains(&"attestation@3"), "{names:?}");

    assert_eq!(
        platform_state(&browser, "linux/amd64").await,
        serde_json::json!(["true", true, "true", "true"])
    );
    assert_eq!(
        platform_state(&browser, "linux/arm64/v8").await,
        serde_json::json!(["false", false, "false", "false"])
    );
    let roots_without_expanded = browser
        .eval("return document.querySelector('[role=\"treeitem\"][aria-level=\"1\"]').hasAttribute('aria-expanded');")
        .await;
    assert_eq!(
        roots_without_expanded, false,
        "a node always shows its children"
    );
    assert_eq!(tab_stops(&browser).await, ["index@1"]);
    browser.close().await;
}

#[tokio::test]
async fn a_single_manifest_and_a_nested_index_are_trees_too() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/single:1.0"))
        .await;
    browser.wait_for_tree().await;
    let names = tree_structure(&browser).await;
    assert_eq!(names[..2], ["manifest@1", "config@2"], "{names:?}");
    assert_eq!(tab_stops(&browser).await, ["manifest@1"]);

    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/nested-index:1.0"))
        .await;
    browser.wait_for_tree().await;
    let names = tree_structure(&browser).await;
    assert_eq!(names[0], "index@1", "{names:?}");
    let nested = names
        .iter()
        .position(|name| name == "index@3")
        .unwrap_or_else(|| panic!("an index inside a platform entry: {names:?}"));
    assert!(
        names[nested + 1..].iter().any(|name| name.ends_with("@4")),
        "the nested index's platforms one level down: {names:?}"
    );
    assert_eq!(tab_stops(&browser).await, ["index@1"]);
    browser.close().await;
}

#[tokio::test]
async fn tab_enters_the_tree_and_arrows_walk_the_visible_items() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    open_multi_arch(&proxy, &browser).await;

    let mut tabs = 0;
    while !focused(&browser).await.contains('@') {
        press(&browser, Key::Tab).await;
        tabs += 1;
        assert!(tabs < 200, "Tab never reached the tree");
    }
    assert_eq!(focused(&browser).await, "index@1", "Tab enters at the root");

    let visible = visible_items(&browser).await;
    assert!(
        visible.len() > 6,
        "the selected platform is open: {visible:?}"
    );
    assert!(visible.contains(&"linux/s390x@2".to_owned()), "{visible:?}");
    for expected in &visible[1..] {
        press(&browser, Key::Down).await;
        assert_eq!(&focused(&browser).await, expected, "Down, in {visible:?}");
        assert_eq!(
            tab_stops(&browser).await,
            std::slice::from_ref(expected),
            "one tab stop"
        );
    }
    press(&browser, Key::Down).await;
    assert_eq!(
        focused(&browser).await,
        *visible.last().expect("items"),
        "Down stops at the last item"
    );
    for expected in visible.iter().rev().skip(1) {
        press(&browser, Key::Up).await;
        assert_eq!(&focused(&browser).await, expected, "Up, in {visible:?}");
    }
    press(&browser, Key::End).await;
    assert_eq!(focused(&browser).await, *visible.last().expect("items"));
    press(&browser, Key::Home).await;
    assert_eq!(focused(&browser).await, "index@1");

    // Controls inside an item stay in the tab order after it, and Shift+Tab comes back to the item.
    press(&browser, Key::Tab).await;
    assert_eq!(
        browser
            .eval(
                "const a = document.activeElement; const item = a.closest('[role=treeitem]'); \
                 return [a.getAttribute('role') !== 'treeitem', item && item.getAttribute('aria-level')]",
            )
            .await,
        serde_json::json!([true, "1"]),
        "Tab goes on to the first control inside the root item"
    );
    press_chord(&browser, &[Key::Shift, Key::Tab]).await;
    assert_eq!(focused(&browser).await, "index@1");

    // The tab stop follows the reader: leaving the tree and tabbing back returns to the same item.
    let arm = visible
        .iter()
        .position(|n| n == "linux/arm/v7@2")
        .expect("arm/v7 visible");
    for _ in 0..arm {
        press(&browser, Key::Down).await;
    }
    assert_eq!(focused(&browser).await, "linux/arm/v7@2");
    browser
        .eval("document.getElementById('reference-input').focus(); return true;")
        .await;
    let mut tabs = 0;
    while !focused(&browser).await.contains('@') {
        press(&browser, Key::Tab).await;
        tabs += 1;
        assert!(tabs < 200, "Tab never reached the tree again");
    }
    assert_eq!(focused(&browser).await, "linux/arm/v7@2");
    assert_eq!(tab_stops(&browser).await, ["linux/arm/v7@2"]);
    let ring = browser
        .eval("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth];")
        .await;
    assert_eq!(
        ring,
        serde_json::json!(["solid", "3px"]),
        "keyboard focus is visible"
    );
    browser.screenshot("keyboard-focus").await;
    browser.close().await;
}

#[tokio::test]
async fn right_and_left_open_close_and_move_between_levels() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    open_multi_arch(&proxy, &browser).await;
    browser
        .eval("document.querySelector('[data-platform=\"linux/arm64/v8\"]').parentElement.focus(); return true;")
        .await;
    assert_eq!(focused(&browser).await, "linux/arm64/v8@2");
    assert_eq!(
        tab_stops(&browser).await,
        ["linux/arm64/v8@2"],
        "focus moves the tab stop"
    );

    press(&browser, Key::Right).await;
    browser
        .wait_for(
            "arm64 opens",
            "return document.querySelector('[data-platform=\"linux/arm64/v8\"]').open",
        )
        .await;
    assert_eq!(
        platform_state(&browser, "linux/arm64/v8").await,
        serde_json::json!(["true", true, "false", "false"]),
        "Right opens without selecting"
    );
    assert_eq!(
        focused(&browser).await,
        "linux/arm64/v8@2",
        "focus stays on the opened item"
    );
    browser.wait_for_tree().await;

    press(&browser, Key::Right).await;
    assert_eq!(
        focused(&browser).await,
        "manifest@3",
        "Right on an open item: its first child"
    );
    press(&browser, Key::Right).await;
    assert_eq!(focused(&browser).await, "config@4");
    press(&browser, Key::Right).await;
    assert_eq!(focused(&browser).await, "config@4", "a config has no child");
    press(&browser, Key::Left).await;
    assert_eq!(focused(&browser).await, "manifest@3", "Left: the parent");
    press(&browser, Key::Left).await;
    assert_eq!(focused(&browser).await, "linux/arm64/v8@2");
    press(&browser, Key::Left).await;
    assert_eq!(
        platform_state(&browser, "linux/arm64/v8").await,
        serde_json::json!(["false", false, "false", "false"]),
        "Left closes an open item"
    );
    assert_eq!(focused(&browser).await, "linux/arm64/v8@2");
    press(&browser, Key::Left).await;
    assert_eq!(
        focused(&browser).await,
        "index@1",
        "Left on a closed item: its parent"
    );

    // A click on the summary still toggles, and aria-expanded follows it.
    browser
        .element(fantoccini::Locator::Css(
            "[data-platform=\"linux/s390x\"] > summary",
        ))
        .await
        .click()
        .await
        .expect("the summary takes a click");
    browser
        .wait_for(
            "s390x selected by the click, aria-expanded following",
            "const d = document.querySelector('[data-platform=\"linux/s390x\"]'); \
             return d.dataset.selected === 'true' && d.open && d.parentElement.getAttribute('aria-expanded') === 'true' \
               && d.parentElement.getAttribute('aria-selected') === 'true';",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn enter_and_space_select_a_platform_and_nested_controls_keep_their_keys() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    open_multi_arch(&proxy, &browser).await;
    browser
        .eval("document.querySelector('[data-platform=\"linux/arm/v7\"]').parentElement.focus(); return true;")
        .await;
    press(&browser, Key::Enter).await;
    browser
        .wait_for(
            "arm/v7 selected by Enter",
            "return document.querySelector('[data-selected=\"true\"]')?.dataset.platform === 'linux/arm/v7'",
        )
        .await;
    assert_eq!(
        platform_state(&browser, "linux/arm/v7").await,
        serde_json::json!(["true", true, "true", "true"])
    );
    assert_eq!(
        platform_state(&browser, "linux/amd64").await,
        serde_json::json!(["false", false, "false", "false"]),
        "the previous platform is no longer selected"
    );
    assert_eq!(
        focused(&browser).await,
        "linux/arm/v7@2",
        "focus stays on the item"
    );
    let url = browser.client.current_url().await.expect("a URL");
    assert!(
        url.as_str().ends_with("?platform=linux/arm/v7")
            || url.as_str().ends_with("?platform=linux%2Farm%2Fv7"),
        "{url}"
    );

    browser
        .eval("document.querySelector('[data-platform=\"linux/s390x\"]').parentElement.focus(); return true;")
        .await;
    press(&browser, Key::Space).await;
    browser
        .wait_for(
            "s390x selected by Space",
            "return document.querySelector('[data-selected=\"true\"]')?.dataset.platform === 'linux/s390x'",
        )
        .await;
    assert_eq!(
        platform_state(&browser, "linux/s390x").await,
        serde_json::json!(["true", true, "true", "true"])
    );

    // A disclosure inside an item keeps Enter for itself; the tree does not take it.
    browser
        .eval("document.querySelector('[role=\"treeitem\"][aria-level=\"1\"] > .node-body > details.raw > summary').focus(); return true;")
        .await;
    press(&browser, Key::Enter).await;
    browser
        .wait_for(
            "the root's raw bytes open",
            "return document.querySelector('[role=\"treeitem\"][aria-level=\"1\"] > .node-body > details.raw').open",
        )
        .await;
    assert_eq!(focused(&browser).await, "SUMMARY");
    press(&browser, Key::Down).await;
    assert_eq!(
        focused(&browser).await,
        "SUMMARY",
        "arrows in a summary are not the tree's"
    );
    browser.close().await;
}

/// Elements reaching past the right edge of the viewport, named by tag and class: none, at 320 px.
const OVERFLOWING: &str = "const width = document.documentElement.clientWidth; \
     const visible = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) { \
         const s = getComputedStyle(a).overflowX; if (s !== 'visible' && s !== 'clip') return false; } return true; }; \
     const range = document.createRange(); \
     const reaching = e => { if (e.getBoundingClientRect().right > width + 1) return true; \
       if (getComputedStyle(e).overflowX !== 'visible') return false; \
       return Array.from(e.childNodes).some(n => { if (n.nodeType !== 3) return false; \
         range.selectNodeContents(n); return range.getBoundingClientRect().right > width + 1; }); }; \
     const out = Array.from(document.body.querySelectorAll('*')).filter(e => e.getClientRects().length > 0 \
         && reaching(e) && visible(e)) \
       .filter(e => !Array.from(e.children).some(c => c.getClientRects().length > 0 && reaching(c))) \
       .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40)); \
     return [document.documentElement.scrollWidth, width, out.slice(0, 20)];";

#[tokio::test]
async fn every_kind_of_page_fits_320_px() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .client
        .set_window_size(320, 900)
        .await
        .expect("a narrow window");
    for (page, ready) in [
        (
            MULTI_ARCH.to_owned(),
            "return document.querySelector('.tree [data-kind]') !== null && document.querySelectorAll('[data-verify=\"pending\"], [data-probe=\"pending\"]').length === 0",
        ),
        (
            format!("{MULTI_ARCH}?view=files"),
            "return document.querySelectorAll('[data-path]').length > 0",
        ),
        (
            "/tour/pick-the-platform".to_owned(),
            "return document.querySelector('[data-evidence=\"platforms\"]') !== null && document.querySelectorAll('[data-verify=\"pending\"], [data-probe=\"pending\"]').length === 0",
        ),
        (
            "/compare?left=demo.invalid/strata/shared-layers:1.0&left-platform=linux/amd64\
             &right=demo.invalid/strata/shared-layers:1.0&right-platform=linux/arm64/v8"
                .to_owned(),
            "return document.querySelector('.comparison[data-probe=\"done\"]') !== null",
        ),
    ] {
        browser.open(&proxy.url(&page)).await;
        browser.wait_for("the page to settle", ready).await;
        let width = browser
            .eval("return document.documentElement.clientWidth")
            .await;
        assert!(width.as_u64().is_some_and(|w| w <= 330), "{width}");
        let report = browser.eval(OVERFLOWING).await;
        assert_eq!(
            report[0], report[1],
            "{page}: the page scrolls sideways: {report}"
        );
        assert_eq!(report[2], serde_json::json!([]), "{page}: {report}");
        browser
            .screenshot(&format!(
                "narrow-{}",
                if page.contains("files") {
                    "files"
                } else if page.contains("tour") {
                    "tour"
                } else if page.contains("compare") {
                    "compare"
                } else {
                    "inspect"
                }
            ))
            .await;
    }
    browser.close().await;
}

/// The path of the row whose link has focus, or the focused element's tag.
async fn focused_row(browser: &Browser) -> String {
    browser
        .eval(
            "const e = document.activeElement; \
             return e.matches('a.path') ? e.closest('[role=\"row\"]').dataset.path : e.tagName;",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The paths of the rows' links with `tabindex="0"`.
async fn file_tab_stops(browser: &Browser) -> Vec<String> {
    let stops = browser
        .eval(
            "return Array.from(document.querySelectorAll('.file-list a.path[tabindex=\"0\"]')) \
             .map(a => a.closest('[role=\"row\"]').dataset.path);",
        )
        .await;
    serde_json::from_value(stops).expect("paths")
}

#[tokio::test]
async fn the_file_list_is_a_grid_walked_with_arrows_and_opened_with_enter() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("{MULTI_ARCH}?view=files")))
        .await;
    browser
        .wait_for(
            "the file list",
            "return document.querySelectorAll('[data-path]').length > 3 \
             && document.querySelectorAll('.layer-progress-row.waiting, .layer-progress-row.streaming').length === 0",
        )
        .await;
    let grid = browser
        .eval(
            "const g = document.querySelector('.file-list'); \
             const rows = Array.from(g.querySelectorAll('[role=\"row\"]')); \
             return [g.getAttribute('role'), g.getAttribute('aria-label'), Number(g.getAttribute('aria-rowcount')), \
                     rows.length, rows.map(r => Number(r.getAttribute('aria-rowindex'))), \
                     g.querySelectorAll('[role=\"columnheader\"]').length, \
                     rows.slice(1).every(r => r.querySelectorAll('[role=\"gridcell\"]').length === 8)];",
        )
        .await;
    let rows = grid[3].as_u64().expect("a row count");
    assert_eq!(grid[0], "grid");
    assert_eq!(grid[1], "Files");
    assert_eq!(
        grid[2].as_u64(),
        Some(rows),
        "the header and every row counted"
    );
    assert_eq!(
        grid[4],
        serde_json::json!((1..=rows).collect::<Vec<_>>()),
        "rows numbered in order"
    );
    assert_eq!(grid[5], 8);
    assert_eq!(grid[6], true, "eight cells a row");
    let paths: Vec<String> = serde_json::from_value(
        browser
            .eval("return Array.from(document.querySelectorAll('[data-path]')).map(e => e.dataset.path);")
            .await,
    )
    .expect("paths");
    assert_eq!(
        file_tab_stops(&browser).await,
        [paths[0].clone()],
        "one row in the tab order"
    );

    browser
        .eval("document.getElementById('file-search').focus(); return true;")
        .await;
    let mut tabs = 0;
    while !focused_row(&browser).await.starts_with('/') {
        press(&browser, Key::Tab).await;
        tabs += 1;
        assert!(tabs < 20, "Tab never reached the file list");
    }
    assert_eq!(focused_row(&browser).await, paths[0]);
    for expected in &paths[1..] {
        press(&browser, Key::Down).await;
        assert_eq!(&focused_row(&browser).await, expected);
    }
    press(&browser, Key::Up).await;
    assert_eq!(focused_row(&browser).await, paths[paths.len() - 2]);
    press(&browser, Key::Home).await;
    assert_eq!(focused_row(&browser).await, paths[0]);
    let ring = browser
        .eval("const s = getComputedStyle(document.activeElement.closest('.file-row')); return [s.outlineStyle, s.outlineWidth];")
        .await;
    assert_eq!(
        ring,
        serde_json::json!(["solid", "3px"]),
        "the focused row shows it"
    );
    browser.screenshot("keyboard-focus-files").await;
    press(&browser, Key::End).await;
    assert_eq!(focused_row(&browser).await, paths[paths.len() - 1]);
    press(&browser, Key::Up).await;
    press(&browser, Key::Up).await;
    let chosen = paths[paths.len() - 3].clone();
    assert_eq!(focused_row(&browser).await, chosen);
    assert_eq!(
        file_tab_stops(&browser).await,
        std::slice::from_ref(&chosen)
    );

    press(&browser, Key::Enter).await;
    browser
        .wait_for(
            "the row opened",
            &format!(
                "return new URLSearchParams(location.search).get('path') === {} \
                 && document.querySelector('.file-row.selected')?.dataset.path === {0}",
                serde_json::to_string(&chosen).expect("JSON")
            ),
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn keys_reach_rows_a_windowed_list_has_not_rendered() {
    let registry = Registry::start().await;
    let mut tar = TarBuilder::default();
    tar.directory("data/");
    for item in 0..5000 {
        tar.file(&format!("data/f{item:04}.txt"), b"");
    }
    push_image(&registry.api(), "team/wide", "1", &[tar.finish()]).await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/wide:1?view=files",
            registry.authority
        )))
        .await;
    browser
        .wait_for(
            "the windowed list",
            "return document.querySelector('.file-list.windowed [data-path]') !== null \
             && document.querySelectorAll('.layer-progress-row.waiting, .layer-progress-row.streaming').length === 0",
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelector('.file-list').getAttribute('aria-rowcount')")
            .await,
        "5002",
        "the header, then /data and 5000 files"
    );
    browser
        .eval("document.querySelector('.file-list a.path[tabindex=\"0\"]').focus(); return true;")
        .await;
    assert_eq!(focused_row(&browser).await, "/data");
    press(&browser, Key::End).await;
    browser
        .wait_for(
            "the last row, rendered and focused",
            "return document.activeElement.closest('[role=\"row\"]')?.dataset.path === '/data/f4999.txt'",
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.activeElement.closest('[role=\"row\"]').getAttribute('aria-rowindex')")
            .await,
        "5002"
    );
    for expected in ["/data/f4998.txt", "/data/f4997.txt"] {
        press(&browser, Key::Up).await;
        assert_eq!(focused_row(&browser).await, expected);
    }
    press(&browser, Key::Home).await;
    browser
        .wait_for(
            "the first row again",
            "return document.activeElement.closest('[role=\"row\"]')?.dataset.path === '/data'",
        )
        .await;
    // Holding Down past the rendered window keeps focus on the next row each time.
    for item in 0..100 {
        press(&browser, Key::Down).await;
        assert_eq!(focused_row(&browser).await, format!("/data/f{item:04}.txt"));
    }
    // Nothing keeps scrolling on its own once the keys stop (scroll anchoring chasing the window did).
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(focused_row(&browser).await, "/data/f0099.txt");
    let rendered = browser
        .eval("return document.querySelectorAll('[data-path]').length")
        .await;
    assert!(
        rendered.as_u64().is_some_and(|n| n <= 200),
        "still windowed: {rendered}"
    );
    assert_eq!(file_tab_stops(&browser).await, ["/data/f0099.txt"]);
    browser.close().await;
}
