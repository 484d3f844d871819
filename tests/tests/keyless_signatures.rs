//! Keyless cosign signatures checked in the page against the proxy's Sigstore trust root
//! (`--sigstore-trust-root`): the shared corpus's real Fulcio + Rekor signature (containers/image's
//! `dir-img-cosign-fulcio-rekor-valid`) is valid, naming who signed and the OIDC issuer; without a trust
//! root the page says it cannot check it. A signature made with one's own PKI (`dir-img-cosign-pki-valid`,
//! RSA certificates, no log) is valid against a trust root naming that PKI's CA. The registry is a
//! hand-made one: the fixtures' manifests name blobs nobody has, which a real registry refuses to store.
//! A keyless Sigstore bundle attached as an OCI 1.1 referrer (cosign v3), signed in the test with a CA
//! and a transparency log of its own, is checked in the page against the real registry: valid, naming
//! who signed; invalid when about another image or logged by a log the trust root does not name; not
//! checked without a trust root.

use std::collections::HashMap;

use serde_json::{Value, json};
use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_image::digest::Digest;
use strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE;
use strata_supply_chain::base64;
use strata_supply_chain::certificate_chain::Certificate;
use strata_supply_chain::public_key::PublicKey;

const REPOSITORY: &str = "cosign-signed/fulcio-rekor-1";
use strata_image::media_type::COSIGN_SIMPLE_SIGNING as SIMPLE_SIGNING;

fn answer(content_type: &str, body: &[u8], digest: Option<&str>) -> Answer {
    let mut headers = vec![("content-type".to_owned(), content_type.to_owned())];
    if let Some(digest) = digest {
        headers.push(("docker-content-digest".to_owned(), digest.to_owned()));
    }
    Answer {
        status: 200,
        headers,
        body: body.to_vec(),
    }
}

/// The fixture's image and its `.sig`, as a registry would serve them under `repository`; the image's
/// digest.
fn signed_image(fixture: &std::path::Path, repository: &str) -> (HashMap<String, Answer>, String) {
    let manifest = std::fs::read(fixture.join("manifest.json")).expect("the manifest");
    let image = Digest::sha256_of(&manifest).to_string();
    let manifest_type = serde_json::from_slice::<Value>(&manifest).expect("JSON")["mediaType"]
        .as_str()
        .expect("a media type")
        .to_owned();
    let stored = std::fs::read(fixture.join("signature-1")).expect("the signature");
    let stored: Value = serde_json::from_slice(
        stored
            .strip_prefix(b"\0sigstore-json\n")
            .expect("containers/image's sigstore-json form")
            .trim_ascii_end(),
    )
    .expect("JSON");
    let payload = base64::decode(stored["payload"].as_str().expect("a payload")).expect("base64");
    let config = b"{}".to_vec();
    let signature_manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": Digest::sha256_of(&config).to_string(), "size": config.len()},
        "layers": [{"mediaType": SIMPLE_SIGNING, "digest": Digest::sha256_of(&payload).to_string(),
                    "size": payload.len(), "annotations": stored["annotations"]}],
    })
    .to_string()
    .into_bytes();
    let signature_digest = Digest::sha256_of(&signature_manifest).to_string();
    let oci_manifest = "application/vnd.oci.image.manifest.v1+json";
    let at = |what: &str| format!("/v2/{repository}/{what}");
    let answers = HashMap::from([
        ("/v2/".to_owned(), answer("application/json", b"{}", None)),
        (
            at("manifests/latest"),
            answer(&manifest_type, &manifest, Some(&image)),
        ),
        (
            at(&format!("manifests/{image}")),
            answer(&manifest_type, &manifest, Some(&image)),
        ),
        (
            at(&format!("manifests/{}.sig", image.replace(':', "-"))),
            answer(oci_manifest, &signature_manifest, Some(&signature_digest)),
        ),
        (
            at(&format!("manifests/{signature_digest}")),
            answer(oci_manifest, &signature_manifest, Some(&signature_digest)),
        ),
        (
            at(&format!("blobs/{}", Digest::sha256_of(&payload))),
            answer("application/octet-stream", &payload, None),
        ),
    ]);
    (answers, image)
}

