//! Cosign key-based signatures checked in the page, against the real registry: images signed here with
//! keys made here show `valid` with the right key (given in the address or pasted as PEM), `invalid`
//! with another key or for a signature over another digest, `no-key` without a key, `unsigned` without
//! a signature. An index signed recursively shows its shown platform's own signature too, a Sigstore
//! bundle attached as an OCI 1.1 referrer (cosign v3) is checked like a `.sig`, and an Ed25519 key checks
//! signatures as a P-256 one does.

use fantoccini::Locator;
use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::Signer as _;
use p256::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::json;
use strata_e2e::browser::Browser;
use strata_e2e::cosign_signing;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::referrers::{self, Referrer};
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;

fn base64(bytes: &[u8], url_safe: bool) -> String {
    strata_supply_chain::base64::encode(bytes, url_safe)
}

/// Signs `image` (its manifest digest `signed`) as `cosign sign --key` does: a simple-signing payload
/// pushed as the layer of a `sha256-<hex>.sig` manifest, the signature in its annotation.
async fn sign(api: &str, repository: &str, image: &str, signed: &str, key: &SigningKey) {
    sign_with(api, repository, image, signed, |payload| {
        let signature: p256::ecdsa::Signature = key.sign(payload);
        signature.to_der().as_bytes().to_vec()
    })
    .await;
}

/// [`sign`], the payload's signature made by `signature_of`.
async fn sign_with(
    api: &str,
    repository: &str,
    image: &str,
    signed: &str,
    signature_of: impl FnOnce(&[u8]) -> Vec<u8>,
) {
    let payload = cosign_signing::simple_signing_payload(
        &format!("registry.test/{repository}"),
        signed,
        serde_json::Value::Null,
    );
    let signature = signature_of(&payload);
    cosign_signing::push_signature_tag(api, repository, image, &[(payload, signature)]).await;
}

fn layer(text: &str) -> (Vec<u8>, Vec<u8>) {
    let mut tar = TarBuilder::default();
    tar.file("app", text.as_bytes());
    tar.finish()
}

async fn verdict(browser: &Browser, url: &str) -> (String, String) {
    let found = browser.signature_verdict(url).await;
    (found.verdict, found.signed_digest)
}

#[tokio::test]
async fn signatures_are_valid_invalid_no_key_or_unsigned_as_checked_in_the_page() {
    let registry = Registry::start().await;
    let api = registry.api();
    let ours = SigningKey::from_slice(&[7; 32]).expect("a key");
    let theirs = SigningKey::from_slice(&[9; 32]).expect("another key");
    let public = |key: &SigningKey| {
        key.verifying_key()
            .to_public_key_der()
            .expect("DER")
            .as_bytes()
            .to_vec()
    };
    let signed = push_image(&api, "team/app", "signed", &[layer("signed\n")]).await;
    sign(&api, "team/app", &signed, &signed, &ours).await;
    let elsewhere = push_image(&api, "team/app", "elsewhere", &[layer("elsewhere\n")]).await;
    sign(&api, "team/app", &elsewhere, &signed, &ours).await;
    push_image(&api, "team/app", "plain", &[layer("plain\n")]).await;

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let page = |tag: &str, key: Option<&SigningKey>| {
        let mut url = proxy.url(&format!("/inspect/{}/team/app:{tag}", registry.authority));
        if let Some(key) = key {
            url.push_str(&format!("?key={}", base64(&public(key), true)));
        }
        url
    };
    let cases = [
        (page("signed", Some(&ours)), ("valid", signed.as_str())),
        (page("signed", Some(&theirs)), ("invalid", signed.as_str())),
        (page("signed", None), ("no-key", signed.as_str())),
        (page("elsewhere", Some(&ours)), ("invalid", signed.as_str())),
        (page("plain", Some(&ours)), ("unsigned", "")),
        (page("plain", None), ("unsigned", "")),
    ];
    for (url, (expected, digest)) in cases {
        let (found, signed_digest) = verdict(&browser, &url).await;
        assert_eq!(found, expected, "{url}");
        if !digest.is_empty() {
            assert_eq!(signed_digest, digest, "{url}");
        }
    }
    let reason = browser
        .eval("return document.querySelector('.signature-check').textContent")
        .await;
    assert!(
        reason
            .as_str()
            .is_some_and(|text| text.contains("Not signed"))
    );

    // A key pasted as PEM goes into the address and checks the signature.
    browser.open(&page("signed", None)).await;
    browser
        .wait_for(
            "no key yet",
            "return document.querySelector('.signature-check')?.dataset.signature === 'no-key'",
        )
        .await;
    browser.click("details.public-key > summary").await;
    let pem = ours
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM");
    browser
        .element(Locator::Id("public-key"))
        .await
        .send_keys(&pem)
        .await
        .expect("typing");
    browser
        .wait_for(
            "the pasted key checks the signature",
            &format!(
                "return document.querySelector('.signature-check')?.dataset.signature === 'valid' \
                 && new URLSearchParams(location.search).get('key') === '{}'",
                base64(&public(&ours), true)
            ),
        )
        .await;
    browser.screenshot("signature_valid").await;
    browser.close().await;
}

