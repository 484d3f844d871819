//! The guided tour runs offline from start to end and back, each step pointing at its verified node and
//! showing the real exchanges behind it; step links open directly; concept panels open and explain.

use fantoccini::Locator;
use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;
use strata_explain::concept::Concept;
use strata_explain::tour::TourStep;

const INDEX_URL: &str = "/v2/demo.invalid/strata/multi-arch/manifests/1.0";

async fn text(browser: &Browser, script: &str) -> String {
    match browser.eval(script).await {
        Value::String(text) => text,
        other => panic!("{script}: expected text, got {other:?}"),
    }
}

/// Waits until the step is shown, its nav entry is current and its highlighted node is on the page.
async fn wait_for_step(browser: &Browser, step: TourStep) {
    let slug = step.slug();
    browser
        .wait_for(
            &format!("step {slug} with its highlight"),
            &format!(
                "const tour = document.querySelector('.tour[data-step=\"{slug}\"]'); \
                 if (!tour || !tour.dataset.highlight) return false; \
                 const marked = document.querySelectorAll('.tour-highlight'); \
                 return marked.length === 1 && marked[0] === document.querySelector(tour.dataset.highlight);"
            ),
        )
        .await;
    let current = text(
        browser,
        "return document.querySelector('.tour-steps a[aria-current=\"step\"]').getAttribute('href')",
    )
    .await;
    assert!(
        current.starts_with(&format!("/tour/{slug}")),
        "{slug}: {current}"
    );
}

/// The highlighted element: `[data-kind, data-verify, data-selected, id]`.
async fn highlighted(browser: &Browser) -> Vec<String> {
    let value = browser
        .eval(
            "const e = document.querySelector('.tour-highlight'); \
             return [e.dataset.kind || '', e.dataset.verify || '', e.dataset.selected || '', e.id || ''];",
        )
        .await;
    serde_json::from_value(value).expect("four strings")
}

/// The page's exchanges shown in the step: `[method, url, status]`.
async fn exchanges(browser: &Browser) -> Vec<(String, String, String)> {
    let value = browser
        .eval(
            "return Array.from(document.querySelectorAll('.tour-step [data-exchange=\"page\"]')).map(e => \
             [e.dataset.method, e.dataset.url, e.dataset.status]);",
        )
        .await;
    serde_json::from_value(value).expect("a list of triples")
}

