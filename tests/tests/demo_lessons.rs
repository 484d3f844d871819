//! The demo registry's lessons in the browser, offline: a tampered index shows mismatch exactly where
//! bytes were altered, a moved tag's old build opens by digest while the tag names another, an
//! untagged manifest opens by digest though no tag lists it, and cosign's signatures check with the
//! demo key: valid for the image signed (and its attestation's envelope), invalid for the one whose
//! signature was made for another.

use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;

const MOVED_TAG: &str = "strata/moved-tag";
const PINNED_AT: &str = "2026-02-10T09:00:00Z";

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON")
}

/// A string at a JSON pointer of a layout document.
fn text_at(document: &Value, pointer: &str) -> String {
    document
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
        .to_owned()
}

/// `(status, Docker-Content-Digest, body)` of a GET through the proxy.
async fn get(proxy: &Proxy, path: &str) -> (u16, String, Vec<u8>) {
    let response = reqwest::get(proxy.url(path))
        .await
        .expect("the proxy answers");
    let status = response.status().as_u16();
    let digest = response
        .headers()
        .get("docker-content-digest")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.bytes().await.expect("a body").to_vec();
    (status, digest, body)
}

async fn tags(proxy: &Proxy, repository: &str) -> Value {
    let (status, _, body) = get(proxy, &format!("/v2/demo.invalid/{repository}/tags/list")).await;
    assert_eq!(status, 200, "tags of {repository}");
    json(&body)
}

/// The verdict of the node of `kind` with `digest`, if the page shows one.
fn verdict(nodes: &[(String, String, String)], kind: &str, digest: &str) -> Option<String> {
    nodes
        .iter()
        .find(|(k, d, _)| k == kind && d == digest)
        .map(|(_, _, verify)| verify.clone())
}

