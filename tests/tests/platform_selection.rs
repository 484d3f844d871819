//! `?platform=` selects the entry `docker pull --platform` would take, and the picker sets it.

use fantoccini::Locator;
use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;

async fn selected(browser: &Browser) -> Vec<String> {
    browser
        .platforms()
        .await
        .into_iter()
        .filter(|(_, selected)| selected == "true")
        .map(|(platform, _)| platform)
        .collect()
}

#[tokio::test]
async fn the_pulled_entry_alone_is_selected() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    let cases: [(&str, &str, Option<&str>, Option<&str>); 10] = [
        ("multi-arch", "", Some("linux/amd64"), None),
        ("multi-arch", "linux/arm64", Some("linux/arm64/v8"), None),
        ("multi-arch", "aarch64", Some("linux/arm64/v8"), None),
        ("multi-arch", "linux/amd64/v3", Some("linux/amd64"), None),
        ("multi-arch", "linux/arm/v8", Some("linux/arm/v7"), None),
        ("multi-arch", "linux/arm/v6", None, Some("cannot run")),
        ("multi-arch", "linux/386", None, Some("only")),
        ("multi-arch", "linux/a/b/c", None, Some("not a platform")),
        ("manifest-list", "linux/arm/v7", Some("linux/arm/v6"), None),
        ("manifest-list", "linux/arm64", Some("linux/arm/v6"), None),
    ];
    for (repository, platform, expected, notice) in cases {
        let query = if platform.is_empty() {
            String::new()
        } else {
            format!("?platform={platform}")
        };
        browser
            .open(&proxy.url(&format!(
                "/inspect/demo.invalid/strata/{repository}:1.0{query}"
            )))
            .await;
        browser.wait_for_tree().await;
        let chosen = selected(&browser).await;
        let expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        assert_eq!(chosen, expected, "{repository} {platform}");
        let status = browser
            .eval("const s = document.querySelector('[role=\"status\"]'); return s ? s.textContent : '';")
            .await;
        let status = status.as_str().unwrap_or_default().to_owned();
        match notice {
            Some(words) => assert!(
                status.contains(words),
                "{repository} {platform}: {status:?}"
            ),
            None => assert!(
                status.is_empty(),
                "{repository} {platform}: unexpected {status:?}"
            ),
        }
    }
    browser.close().await;
}

#[tokio::test]
async fn the_machine_picker_sets_the_link_and_the_selection() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    browser.wait_for_tree().await;
    let picker = browser.element(Locator::Id("platform-picker")).await;
    picker
        .select_by_value("linux/arm/v7")
        .await
        .expect("a Raspberry Pi 3 option");
    browser
        .wait_for("arm/v7 selected", "return document.querySelector('[data-selected=\"true\"]')?.dataset.platform === 'linux/arm/v7'")
        .await;
    let url = browser.client.current_url().await.expect("a URL");
    assert!(
        url.as_str()
            .ends_with("/inspect/demo.invalid/strata/multi-arch:1.0?platform=linux/arm/v7"),
        "{url}"
    );
    let chain = browser
        .eval("return document.querySelector('.fallback-chain').textContent")
        .await;
    let chain = chain.as_str().unwrap_or_default();
    assert!(
        chain.contains("linux/arm/v7") && chain.contains("linux/arm/v5"),
        "{chain}"
    );
    browser.screenshot("platform-picker").await;

    let arm64 = browser
        .element(Locator::Css("[data-platform=\"linux/arm64/v8\"] > summary"))
        .await;
    arm64.click().await.expect("a click");
    browser
        .wait_for("arm64 selected", "return document.querySelector('[data-selected=\"true\"]')?.dataset.platform === 'linux/arm64/v8'")
        .await;
    let url = browser.client.current_url().await.expect("a URL");
    assert!(url.as_str().ends_with("?platform=linux/arm64/v8"), "{url}");
    browser.close().await;
}

#[tokio::test]
async fn equivalent_commands_follow_the_view() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = strata_e2e::demo_layout::DemoLayout::open();
    let digest = layout.root_digest("strata/multi-arch:1.0");
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0?platform=linux/arm64"))
        .await;
    browser.wait_for_tree().await;
    let lines = browser
        .eval("return Array.from(document.querySelectorAll('.command-lines code')).map(c => c.textContent)")
        .await;
    let lines: Vec<String> = serde_json::from_value(lines).expect("strings");
    for expected in [
        "docker pull --platform linux/arm64 demo.invalid/strata/multi-arch:1.0".to_owned(),
        format!("docker pull --platform linux/arm64 demo.invalid/strata/multi-arch@{digest}"),
        "crane config --platform linux/arm64 demo.invalid/strata/multi-arch:1.0".to_owned(),
    ] {
        assert!(
            lines.contains(&expected),
            "{expected} missing from {lines:#?}"
        );
    }
    browser.close().await;
}
