//! The tag table and the catalog, against the real registry: each tag's digest, platforms, size and build
//! time, tags naming one image grouped, the orders, and a registry's repositories page by page, or a plain
//! explanation when the registry keeps its catalog closed.

use std::collections::{BTreeMap, HashMap};

use fantoccini::Locator;
use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::image_push::{image_documents, push_image, tag_again};
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_e2e::tar_builder::TarBuilder;

/// What a row must carry, worked out here from the registry's own answers.
#[derive(Debug, PartialEq)]
struct Row {
    digest: String,
    platforms: String,
    size: String,
    created: Option<String>,
    same_as: Option<String>,
}

async fn registry_json(api: &str, path: &str) -> (Value, Option<String>) {
    let response = reqwest::Client::new()
        .get(format!("{api}{path}"))
        .header(
            "accept",
            "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
             application/vnd.docker.distribution.manifest.list.v2+json, \
             application/vnd.docker.distribution.manifest.v2+json",
        )
        .send()
        .await
        .expect("the registry answers");
    assert!(response.status().is_success(), "{path}");
    let digest = response
        .headers()
        .get("docker-content-digest")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (response.json().await.expect("JSON"), digest)
}

fn manifest_size(manifest: &Value) -> u64 {
    manifest["config"]["size"].as_u64().unwrap_or(0)
        + manifest["layers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|layer| layer["size"].as_u64().unwrap_or(0))
            .sum::<u64>()
}

fn platform_text(platform: &Value) -> String {
    let mut text = format!(
        "{}/{}",
        platform["os"].as_str().unwrap_or_default(),
        platform["architecture"].as_str().unwrap_or_default()
    );
    if let Some(variant) = platform["variant"].as_str().filter(|v| !v.is_empty()) {
        text.push('/');
        text.push_str(variant);
    }
    text
}

/// The row of `tag`, from the registry directly: platforms without attestations, the largest
/// platform's config and layers, its config's `created`.
async fn expected_row(api: &str, repository: &str, tag: &str) -> Row {
    let (root, digest) = registry_json(api, &format!("{repository}/manifests/{tag}")).await;
    let digest = digest.expect("the registry names the digest");
    let (platforms, manifest) = match root["manifests"].as_array() {
        Some(entries) => {
            let mut platforms: Vec<String> = Vec::new();
            let mut largest: Option<Value> = None;
            for entry in entries {
                let attestation = entry["annotations"]["vnd.docker.reference.type"]
                    == "attestation-manifest"
                    || entry["platform"]["os"] == "unknown";
                if attestation {
                    continue;
                }
                let text = platform_text(&entry["platform"]);
                if !platforms.contains(&text) {
                    platforms.push(text);
                }
                let entry_digest = entry["digest"].as_str().expect("a digest");
                let (manifest, _) =
                    registry_json(api, &format!("{repository}/manifests/{entry_digest}")).await;
                if largest
                    .as_ref()
                    .is_none_or(|known| manifest_size(&manifest) > manifest_size(known))
                {
                    largest = Some(manifest);
                }
            }
            (platforms, largest.expect("a platform"))
        }
        None => (Vec::new(), root),
    };
    let config_digest = manifest["config"]["digest"].as_str().expect("a config");
    let (config, _) = registry_json(api, &format!("{repository}/blobs/{config_digest}")).await;
    let platforms = if platforms.is_empty() {
        vec![format!(
            "{}/{}",
            config["os"].as_str().unwrap_or_default(),
            config["architecture"].as_str().unwrap_or_default()
        )]
    } else {
        platforms
    };
    Row {
        digest,
        platforms: platforms.join(","),
        size: manifest_size(&manifest).to_string(),
        created: config["created"].as_str().map(str::to_owned),
        same_as: None,
    }
}

/// Every rendered row, by tag, as the page shows it.
async fn shown_rows(browser: &Browser) -> BTreeMap<String, Row> {
    let rows = browser
        .eval(
            "return Array.from(document.querySelectorAll('.tag-table tr[data-tag]')).map(row => [
                row.dataset.tag, row.dataset.digest, row.dataset.platforms, row.dataset.size,
                row.getAttribute('data-created'), row.getAttribute('data-same-as')])",
        )
        .await;
    let text = |value: &Value| value.as_str().map(str::to_owned);
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            (
                text(&row[0]).expect("a tag"),
                Row {
                    digest: text(&row[1]).unwrap_or_default(),
                    platforms: text(&row[2]).unwrap_or_default(),
                    size: text(&row[3]).unwrap_or_default(),
                    created: text(&row[4]),
                    same_as: text(&row[5]),
                },
            )
        })
        .collect()
}