/// Checks what a step shows: its node, its exchanges, its explanations.
async fn check_step(browser: &Browser, step: TourStep) {
    let slug = step.slug();
    let node = highlighted(browser).await;
    let step_text = text(
        browser,
        "return document.querySelector('.tour-step').textContent",
    )
    .await;
    match step {
        TourStep::ParseName | TourStep::FindRegistry => {
            assert_eq!(node[3], "reference", "{slug}: {node:?}");
            let expected = if step == TourStep::ParseName {
                "docker.io/library/alpine:latest"
            } else {
                "registry-1.docker.io"
            };
            assert!(step_text.contains(expected), "{slug}: {step_text}");
        }
        TourStep::ChallengeAndToken => {
            browser
                .wait_for(
                    "the version check",
                    "return document.querySelector('.tour-step [data-url=\"/v2/\"]') !== null",
                )
                .await;
            let shown = exchanges(browser).await;
            assert!(
                shown.contains(&("GET".into(), "/v2/".into(), "200".into())),
                "{shown:?}"
            );
            let explained = text(
                browser,
                "return document.querySelector('[data-explained=\"docker-hub\"]').textContent",
            )
            .await;
            assert!(explained.contains("Explained, not fetched here"));
            assert!(
                explained
                    .contains("WWW-Authenticate: Bearer realm=\"https://auth.docker.io/token\"")
            );
            assert!(explained.contains("https://auth.docker.io/token?service=registry.docker.io"));
        }
        TourStep::FetchIndex => {
            assert_eq!(node[..2], ["index", "verified"], "{slug}");
            let shown = exchanges(browser).await;
            assert_eq!(
                shown,
                [("GET".into(), INDEX_URL.into(), "200".into())],
                "{slug}"
            );
            let accept = browser
                .eval("return Array.from(document.querySelectorAll('.tour-step [data-exchange] .accept-list li')).map(e => e.textContent)")
                .await;
            let accept: Vec<String> = serde_json::from_value(accept).expect("strings");
            for media_type in [
                "application/vnd.oci.image.index.v1+json",
                "application/vnd.docker.distribution.manifest.list.v2+json",
                "application/vnd.oci.image.manifest.v1+json",
            ] {
                assert!(accept.iter().any(|a| a == media_type), "{accept:?}");
            }
            let digest_header = text(browser, "return document.querySelector('.tour-step [data-exchange] [data-header=\"docker-content-digest\"]').textContent").await;
            let node_digest = text(
                browser,
                "return document.querySelector('.tour-highlight').dataset.digest",
            )
            .await;
            assert!(node_digest.starts_with("sha256:"));
            assert_eq!(
                digest_header,
                format!("docker-content-digest: {node_digest}")
            );
            let content_type = text(browser, "return document.querySelector('.tour-step [data-exchange] [data-header=\"content-type\"]').textContent").await;
            assert!(content_type.contains("application/vnd.oci.image.index.v1+json"));
            let hashed = text(
                browser,
                "return document.querySelector('.tour-step .hashed').dataset.verify",
            )
            .await;
            assert_eq!(hashed, "verified");
            assert!(
                step_text.contains("served from the embedded demo registry"),
                "the proxy's trace for the demo: {step_text}"
            );
        }
        TourStep::PickPlatform => {
            assert_eq!(node[2], "true", "{slug}: {node:?}");
            let chosen = text(browser, "return document.querySelector('[data-evidence=\"platforms\"] tr[data-chosen=\"true\"]').textContent").await;
            assert!(chosen.contains("linux/amd64"), "{chosen}");
            assert!(
                step_text.contains("attestation: never pulled"),
                "{step_text}"
            );
        }
        TourStep::FetchManifest | TourStep::FetchConfig => {
            let (kind, endpoint) = if step == TourStep::FetchManifest {
                ("manifest", "/manifests/sha256:")
            } else {
                ("config", "/blobs/sha256:")
            };
            assert_eq!(node[..2], [kind, "verified"], "{slug}");
            let node_digest = text(
                browser,
                "return document.querySelector('.tour-highlight').dataset.digest",
            )
            .await;
            let shown = exchanges(browser).await;
            assert_eq!(shown.len(), 1, "{slug}: {shown:?}");
            assert_eq!(shown[0].0, "GET");
            assert!(shown[0].1.contains(endpoint), "{slug}: {shown:?}");
            assert!(shown[0].1.ends_with(&node_digest), "{slug}: {shown:?}");
            assert_eq!(shown[0].2, "200");
            let hashed = text(
                browser,
                "return document.querySelector('.tour-step .hashed').dataset.verify",
            )
            .await;
            assert_eq!(hashed, "verified", "{slug}");
        }
        TourStep::FetchLayers => {
            assert_eq!(node[0], "layer", "{slug}: {node:?}");
            browser
                .wait_for(
                    "the layer's HEAD",
                    "return document.querySelector('.tour-step [data-method=\"HEAD\"]') !== null",
                )
                .await;
            let layer = text(
                browser,
                "return document.querySelector('.tour-highlight').dataset.digest",
            )
            .await;
            let shown = exchanges(browser).await;
            assert_eq!(
                shown,
                [(
                    "HEAD".into(),
                    format!("/v2/demo.invalid/strata/multi-arch/blobs/{layer}"),
                    "200".into()
                )]
            );
            let files = text(
                browser,
                "return document.querySelector('.tour-step a.open-files').getAttribute('href')",
            )
            .await;
            assert!(files.contains("view=files"), "{files}");
        }
    }
}

#[tokio::test]
async fn the_tour_runs_offline_to_the_end_and_back() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser.open(&proxy.url("/tour")).await;
    for step in TourStep::ALL {
        wait_for_step(&browser, step).await;
        check_step(&browser, step).await;
        match step.next() {
            Some(_) => browser
                .element(Locator::Css("a[rel=\"next\"]"))
                .await
                .click()
                .await
                .expect("Next"),
            None => {
                browser.screenshot("tour-last-step").await;
                let next = browser
                    .eval("return document.querySelector('a[rel=\"next\"]') === null")
                    .await;
                assert_eq!(next, Value::Bool(true), "the last step has no Next");
            }
        }
    }
    for step in TourStep::ALL.into_iter().rev().skip(1) {
        browser
            .element(Locator::Css("a[rel=\"prev\"]"))
            .await
            .click()
            .await
            .expect("Back");
        wait_for_step(&browser, step).await;
    }
    let previous = browser
        .eval("return document.querySelector('a[rel=\"prev\"]') === null")
        .await;
    assert_eq!(previous, Value::Bool(true), "the first step has no Back");
    browser.close().await;
}