#[tokio::test]
async fn the_shown_platform_s_own_signature_is_checked_with_the_key() {
    let registry = Registry::start().await;
    let api = registry.api();
    let ours = SigningKey::from_slice(&[7; 32]).expect("a key");
    let public = ours
        .verifying_key()
        .to_public_key_der()
        .expect("DER")
        .as_bytes()
        .to_vec();
    let recursive = strata_e2e::attested_image::push_attested_image(
        &api,
        "team/app",
        "recursive",
        layer("recursive\n"),
        &[],
    )
    .await;
    // `cosign sign --recursive`: the index and its platform manifest, each under its own tag.
    sign(&api, "team/app", &recursive.index, &recursive.index, &ours).await;
    sign(
        &api,
        "team/app",
        &recursive.platform_manifest,
        &recursive.platform_manifest,
        &ours,
    )
    .await;
    let top_only = strata_e2e::attested_image::push_attested_image(
        &api,
        "team/app",
        "top-only",
        layer("top\n"),
        &[],
    )
    .await;
    sign(&api, "team/app", &top_only.index, &top_only.index, &ours).await;

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    for (tag, platform_verdict, platform_digest) in [
        ("recursive", "valid", &recursive.platform_manifest),
        ("top-only", "unsigned", &top_only.platform_manifest),
    ] {
        browser
            .open(&proxy.url(&format!(
                "/inspect/{}/team/app:{tag}?key={}",
                registry.authority,
                base64(&public, true)
            )))
            .await;
        browser
            .wait_for(
                "both verdicts",
                "return document.querySelector('.signature-check[data-signature]') !== null \
                 && document.querySelector('[data-platform-signature]') !== null",
            )
            .await;
        let found = browser
            .eval(
                "const own = document.querySelector('[data-platform-signature]'); \
                 return [document.querySelector('.signature-check').dataset.signature, \
                   own.dataset.platformSignature, own.dataset.signedDigest, own.textContent]",
            )
            .await;
        assert_eq!(found[0], "valid", "{tag}: the index's signature: {found}");
        assert_eq!(
            found[1], platform_verdict,
            "{tag}: the platform's own: {found}"
        );
        assert_eq!(found[2], platform_digest.as_str(), "{tag}: {found}");
        assert!(
            found[3]
                .as_str()
                .is_some_and(|text| text.contains("linux/amd64")),
            "{tag}: {found}"
        );
    }
    browser.close().await;
}

/// Signs `image` as cosign v3 does: a Sigstore bundle (v0.3) whose DSSE envelope signs an in-toto
/// statement about the image, attached as an OCI 1.1 referrer; this registry has no referrers API, so
/// the referrer is listed under the referrers tag schema (`sha256-<hex>`), which the proxy reads.
async fn attach_bundle(api: &str, repository: &str, image: &str, key: &SigningKey) {
    use strata_image::media_type::IN_TOTO;
    use strata_image::media_type::SIGSTORE_BUNDLE_V03 as BUNDLE;
    let statement = referrers::cosign_signing_statement(repository, image);
    let pae = strata_supply_chain::dsse::pae(IN_TOTO, &statement);
    let signature: p256::ecdsa::Signature = key.sign(&pae);
    let bundle = json!({
        "mediaType": BUNDLE,
        "verificationMaterial": {"publicKey": {"hint": ""}, "tlogEntries": []},
        "dsseEnvelope": {
            "payload": base64(&statement, false),
            "payloadType": IN_TOTO,
            "signatures": [{"sig": base64(signature.to_der().as_bytes(), false), "keyid": ""}],
        },
    })
    .to_string()
    .into_bytes();
    let referrer = Referrer {
        artifact_type: BUNDLE,
        annotations: &[],
        layers: vec![(BUNDLE, bundle)],
    };
    referrers::attach(api, repository, image, image, &referrer).await;
}

#[tokio::test]
async fn a_sigstore_bundle_among_the_referrers_is_checked_with_the_key() {
    let registry = Registry::start().await;
    let api = registry.api();
    let ours = SigningKey::from_slice(&[7; 32]).expect("a key");
    let theirs = SigningKey::from_slice(&[9; 32]).expect("another key");
    let bundled = push_image(&api, "team/app", "bundled", &[layer("bundled\n")]).await;
    attach_bundle(&api, "team/app", &bundled, &ours).await;

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    for (key, expected) in [(&ours, "valid"), (&theirs, "invalid")] {
        let public = key
            .verifying_key()
            .to_public_key_der()
            .expect("DER")
            .as_bytes()
            .to_vec();
        let url = proxy.url(&format!(
            "/inspect/{}/team/app:bundled?key={}",
            registry.authority,
            base64(&public, true)
        ));
        let (found, signed_digest) = verdict(&browser, &url).await;
        assert_eq!(found, expected, "{url}");
        assert_eq!(signed_digest, bundled, "{url}");
    }
    browser.close().await;
}

#[tokio::test]
async fn an_ed25519_key_checks_signatures_too() {
    use ed25519_dalek::Signer as _;
    let registry = Registry::start().await;
    let api = registry.api();
    let ours = ed25519_dalek::SigningKey::from_bytes(&[11; 32]);
    let theirs = ed25519_dalek::SigningKey::from_bytes(&[12; 32]);
    let image = push_image(&api, "team/app", "edwards", &[layer("edwards\n")]).await;
    sign_with(&api, "team/app", &image, &image, |payload| {
        ours.sign(payload).to_bytes().to_vec()
    })
    .await;

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    for (key, expected) in [(&ours, "valid"), (&theirs, "invalid")] {
        // A SubjectPublicKeyInfo: the Ed25519 algorithm (1.3.101.112), then the key's 32 bytes.
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(key.verifying_key().as_bytes());
        let url = proxy.url(&format!(
            "/inspect/{}/team/app:edwards?key={}",
            registry.authority,
            base64(&der, true)
        ));
        let (found, signed_digest) = verdict(&browser, &url).await;
        assert_eq!(
            (found.as_str(), signed_digest.as_str()),
            (expected, image.as_str()),
            "{url}"
        );
    }
    browser.close().await;
}
