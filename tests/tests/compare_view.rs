//! `/compare`: two platforms of one index and two references side by side, checked against the manifests
//! and configs the proxy's `/v2/` API serves; a side that fails or does not verify is said, never compared.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fantoccini::Locator;
use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};

const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// An image as the registry API serves it.
struct Image {
    manifest_digest: String,
    layers: Vec<(String, u64)>,
    config_size: u64,
    config: Value,
}

async fn get_json(url: &str) -> (Value, Option<String>) {
    let response = reqwest::Client::new()
        .get(url)
        .header("accept", ACCEPT)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {url}: {error}"));
    assert_eq!(response.status(), 200, "GET {url}");
    let digest = response
        .headers()
        .get("docker-content-digest")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let bytes = response.bytes().await.expect("a body");
    (serde_json::from_slice(&bytes).expect("JSON"), digest)
}

/// Fetches `repository:reference` from the demo registry through the proxy; for an index, the entry of
/// `platform` (`os/arch[/variant]`).
async fn fetch_image(
    proxy: &Proxy,
    repository: &str,
    reference: &str,
    platform: Option<&str>,
) -> Image {
    let api = |kind: &str, reference: &str| {
        proxy.url(&format!("/v2/demo.invalid/{repository}/{kind}/{reference}"))
    };
    let (mut manifest, mut digest) = get_json(&api("manifests", reference)).await;
    if let Some(platform) = platform {
        let entry = manifest["manifests"]
            .as_array()
            .expect("an index")
            .iter()
            .find(|entry| {
                let p = &entry["platform"];
                let mut label = format!(
                    "{}/{}",
                    p["os"].as_str().unwrap_or_default(),
                    p["architecture"].as_str().unwrap_or_default()
                );
                if let Some(variant) = p["variant"].as_str() {
                    label.push_str(&format!("/{variant}"));
                }
                label == platform
            })
            .unwrap_or_else(|| panic!("{repository} has no {platform} entry"))
            .clone();
        let entry_digest = entry["digest"].as_str().expect("a digest").to_owned();
        manifest = get_json(&api("manifests", &entry_digest)).await.0;
        digest = Some(entry_digest);
    }
    let layers = manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|layer| {
            (
                layer["digest"].as_str().expect("a digest").to_owned(),
                layer["size"].as_u64().expect("a size"),
            )
        })
        .collect();
    let config_digest = manifest["config"]["digest"].as_str().expect("a config");
    let (config, _) = get_json(&api("blobs", config_digest)).await;
    Image {
        manifest_digest: digest.expect("a manifest digest"),
        layers,
        config_size: manifest["config"]["size"].as_u64().expect("a config size"),
        config,
    }
}

/// What the layers table must say: each digest shared, left-only or right-only.
fn expected_layers(left: &Image, right: &Image) -> BTreeMap<String, String> {
    let digests = |image: &Image| -> BTreeSet<String> {
        image
            .layers
            .iter()
            .map(|(digest, _)| digest.clone())
            .collect()
    };
    let (left, right) = (digests(left), digests(right));
    left.union(&right)
        .map(|digest| {
            let kind = match (left.contains(digest), right.contains(digest)) {
                (true, true) => "shared",
                (true, false) => "left-only",
                _ => "right-only",
            };
            (digest.clone(), kind.to_owned())
        })
        .collect()
}

fn compare_url(proxy: &Proxy, query: &str) -> String {
    proxy.url(&format!("/compare?{query}"))
}

async fn wait_for_comparison(browser: &Browser) {
    browser
        .wait_for(
            "the comparison",
            "return document.querySelector('.comparison[data-probe=\"done\"]') !== null",
        )
        .await;
}

/// The layers table: digest → data-compare (each digest has one row).
async fn shown_layers(browser: &Browser) -> BTreeMap<String, String> {
    let rows = browser
        .eval(
            "return Array.from(document.querySelectorAll('.compare-layers tr[data-digest]'))\
             .map(r => [r.dataset.digest, r.dataset.compare])",
        )
        .await;
    let rows: Vec<(String, String)> = serde_json::from_value(rows).expect("pairs");
    let count = rows.len();
    let map: BTreeMap<String, String> = rows.into_iter().collect();
    assert_eq!(map.len(), count, "a digest is listed twice: {map:?}");
    map
}