#[tokio::test]
async fn every_step_link_opens_directly() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    for step in TourStep::ALL {
        browser
            .open(&proxy.url(&format!("/tour/{}", step.slug())))
            .await;
        wait_for_step(&browser, step).await;
        check_step(&browser, step).await;
    }
    browser
        .open(&proxy.url("/tour/pick-the-platform?platform=linux/arm64"))
        .await;
    wait_for_step(&browser, TourStep::PickPlatform).await;
    let chosen = text(&browser, "return document.querySelector('[data-evidence=\"platforms\"] tr[data-chosen=\"true\"]').textContent").await;
    assert!(chosen.contains("linux/arm64/v8"), "{chosen}");
    let next = text(
        &browser,
        "return document.querySelector('a[rel=\"next\"]').getAttribute('href')",
    )
    .await;
    assert_eq!(next, "/tour/fetch-the-manifest?platform=linux%2Farm64");
    browser.open(&proxy.url("/tour/no-such-step")).await;
    let alert = browser.element(Locator::Css("[role=\"alert\"]")).await;
    let alert = alert.text().await.expect("the alert's text");
    assert!(alert.contains("no step"), "{alert}");
    browser.close().await;
}

#[tokio::test]
async fn concept_panels_open_and_explain() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    browser.wait_for_tree().await;
    for concept in [
        Concept::ImageVsContainer,
        Concept::RegistryRepositoryTag,
        Concept::LatestIsADefault,
        Concept::OfficialImages,
        Concept::TagsMoveDigestsDont,
        Concept::Platforms,
        Concept::IndexVsPlatformDigest,
        Concept::LayersAndDiffIds,
    ] {
        let slug = concept.slug();
        let summary = browser
            .element(Locator::Css(&format!(
                "details[data-concept=\"{slug}\"] > summary"
            )))
            .await;
        let closed = browser
            .eval(&format!(
                "return document.querySelector('details[data-concept=\"{slug}\"]').open"
            ))
            .await;
        assert_eq!(closed, Value::Bool(false), "{slug} starts closed");
        browser
            .eval(&format!(
                "document.querySelector('details[data-concept=\"{slug}\"]').scrollIntoView(); return null;"
            ))
            .await;
        summary.click().await.expect("the ? opens");
        let shown = text(
            &browser,
            &format!(
                "const d = document.querySelector('details[data-concept=\"{slug}\"]'); \
                 return d.open ? d.querySelector('.concept-text').innerText : '';"
            ),
        )
        .await;
        let first_words: String = concept.paragraphs()[0]
            .replace('`', "")
            .chars()
            .take(30)
            .collect();
        assert!(shown.contains(&first_words), "{slug}: {shown:?}");
        summary.click().await.expect("the ? closes");
    }
    browser.open(&proxy.url("/concepts")).await;
    browser.element(Locator::Id("concepts")).await;
    for concept in Concept::ALL {
        let slug = concept.slug();
        let shown = text(
            &browser,
            &format!("return document.getElementById('{slug}')?.innerText ?? ''"),
        )
        .await;
        assert!(
            shown.contains(&concept.title().replace('`', "")),
            "{slug}: {shown:?}"
        );
        for paragraph in concept.paragraphs() {
            let start: String = paragraph.replace('`', "").chars().take(30).collect();
            assert!(shown.contains(&start), "{slug}: {shown:?}");
        }
    }
    browser.open(&proxy.url("/tour/fetch-the-index")).await;
    wait_for_step(&browser, TourStep::FetchIndex).await;
    for concept in TourStep::FetchIndex.concepts() {
        let present = browser
            .eval(&format!(
                "return document.querySelector('.tour-step details[data-concept=\"{}\"]') !== null",
                concept.slug()
            ))
            .await;
        assert_eq!(present, Value::Bool(true), "{concept:?} on the index step");
    }
    browser.close().await;
}
