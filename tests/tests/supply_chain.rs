//! An image's SBOMs and provenance read in the page, against the real registry: BuildKit's attestations
//! of the demo multi-arch image (an SPDX SBOM and a SLSA v0.2 provenance per platform) shown for the
//! platform the page shows, every statement hashed against its digest and its subject checked against
//! that platform's manifest; a statement about another manifest said loudly.

use serde_json::{Value, json};
use strata_e2e::attested_image::{push_attested_image, statement};
use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;
use strata_image::digest::Digest;
use strata_supply_chain::sbom::SPDX_PREDICATE as SPDX;

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

#[tokio::test]
async fn a_statement_about_another_manifest_is_said_loudly() {
    let registry = Registry::start().await;
    let mut layer = TarBuilder::default();
    layer.file("app", b"app\n");
    let elsewhere = Digest::sha256_of(b"another image").to_string();
    let sbom = json!({
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "packages": [{"name": "openssl", "SPDXID": "SPDXRef-openssl", "versionInfo": "3.3.2-r0"}],
    });
    let pushed = push_attested_image(
        &registry.api(),
        "team/app",
        "misattested",
        layer.finish(),
        &[(SPDX, statement(SPDX, sbom, &elsewhere))],
    )
    .await;
    let subject = pushed.platform_manifest;

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

#[tokio::test]
async fn cosign_attestations_and_attached_sboms_are_read() {
    // The embedded demo registry carries cosign's `.att` for the multi-arch index (a SLSA v1 provenance
    // in a DSSE envelope, about the index), and a CycloneDX SBOM attached as it is to
    // strata/signed-elsewhere.
    let proxy = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/multi-arch:1.0"))
        .await;
    browser
        .wait_for(
            "cosign's attestation",
            "return [...document.querySelectorAll('.supply-chain .statement')] \
               .some(s => s.textContent.includes('cosign attestation') && s.dataset.verify === 'verified')",
        )
        .await;
    assert_eq!(
        statements(&browser).await,
        vec![("verified".to_owned(), "matches".to_owned()); 3],
        "BuildKit's SBOM and provenance about the platform's manifest, and cosign's attestation about the index"
    );
    let cosign = browser
        .eval(
            "const last = [...document.querySelectorAll('.supply-chain .statement')].pop(); \
             return [last.textContent.includes('DSSE envelope'), \
               last.querySelector('.provenance')?.dataset.provenanceBuilder ?? '', \
               last.querySelector('.provenance')?.dataset.provenanceSource ?? '']",
        )
        .await;
    assert_eq!(cosign[0], true, "{cosign}");
    assert!(
        cosign[1]
            .as_str()
            .is_some_and(|builder| builder.starts_with("https://")),
        "a CI builder names itself: {cosign}"
    );
    assert!(
        cosign[2]
            .as_str()
            .is_some_and(|source| source.contains('@')),
        "the source repository and commit: {cosign}"
    );
    browser.screenshot("supply_chain_cosign").await;

    browser
        .open(&proxy.url("/inspect/demo.invalid/strata/signed-elsewhere:1.0"))
        .await;
    browser
        .wait_for(
            "the attached SBOM's packages",
            "return document.querySelector('.supply-chain [data-package=\"zlib@1.3.1-r2\"]') !== null",
        )
        .await;
    assert_eq!(
        statements(&browser).await,
        vec![("verified".to_owned(), "none".to_owned())],
        "an SBOM attached as it is names no subject"
    );
    let sbom = browser
        .eval(
            "const sbom = document.querySelector('.supply-chain .statement'); \
             return [sbom.textContent.includes('CycloneDX 1.5') && sbom.textContent.includes('names no subject'), \
               sbom.querySelectorAll('tr[data-package]').length]",
        )
        .await;
    assert_eq!(sbom[0], true, "{sbom}");
    assert_eq!(
        sbom[1], 4,
        "its components, not the tool that wrote it: {sbom}"
    );
    browser.close().await;
}

/// An in-toto statement about `about`, in a Sigstore bundle (v0.3) whose DSSE envelope `key` signs.
fn attestation_bundle(statement: &[u8], key: &p256::ecdsa::SigningKey) -> Vec<u8> {
    use p256::ecdsa::signature::Signer as _;
    use strata_image::media_type::IN_TOTO;
    let encode = |bytes: &[u8]| strata_supply_chain::base64::encode(bytes, false);
    let signature: p256::ecdsa::Signature =
        key.sign(&strata_supply_chain::dsse::pae(IN_TOTO, statement));
    json!({
        "mediaType": strata_image::media_type::SIGSTORE_BUNDLE_V03,
        "verificationMaterial": {"publicKey": {"hint": ""}, "tlogEntries": []},
        "dsseEnvelope": {
            "payload": encode(statement),
            "payloadType": IN_TOTO,
            "signatures": [{"sig": encode(signature.to_der().as_bytes()), "keyid": ""}],
        },
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn sboms_statements_and_attestation_bundles_attached_as_referrers_are_read() {
    use strata_e2e::image_push::push_image;
    use strata_e2e::referrers::{self, Referrer};
    use strata_supply_chain::referrer_source::{
        BUNDLE_CONTENT_ANNOTATION as CONTENT, BUNDLE_PREDICATE_ANNOTATION as PREDICATE,
        SIGN_PREDICATE,
    };
    use strata_supply_chain::sbom::CYCLONEDX_PREDICATE as CYCLONEDX;
    const BUNDLE: &str = strata_image::media_type::SIGSTORE_BUNDLE_V03;
    use strata_supply_chain::provenance::SLSA_V1;

    let registry = Registry::start().await;
    let api = registry.api();
    let mut layer = TarBuilder::default();
    layer.file("app", b"referred\n");
    let image = push_image(&api, "team/app", "referred", &[layer.finish()]).await;
    let mut other = TarBuilder::default();
    other.file("app", b"another\n");
    let elsewhere = push_image(&api, "team/app", "other", &[other.finish()]).await;
    let key = p256::ecdsa::SigningKey::from_slice(&[5; 32]).expect("a key");

    let spdx = json!({
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "team/app",
        "packages": [
            {"name": "openssl", "SPDXID": "SPDXRef-openssl", "versionInfo": "3.3.2-r0"},
            {"name": "zlib", "SPDXID": "SPDXRef-zlib", "versionInfo": "1.3.1-r1"},
        ],
    })
    .to_string()
    .into_bytes();
    let sbom = Referrer {
        artifact_type: "application/spdx+json",
        annotations: &[],
        layers: vec![("application/spdx+json", spdx.clone())],
    };
    referrers::attach(&api, "team/app", &image, &image, &sbom).await;
    // Listed under this image, but its manifest names the other one.
    referrers::attach(&api, "team/app", &image, &elsewhere, &sbom).await;
    let provenance = statement(
        SLSA_V1,
        json!({
            "buildDefinition": {"buildType": "https://actions.github.io/buildtypes/workflow/v1",
                                "externalParameters": {}},
            "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}},
        }),
        &image,
    );
    let statements_referrer = Referrer {
        artifact_type: "application/vnd.in-toto+json",
        annotations: &[],
        layers: vec![("application/vnd.in-toto+json", provenance)],
    };
    referrers::attach(&api, "team/app", &image, &image, &statements_referrer).await;
    let cyclonedx = statement(
        CYCLONEDX,
        json!({"bomFormat": "CycloneDX", "specVersion": "1.5",
               "components": [{"type": "library", "name": "left-pad", "version": "1.3.0"}]}),
        &image,
    );
    let attested = Referrer {
        artifact_type: BUNDLE,
        annotations: &[(CONTENT, "dsse-envelope"), (PREDICATE, CYCLONEDX)],
        layers: vec![(BUNDLE, attestation_bundle(&cyclonedx, &key))],
    };
    referrers::attach(&api, "team/app", &image, &image, &attested).await;
    let signed = Referrer {
        artifact_type: BUNDLE,
        annotations: &[(CONTENT, "dsse-envelope"), (PREDICATE, SIGN_PREDICATE)],
        layers: vec![(
            BUNDLE,
            attestation_bundle(&statement(SIGN_PREDICATE, json!({}), &image), &key),
        )],
    };
    referrers::attach(&api, "team/app", &image, &image, &signed).await;

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let page = proxy.url(&format!(
        "/inspect/{}/team/app:referred",
        registry.authority
    ));
    browser.open(&page).await;
    browser
        .wait_for(
            "the referrers' packages",
            "return document.querySelector('.supply-chain [data-package=\"left-pad@1.3.0\"]') !== null",
        )
        .await;
    assert_eq!(
        statements(&browser).await,
        [
            ("verified", "matches"),
            ("verified", "mismatch"),
            ("verified", "matches"),
            ("verified", "matches"),
        ]
        .map(|(verify, subject)| (verify.to_owned(), subject.to_owned())),
        "two SBOMs attached as they are (one whose manifest names another image), a provenance and an \
         attestation bundle; the signing bundle is the signature's, not a statement"
    );
    let found = browser
        .eval(
            "return [[...document.querySelectorAll('.supply-chain tr[data-package]')].map(r => r.dataset.package), \
               document.querySelector('.supply-chain .provenance')?.dataset.provenanceBuilder, \
               document.querySelectorAll('.supply-chain .subject-mismatch').length, \
               document.querySelector('.supply-chain').textContent.includes('referrer')]",
        )
        .await;
    let packages: Vec<String> = serde_json::from_value(found[0].clone()).expect("names");
    for package in ["openssl@3.3.2-r0", "zlib@1.3.1-r1", "left-pad@1.3.0"] {
        assert!(
            packages.iter().any(|shown| shown == package),
            "{package} in {packages:?}"
        );
    }
    assert_eq!(found[1], "https://github.com/actions/runner/github-hosted");
    assert_eq!(
        found[2], 1,
        "the SBOM whose manifest names another image is said loudly"
    );
    assert_eq!(found[3], true, "where each statement came from is said");
    browser.screenshot("supply_chain_referrers").await;

    // Without a key, a bundle among the referrers makes the image signed but unchecked, not unsigned.
    let verdict = browser.signature_verdict(&page).await;
    assert_eq!(
        (verdict.verdict.as_str(), verdict.signed_digest.as_str()),
        ("no-key", image.as_str()),
        "{}",
        verdict.text
    );
    let bare = browser
        .signature_verdict(&proxy.url(&format!("/inspect/{}/team/app:other", registry.authority)))
        .await;
    assert_eq!(bare.verdict, "unsigned", "{}", bare.text);
    browser.close().await;
}