/// The config table: data-field → data-compare.
async fn shown_fields(browser: &Browser) -> BTreeMap<String, String> {
    let rows = browser
        .eval(
            "return Array.from(document.querySelectorAll('.compare-config tr[data-field]'))\
             .map(r => [r.dataset.field, r.dataset.compare])",
        )
        .await;
    serde_json::from_value::<Vec<(String, String)>>(rows)
        .expect("pairs")
        .into_iter()
        .collect()
}

async fn side(browser: &Browser, side: &str) -> (String, String) {
    let value = browser
        .eval(&format!(
            "const s = document.querySelector('[data-side=\"{side}\"]'); \
             return [s.dataset.verify, s.textContent];"
        ))
        .await;
    serde_json::from_value(value).expect("a pair")
}

#[tokio::test]
async fn two_platforms_of_one_index() {
    let proxy = Proxy::start(&["--offline"]);
    let amd64 = fetch_image(&proxy, "strata/multi-arch", "1.0", Some("linux/amd64")).await;
    let arm = fetch_image(&proxy, "strata/multi-arch", "1.0", Some("linux/arm/v7")).await;
    let browser = Browser::start().await;
    browser
        .open(&compare_url(
            &proxy,
            "left=demo.invalid/strata/multi-arch:1.0&right=demo.invalid/strata/multi-arch:1.0\
             &left-platform=linux/amd64&right-platform=linux/arm/v7",
        ))
        .await;
    wait_for_comparison(&browser).await;
    browser.screenshot("compare-platforms").await;

    let expected = expected_layers(&amd64, &arm);
    assert_eq!(shown_layers(&browser).await, expected);
    assert!(expected.values().any(|kind| kind == "left-only"));

    for (name, image) in [("left", &amd64), ("right", &arm)] {
        let (verify, text) = side(&browser, name).await;
        assert_eq!(verify, "verified", "{name}");
        assert!(text.contains(&image.manifest_digest), "{name}: {text}");
    }

    let fields = shown_fields(&browser).await;
    assert_eq!(fields["platform"], "changed", "{fields:?}");
    for same in [
        "user",
        "working-dir",
        "entrypoint",
        "cmd",
        "env",
        "exposed-ports",
        "labels",
    ] {
        assert_eq!(fields[same], "same", "{same}: {fields:?}");
    }
    let platforms = browser
        .eval("return Array.from(document.querySelectorAll('[data-field=\"platform\"] td')).map(c => c.textContent)")
        .await;
    assert_eq!(
        platforms,
        serde_json::json!(["linux/amd64", "linux/arm/v7"])
    );

    // One history row per step; only the base layer's step has another command, and every step that made
    // a layer made another one on the other platform.
    let steps = amd64.config["history"].as_array().expect("history").len();
    let history = browser
        .eval(
            "return Array.from(document.querySelectorAll('.compare-history tr[data-compare]'))\
             .map(r => [r.dataset.compare, r.dataset.layer ?? ''])",
        )
        .await;
    let history: Vec<(String, String)> = serde_json::from_value(history).expect("pairs");
    assert_eq!(history.len(), steps);
    let changed: Vec<usize> = history
        .iter()
        .enumerate()
        .filter(|(_, (change, _))| change != "same")
        .map(|(index, _)| index)
        .collect();
    assert_eq!(changed, [0], "{history:?}");
    assert_eq!(
        history
            .iter()
            .filter(|(_, layer)| layer == "changed")
            .count(),
        amd64.layers.len()
    );

    let left_bytes: u64 = amd64.layers.iter().map(|(_, size)| size).sum();
    let right_bytes: u64 = arm.layers.iter().map(|(_, size)| size).sum();
    let differences = browser
        .eval("return Array.from(document.querySelectorAll('.compare-sizes tr.difference')).map(r => r.dataset.bytes)")
        .await;
    assert_eq!(
        differences,
        serde_json::json!([
            (i128::from(right_bytes) - i128::from(left_bytes)).to_string(),
            (i128::from(arm.config_size) - i128::from(amd64.config_size)).to_string(),
        ])
    );
    browser.close().await;
}

