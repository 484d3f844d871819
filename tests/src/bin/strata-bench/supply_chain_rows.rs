//! An image's SBOM in the page: a 10,000-package SPDX statement fetched, hashed against its digest, read
//! and its first rows shown, then its package table scrolled to the end with a long-task observer
//! watching, beside core reading the same bytes natively; and 100 cosign signatures of one image
//! checked with a key in the page, beside core checking them natively.

use std::fmt::Write as _;
use std::time::Instant;

use serde_json::json;
use strata_e2e::attested_image::{platform_manifest_digest, push_attested_image, statement};
use strata_e2e::browser::Browser;
use strata_e2e::cosign_signing;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;
use strata_image::artifact::COSIGN_SIGNATURE_ANNOTATION;
use strata_image::digest::Digest;
use strata_supply_chain::attestation::{self, Predicate};
use strata_supply_chain::cosign_signature::{self, LayerCheck};
use strata_supply_chain::package_table::{self, PackageOrder};
use strata_supply_chain::public_key::PublicKey;
use strata_supply_chain::sbom::SPDX_PREDICATE;

const PACKAGES: usize = 10_000;
const SIGNATURES: usize = 100;
use strata_image::media_type::COSIGN_SIMPLE_SIGNING as SIMPLE_SIGNING;

/// Records when the signature's verdict is shown (the page's clock).
const VERDICT_WATCH: &str = "window.strataVerdict = null; \
    const shown = () => document.querySelector('.signature-check[data-signature=\"valid\"]') !== null; \
    const check = () => { if (window.strataVerdict === null && shown()) { \
      window.strataVerdict = performance.now(); watch.disconnect(); } }; \
    const watch = new MutationObserver(check); \
    watch.observe(document.documentElement, { subtree: true, childList: true, attributes: true }); \
    check(); return true;";
const RUNS: usize = 5;

/// Records when the package table holds all its packages and shows rows (the page's clock).
const SHOWN_WATCH: &str = "window.strataSbomShown = null; \
    const shown = () => { const count = document.querySelector('.supply-chain .package-count'); \
      return count !== null && count.textContent === '10000 packages' \
        && document.querySelector('.supply-chain tr[data-package]') !== null; }; \
    const check = () => { if (window.strataSbomShown === null && shown()) { \
      window.strataSbomShown = performance.now(); watch.disconnect(); } }; \
    const watch = new MutationObserver(check); \
    watch.observe(document.documentElement, { subtree: true, childList: true, characterData: true }); \
    check(); return true;";

/// Scrolls the package table to its end a screen at a time, one screen per frame, and answers the
/// longest task seen meanwhile and how many screens it took.
const SCROLL: &str = "const scroller = document.querySelector('.package-scroll'); \
    let longest = 0; \
    const observer = new PerformanceObserver(list => { \
      for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration); }); \
    observer.observe({ type: 'longtask' }); \
    let screens = 0; \
    const step = () => { \
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) { \
        setTimeout(() => { observer.disconnect(); done([longest, screens]); }, 200); return; } \
      scroller.scrollTop += scroller.clientHeight; screens += 1; requestAnimationFrame(step); }; \
    requestAnimationFrame(step);";

/// What the SBOM rows measured.
pub struct SupplyChainRows {
    statement_bytes: usize,
    /// From the statement's request to its rows shown.
    page_ms: f64,
    /// Of which the bytes' transfer.
    transfer_ms: f64,
    native_ms: f64,
    longest_task_ms: f64,
    screens: u64,
    /// 100 signatures checked natively, each payload hashed too.
    signatures_native_ms: f64,
    /// From the `.sig` manifest's request to the verdict shown.
    signatures_page_ms: f64,
}

/// Pushes `team/signed:many` and a `.sig` manifest of [`SIGNATURES`] signature layers, each a
/// simple-signing payload for it signed with `key`; returns the image's digest and each layer's
/// (payload, annotations).
async fn push_signed(
    api: &str,
    key: &p256::ecdsa::SigningKey,
) -> (
    Digest,
    Vec<(Vec<u8>, std::collections::BTreeMap<String, String>)>,
) {
    use p256::ecdsa::signature::Signer as _;
    let mut tar = TarBuilder::default();
    tar.file("app", b"signed many times\n");
    let image =
        strata_e2e::image_push::push_image(api, "team/signed", "many", &[tar.finish()]).await;
    let signatures: Vec<(Vec<u8>, Vec<u8>)> = (0..SIGNATURES)
        .map(|number| {
            let payload = cosign_signing::simple_signing_payload(
                "registry.test/team/signed",
                &image,
                json!({"signer": format!("build {number}")}),
            );
            let signature: p256::ecdsa::Signature = key.sign(&payload);
            (payload, signature.to_der().as_bytes().to_vec())
        })
        .collect();
    cosign_signing::push_signature_tag(api, "team/signed", &image, &signatures).await;
    let layers = signatures
        .into_iter()
        .map(|(payload, signature)| {
            let annotations = [(
                COSIGN_SIGNATURE_ANNOTATION.to_owned(),
                cosign_signing::annotation_value(&signature),
            )]
            .into_iter()
            .collect();
            (payload, annotations)
        })
        .collect();
    (Digest::parse(&image).expect("a digest"), layers)
}

