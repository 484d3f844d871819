//! Every kind of manifest in the demo registry opens in the browser, verified, with the contract attributes.

use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;

const KINDS: [&str; 6] = [
    "index",
    "manifest",
    "config",
    "layer",
    "attestation",
    "artifact",
];
const VERIFY: [&str; 6] = [
    "verified",
    "mismatch",
    "pending",
    "not-fetched",
    "unverifiable",
    "error",
];

#[tokio::test]
async fn every_demo_kind_renders_verified() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let index = layout.blob(&layout.root_digest("strata/multi-arch:1.0"));
    let signature_tag = format!("strata/multi-arch:{}.sig", index.digest.replace(':', "-"));
    let attestation_tag = format!("strata/multi-arch:{}.att", index.digest.replace(':', "-"));
    // Each root, what it is, its platforms, and how many nodes of each kind the tree shows.
    let cases: Vec<(String, &str, &[&str], &str)> = vec![
        (
            "strata/multi-arch:1.0".into(),
            "index",
            &[
                "linux/amd64",
                "linux/arm64/v8",
                "linux/arm/v7",
                "linux/s390x",
            ],
            "index 1, manifest 4, config 4, attestation 4, artifact 2, layer 12",
        ),
        (
            "strata/manifest-list:1.0".into(),
            "index",
            &["linux/amd64", "linux/arm/v6", "linux/386"],
            "index 1, manifest 3, config 3, layer 9",
        ),
        (
            "strata/single:1.0".into(),
            "manifest",
            &["linux/amd64"],
            "manifest 1, config 1, layer 3",
        ),
        (
            "strata/artifacts:report".into(),
            "artifact",
            &[],
            "artifact 1",
        ),
        (
            "strata/artifacts:bundle".into(),
            "artifact",
            &[],
            "artifact 1",
        ),
        (
            "strata/helm-chart:0.1.0".into(),
            "artifact",
            &[],
            "artifact 1",
        ),
        (
            "strata/schema1:signed".into(),
            "manifest",
            &[],
            "manifest 1, layer 6",
        ),
        (
            "strata/schema1:unsigned".into(),
            "manifest",
            &[],
            "manifest 1, layer 6",
        ),
        (
            "strata/nested-index:1.0".into(),
            "index",
            &["", "linux/amd64", "linux/arm64/v8", "windows/amd64"],
            "index 2, manifest 3, config 3, layer 8",
        ),
        (
            "strata/layer-kinds:1.0".into(),
            "manifest",
            &["linux/amd64"],
            "manifest 1, config 1, layer 7",
        ),
        (
            "strata/soci:1.0".into(),
            "index",
            &["linux/amd64"],
            "index 1, manifest 1, config 1, artifact 1, layer 3",
        ),
        (
            "strata/unknown-kind:1.0".into(),
            "artifact",
            &[],
            "artifact 1",
        ),
        (signature_tag, "artifact", &[], "artifact 1"),
        (attestation_tag, "artifact", &[], "artifact 1"),
    ];
    let browser = Browser::start().await;
    for (name, root_kind, platforms, expected_tally) in cases {
        browser
            .open(&proxy.url(&format!("/inspect/demo.invalid/{name}")))
            .await;
        browser.wait_for_tree().await;
        let nodes = browser.nodes().await;
        assert_eq!(browser.alert().await, None, "{name}: {nodes:?}");
        let (kind, digest, verify) = &nodes[0];
        assert_eq!(
            (kind.as_str(), verify.as_str()),
            (root_kind, "verified"),
            "{name}"
        );
        assert_eq!(
            digest,
            &layout.root_digest(&name),
            "{name}: the root carries the digest the registry vouched for"
        );
        for (kind, digest, verify) in &nodes {
            assert!(KINDS.contains(&kind.as_str()), "{name}: data-kind {kind:?}");
            assert!(
                VERIFY.contains(&verify.as_str()),
                "{name}: data-verify {verify:?}"
            );
            assert!(
                digest.starts_with("sha256:") && digest.len() == 71,
                "{name}: data-digest {digest:?}"
            );
            if kind != "layer" {
                assert_ne!(verify, "mismatch", "{name}: {kind} {digest}");
            }
        }
        // What the tree fetched verified; layers are read only by the files view.
        let mut tally: Vec<(&str, usize)> = Vec::new();
        for kind in KINDS {
            let of_kind: Vec<&str> = nodes
                .iter()
                .filter(|(shown, _, _)| shown == kind)
                .map(|(_, _, verify)| verify.as_str())
                .collect();
            let expected = if kind == "layer" {
                "not-fetched"
            } else {
                "verified"
            };
            assert!(
                of_kind.iter().all(|verify| *verify == expected),
                "{name}: every {kind} is {expected}: {nodes:?}"
            );
            if !of_kind.is_empty() {
                tally.push((kind, of_kind.len()));
            }
        }
        let mut expected_tally: Vec<(&str, usize)> = expected_tally
            .split(", ")
            .map(|part| {
                let (kind, count) = part.split_once(' ').expect("`kind count`");
                (kind, count.parse().expect("a count"))
            })
            .collect();
        tally.sort();
        expected_tally.sort();
        assert_eq!(tally, expected_tally, "{name}: {nodes:?}");
        let shown: Vec<String> = browser
            .platforms()
            .await
            .into_iter()
            .map(|(platform, _)| platform)
            .collect();
        assert_eq!(shown, platforms, "{name}");
    }
    browser.close().await;
}