async fn tag_order(browser: &Browser) -> Vec<String> {
    serde_json::from_value(
        browser
            .eval("return Array.from(document.querySelectorAll('.tag-table tr[data-tag]')).map(row => row.dataset.tag)")
            .await,
    )
    .expect("tags")
}

async fn sort_by(browser: &Browser, order: &str) {
    browser
        .eval(&format!(
            "const select = document.getElementById('tag-sort'); select.value = {order:?}; \
             select.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"
        ))
        .await;
}

fn one_file_layer(name: &str, contents: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut tar = TarBuilder::default();
    tar.file(name, contents);
    tar.finish()
}

#[tokio::test]
async fn each_tag_shows_its_digest_platforms_size_and_build_time_and_same_images_are_grouped() {
    let registry = Registry::start().await;
    let api = registry.api();
    let layout = DemoLayout::open();
    let repository = "team/table";
    // An index with attestations under three tags, a single manifest under two, one without a date.
    for tag in ["1.0", "latest", "stable"] {
        layout
            .push("strata/multi-arch:1.0", &api, repository, tag)
            .await;
    }
    for tag in ["0.9", "0.9.1"] {
        layout
            .push("strata/single:1.0", &api, repository, tag)
            .await;
    }
    push_image(
        &api,
        repository,
        "0.10-alpine",
        &[one_file_layer("app", b"alpine flavour\n")],
    )
    .await;
    let mut expected = BTreeMap::new();
    for tag in ["0.10-alpine", "0.9", "0.9.1", "1.0", "latest", "stable"] {
        expected.insert(tag.to_owned(), expected_row(&api, repository, tag).await);
    }
    for (tag, first) in [("latest", "1.0"), ("stable", "1.0"), ("0.9.1", "0.9")] {
        expected.get_mut(tag).expect("a row").same_as = Some(first.to_owned());
    }
    assert!(
        expected["1.0"].platforms.contains(','),
        "the index has several platforms: {:?}",
        expected["1.0"]
    );
    assert!(expected["0.10-alpine"].created.is_none());

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/{repository}", registry.authority)))
        .await;
    browser
        .wait_for(
            "every row's details",
            "const rows = document.querySelectorAll('.tag-table tr[data-tag]'); \
             return rows.length === 6 && Array.from(rows).every(row => row.dataset.verify === 'verified' && row.dataset.size)",
        )
        .await;
    assert_eq!(shown_rows(&browser).await, expected);
    browser.screenshot("tag_table").await;
    assert_eq!(
        tag_order(&browser).await,
        ["0.10-alpine", "0.9", "0.9.1", "1.0", "latest", "stable"],
        "by name first, as the registry lists them"
    );

    sort_by(&browser, "version").await;
    browser
        .wait_for(
            "sorted by version",
            "return Array.from(document.querySelectorAll('.tag-table tr[data-tag]')).map(r => r.dataset.tag).join() \
             === '1.0,0.10-alpine,0.9.1,0.9,latest,stable'",
        )
        .await;
    assert!(
        browser
            .eval("return location.search")
            .await
            .as_str()
            .unwrap_or_default()
            .contains("tag-sort=version"),
        "the order is in the address"
    );
    sort_by(&browser, "size").await;
    let order = tag_order(&browser).await;
    let mut by_size: Vec<(u64, String)> = expected
        .iter()
        .map(|(tag, row)| (row.size.parse().expect("a size"), tag.clone()))
        .collect();
    by_size.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    assert_eq!(
        order,
        by_size.into_iter().map(|(_, tag)| tag).collect::<Vec<_>>()
    );

    browser
        .element(Locator::Id("tag-filter"))
        .await
        .send_keys("0.9*")
        .await
        .expect("typing");
    browser
        .wait_for(
            "the filter",
            "return Array.from(document.querySelectorAll('.tag-table tr[data-tag]')).map(r => r.dataset.tag).join() === '0.9,0.9.1'",
        )
        .await;
    // A click anywhere on a row opens that tag's tree.
    browser
        .click(".tag-table tr[data-tag='0.9.1'] td.tag-size")
        .await;
    browser
        .wait_for(
            "the tag's tree",
            &format!(
                "return location.pathname === '/inspect/{}/{repository}:0.9.1'",
                registry.authority
            ),
        )
        .await;
    browser.wait_for_tree().await;
    let root = browser.nodes().await.first().cloned().expect("a root");
    assert_eq!(root.1, expected["0.9.1"].digest);
    browser.close().await;
}

