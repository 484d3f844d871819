//! An image's SBOMs and provenance read in the page, against the real registry: BuildKit's attestations
//! of the demo multi-arch image (an SPDX SBOM and a SLSA v0.2 provenance per platform) shown for the
//! platform the page shows, every statement hashed against its digest and its subject checked against
//! that platform's manifest; a statement about another manifest said loudly.

use serde_json::{Value, json};
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::image_push::push_blob;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_image::digest::Digest;

/// The digests of the index's platform manifests, by `os/arch[/variant]`.
fn platform_manifests(index: &Value) -> Vec<(String, String)> {
    index["manifests"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["platform"]["os"] != "unknown")
        .map(|entry| {
            let platform = &entry["platform"];
            let mut name = format!(
                "{}/{}",
                platform["os"].as_str().unwrap_or_default(),
                platform["architecture"].as_str().unwrap_or_default()
            );
            if let Some(variant) = platform["variant"].as_str() {
                name.push('/');
                name.push_str(variant);
            }
            (name, entry["digest"].as_str().expect("a digest").to_owned())
        })
        .collect()
}

/// Waits for the supply-chain section to have read every statement, and returns, per statement, its
/// `data-verify` and `data-subject`.
async fn statements(browser: &Browser) -> Vec<(String, String)> {
    browser
        .wait_for(
            "the statements read",
            "const all = [...document.querySelectorAll('.supply-chain .statement')]; \
             return all.length > 0 && all.every(s => s.dataset.verify !== 'pending')",
        )
        .await;
    let found = browser
        .eval(
            "return [...document.querySelectorAll('.supply-chain .statement')] \
               .map(s => [s.dataset.verify, s.dataset.subject])",
        )
        .await;
    serde_json::from_value(found).expect("pairs")
}

#[tokio::test]
async fn sboms_and_provenance_of_the_shown_platform_are_read_and_checked_in_the_page() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.2")
        .await;
    let index: Value = serde_json::from_slice(&layout.blob(&root).bytes).expect("the index");
    let platforms = platform_manifests(&index);
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let page = proxy.url(&format!("/inspect/{}/team/app:1.2", registry.authority));

    browser.open(&page).await;
    browser
        .wait_for(
            "the SBOM's packages",
            "return document.querySelector('.supply-chain [data-package^=\"musl@\"]') !== null",
        )
        .await;
    assert_eq!(
        statements(&browser).await,
        vec![("verified".to_owned(), "matches".to_owned()); 2],
        "an SBOM and a provenance, both verified and about this platform's manifest"
    );
    let shown = browser
        .eval("return document.querySelector('.supply-chain').dataset.subject")
        .await;
    assert_eq!(
        shown.as_str(),
        Some(platforms[0].1.as_str()),
        "the first platform's"
    );
    let facts = browser
        .eval(
            "const p = document.querySelector('.supply-chain .provenance'); \
             return [p.dataset.provenanceBuilder, p.dataset.provenanceSource, \
               [...document.querySelectorAll('.supply-chain a.material-image')].map(a => a.getAttribute('href'))]",
        )
        .await;
    assert_eq!(facts[0], "", "BuildKit names no builder");
    let source = facts[1].as_str().expect("a source");
    let (repository, commit) = source.rsplit_once('@').expect("repository@commit");
    assert_eq!(repository, "https://github.com/strata-demo/greet");
    assert!(
        commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "a full commit id: {source}"
    );
    assert!(
        facts[2][0]
            .as_str()
            .is_some_and(|href| href.starts_with("/inspect/alpine@sha256:")),
        "the base image links to its page by digest: {}",
        facts[2]
    );
    browser.screenshot("supply_chain").await;

    // Searching and sorting the packages happen in the page.
    let shown = "return [...document.querySelectorAll('.supply-chain tr[data-package]')].map(r => r.dataset.package)";
    let all: Vec<String> = serde_json::from_value(browser.eval(shown).await).expect("names");
    assert_eq!(
        all.len(),
        4,
        "the SBOM's packages, not the image it describes: {all:?}"
    );
    browser
        .element(fantoccini::Locator::Css(".supply-chain .package-search"))
        .await
        .send_keys("gpl")
        .await
        .expect("typing");
    browser
        .wait_for(
            "the search applied",
            "return document.querySelectorAll('.supply-chain tr[data-package]').length === 2",
        )
        .await;
    let found: Vec<String> = serde_json::from_value(browser.eval(shown).await).expect("names");
    assert!(
        found[0].starts_with("alpine-baselayout@") && found[1].starts_with("busybox@"),
        "{found:?}"
    );

    // Another platform's attestations, for the page showing it.
    let (arm, arm_manifest) = &platforms[1];
    browser.open(&format!("{page}?platform={arm}")).await;
    browser
        .wait_for(
            "the other platform's section",
            &format!(
                "return document.querySelector('.supply-chain')?.dataset.subject === '{arm_manifest}' \
                 && document.querySelector('.supply-chain [data-package^=\"busybox@\"]') !== null"
            ),
        )
        .await;

    // Taking the page over for files leaves one section, the full app's own.
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/app:1.2?platform={arm}&files=merged",
            registry.authority
        )))
        .await;
    browser
        .wait_for(
            "the files view and the supply chain",
            "return document.querySelector('.supply-chain [data-package^=\"musl@\"]') !== null \
             && document.querySelector('.files .hand-over') === null \
             && document.querySelectorAll('.supply-chain').length === 1",
        )
        .await;
    browser.close().await;
}