async fn page_text(browser: &Browser) -> String {
    browser
        .eval("return document.body.innerText;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_landing_page_links_each_lesson() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let first_build = layout.untagged_digest(&format!("{MOVED_TAG}:stable"));
    let candidate = layout.untagged_digest("strata/untagged");
    let browser = Browser::start().await;
    browser.open(&proxy.url("/")).await;
    browser
        .wait_for(
            "the demo links",
            "return document.querySelectorAll('a.demo-link').length >= 3",
        )
        .await;
    let links: Vec<String> = serde_json::from_value(
        browser
            .eval("return Array.from(document.querySelectorAll('a.demo-link')).map(a => a.getAttribute('href'));")
            .await,
    )
    .expect("hrefs");
    for expected in [
        format!("/inspect/demo.invalid/{MOVED_TAG}:stable"),
        format!("/inspect/demo.invalid/{MOVED_TAG}:stable@{first_build}?pinned={PINNED_AT}"),
        format!("/inspect/demo.invalid/strata/untagged@{candidate}"),
        "/inspect/demo.invalid/strata/tampered:latest".to_owned(),
    ] {
        assert!(links.contains(&expected), "{expected} in {links:?}");
    }
    assert!(
        !links
            .iter()
            .any(|link| link.ends_with("strata/untagged:latest")),
        "the untagged lesson is listed by digest: {links:?}"
    );
    browser.screenshot("demo-lessons-landing").await;
    browser.close().await;
}

#[tokio::test]
async fn the_tampered_index_mismatches_exactly_where_bytes_were_altered() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let index_digest = layout.root_digest("strata/tampered:latest");
    let index = json(&layout.blob(&index_digest).bytes);
    let platform_digest = |architecture: &str| {
        index["manifests"]
            .as_array()
            .expect("manifests")
            .iter()
            .find(|entry| entry["platform"]["architecture"] == architecture)
            .map(|entry| text_at(entry, "/digest"))
            .unwrap_or_else(|| panic!("no {architecture} entry"))
    };
    let (amd64, arm64, arm) = (
        platform_digest("amd64"),
        platform_digest("arm64"),
        platform_digest("arm"),
    );
    // The manifests of amd64 and arm/v7 are intact, so their descriptors are the truth.
    let amd64_manifest = json(&layout.blob(&amd64).bytes);
    let amd64_config = text_at(&amd64_manifest, "/config/digest");
    let amd64_layers = [
        text_at(&amd64_manifest, "/layers/0/digest"),
        text_at(&amd64_manifest, "/layers/1/digest"),
    ];
    let arm_config = text_at(&json(&layout.blob(&arm).bytes), "/config/digest");

    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/tampered:latest"))
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    assert_eq!(
        nodes[0],
        (
            "index".to_owned(),
            index_digest.clone(),
            "verified".to_owned()
        )
    );
    assert_eq!(
        verdict(&nodes, "manifest", &arm64).as_deref(),
        Some("mismatch")
    );
    assert_eq!(
        verdict(&nodes, "config", &arm_config).as_deref(),
        Some("mismatch")
    );
    for (kind, digest) in [
        ("manifest", &amd64),
        ("manifest", &arm),
        ("config", &amd64_config),
    ] {
        assert_eq!(
            verdict(&nodes, kind, digest).as_deref(),
            Some("verified"),
            "{kind} {digest}: {nodes:?}"
        );
    }
    let mismatched: Vec<&String> = nodes
        .iter()
        .filter(|(_, _, verify)| verify == "mismatch")
        .map(|(_, digest, _)| digest)
        .collect();
    assert_eq!(mismatched, [&arm64, &arm_config], "{nodes:?}");
    // Below the altered arm64 manifest nothing is fetched: its config is listed, never asked for.
    let arm64_config = text_at(&json(&layout.blob(&arm64).bytes), "/config/digest");
    assert_eq!(
        verdict(&nodes, "config", &arm64_config).as_deref(),
        Some("not-fetched"),
        "{nodes:?}"
    );
    let fetched = browser
        .eval("return performance.getEntriesByType('resource').map(e => e.name)")
        .await;
    let fetched: Vec<String> = serde_json::from_value(fetched).expect("URLs");
    assert!(
        fetched
            .iter()
            .any(|url| url.contains(&format!("/manifests/{arm64}"))),
        "the page's own fetches are listed: {fetched:?}"
    );
    assert!(
        !fetched.iter().any(|url| url.contains(&arm64_config)),
        "the config below a mismatch was fetched: {fetched:?}"
    );
    browser.screenshot("demo-lessons-tampered").await;

    browser
        .open(
            &proxy.url(
                "/inspect/demo.invalid/strata/tampered:latest?platform=linux/amd64&view=files",
            ),
        )
        .await;
    // The files view reads the selected platform's layers; the other platforms' stay unread.
    let layer_verdicts = format!(
        "return {:?}.map(d => {{ const e = document.querySelector(`[data-kind=\"layer\"][data-digest=\"${{d}}\"]`); \
         return e ? e.dataset.verify : null; }});",
        amd64_layers
    );
    browser
        .wait_for(
            "both layers read",
            &format!(
                "const verdicts = (() => {{ {layer_verdicts} }})(); \
                 return verdicts.every(v => v === 'verified' || v === 'mismatch');"
            ),
        )
        .await;
    let verdicts: Vec<String> =
        serde_json::from_value(browser.eval(&layer_verdicts).await).expect("verdicts");
    assert_eq!(verdicts, ["verified", "mismatch"], "{amd64_layers:?}");
    browser.screenshot("demo-lessons-tampered-layer").await;
    browser.close().await;
}