#[tokio::test]
async fn cosign_tags_are_found_and_point_back_to_their_subject() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let index = layout.root_digest("strata/multi-arch:1.0");
    let signature = layout.root_digest(&format!(
        "strata/multi-arch:{}.sig",
        index.replace(':', "-")
    ));
    let attestation = layout.root_digest(&format!(
        "strata/multi-arch:{}.att",
        index.replace(':', "-")
    ));
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    browser.wait_for_tree().await;
    let found = browser
        .eval("return Array.from(document.querySelectorAll('.cosign [data-kind]')).map(e => e.dataset.digest + ' ' + e.dataset.verify);")
        .await;
    let found: Vec<String> = serde_json::from_value(found).expect("strings");
    assert_eq!(
        found,
        [
            format!("{signature} verified"),
            format!("{attestation} verified")
        ]
    );
    let text = browser
        .eval("return document.querySelector('.cosign').textContent")
        .await;
    assert!(
        text.as_str().unwrap_or_default().contains(".sbom none"),
        "{text}"
    );

    browser
        .open(&proxy.url(&format!(
            "/inspect/demo.invalid/strata/multi-arch:{}.sig",
            index.replace(':', "-")
        )))
        .await;
    browser.wait_for_tree().await;
    let link = browser
        .eval("return document.querySelector('.cosign-subject a').getAttribute('href')")
        .await;
    assert_eq!(
        link.as_str(),
        Some(format!("/inspect/demo.invalid/strata/multi-arch@{index}").as_str())
    );
    browser.close().await;
}

#[tokio::test]
async fn tags_are_listed_filtered_and_cosign_tags_hidden_by_default() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    browser
        .element(fantoccini::Locator::Css("details.tags > summary"))
        .await
        .click()
        .await
        .expect("a click");
    let shown = "Array.from(document.querySelectorAll('.tag-list [data-tag]')).map(e => e.dataset.tag).join(' ')";
    browser
        .wait_for("the tags", &format!("return {shown} === '1.0 latest'"))
        .await;
    browser
        .element(fantoccini::Locator::Id("show-cosign"))
        .await
        .click()
        .await
        .expect("a click");
    browser
        .wait_for(
            "cosign tags",
            "return document.querySelectorAll('.tag-list [data-tag]').length === 4",
        )
        .await;
    browser
        .element(fantoccini::Locator::Id("tag-filter"))
        .await
        .send_keys("*.sig")
        .await
        .expect("typing");
    browser
        .wait_for("the filter", "return Array.from(document.querySelectorAll('.tag-list [data-tag]')).every(e => e.dataset.tag.endsWith('.sig')) && document.querySelectorAll('.tag-list [data-tag]').length === 1")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn an_artifacts_refers_to_link_opens_its_subject_verified() {
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/artifacts:report"))
        .await;
    browser.wait_for_tree().await;
    let subject = browser
        .eval("return document.querySelector('a.subject').textContent")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(subject.starts_with("sha256:"), "{subject:?}");
    browser.click("a.subject").await;
    browser
        .wait_for(
            "the subject's page",
            &format!("return location.pathname.endsWith('@{subject}')"),
        )
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    assert_eq!(
        nodes
            .first()
            .map(|(_, digest, verify)| (digest.as_str(), verify.as_str())),
        Some((subject.as_str(), "verified")),
        "{nodes:?}"
    );
    browser.close().await;
}
