//! What a reader sees: real headless Chromium on the real proxy, against the embedded demo registry, a real
//! distribution registry, and a tampering fixture.

use std::collections::HashMap;

use fantoccini::Locator;
use fantoccini::key::Key;
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_image::digest::Digest;

use strata_image::media_type::OCI_INDEX as INDEX;
use strata_image::media_type::OCI_MANIFEST as MANIFEST;
const MULTI_ARCH: &str = "strata/multi-arch:1.0";
const MULTI_ARCH_PLATFORMS: [&str; 4] = [
    "linux/amd64",
    "linux/arm64/v8",
    "linux/arm/v7",
    "linux/s390x",
];

fn count(nodes: &[(String, String, String)], kind: &str, verify: &str) -> usize {
    nodes
        .iter()
        .filter(|(k, _, v)| k == kind && v == verify)
        .count()
}

fn count_kind(nodes: &[(String, String, String)], kind: &str) -> usize {
    nodes.iter().filter(|(k, _, _)| k == kind).count()
}

async fn reference_attributes(browser: &Browser) -> Vec<String> {
    let value = browser
        .eval(
            "const r = document.getElementById('reference'); \
             return r ? [r.dataset.registry, r.dataset.repository, r.dataset.tag, r.dataset.digest] : [];",
        )
        .await;
    serde_json::from_value(value).expect("strings")
}

async fn assert_multi_arch_tree(browser: &Browser) {
    browser.wait_for_tree().await;
    let platforms = browser.platforms().await;
    let names: Vec<&str> = platforms.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names, MULTI_ARCH_PLATFORMS,
        "attestations are never platforms"
    );
    let selected: Vec<&str> = platforms.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(selected, ["true", "false", "false", "false"]);
    let nodes = browser.nodes().await;
    assert_eq!(count(&nodes, "index", "verified"), 1, "{nodes:?}");
    assert_eq!(count(&nodes, "manifest", "verified"), 4, "{nodes:?}");
    assert_eq!(count(&nodes, "config", "verified"), 4, "{nodes:?}");
    assert_eq!(count(&nodes, "attestation", "verified"), 4, "{nodes:?}");
    assert_eq!(count_kind(&nodes, "layer"), 12);
    assert_eq!(count(&nodes, "layer", "not-fetched"), 12);
    for (kind, digest, _) in &nodes {
        assert!(
            digest.starts_with("sha256:") && digest.len() == 71,
            "{kind} has data-digest {digest:?}"
        );
    }
}

#[tokio::test]
async fn demo_multi_arch_image_verifies_with_the_network_unused() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    assert_multi_arch_tree(&browser).await;
    assert_eq!(
        reference_attributes(&browser).await,
        ["demo.invalid", "strata/multi-arch", "1.0", ""]
    );
    let root = &browser.nodes().await[0];
    assert_eq!(
        root.1,
        DemoLayout::open().root_digest(MULTI_ARCH),
        "the root carries the digest it hashed to"
    );
    browser.screenshot("demo-multi-arch").await;
    browser.close().await;
}

#[tokio::test]
async fn landing_page_links_every_demo() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser.open(&proxy.url("/")).await;
    browser
        .wait_for(
            "the demo links",
            "return document.querySelectorAll('a.demo-link').length >= 3",
        )
        .await;
    browser.screenshot("landing").await;
    let link = browser
        .client
        .find(Locator::XPath("//a[contains(., 'strata/manifest-list')]"))
        .await
        .expect("a link to the Docker manifest list demo");
    link.click().await.expect("the link opens");
    browser.wait_for_tree().await;
    let platforms: Vec<String> = browser
        .platforms()
        .await
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm/v6", "linux/386"]);
    let nodes = browser.nodes().await;
    assert_eq!(count(&nodes, "index", "verified"), 1);
    assert_eq!(count(&nodes, "manifest", "verified"), 3);
    assert_eq!(count(&nodes, "config", "verified"), 3);
    browser.close().await;
}