#[tokio::test]
async fn the_catalog_lists_a_registrys_repositories_page_by_page_and_each_opens_its_tags() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let names: Vec<String> = (0..105)
        .map(|n| format!("fleet/service-{n:03}"))
        .chain(["alpha/one".to_owned(), "beta/nested/deep/two".to_owned()])
        .collect();
    for name in &names {
        layout
            .push("strata/single:1.0", &registry.api(), name, "1.0")
            .await;
    }
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}", registry.authority)))
        .await;
    let listed = "return Array.from(document.querySelectorAll('.repository-list [data-repository]')).map(e => e.dataset.repository)";
    browser
        .wait_for(
            "the first page",
            "return document.querySelectorAll('.repository-list [data-repository]').length === 100",
        )
        .await;
    browser.click("button.more-repositories").await;
    browser
        .wait_for(
            "the second page",
            "return document.querySelectorAll('.repository-list [data-repository]').length === 107 \
             && document.querySelector('button.more-repositories') === null",
        )
        .await;
    let mut shown: Vec<String> = serde_json::from_value(browser.eval(listed).await).expect("names");
    shown.sort();
    let mut all = names.clone();
    all.sort();
    assert_eq!(shown, all);
    browser.screenshot("catalog").await;

    browser
        .element(Locator::Id("repository-filter"))
        .await
        .send_keys("*/nested/**")
        .await
        .expect("typing");
    browser
        .wait_for(
            "the filter",
            "return Array.from(document.querySelectorAll('.repository-list [data-repository]')).map(e => e.dataset.repository).join() === 'beta/nested/deep/two'",
        )
        .await;
    browser
        .click(".repository-list [data-repository='beta/nested/deep/two'] a")
        .await;
    browser
        .wait_for(
            "its tag table",
            "return document.querySelector('.tag-table tr[data-tag=\"1.0\"][data-verify=verified]') !== null",
        )
        .await;
    assert_eq!(
        browser.eval("return location.pathname").await,
        serde_json::json!(format!(
            "/inspect/{}/beta/nested/deep/two",
            registry.authority
        ))
    );
    browser.close().await;
}