/// A Sigstore trust root naming Fulcio's public-good root and the Rekor key the fixture was logged with.
fn trust_root(keys: &std::path::Path) -> Vec<u8> {
    let root = Certificate::from_pem(
        &std::fs::read_to_string(keys.join("fulcio_v1.crt.pem")).expect("the Fulcio root"),
    )
    .expect("a certificate");
    let rekor = PublicKey::from_pem(
        &std::fs::read_to_string(keys.join("rekor.pub")).expect("the Rekor key"),
    )
    .expect("a key");
    json!({
        "mediaType": TRUST_ROOT_MEDIA_TYPE,
        "tlogs": [{"baseUrl": "https://rekor.sigstore.dev", "hashAlgorithm": "SHA2_256",
                   "publicKey": {"rawBytes": base64::encode(&rekor.der(), false),
                                 "keyDetails": "PKIX_ECDSA_P256_SHA_256"}}],
        "certificateAuthorities": [{"uri": "https://fulcio.sigstore.dev",
            "certChain": {"certificates": [{"rawBytes": base64::encode(root[0].der(), false)}]}}],
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn a_keyless_signature_is_checked_against_the_proxys_trust_root() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let signatures = corpus.join("signatures/containers-image");
    let (answers, image) = signed_image(
        &signatures.join("dir-img-cosign-fulcio-rekor-valid"),
        REPOSITORY,
    );
    let registry = TamperingRegistry::start(answers).await;
    let root_file =
        std::env::temp_dir().join(format!("strata-trusted-root-{}.json", std::process::id()));
    std::fs::write(&root_file, trust_root(&signatures.join("keys"))).expect("a temp file");
    let trusting = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--sigstore-trust-root",
        root_file.to_str().expect("a UTF-8 path"),
    ]);
    let browser = Browser::start().await;
    let page = format!("/inspect/{}/{REPOSITORY}:latest", registry.authority);

    let found = browser.signature_verdict(&trusting.url(&page)).await;
    assert_eq!(found.verdict, "valid", "{found:?}");
    assert_eq!(found.signed_digest, image, "{found:?}");
    assert!(
        found.signer.contains("mitr@redhat.com")
            && found.signer.contains("https://github.com/login/oauth"),
        "who signed and who vouched for them: {found:?}"
    );
    browser.screenshot("keyless_signature").await;

    // Without a trust root, the signature is there and cannot be checked.
    let bare = Proxy::start(&["--insecure-registry", &registry.authority]);
    let found = browser.signature_verdict(&bare.url(&page)).await;
    assert_eq!(found.verdict, "no-key", "{found:?}");
    assert!(found.text.contains("--sigstore-trust-root"), "{found:?}");
    browser.close().await;
    let _ = std::fs::remove_file(&root_file);
}

#[tokio::test]
async fn a_signature_of_ones_own_pki_is_checked_against_its_ca() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let signatures = corpus.join("signatures/containers-image");
    let (answers, image) = signed_image(&signatures.join("dir-img-cosign-pki-valid"), "test");
    let registry = TamperingRegistry::start(answers).await;
    let keys = signatures.join("keys");
    // A trust root naming the PKI's root CA and no transparency log, as BYO-PKI needs none.
    let trust_root_of = |root: &str| {
        let root =
            Certificate::from_pem(&std::fs::read_to_string(keys.join(root)).expect("a root"))
                .expect("a certificate");
        json!({
            "mediaType": TRUST_ROOT_MEDIA_TYPE,
            "certificateAuthorities": [{"certChain": {"certificates":
                [{"rawBytes": base64::encode(root[0].der(), false)}]}}],
        })
        .to_string()
    };
    let browser = Browser::start().await;
    let page = format!("/inspect/{}/test:latest", registry.authority);
    for (root, expected) in [
        ("pki_root_crts.pem", "valid"),
        ("fulcio_v1.crt.pem", "invalid"),
    ] {
        let root_file = std::env::temp_dir().join(format!(
            "strata-pki-root-{}-{root}.json",
            std::process::id()
        ));
        std::fs::write(&root_file, trust_root_of(root)).expect("a temp file");
        let proxy = Proxy::start(&[
            "--insecure-registry",
            &registry.authority,
            "--sigstore-trust-root",
            root_file.to_str().expect("a UTF-8 path"),
        ]);
        let found = browser.signature_verdict(&proxy.url(&page)).await;
        assert_eq!(found.verdict, expected, "with {root}: {found:?}");
        assert_eq!(found.signed_digest, image, "{found:?}");
        if expected == "valid" {
            assert!(
                found.signer.contains("qiwan@redhat.com")
                    && found.text.contains("no transparency log"),
                "who signed, and that no log recorded it: {found:?}"
            );
            browser.screenshot("pki_signature").await;
        }
        let _ = std::fs::remove_file(&root_file);
    }
    browser.close().await;
}