/// An SPDX document of `PACKAGES` apk packages.
fn big_sbom() -> serde_json::Value {
    let packages: Vec<serde_json::Value> = (0..PACKAGES)
        .map(|number| {
            let name = format!("package-{number:05}");
            let version = format!("1.{}.{}-r{}", number % 97, number % 13, number % 7);
            json!({
                "name": name, "SPDXID": format!("SPDXRef-Package-{number}"), "versionInfo": version,
                "licenseDeclared": if number % 3 == 0 { "MIT" } else { "GPL-2.0-only" },
                "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                  "referenceLocator": format!("pkg:apk/alpine/{name}@{version}")}],
            })
        })
        .collect();
    json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": packages})
}

/// Measures the SBOM rows.
pub async fn measure(browser: &Browser) -> SupplyChainRows {
    let registry = Registry::start().await;
    let mut tar = TarBuilder::default();
    tar.file("app", b"app\n");
    let layer = tar.finish();
    let subject = platform_manifest_digest(&layer);
    let bytes = statement(SPDX_PREDICATE, big_sbom(), &subject);
    let pushed = push_attested_image(
        &registry.api(),
        "team/sbom",
        "big",
        layer,
        &[(SPDX_PREDICATE, bytes.clone())],
    )
    .await;
    assert_eq!(
        pushed.platform_manifest, subject,
        "the statement is about the image"
    );
    let statement_digest = pushed.statements[0].clone();

    let native_ms = crate::median(
        (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                assert_eq!(Digest::sha256_of(&bytes).to_string(), statement_digest);
                let read = attestation::read(&bytes, &Digest::parse(&subject).expect("a digest"))
                    .expect("the statement reads");
                let Predicate::Sbom(sbom) = &read.predicate else {
                    panic!("an SBOM");
                };
                let rows = package_table::arranged(&sbom.packages, "", PackageOrder::Name);
                assert_eq!(rows.len(), PACKAGES);
                crate::millis(started.elapsed())
            })
            .collect(),
    );

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let url = proxy.url(&format!("/inspect/{}/team/sbom:big", registry.authority));
    let mut page = Vec::new();
    let mut transfer = Vec::new();
    for _ in 0..RUNS {
        browser.open("about:blank").await;
        browser.clear_http_cache().await;
        browser.open(&url).await;
        browser.eval(SHOWN_WATCH).await;
        browser
            .wait_for("the SBOM's rows", "return window.strataSbomShown !== null")
            .await;
        let times = browser
            .eval(&format!(
                "const entry = performance.getEntriesByType('resource') \
                   .find(e => e.name.endsWith('/blobs/{statement_digest}')); \
                 return [window.strataSbomShown - entry.startTime, entry.responseEnd - entry.startTime]"
            ))
            .await;
        page.push(times[0].as_f64().expect("a time"));
        transfer.push(times[1].as_f64().expect("a time"));
    }
    let scrolled = browser.eval_async(SCROLL).await;

    let key = p256::ecdsa::SigningKey::from_slice(&[7; 32]).expect("a key");
    let (image, layers) = push_signed(&registry.api(), &key).await;
    let public = PublicKey::from_der(
        p256::pkcs8::EncodePublicKey::to_public_key_der(key.verifying_key())
            .expect("DER")
            .as_bytes(),
    )
    .expect("a key");
    let signatures_native_ms = crate::median(
        (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                let checks: Vec<LayerCheck> = layers
                    .iter()
                    .map(|(payload, annotations)| {
                        let _ = Digest::sha256_of(payload);
                        cosign_signature::check_layer(
                            SIMPLE_SIGNING,
                            payload,
                            annotations,
                            &image,
                            std::slice::from_ref(&public),
                        )
                    })
                    .collect();
                assert!(
                    checks
                        .iter()
                        .all(|check| matches!(check, LayerCheck::Valid(_)))
                );
                crate::millis(started.elapsed())
            })
            .collect(),
    );
    let signed_url = proxy.url(&format!(
        "/inspect/{}/team/signed:many?key={}",
        registry.authority,
        public.address_value()
    ));
    let signature_tag = format!("{}.sig", image.to_string().replace(':', "-"));
    let mut signatures_page = Vec::new();
    for _ in 0..RUNS {
        browser.open("about:blank").await;
        browser.clear_http_cache().await;
        browser.open(&signed_url).await;
        browser.eval(VERDICT_WATCH).await;
        browser
            .wait_for("the verdict", "return window.strataVerdict !== null")
            .await;
        let since_asked = browser
            .eval(&format!(
                "const entry = performance.getEntriesByType('resource') \
                   .find(e => e.name.endsWith('/manifests/{signature_tag}')); \
                 return window.strataVerdict - entry.startTime"
            ))
            .await;
        signatures_page.push(since_asked.as_f64().expect("a time"));
    }
    SupplyChainRows {
        signatures_native_ms,
        signatures_page_ms: crate::median(signatures_page),
        statement_bytes: bytes.len(),
        page_ms: crate::median(page),
        transfer_ms: crate::median(transfer),
        native_ms,
        longest_task_ms: scrolled[0].as_f64().expect("a time"),
        screens: scrolled[1].as_u64().expect("a count"),
    }
}