#[tokio::test]
async fn two_references_share_their_layers() {
    let proxy = Proxy::start(&["--offline"]);
    // No platform on the left: the index's default entry, linux/amd64, as `docker pull` takes it.
    let left = fetch_image(&proxy, "strata/multi-arch", "1.0", Some("linux/amd64")).await;
    let right = fetch_image(&proxy, "strata/single", "1.0", None).await;
    let browser = Browser::start().await;
    browser
        .open(&compare_url(
            &proxy,
            "left=demo.invalid/strata/multi-arch:1.0&right=demo.invalid/strata/single:1.0",
        ))
        .await;
    wait_for_comparison(&browser).await;
    browser.screenshot("compare-references").await;

    let expected = expected_layers(&left, &right);
    assert!(
        expected.values().all(|kind| kind == "shared"),
        "{expected:?}"
    );
    assert_eq!(shown_layers(&browser).await, expected);

    let fields = shown_fields(&browser).await;
    let author = if right.config["author"].is_string() {
        "right-only"
    } else {
        "same"
    };
    assert_eq!(fields["author"], author, "{fields:?}");
    assert_eq!(fields["labels"], "changed", "{fields:?}");
    assert_eq!(fields["platform"], "same", "{fields:?}");
    let title = browser
        .eval(
            "const e = document.querySelector('[data-field=\"labels\"] [data-key=\"org.opencontainers.image.title\"]'); \
             return [e.dataset.compare, e.textContent];",
        )
        .await;
    let (change, text): (String, String) = serde_json::from_value(title).expect("a pair");
    assert_eq!(change, "changed");
    let left_title = left.config["config"]["Labels"]["org.opencontainers.image.title"]
        .as_str()
        .expect("a title");
    let right_title = right.config["config"]["Labels"]["org.opencontainers.image.title"]
        .as_str()
        .expect("a title");
    assert!(
        text.contains(left_title) && text.contains(right_title),
        "{text}"
    );

    // The swap link is the same comparison the other way round.
    let swap = browser.element(Locator::Css("a.swap")).await;
    swap.click().await.expect("a click");
    browser
        .wait_for(
            "the swapped page",
            "return location.search.startsWith('?left=demo.invalid/strata/single:1.0')",
        )
        .await;
    wait_for_comparison(&browser).await;
    let swapped = shown_layers(&browser).await;
    assert_eq!(swapped, expected);

    // Two tags of one image: the same manifest, said once, and nothing differs.
    browser
        .open(&compare_url(
            &proxy,
            "left=demo.invalid/strata/multi-arch:1.0&right=demo.invalid/strata/multi-arch:latest",
        ))
        .await;
    wait_for_comparison(&browser).await;
    let status = browser
        .eval("return document.querySelector('.comparison [role=\"status\"]')?.textContent ?? ''")
        .await;
    assert!(
        status.as_str().unwrap_or_default().contains("same image"),
        "{status}"
    );
    let layers = shown_layers(&browser).await;
    assert_eq!(layers.len(), left.layers.len());
    assert!(layers.values().all(|kind| kind == "shared"), "{layers:?}");
    let fields = shown_fields(&browser).await;
    assert!(fields.values().all(|kind| kind == "same"), "{fields:?}");
    browser.close().await;
}