#[tokio::test]
async fn a_keyless_bundle_among_the_referrers_is_checked_against_the_trust_root() {
    use p256::ecdsa::SigningKey;
    use strata_e2e::image_push::push_image;
    use strata_e2e::keyless_pki::KeylessPki;
    use strata_e2e::referrers::{self, Referrer};
    use strata_e2e::registry::Registry;
    use strata_e2e::tar_builder::TarBuilder;

    use strata_image::media_type::SIGSTORE_BUNDLE_V03 as BUNDLE;
    let registry = Registry::start().await;
    let api = registry.api();
    let pki = KeylessPki::new("builder@example.test", "https://issuer.example.test");
    let unknown_log = SigningKey::from_slice(&[15; 32]).expect("a key");
    let layer = |text: &str| {
        let mut tar = TarBuilder::default();
        tar.file("app", text.as_bytes());
        tar.finish()
    };
    let elsewhere = push_image(&api, "team/app", "elsewhere", &[layer("elsewhere\n")]).await;
    // Each image and the bundle attached to it: about itself, or about another image; logged by the
    // trust root's log, or by another.
    let cases = [
        ("keyless", "valid"),
        ("about-another", "invalid"),
        ("unknown-log", "invalid"),
    ];
    let mut images = Vec::new();
    for (tag, expected) in cases {
        let image = push_image(&api, "team/app", tag, &[layer(&format!("{tag}\n"))]).await;
        let bundle = match tag {
            "keyless" => pki.bundle("team/app", &image, &pki.log_key),
            "about-another" => pki.bundle("team/app", &elsewhere, &pki.log_key),
            _ => pki.bundle("team/app", &image, &unknown_log),
        };
        let referrer = Referrer {
            artifact_type: BUNDLE,
            annotations: &[],
            layers: vec![(BUNDLE, bundle)],
        };
        referrers::attach(&api, "team/app", &image, &image, &referrer).await;
        images.push((tag, image, expected));
    }

    let trusting = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--sigstore-trust-root",
        pki.trust_root_file().to_str().expect("a UTF-8 path"),
    ]);
    let browser = Browser::start().await;
    for (tag, image, expected) in &images {
        let url = trusting.url(&format!("/inspect/{}/team/app:{tag}", registry.authority));
        let found = browser.signature_verdict(&url).await;
        assert_eq!(found.verdict, *expected, "{tag}: {found:?}");
        assert_eq!(&found.signed_digest, image, "{tag}: {found:?}");
        match *tag {
            "keyless" => {
                assert!(
                    found.signer.contains("builder@example.test")
                        && found.signer.contains("https://issuer.example.test"),
                    "who signed and who vouched for them: {found:?}"
                );
                assert!(
                    found.text.contains(" UTC)"),
                    "when the log recorded it: {found:?}"
                );
                browser.screenshot("keyless_bundle").await;
            }
            "about-another" => assert!(found.text.contains("another digest"), "{found:?}"),
            _ => assert!(found.text.contains("transparency log"), "{found:?}"),
        }
    }

    // Without a trust root, the bundle is there and cannot be checked.
    let bare = Proxy::start(&["--insecure-registry", &registry.authority]);
    let found = browser
        .signature_verdict(&bare.url(&format!("/inspect/{}/team/app:keyless", registry.authority)))
        .await;
    assert_eq!(found.verdict, "no-key", "{found:?}");
    assert!(found.text.contains("--sigstore-trust-root"), "{found:?}");
    browser.close().await;
}