impl SupplyChainRows {
    /// The report's section.
    pub fn write(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "## Supply chain: an SBOM of {PACKAGES} packages, {SIGNATURES} signatures (`cargo xtask bench --only supply-chain`)\n\n\
             An image whose attestation holds one SPDX statement of {} bytes, pushed to a local \
             `docker-registry`; median of {RUNS} runs, nothing cached.\n",
            self.statement_bytes
        );
        let _ = writeln!(out, "| what | median | ratio to core natively |");
        let _ = writeln!(out, "|---|---:|---:|");
        let _ = writeln!(
            out,
            "| core natively (baseline): the bytes hashed, read as a statement and an SBOM, the packages sorted | {:.0} ms | 1.00× |",
            self.native_ms
        );
        let _ = writeln!(
            out,
            "| the page: from asking for the statement to its first rows shown (fetched through the proxy, hashed, read, sorted, rendered) | {:.0} ms | {:.2}× |",
            self.page_ms,
            self.page_ms / self.native_ms
        );
        let _ = writeln!(
            out,
            "| of which the transfer alone | {:.0} ms | {:.2}× |",
            self.transfer_ms,
            self.transfer_ms / self.native_ms
        );
        let _ = writeln!(
            out,
            "\nScrolling the table to its end, a screen per frame ({} screens): the longest task on the main \
             thread was {:.0} ms (0 means none reached the 50 ms a long task is). Past 300 rows the table \
             renders only the rows near the view.\n",
            self.screens, self.longest_task_ms
        );
        let _ = writeln!(
            out,
            "Where the page's time goes: the transfer is {:.0}% of it; the rest is WebAssembly reading the JSON into \
             a document tree, hashing it (SHA-256 runs several times slower in wasm than natively, first section) \
             and sorting the names, then one render of the first rows. The SBOM is read once, in the module with \
             every page; its order is kept between scrolls.\n",
            self.transfer_ms * 100.0 / self.page_ms
        );
        let _ = writeln!(
            out,
            "An image with {SIGNATURES} cosign signatures (one `.sig` manifest of {SIGNATURES} simple-signing layers), \
             opened with the key in the link; median of {RUNS} runs, nothing cached.\n"
        );
        let _ = writeln!(out, "| what | median | ratio to core natively |");
        let _ = writeln!(out, "|---|---:|---:|");
        let _ = writeln!(
            out,
            "| core natively (baseline): each payload hashed, each signature checked with the key | {:.0} ms | 1.00× |",
            self.signatures_native_ms
        );
        let _ = writeln!(
            out,
            "| the page: from asking for the `.sig` manifest to the verdict shown (every payload fetched through the proxy, hashed and checked in wasm) | {:.0} ms | {:.2}× |\n",
            self.signatures_page_ms,
            self.signatures_page_ms / self.signatures_native_ms
        );
        let _ = writeln!(
            out,
            "The baseline has the payloads in memory; the page asks for all {SIGNATURES} at once, and the browser \
             sends them six at a time (HTTP/1.1 to the proxy here), each through the proxy to the registry, then \
             hashes and checks each in WebAssembly.\n"
        );
    }
}