#[tokio::test]
async fn the_moved_tags_old_build_opens_by_digest_while_the_tag_names_the_new_one() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let first_build = layout.untagged_digest(&format!("{MOVED_TAG}:stable"));
    let second_build = layout.root_digest(&format!("{MOVED_TAG}:stable"));
    assert_ne!(first_build, second_build);

    let (status, digest, _) = get(
        &proxy,
        &format!("/v2/demo.invalid/{MOVED_TAG}/manifests/stable"),
    )
    .await;
    assert_eq!((status, digest), (200, second_build.clone()));
    let (status, digest, _) = get(
        &proxy,
        &format!("/v2/demo.invalid/{MOVED_TAG}/manifests/{first_build}"),
    )
    .await;
    assert_eq!((status, digest), (200, first_build.clone()));
    assert_eq!(
        tags(&proxy, MOVED_TAG).await["tags"],
        serde_json::json!(["stable"])
    );

    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/demo.invalid/{MOVED_TAG}:stable@{first_build}?pinned={PINNED_AT}"
        )))
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    assert_eq!(
        nodes[0],
        (
            "manifest".to_owned(),
            first_build.clone(),
            "verified".to_owned()
        ),
        "fetched and verified by digest"
    );
    assert!(
        verdict(&nodes, "manifest", &second_build).is_none(),
        "{nodes:?}"
    );
    assert!(
        nodes.iter().all(|(_, _, verify)| verify != "mismatch"),
        "{nodes:?}"
    );
    let text = page_text(&browser).await;
    assert!(text.contains("GREETING=hello"), "build 1.1's config");
    browser.screenshot("demo-lessons-pinned").await;

    browser
        .open(&proxy.url(&format!("/inspect/demo.invalid/{MOVED_TAG}:stable")))
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    assert_eq!(
        nodes[0],
        ("manifest".to_owned(), second_build, "verified".to_owned()),
        "the tag names build 1.2"
    );
    assert!(page_text(&browser).await.contains("GREETING=bonjour"));
    browser.close().await;
}

#[tokio::test]
async fn the_untagged_manifest_opens_by_digest_and_no_tag_lists_it() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let candidate = layout.untagged_digest("strata/untagged");
    let listed = tags(&proxy, "strata/untagged").await;
    assert_eq!(
        listed,
        serde_json::json!({ "name": "strata/untagged", "tags": ["latest"] })
    );
    let (status, digest, _) =
        get(&proxy, "/v2/demo.invalid/strata/untagged/manifests/latest").await;
    assert_eq!(status, 200);
    assert_ne!(digest, candidate, "latest names another manifest");

    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/demo.invalid/strata/untagged@{candidate}"
        )))
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    assert_eq!(
        nodes[0],
        (
            "manifest".to_owned(),
            candidate.clone(),
            "verified".to_owned()
        )
    );
    let config = text_at(&json(&layout.blob(&candidate).bytes), "/config/digest");
    assert_eq!(
        verdict(&nodes, "config", &config).as_deref(),
        Some("verified")
    );
    assert!(page_text(&browser).await.contains("1.3.0-rc.1"));
    browser.screenshot("demo-lessons-untagged").await;
    browser.close().await;
}

#[tokio::test]
async fn the_signature_lessons_check_the_demo_signatures_in_the_page() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser.open(&proxy.url("/")).await;
    browser
        .wait_for(
            "the signature lessons",
            "return document.querySelectorAll('a.lesson-signature').length === 2",
        )
        .await;
    let links = browser
        .eval("return [...document.querySelectorAll('a.lesson-signature')].map(a => a.getAttribute('href'))")
        .await;
    let links: Vec<String> = serde_json::from_value(links).expect("links");
    let layout = DemoLayout::open();
    let signed = layout.root_digest("strata/multi-arch:1.0");
    for (link, expected, image) in [
        (
            &links[0],
            "valid",
            "/inspect/demo.invalid/strata/multi-arch:1.0?key=",
        ),
        (
            &links[1],
            "invalid",
            "/inspect/demo.invalid/strata/signed-elsewhere:1.0?key=",
        ),
    ] {
        assert!(link.starts_with(image), "{link}");
        browser.open(&proxy.url(link)).await;
        browser
            .wait_for(
                "the signature's verdict",
                "return ['valid', 'invalid'].includes(document.querySelector('.signature-check')?.dataset.signature)",
            )
            .await;
        let found = browser
            .eval("const check = document.querySelector('.signature-check'); return [check.dataset.signature, check.dataset.signedDigest, check.textContent]")
            .await;
        assert_eq!(found[0], expected, "{link}: {found}");
        assert_eq!(
            found[1],
            signed.as_str(),
            "both vouch for the multi-arch index: {found}"
        );
    }
    // The signed image's cosign attestation: its DSSE envelope signed by the same key.
    browser.open(&proxy.url(&links[0])).await;
    browser
        .wait_for(
            "the attestation's envelope checked with the key",
            "return document.querySelector('.supply-chain [data-envelope-signature]')?.dataset.envelopeSignature === 'valid'",
        )
        .await;
    browser.close().await;
}