#[tokio::test]
async fn a_single_manifest_is_a_tree_of_one_platform() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/single:latest"))
        .await;
    browser.wait_for_tree().await;
    browser
        .wait_for(
            "the platform",
            "return document.querySelectorAll('[data-platform]').length === 1",
        )
        .await;
    assert_eq!(
        browser.platforms().await,
        [("linux/amd64".to_owned(), "true".to_owned())]
    );
    let nodes = browser.nodes().await;
    assert_eq!(count(&nodes, "manifest", "verified"), 1, "{nodes:?}");
    assert_eq!(count(&nodes, "config", "verified"), 1, "{nodes:?}");
    assert_eq!(count_kind(&nodes, "index"), 0);
    browser.close().await;
}

#[tokio::test]
async fn an_image_typed_by_the_reader_renders_from_a_real_registry() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let digest = layout
        .push(MULTI_ARCH, &registry.api(), "team/app", "1.2")
        .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser.open(&proxy.url("/")).await;
    let input = browser.element(Locator::Id("reference-input")).await;
    input
        .send_keys(&format!(
            "{}/team/app:1.2{}",
            registry.authority,
            Key::Enter
        ))
        .await
        .expect("typing works");
    assert_multi_arch_tree(&browser).await;
    assert_eq!(
        reference_attributes(&browser).await,
        [registry.authority.as_str(), "team/app", "1.2", ""]
    );
    assert_eq!(browser.nodes().await[0].1, digest);
    let trace = browser
        .eval("return Array.from(document.querySelectorAll('.tree-items > .node > .node-body > details.trace tr[data-step]')).map(r => r.textContent)")
        .await;
    let trace: Vec<String> = serde_json::from_value(trace).expect("strings");
    assert!(
        trace
            .iter()
            .any(|step| step.contains("HEAD") && step.contains("/manifests/1.2")),
        "the page shows the tag resolved with HEAD: {trace:?}"
    );

    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/app@{digest}",
            registry.authority
        )))
        .await;
    assert_multi_arch_tree(&browser).await;
    assert_eq!(
        reference_attributes(&browser).await,
        [registry.authority.as_str(), "team/app", "", digest.as_str()]
    );
    let note = browser
        .eval("return document.querySelector('.verify-note').textContent")
        .await;
    assert!(
        note.as_str().unwrap_or_default().contains("requested by"),
        "{note}"
    );
    browser.close().await;
}

#[tokio::test]
async fn invalid_references_get_a_clear_error() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    let cases = [
        ("Foo/Bar", "must be lowercase"),
        ("alpine:bad%20tag", "invalid reference format"),
        (
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "64-byte hexadecimal",
        ),
        ("alpine@sha256:abc", "digest"),
    ];
    for (typed, message) in cases {
        browser.open(&proxy.url(&format!("/inspect/{typed}"))).await;
        browser
            .wait_for(
                "an alert",
                "return document.querySelector('[role=\"alert\"]') !== null",
            )
            .await;
        let alert = browser.alert().await.unwrap_or_default();
        assert!(alert.contains(message), "{typed}: {alert}");
        let value = browser
            .eval("return document.querySelector('#reference[data-registry]') === null")
            .await;
        assert_eq!(
            value,
            serde_json::Value::Bool(true),
            "{typed} must not render a reference breakdown"
        );
    }
    browser.close().await;
}