#[tokio::test]
async fn the_inspect_page_opens_a_comparison_of_platforms() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0?platform=linux/arm64"))
        .await;
    browser.wait_for_tree().await;
    let summary = browser
        .element(Locator::Css(".compare-entry-point > summary"))
        .await;
    summary.click().await.expect("a click");
    let right = browser.element(Locator::Id("compare-right-platform")).await;
    right
        .select_by_value("linux/s390x")
        .await
        .expect("an s390x option");
    let button = browser
        .element(Locator::Id("compare-platforms-button"))
        .await;
    button.click().await.expect("a click");
    wait_for_comparison(&browser).await;
    let url = browser.client.current_url().await.expect("a URL");
    assert!(
        url.as_str().ends_with(
            "/compare?left=demo.invalid/strata/multi-arch:1.0&right=demo.invalid/strata/multi-arch:1.0\
             &left-platform=linux/arm64/v8&right-platform=linux/s390x"
        ),
        "{url}"
    );

    // "Compare with another reference" keeps the chosen platform on the left.
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    browser.wait_for_tree().await;
    browser
        .element(Locator::Css(".compare-entry-point > summary"))
        .await
        .click()
        .await
        .expect("a click");
    browser
        .element(Locator::Id("compare-with"))
        .await
        .send_keys("demo.invalid/strata/manifest-list:1.0")
        .await
        .expect("typing");
    browser
        .element(Locator::Id("compare-with-button"))
        .await
        .click()
        .await
        .expect("a click");
    wait_for_comparison(&browser).await;
    let url = browser.client.current_url().await.expect("a URL");
    assert!(
        url.as_str().ends_with(
            "/compare?left=demo.invalid/strata/multi-arch:1.0&right=demo.invalid/strata/manifest-list:1.0"
        ),
        "{url}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_side_that_fails_or_does_not_verify_is_never_compared() {
    let layout = DemoLayout::open();
    let single = layout.blob(&layout.root_digest("strata/single:1.0"));
    let other = layout.root_digest("strata/layers:1.0");
    let fixture = TamperingRegistry::start(HashMap::from([(
        "/v2/team/lie/manifests/1".to_owned(),
        Answer {
            status: 200,
            headers: vec![
                (
                    "content-type".into(),
                    "application/vnd.docker.distribution.manifest.v2+json".into(),
                ),
                ("docker-content-digest".into(), other),
            ],
            body: single.bytes,
        },
    )]))
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    let good = "demo.invalid/strata/multi-arch:1.0";
    let cases = [
        (
            format!("left={good}&right=demo.invalid/strata/nothing:1.0"),
            "right",
            "error",
            "404",
        ),
        (
            format!("left={good}&right={good}&right-platform=linux/386"),
            "right",
            "error",
            "386",
        ),
        (
            format!("left=demo.invalid/strata/schema1:signed&right={good}"),
            "left",
            "error",
            "schema 1",
        ),
        (
            format!("left=Not%20A%20Reference&right={good}"),
            "left",
            "error",
            "not a valid image reference",
        ),
        (
            format!("left={good}&right={}/team/lie:1", fixture.authority),
            "right",
            "mismatch",
            "did not verify",
        ),
    ];
    for (query, failing, verify, words) in cases {
        browser.open(&compare_url(&proxy, &query)).await;
        browser
            .wait_for(
                "the failing side",
                &format!("return document.querySelector('[data-side=\"{failing}\"]')?.dataset.verify === '{verify}'"),
            )
            .await;
        let (_, text) = side(&browser, failing).await;
        assert!(text.contains("cannot be compared"), "{query}: {text}");
        assert!(text.contains(words), "{query}: {text}");
        let alert = browser.alert().await.unwrap_or_default();
        assert!(alert.contains("cannot be compared"), "{query}: {alert}");
        let compared = browser
            .eval("return document.querySelectorAll('.comparison, [data-compare]').length")
            .await;
        assert_eq!(compared, serde_json::json!(0), "{query}");
        let blocked = browser
            .eval("return document.querySelector('.comparison-blocked')?.textContent ?? ''")
            .await;
        assert!(
            blocked
                .as_str()
                .unwrap_or_default()
                .contains("Nothing is compared"),
            "{query}: {blocked}"
        );
    }
    browser.screenshot("compare-error").await;
    browser.close().await;
}

#[tokio::test]
async fn two_platforms_that_share_a_layer_from_the_landing_page() {
    let proxy = Proxy::start(&["--offline"]);
    let repository = "strata/shared-layers";
    let amd64 = fetch_image(&proxy, repository, "1.0", Some("linux/amd64")).await;
    let arm64 = fetch_image(&proxy, repository, "1.0", Some("linux/arm64/v8")).await;
    let expected = expected_layers(&amd64, &arm64);
    let kinds: Vec<&str> = expected.values().map(String::as_str).collect();
    assert_eq!(
        kinds.iter().filter(|kind| **kind == "shared").count(),
        1,
        "the demo shares exactly its site layer: {expected:?}"
    );

    let browser = Browser::start().await;
    browser.open(&proxy.url("/")).await;
    browser
        .click("a.lesson-compare[href*='shared-layers']")
        .await;
    wait_for_comparison(&browser).await;
    assert_eq!(shown_layers(&browser).await, expected);
    let (verify, _) = side(&browser, "left").await;
    assert_eq!(verify, "verified");
    browser.close().await;
}