#[tokio::test]
async fn a_closed_catalog_is_explained_and_a_repository_still_opens_by_name() {
    let registry = Registry::start_with_htpasswd("reader", "s3cret-catalog").await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    // A registry asking for credentials the proxy lacks; one the proxy does not ask (not the operator's).
    for (registry, why) in [
        (registry.authority.as_str(), "asks for credentials"),
        (
            "ghcr.io",
            "only of registries its operator named with --insecure-registry",
        ),
    ] {
        browser
            .open(&proxy.url(&format!("/inspect/{registry}")))
            .await;
        browser
            .wait_for(
                "a plain explanation",
                "const notice = document.querySelector('.catalog-refused'); \
                 return notice !== null && notice.textContent.includes('does not list its repositories') \
                 && document.querySelector('[role=alert]') === null",
            )
            .await;
        let text = browser
            .eval("return document.querySelector('.catalog-refused').textContent")
            .await;
        assert!(
            text.as_str().is_some_and(|text| text.contains(why)),
            "{registry}: {text}"
        );
    }
    browser.screenshot("catalog_refused").await;
    browser
        .element(Locator::Id("repository-name"))
        .await
        .send_keys("library/alpine")
        .await
        .expect("typing");
    browser.click(".repository-box button[type=submit]").await;
    browser
        .wait_for(
            "the repository's page",
            "return location.pathname === '/inspect/ghcr.io/library/alpine' && document.getElementById('tags') !== null",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_thousand_tags_render_near_the_view_and_only_rows_in_view_are_read() {
    let registry = Registry::start().await;
    let api = registry.api();
    let repository = "team/many";
    for image in 0..10 {
        let first = format!("t-{:04}", image * 100);
        push_image(
            &api,
            repository,
            &first,
            &[one_file_layer("app", format!("image {image}\n").as_bytes())],
        )
        .await;
        for copy in 1..100 {
            tag_again(
                &api,
                repository,
                &first,
                &format!("t-{:04}", image * 100 + copy),
            )
            .await;
        }
    }
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/{repository}", registry.authority)))
        .await;
    browser
        .wait_for(
            "the first rows read",
            "return document.querySelector('.tag-table tr[data-tag=\"t-0000\"][data-verify=verified]') !== null \
             && document.querySelector('.tag-count').textContent === '1000 tags'",
        )
        .await;
    browser
        .wait_for(
            "the reads to settle",
            "return document.querySelectorAll('.tag-table tr[data-verify=pending]').length === 0",
        )
        .await;
    let counts = browser
        .eval(
            "return [document.querySelectorAll('.tag-table tr[data-tag]').length, \
                     document.querySelectorAll('.tag-table tr[data-verify]').length, \
                     performance.getEntriesByType('resource').filter(e => e.name.includes('/team/many/manifests/t-')).length]",
        )
        .await;
    let (rendered, read, asked) = (
        counts[0].as_u64().expect("a count"),
        counts[1].as_u64().expect("a count"),
        counts[2].as_u64().expect("a count"),
    );
    assert!(rendered < 150, "{rendered} rows rendered of 1000");
    assert!((10..=40).contains(&read), "{read} rows read");
    assert!(asked <= 40, "{asked} tags asked for");
    assert_eq!(
        attribute_of(&browser, "t-0001", "data-same-as").await,
        "t-0000",
        "copies point at the first tag of their image"
    );

    browser
        .eval("const s = document.querySelector('.tag-scroll'); s.scrollTop = s.scrollHeight; return true")
        .await;
    browser
        .wait_for(
            "the last rows, once scrolled to",
            "return document.querySelector('.tag-table tr[data-tag=\"t-0999\"][data-verify=verified]') !== null",
        )
        .await;
    // Grouped among the tags read: another copy of the same image, first by name among those read.
    let first = attribute_of(&browser, "t-0999", "data-same-as").await;
    assert!(
        first.starts_with("t-09") && first.as_str() < "t-0999",
        "{first}"
    );
    assert_eq!(
        browser
            .eval("return document.querySelector('.tag-table tr[data-tag=\"t-0500\"]') === null")
            .await,
        Value::Bool(true),
        "rows far from the view are not rendered"
    );
    browser.close().await;
}

async fn attribute_of(browser: &Browser, tag: &str, name: &str) -> String {
    browser
        .eval(&format!(
            "const row = document.querySelector('.tag-table tr[data-tag=\"{tag}\"]'); \
             return row ? row.getAttribute('{name}') : null"
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A manifest answer as Docker Hub gives it: with its pull allowance.
fn counted_answer(content_type: &str, bytes: &[u8]) -> Answer {
    Answer {
        status: 200,
        headers: vec![
            ("content-type".into(), content_type.into()),
            (
                "docker-content-digest".into(),
                strata_image::digest::Digest::sha256_of(bytes).to_string(),
            ),
            ("ratelimit-limit".into(), "100;w=21600".into()),
            ("ratelimit-remaining".into(), "97;w=21600".into()),
        ],
        body: bytes.to_vec(),
    }
}

#[tokio::test]
async fn a_registry_that_counts_pulls_gets_head_requests_only_until_the_reader_asks_for_more() {
    use strata_image::media_type::OCI_MANIFEST as MANIFEST;
    let mut answers = HashMap::new();
    let mut digests = Vec::new();
    for tag in ["1.0", "2.0"] {
        let (config, manifest) =
            image_documents(&[one_file_layer("app", format!("{tag}\n").as_bytes())]);
        let digest = strata_image::digest::Digest::sha256_of(&manifest).to_string();
        for reference in [tag, digest.as_str()] {
            answers.insert(
                format!("/v2/library/app/manifests/{reference}"),
                counted_answer(MANIFEST, &manifest),
            );
        }
        answers.insert(
            format!(
                "/v2/library/app/blobs/{}",
                strata_image::digest::Digest::sha256_of(&config)
            ),
            Answer {
                status: 200,
                headers: vec![("content-type".into(), "application/octet-stream".into())],
                body: config,
            },
        );
        digests.push(digest);
    }
    answers.insert(
        "/v2/library/app/tags/list?n=100".to_owned(),
        Answer {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"name":"library/app","tags":["1.0","2.0"]}"#.to_vec(),
        },
    );
    let fixture = TamperingRegistry::start(answers).await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/library/app", fixture.authority)))
        .await;
    browser
        .wait_for(
            "each tag's digest, from a HEAD",
            &format!(
                "return document.querySelector('.tag-table tr[data-tag=\"1.0\"]')?.dataset.digest === '{}' \
                 && document.querySelector('.tag-table tr[data-tag=\"2.0\"]')?.dataset.digest === '{}' \
                 && (document.querySelector('.pull-allowance')?.textContent ?? '').includes('97 of 100 pulls left')",
                digests[0], digests[1]
            ),
        )
        .await;
    let by_digest_gets = |received: Vec<strata_e2e::tampering_registry::Received>| {
        received
            .into_iter()
            .filter(|request| {
                request.method == "GET" && request.target.contains("/manifests/sha256:")
            })
            .count()
    };
    assert_eq!(
        by_digest_gets(fixture.received()),
        0,
        "no manifest read, no pull counted"
    );
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('.tag-table tr[data-size]').length")
            .await,
        serde_json::json!(0)
    );

    browser.screenshot("tag_table_pulls").await;
    browser.click("#read-tag-details").await;
    browser
        .wait_for(
            "every detail, once asked for",
            "const rows = document.querySelectorAll('.tag-table tr[data-tag]'); \
             return rows.length === 2 && Array.from(rows).every(row => row.dataset.verify === 'verified' \
               && row.dataset.size && row.dataset.platforms === 'linux/amd64')",
        )
        .await;
    assert!(by_digest_gets(fixture.received()) >= 2);
    browser.close().await;
}