#[tokio::test]
async fn registry_errors_are_said_in_plain_words() {
    let registry = Registry::start().await;
    let garbled = b"{not json".to_vec();
    let fixture = TamperingRegistry::start(HashMap::from([
        (
            "/v2/team/busy/manifests/1".to_owned(),
            Answer {
                status: 429,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("ratelimit-limit".into(), "100;w=21600".into()),
                    ("ratelimit-remaining".into(), "0;w=21600".into()),
                    ("retry-after".into(), "3600".into()),
                ],
                body: br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}"#
                    .to_vec(),
            },
        ),
        (
            "/v2/team/private/manifests/1".to_owned(),
            Answer {
                status: 401,
                headers: vec![("www-authenticate".into(), "Basic realm=\"private\"".into())],
                body: br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#.to_vec(),
            },
        ),
        (
            "/v2/team/garbled/manifests/1".to_owned(),
            Answer {
                status: 200,
                headers: vec![
                    ("content-type".into(), MANIFEST.into()),
                    ("docker-content-digest".into(), Digest::sha256_of(&garbled).to_string()),
                ],
                body: garbled,
            },
        ),
    ]))
    .await;
    let down = format!("127.0.0.1:{}", strata_e2e::processes::free_port());
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &fixture.authority,
        "--insecure-registry",
        &down,
    ]);
    let browser = Browser::start().await;
    let closed_port = strata_e2e::processes::free_port();
    let cases = [
        (
            format!("{}/team/missing:1", registry.authority),
            vec!["404", "MANIFEST_UNKNOWN"],
            "error",
        ),
        (
            format!("{}/team/busy:1", fixture.authority),
            vec!["rate-limiting", "0;w=21600", "100;w=21600", "3600"],
            "error",
        ),
        (
            format!("{}/team/private:1", fixture.authority),
            vec!["credentials", "401"],
            "error",
        ),
        (
            format!("{}/team/garbled:1", fixture.authority),
            vec!["not valid JSON"],
            "verified",
        ),
        (
            format!("{down}/team/app:1"),
            vec!["could not be reached"],
            "error",
        ),
        (
            format!("127.0.0.1:{closed_port}/team/app:1"),
            vec!["refused", "not at a public address"],
            "error",
        ),
        (
            format!(
                "{}/team/app:1",
                registry.authority.replace("127.0.0.1", "localhost")
            ),
            vec!["refused"],
            "error",
        ),
    ];
    for (reference, words, verify) in cases {
        browser
            .open(&proxy.url(&format!("/inspect/{reference}")))
            .await;
        browser.wait_for_tree().await;
        let alert = browser.alert().await.unwrap_or_default();
        for word in words {
            assert!(
                alert.contains(word),
                "{reference}: {word:?} missing from {alert:?}"
            );
        }
        let nodes = browser.nodes().await;
        assert_eq!(nodes.len(), 1, "{nodes:?}");
        assert_eq!(nodes[0].2, verify, "{reference}");
    }
    browser.close().await;
}

#[tokio::test]
async fn tampered_bytes_are_a_loud_mismatch_and_nothing_below_is_trusted() {
    let layout = DemoLayout::open();
    let index = layout.blob(&layout.root_digest(MULTI_ARCH));
    let document: serde_json::Value = serde_json::from_slice(&index.bytes).expect("JSON");
    let amd64 = document["manifests"][0]["digest"]
        .as_str()
        .expect("a digest")
        .to_owned();
    let arm64 = document["manifests"][1]["digest"]
        .as_str()
        .expect("a digest")
        .to_owned();
    let answer = |bytes: Vec<u8>, digest: &str, media_type: &str| Answer {
        status: 200,
        headers: vec![
            ("content-type".into(), media_type.to_owned()),
            ("docker-content-digest".into(), digest.to_owned()),
        ],
        body: bytes,
    };
    let mut swapped = layout.blob(&arm64).bytes;
    // The altered manifest's config is served, valid: only the mismatch above it keeps it from being fetched.
    let swapped_manifest: serde_json::Value = serde_json::from_slice(&swapped).expect("JSON");
    let config_digest = swapped_manifest["config"]["digest"]
        .as_str()
        .expect("a config digest")
        .to_owned();
    let config_path = format!("/v2/team/app/blobs/{config_digest}");
    swapped.extend_from_slice(b" ");
    let fixture = TamperingRegistry::start(HashMap::from([
        (
            config_path.clone(),
            answer(
                layout.blob(&config_digest).bytes,
                &config_digest,
                "application/vnd.oci.image.config.v1+json",
            ),
        ),
        (
            "/v2/team/app/manifests/1".to_owned(),
            answer(index.bytes.clone(), &index.digest, INDEX),
        ),
        (
            format!("/v2/team/app/manifests/{amd64}"),
            answer(swapped, &amd64, MANIFEST),
        ),
        (
            "/v2/team/lie/manifests/1".to_owned(),
            answer(index.bytes.clone(), &amd64, INDEX),
        ),
    ]))
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;

    browser
        .open(&proxy.url(&format!("/inspect/{}/team/app:1", fixture.authority)))
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    let amd64_node = nodes
        .iter()
        .find(|(kind, digest, _)| kind == "manifest" && *digest == amd64)
        .expect("amd64");
    assert_eq!(amd64_node.2, "mismatch");
    assert_eq!(count(&nodes, "config", "verified"), 0, "{nodes:?}");
    let config_node = nodes
        .iter()
        .find(|(kind, digest, _)| kind == "config" && *digest == config_digest)
        .unwrap_or_else(|| panic!("the config below the mismatch is shown: {nodes:?}"));
    assert_eq!(config_node.2, "not-fetched", "{nodes:?}");
    assert!(
        fixture
            .received()
            .iter()
            .all(|request| request.target != config_path),
        "the config below a mismatch was fetched: {:?}",
        fixture.received()
    );
    assert_eq!(count(&nodes, "index", "verified"), 1);
    browser.screenshot("tampered-child").await;

    browser
        .open(&proxy.url(&format!("/inspect/{}/team/lie:1", fixture.authority)))
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    assert_eq!(nodes[0].2, "mismatch", "{nodes:?}");
    assert!(
        nodes[1..]
            .iter()
            .all(|(_, _, verify)| verify == "not-fetched"),
        "{nodes:?}"
    );
    browser.close().await;
}