/// An attestation manifest for `subject` holding one SPDX statement about `about`.
fn attestation(subject: &str, about: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://spdx.dev/Document",
        "subject": [{"name": "pkg:docker/team/app@other", "digest": {"sha256": about.trim_start_matches("sha256:")}}],
        "predicate": {
            "spdxVersion": "SPDX-2.3",
            "SPDXID": "SPDXRef-DOCUMENT",
            "packages": [{"name": "openssl", "SPDXID": "SPDXRef-openssl", "versionInfo": "3.3.2-r0"}],
        },
    })
    .to_string()
    .into_bytes();
    let config = b"{}".to_vec();
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": Digest::sha256_of(&config).to_string(), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.in-toto+json",
                    "digest": Digest::sha256_of(&statement).to_string(), "size": statement.len(),
                    "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"}}],
        "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                        "vnd.docker.reference.digest": subject},
    })
    .to_string()
    .into_bytes();
    (statement, config, manifest)
}

#[tokio::test]
async fn a_statement_about_another_manifest_is_said_loudly() {
    let registry = Registry::start().await;
    let api = registry.api();
    let client = reqwest::Client::new();
    let layer = {
        let mut tar = strata_e2e::tar_builder::TarBuilder::default();
        tar.file("app", b"app\n");
        tar.finish()
    };
    let (config, platform_manifest) =
        strata_e2e::image_push::image_documents(std::slice::from_ref(&layer));
    push_blob(&client, &api, "team/app", &config).await;
    push_blob(&client, &api, "team/app", &layer.1).await;
    let subject = Digest::sha256_of(&platform_manifest).to_string();
    let put = |reference: String, media_type: &'static str, body: Vec<u8>| {
        let client = client.clone();
        let url = format!("{api}team/app/manifests/{reference}");
        async move {
            let answer = client
                .put(url)
                .header("content-type", media_type)
                .body(body)
                .send()
                .await
                .expect("a manifest is pushed");
            assert_eq!(answer.status().as_u16(), 201);
        }
    };
    put(
        subject.clone(),
        "application/vnd.oci.image.manifest.v1+json",
        platform_manifest.clone(),
    )
    .await;
    let elsewhere = Digest::sha256_of(b"another image").to_string();
    let (statement, empty, attestation_manifest) = attestation(&subject, &elsewhere);
    push_blob(&client, &api, "team/app", &statement).await;
    push_blob(&client, &api, "team/app", &empty).await;
    let attestation_digest = Digest::sha256_of(&attestation_manifest).to_string();
    put(
        attestation_digest.clone(),
        "application/vnd.oci.image.manifest.v1+json",
        attestation_manifest.clone(),
    )
    .await;
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": subject,
             "size": platform_manifest.len(), "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": attestation_digest,
             "size": attestation_manifest.len(), "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                             "vnd.docker.reference.digest": subject}},
        ],
    })
    .to_string()
    .into_bytes();
    put(
        "misattested".to_owned(),
        "application/vnd.oci.image.index.v1+json",
        index,
    )
    .await;

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/app:misattested",
            registry.authority
        )))
        .await;
    assert_eq!(
        statements(&browser).await,
        vec![("verified".to_owned(), "mismatch".to_owned())],
        "its bytes are what the manifest names; its subject is not this platform's manifest"
    );
    let finding = browser
        .eval("return document.querySelector('.supply-chain .subject-mismatch')?.textContent ?? ''")
        .await;
    let finding = finding.as_str().unwrap_or_default();
    assert!(
        finding.contains("not about this image")
            && finding.contains(&elsewhere)
            && finding.contains(&subject),
        "{finding}"
    );
    browser.close().await;
}