#[tokio::test]
async fn docker_hub_rate_limits_are_shown() {
    let layout = DemoLayout::open();
    let single = layout.blob(&layout.root_digest("strata/single:1.0"));
    let fixture = TamperingRegistry::start(HashMap::from([(
        "/v2/team/app/manifests/1".to_owned(),
        Answer {
            status: 200,
            headers: vec![
                (
                    "content-type".into(),
                    "application/vnd.docker.distribution.manifest.v2+json".into(),
                ),
                ("docker-content-digest".into(), single.digest.clone()),
                ("ratelimit-limit".into(), "100;w=21600".into()),
                ("ratelimit-remaining".into(), "97;w=21600".into()),
            ],
            body: single.bytes,
        },
    )]))
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/team/app:1", fixture.authority)))
        .await;
    browser.wait_for_tree().await;
    let text = browser
        .eval("return document.querySelector('.rate-limit')?.textContent ?? ''")
        .await;
    assert!(
        text.as_str()
            .unwrap_or_default()
            .contains("97 of 100 pulls left in a 6-hour window"),
        "{text}"
    );
    browser.close().await;
}

#[tokio::test]
async fn hostile_metadata_renders_as_text() {
    let hostile =
        "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=1</script>javascript:alert(1)";
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": { "Labels": {
            "org.opencontainers.image.source": hostile, "evil": hostile,
            "org.opencontainers.image.documentation": "https://example.com/docs",
            "org.opencontainers.image.url": "javascript:alert(1)//https://example.com",
        }, "Env": [hostile] },
        "rootfs": { "type": "layers", "diff_ids": [] },
        "history": [{ "created_by": hostile, "empty_layer": true }],
    })
    .to_string()
    .into_bytes();
    let config_digest = Digest::sha256_of(&config).to_string();
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len() },
        "layers": [],
        "annotations": { "org.opencontainers.image.url": hostile },
    })
    .to_string()
    .into_bytes();
    let fixture = TamperingRegistry::start(HashMap::from([
        (
            "/v2/team/app/manifests/1".to_owned(),
            Answer {
                status: 200,
                headers: vec![
                    ("content-type".into(), MANIFEST.into()),
                    (
                        "docker-content-digest".into(),
                        Digest::sha256_of(&manifest).to_string(),
                    ),
                ],
                body: manifest,
            },
        ),
        (
            format!("/v2/team/app/blobs/{config_digest}"),
            Answer {
                status: 200,
                headers: vec![],
                body: config,
            },
        ),
    ]))
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/team/app:1", fixture.authority)))
        .await;
    browser.wait_for_tree().await;
    let verdict = browser
        .eval(
            "return [window.pwned === undefined, document.querySelectorAll('.tree img, .tree script').length, \
             document.querySelectorAll('a[href^=\"javascript:\"]').length, document.querySelector('.tree').textContent.includes('<script>')]",
        )
        .await;
    assert_eq!(
        verdict,
        serde_json::json!([true, 0, 0, true]),
        "hostile text stays text"
    );
    let links = browser
        .eval(
            "return Array.from(document.querySelectorAll('.tree a.external')).map(a => [a.getAttribute('href'), a.rel])",
        )
        .await;
    assert_eq!(
        links,
        serde_json::json!([["https://example.com/docs", "noopener noreferrer nofollow"]]),
        "only the plain https URL is a link"
    );
    browser.close().await;
}
