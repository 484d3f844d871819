//! The shared corpus's real cosign signatures (containers/image's fixtures, stored in its `dir:` form):
//! each reaches the outcome containers/image's own tests assert, key-based signatures and Rekor entries
//! alike, Fulcio's certificate chain checked at the logged time, and a BYO-PKI (RSA) certificate chain
//! checked up to its own CA.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use strata_image::artifact::COSIGN_SIGNATURE_ANNOTATION;
use strata_image::digest::Digest;
use strata_supply_chain::cosign_signature::{self, LayerCheck};
use strata_supply_chain::public_key::PublicKey;
use strata_supply_chain::rekor_set::{self, BUNDLE_ANNOTATION, Signer};
use strata_supply_chain::{base64, simple_signing};

/// One `signature-N` file: `\0sigstore-json\n`, then the layer's media type, payload and annotations.
#[derive(Deserialize)]
struct StoredSignature {
    #[serde(rename = "mimeType")]
    mime_type: String,
    payload: String,
    annotations: BTreeMap<String, String>,
}

struct Layer {
    media_type: String,
    payload: Vec<u8>,
    annotations: BTreeMap<String, String>,
}

fn read_layer(path: &Path) -> Layer {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let json = bytes
        .strip_prefix(b"\0sigstore-json\n")
        .unwrap_or_else(|| panic!("{}: not the sigstore-json format", path.display()));
    let stored: StoredSignature = serde_json::from_slice(json.trim_ascii_end())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    Layer {
        media_type: stored.mime_type,
        payload: base64::decode(&stored.payload).expect("a base64 payload"),
        annotations: stored.annotations,
    }
}

fn key(dir: &Path, name: &str) -> PublicKey {
    let text = std::fs::read_to_string(dir.join("keys").join(name)).expect("a key file");
    PublicKey::from_pem(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn fixtures() -> Option<PathBuf> {
    Some(strata_test_corpus::corpus_dir()?.join("signatures/containers-image"))
}

/// Each fixture's layers checked against its manifest's digest with `keys`.
fn checks(dir: &Path, fixture: &str, keys: &[PublicKey]) -> Vec<LayerCheck> {
    let folder = dir.join(fixture);
    let manifest = std::fs::read(folder.join("manifest.json")).expect("the manifest");
    let image = Digest::sha256_of(&manifest);
    (1..)
        .map(|n| folder.join(format!("signature-{n}")))
        .take_while(|path| path.is_file())
        .map(|path| {
            let layer = read_layer(&path);
            cosign_signature::check_layer(
                &layer.media_type,
                &layer.payload,
                &layer.annotations,
                &image,
                keys,
            )
        })
        .collect()
}

fn verdict(dir: &Path, fixture: &str, keys: &[PublicKey]) -> &'static str {
    cosign_signature::verdict(&checks(dir, fixture, keys)).as_str()
}

#[test]
fn key_signed_images_reach_containers_images_outcomes() {
    let Some(dir) = fixtures() else {
        return;
    };
    let (cosign, cosign2, rekor) = (
        key(&dir, "cosign.pub"),
        key(&dir, "cosign2.pub"),
        key(&dir, "rekor.pub"),
    );
    for (fixture, keys, expected) in [
        ("dir-img-cosign-valid", vec![cosign.clone()], "valid"),
        (
            "dir-img-cosign-valid",
            vec![cosign2.clone(), cosign.clone()],
            "valid",
        ),
        ("dir-img-cosign-valid", vec![cosign2.clone()], "invalid"),
        ("dir-img-cosign-valid", vec![rekor.clone()], "invalid"),
        ("dir-img-cosign-valid", vec![], "no-key"),
        ("dir-img-cosign-valid-2", vec![cosign.clone()], "valid"),
        (
            "dir-img-cosign-valid-with-tag",
            vec![cosign.clone()],
            "valid",
        ),
        (
            "dir-img-cosign-key-rekor-valid",
            vec![cosign2.clone()],
            "valid",
        ),
        (
            "dir-img-cosign-key-rekor-valid",
            vec![cosign.clone()],
            "invalid",
        ),
        ("dir-img-cosign-mixed", vec![cosign.clone()], "valid"),
        (
            "dir-img-cosign-modified-manifest",
            vec![cosign.clone()],
            "invalid",
        ),
        (
            "dir-img-cosign-manifest-digest-error",
            vec![cosign.clone()],
            "invalid",
        ),
        (
            "dir-img-cosign-other-attachment",
            vec![cosign.clone()],
            "unsigned",
        ),
    ] {
        assert_eq!(
            verdict(&dir, fixture, &keys),
            expected,
            "{fixture} with {} keys",
            keys.len()
        );
    }
    // Both of valid-2's signatures verify on their own; mixed's first is by a key nobody has.
    assert!(
        checks(
            &dir,
            "dir-img-cosign-valid-2",
            std::slice::from_ref(&cosign)
        )
        .iter()
        .all(|c| matches!(c, LayerCheck::Valid(_)))
    );
    let mixed = checks(&dir, "dir-img-cosign-mixed", std::slice::from_ref(&cosign));
    assert!(
        matches!(&mixed[..], [LayerCheck::Invalid(_), LayerCheck::Valid(_)]),
        "{mixed:?}"
    );
    let modified = checks(
        &dir,
        "dir-img-cosign-modified-manifest",
        std::slice::from_ref(&cosign),
    );
    assert!(
        matches!(&modified[..], [LayerCheck::Invalid(reason)] if reason.contains("vouches for sha256:634a8f35")),
        "a genuine signature of another digest: {modified:?}"
    );
    let [LayerCheck::Valid(claim)] = &checks(&dir, "dir-img-cosign-valid-with-tag", &[cosign])[..]
    else {
        panic!("one valid signature");
    };
    assert_eq!(
        claim.docker_reference,
        "192.168.64.2:5000/skopeo-signed:tag"
    );
    assert_eq!(
        claim.creator.as_deref(),
        Some("containers/image 5.21.2-dev")
    );
    assert_eq!(claim.timestamp, Some(1_657_296_609));
}

#[test]
fn rekor_entries_are_checked_offline_against_the_logs_key() {
    let Some(dir) = fixtures() else {
        return;
    };
    let (cosign, cosign2, rekor) = (
        key(&dir, "cosign.pub"),
        key(&dir, "cosign2.pub"),
        key(&dir, "rekor.pub"),
    );
    let layer = read_layer(&dir.join("dir-img-cosign-key-rekor-valid/signature-1"));
    let signature =
        base64::decode(&layer.annotations[COSIGN_SIGNATURE_ANNOTATION]).expect("base64");
    let bundle = &layer.annotations[BUNDLE_ANNOTATION];
    let check = |log_keys: &[PublicKey], signer: &PublicKey, signature: &[u8]| {
        rekor_set::verify(
            bundle,
            log_keys,
            signature,
            Signer::Key(signer),
            &layer.payload,
        )
    };
    assert_eq!(
        check(std::slice::from_ref(&rekor), &cosign2, &signature),
        Ok(1_674_251_859)
    );
    assert_eq!(
        check(&[cosign.clone(), rekor.clone()], &cosign2, &signature),
        Ok(1_674_251_859)
    );
    assert!(
        check(std::slice::from_ref(&cosign), &cosign2, &signature).is_err(),
        "not the log's key"
    );
    assert!(
        check(std::slice::from_ref(&rekor), &cosign, &signature).is_err(),
        "another signer"
    );
    // Grafted onto another signature, the entry does not match.
    let other = read_layer(&dir.join("dir-img-cosign-valid/signature-1"));
    let other_signature =
        base64::decode(&other.annotations[COSIGN_SIGNATURE_ANNOTATION]).expect("base64");
    assert!(check(std::slice::from_ref(&rekor), &cosign2, &other_signature).is_err());

    // containers/image's standalone vector: a Fulcio certificate's entry.
    let testdata = dir.join("rekor-testdata");
    let read = |name: &str| std::fs::read(testdata.join(name)).expect("a test file");
    let certificate = pem_der(&read("rekor-cert"));
    let signature =
        base64::decode(std::str::from_utf8(&read("rekor-sig")).expect("text")).expect("base64");
    let bundle = String::from_utf8(read("rekor-set")).expect("text");
    let payload = read("rekor-payload");
    assert_eq!(
        rekor_set::verify(
            &bundle,
            std::slice::from_ref(&rekor),
            &signature,
            Signer::Certificate(&certificate),
            &payload
        ),
        Ok(1_670_870_899)
    );
    assert!(
        rekor_set::verify(
            "",
            std::slice::from_ref(&rekor),
            &signature,
            Signer::Certificate(&certificate),
            &payload
        )
        .is_err()
    );
    assert!(
        rekor_set::verify(
            "{}",
            &[rekor],
            &signature,
            Signer::Certificate(&certificate),
            &payload
        )
        .is_err()
    );
    let claim = simple_signing::read(&payload).expect("a claim");
    assert_eq!(
        claim.manifest_digest,
        "sha256:fa93b01658e3a5a1686dc3ae55f170d8de487006fb53a28efcd12ab0710a2e5f"
    );
}

/// The DER of a PEM certificate (what the test vector stores).
fn pem_der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).expect("PEM text");
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::decode(&body).expect("base64")
}

#[test]
fn fulcio_certificates_chain_to_the_root_at_the_time_they_were_logged() {
    use strata_supply_chain::certificate_chain::{self, Certificate};

    let Some(dir) = fixtures() else {
        return;
    };
    let read = |name: &str| {
        Certificate::from_pem(
            &std::fs::read_to_string(dir.join("keys").join(name)).expect("a certificate file"),
        )
        .unwrap_or_else(|error| panic!("{name}: {error}"))
    };
    let leaf = read("fulcio-cert").remove(0);
    let chain = read("fulcio-chain");
    let root = read("fulcio_v1.crt.pem");
    // containers/image adds every certificate of the chain but the last (the root) as intermediates.
    let intermediates = &chain[..chain.len() - 1];
    assert_eq!(leaf.identities(), ["mitr@redhat.com"]);
    assert_eq!(
        leaf.oidc_issuer().as_deref(),
        Some("https://github.com/login/oauth")
    );
    assert!(leaf.public_key().is_ok(), "a P-256 leaf");
    // `TestFulcioTrustRootVerifyFulcioCertificateAtTime`: the SET's time, the leaf's first and last
    // second, a second either side, and no intermediates while only the root is trusted.
    /// What it is, the intermediates, the trusted roots, when, and whether the chain holds.
    type Case<'a> = (&'a str, &'a [Certificate], &'a [Certificate], i64, bool);
    let cases: [Case<'_>; 7] = [
        (
            "at the logged time",
            intermediates,
            &root,
            1_670_870_899,
            true,
        ),
        (
            "at the leaf's first second",
            intermediates,
            &root,
            1_670_870_898,
            true,
        ),
        (
            "at its last second",
            intermediates,
            &root,
            1_670_871_498,
            true,
        ),
        (
            "a second before",
            intermediates,
            &root,
            1_670_870_897,
            false,
        ),
        ("a second after", intermediates, &root, 1_670_871_499, false),
        ("without the intermediate", &[], &root, 1_670_870_899, false),
        (
            "the chain trusted as the CA",
            &[],
            &chain,
            1_670_870_899,
            true,
        ),
    ];
    for (case, intermediates, roots, at, valid) in cases {
        let checked = certificate_chain::verify_chain(&leaf, intermediates, roots, at);
        assert_eq!(checked.is_ok(), valid, "{case}: {checked:?}");
    }
    // Another root does not do: the chain's intermediate is not one of its own.
    let other_root = read("pki_root_crts.pem");
    assert!(
        certificate_chain::verify_chain(&leaf, intermediates, &other_root, 1_670_870_899).is_err()
    );
    assert!(Certificate::from_pem("not PEM").is_err());
    assert!(Certificate::from_der(b"not DER").is_err());
}

#[test]
fn a_keyless_signature_is_valid_with_the_fulcio_root_and_the_rekor_key() {
    use strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE;
    use strata_supply_chain::certificate_chain::Certificate;
    use strata_supply_chain::keyless_signature::{self, CHAIN_ANNOTATION, KeylessCheck};
    use strata_supply_chain::trust_root::{KeylessTrust, TransparencyLog, Validity};

    let Some(dir) = fixtures() else {
        return;
    };
    let root = Certificate::from_pem(
        &std::fs::read_to_string(dir.join("keys/fulcio_v1.crt.pem")).expect("the root"),
    )
    .expect("a certificate");
    let folder = dir.join("dir-img-cosign-fulcio-rekor-valid");
    let image =
        Digest::sha256_of(&std::fs::read(folder.join("manifest.json")).expect("the manifest"));
    let layer = read_layer(&folder.join("signature-1"));
    let check = |annotations: &BTreeMap<String, String>, trust: &KeylessTrust| {
        keyless_signature::check_layer(
            &layer.media_type,
            &layer.payload,
            annotations,
            &image,
            trust,
        )
    };
    // As a Sigstore trust root names them: the Fulcio root and the Rekor key, base64 of their DER.
    let trusted_root = serde_json::json!({
        "mediaType": TRUST_ROOT_MEDIA_TYPE,
        "tlogs": [{"baseUrl": "https://rekor.sigstore.dev", "hashAlgorithm": "SHA2_256",
                   "publicKey": {"rawBytes": base64::encode(&key(&dir, "rekor.pub").der(), false),
                                 "keyDetails": "PKIX_ECDSA_P256_SHA_256"}}],
        "certificateAuthorities": [{"uri": "https://fulcio.sigstore.dev",
            "certChain": {"certificates": [{"rawBytes": base64::encode(root[0].der(), false)}]}}],
    });
    let trusted =
        KeylessTrust::from_trusted_root(trusted_root.to_string().as_bytes()).expect("a trust root");
    // containers/image's "Successful Fulcio certificate use", and its failures.
    match check(&layer.annotations, &trusted) {
        KeylessCheck::Valid(signer) => {
            assert_eq!(signer.identities, ["mitr@redhat.com"]);
            assert_eq!(
                signer.issuer.as_deref(),
                Some("https://github.com/login/oauth")
            );
            assert_eq!(signer.logged_at, 1_674_247_893);
            assert_eq!(
                signer.claim.docker_reference,
                "192.168.64.2:5000/cosign-signed/fulcio-rekor-1"
            );
        }
        other => panic!("valid with the Fulcio root and the Rekor key: {other:?}"),
    }
    let not_the_log = KeylessTrust {
        logs: vec![TransparencyLog::always(key(&dir, "cosign.pub"))],
        ..trusted.clone()
    };
    // The trust root's periods: the log's key and the CA each trusted only until 2020, before the
    // signature was logged (2023-01-20).
    let until_2020 = Validity {
        start: None,
        end: Some(1_577_836_800),
    };
    let log_retired = KeylessTrust {
        logs: vec![TransparencyLog {
            key: key(&dir, "rekor.pub"),
            valid: until_2020,
        }],
        ..trusted.clone()
    };
    let mut ca_retired = trusted.clone();
    ca_retired.authorities[0].valid = until_2020;
    for (case, trust) in [
        ("another log", &not_the_log),
        ("the log's key retired", &log_retired),
        ("the CA retired", &ca_retired),
    ] {
        assert!(
            matches!(check(&layer.annotations, trust), KeylessCheck::Invalid(_)),
            "{case}"
        );
    }
    let mut without_chain = layer.annotations.clone();
    without_chain.remove(CHAIN_ANNOTATION);
    assert!(matches!(
        check(&without_chain, &trusted),
        KeylessCheck::Invalid(_)
    ));
    let other_image = Digest::sha256_of(b"another manifest");
    assert!(matches!(
        keyless_signature::check_layer(
            &layer.media_type,
            &layer.payload,
            &layer.annotations,
            &other_image,
            &trusted
        ),
        KeylessCheck::Invalid(_)
    ));
    // A key-signed layer is not keyless.
    let keyed = read_layer(&dir.join("dir-img-cosign-valid/signature-1"));
    assert_eq!(
        keyless_signature::check_layer(
            &keyed.media_type,
            &keyed.payload,
            &keyed.annotations,
            &image,
            &trusted
        ),
        KeylessCheck::NotKeyless
    );
}

#[test]
fn trust_roots_without_a_ca_or_a_log_are_refused() {
    use strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE;
    use strata_supply_chain::trust_root::KeylessTrust;

    let cases = [
        ("not JSON", "trusted".to_owned()),
        ("another media type", serde_json::json!({"mediaType": "application/json"}).to_string()),
        ("nothing in it", serde_json::json!({"mediaType": TRUST_ROOT_MEDIA_TYPE}).to_string()),
        (
            "a certificate that is not one",
            serde_json::json!({"mediaType": TRUST_ROOT_MEDIA_TYPE, "certificateAuthorities":
                [{"certChain": {"certificates": [{"rawBytes": base64::encode(b"not DER", false)}]}}]})
            .to_string(),
        ),
    ];
    for (case, text) in cases {
        assert!(
            KeylessTrust::from_trusted_root(text.as_bytes()).is_err(),
            "{case}"
        );
    }
}

#[test]
fn a_signature_made_with_ones_own_pki_is_valid_up_to_its_ca() {
    use strata_supply_chain::certificate_chain::Certificate;
    use strata_supply_chain::keyless_signature::{self, KeylessCheck};

    let Some(dir) = fixtures() else {
        return;
    };
    let certificates = |name: &str| {
        Certificate::from_pem(
            &std::fs::read_to_string(dir.join("keys").join(name)).expect("a PEM file"),
        )
        .unwrap_or_else(|error| panic!("{name}: {error}"))
    };
    let (roots, intermediates) = (
        certificates("pki_root_crts.pem"),
        certificates("pki_intermediate_crts.pem"),
    );
    let folder = dir.join("dir-img-cosign-pki-valid");
    let image =
        Digest::sha256_of(&std::fs::read(folder.join("manifest.json")).expect("the manifest"));
    let layer = read_layer(&folder.join("signature-1"));
    // 2026-01-01, inside the certificates' validity (2024-10-01 to 2052-02-16).
    let now = 1_767_225_600;
    let check = |image: &Digest, roots: &[Certificate], intermediates: &[Certificate], at: i64| {
        keyless_signature::check_layer_with_ca(
            &layer.media_type,
            &layer.payload,
            &layer.annotations,
            image,
            roots,
            intermediates,
            at,
        )
    };
    // containers/image's "Successful PKI certificate use" (its RSA signature, wrapped base64 and all).
    match check(&image, &roots, &intermediates, now) {
        KeylessCheck::Valid(signer) => {
            assert!(
                signer
                    .identities
                    .iter()
                    .any(|named| named == "qiwan@redhat.com")
                    && signer
                        .identities
                        .iter()
                        .any(|named| named == "myhost.example.com"),
                "{:?}",
                signer.identities
            );
        }
        other => panic!("valid with the PKI's root: {other:?}"),
    }
    // The layer's own chain carries the intermediate: the configured one is not needed.
    assert!(matches!(
        check(&image, &roots, &[], now),
        KeylessCheck::Valid(_)
    ));
    let fulcio = certificates("fulcio_v1.crt.pem");
    for (case, found) in [
        ("another CA", check(&image, &fulcio, &intermediates, now)),
        (
            "after the certificates expired",
            check(&image, &roots, &intermediates, 2_000_000_000 * 2),
        ),
        (
            "another image",
            check(
                &Digest::sha256_of(b"another manifest"),
                &roots,
                &intermediates,
                now,
            ),
        ),
    ] {
        assert!(
            matches!(found, KeylessCheck::Invalid(_)),
            "{case}: {found:?}"
        );
    }
}

#[test]
fn rsa_keys_check_signatures_but_never_stand_for_a_transparency_log() {
    use strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE;
    use strata_supply_chain::certificate_chain::Certificate;
    use strata_supply_chain::trust_root::KeylessTrust;

    let Some(dir) = fixtures() else {
        return;
    };
    let rsa = key(&dir, "some-rsa-key.pub");
    assert!(!rsa.is_ecdsa());
    // The PKI leaf's RSA key verifies the fixture's payload signature (PKCS #1 v1.5, SHA-256).
    let layer = read_layer(&dir.join("dir-img-cosign-pki-valid/signature-1"));
    let leaf =
        Certificate::from_pem(&std::fs::read_to_string(dir.join("keys/pki-cert")).expect("a leaf"))
            .expect("a certificate")
            .remove(0)
            .public_key()
            .expect("an RSA key");
    let wrapped = &layer.annotations[COSIGN_SIGNATURE_ANNOTATION];
    let signature = base64::decode(&wrapped.replace(['\n', '\r'], "")).expect("base64");
    assert!(leaf.verifies(&layer.payload, &signature));
    assert!(!rsa.verifies(&layer.payload, &signature), "another RSA key");
    // containers/image refuses a Rekor key that is not ECDSA: a trust root naming only one has no log,
    // and a signature logged in Rekor is not valid with it.
    let fulcio = std::fs::read_to_string(dir.join("keys/fulcio_v1.crt.pem")).expect("a root");
    let root = Certificate::from_pem(&fulcio).expect("a certificate");
    let trusted_root = serde_json::json!({
        "mediaType": TRUST_ROOT_MEDIA_TYPE,
        "tlogs": [{"publicKey": {"rawBytes": base64::encode(&rsa.der(), false)}}],
        "certificateAuthorities": [{"certChain": {"certificates": [{"rawBytes": base64::encode(root[0].der(), false)}]}}],
    });
    let trusted =
        KeylessTrust::from_trusted_root(trusted_root.to_string().as_bytes()).expect("a trust root");
    assert!(trusted.logs.is_empty());
    let keyless = read_layer(&dir.join("dir-img-cosign-fulcio-rekor-valid/signature-1"));
    let image = Digest::sha256_of(
        &std::fs::read(dir.join("dir-img-cosign-fulcio-rekor-valid/manifest.json"))
            .expect("the manifest"),
    );
    assert!(matches!(
        strata_supply_chain::keyless_signature::check_layer(
            &keyless.media_type,
            &keyless.payload,
            &keyless.annotations,
            &image,
            &trusted
        ),
        strata_supply_chain::keyless_signature::KeylessCheck::Invalid(_)
    ));
}

/// containers/image's real Fulcio + Rekor signature, carried as a Sigstore bundle v0.1 would carry it
/// (its certificate and chain, its Rekor entry with the signed entry timestamp, a message signature):
/// the log's promise, the entry's body and the chain hold against the real Rekor key and Fulcio root, so
/// the check reaches the last step, where a message signature names no image. Any other log key, or a
/// body that records another signature, stops it at the log.
#[test]
fn a_real_rekor_entry_checks_in_a_bundle_as_in_a_signature_tag() {
    use sha2::{Digest as _, Sha256};
    use strata_supply_chain::certificate_chain::Certificate;
    use strata_supply_chain::sigstore_bundle::{self, BUNDLE_V01, BundleCheck};
    use strata_supply_chain::trust_root::{Authority, KeylessTrust, TransparencyLog, Validity};

    let Some(dir) = fixtures() else {
        return;
    };
    let layer = read_layer(&dir.join("dir-img-cosign-fulcio-rekor-valid/signature-1"));
    let image = Digest::sha256_of(
        &std::fs::read(dir.join("dir-img-cosign-fulcio-rekor-valid/manifest.json"))
            .expect("the manifest"),
    );
    let certificate = |text: &str| Certificate::from_pem(text).expect("PEM certificates");
    let leaf = certificate(&layer.annotations["dev.sigstore.cosign/certificate"]);
    let mut chain = certificate(&layer.annotations["dev.sigstore.cosign/chain"]);
    chain.pop();
    let rekor: serde_json::Value =
        serde_json::from_str(&layer.annotations[BUNDLE_ANNOTATION]).expect("the Rekor bundle");
    let payload = &rekor["Payload"];
    let log_id: Vec<u8> = (0..64)
        .step_by(2)
        .map(|at| u8::from_str_radix(&payload["logID"].as_str().unwrap()[at..at + 2], 16).unwrap())
        .collect();
    let signature = &layer.annotations[COSIGN_SIGNATURE_ANNOTATION];
    let bundle_with = |body: &str| {
        serde_json::json!({
            "mediaType": BUNDLE_V01,
            "verificationMaterial": {
                "x509CertificateChain": { "certificates": leaf.iter().chain(&chain)
                    .map(|certificate| serde_json::json!({ "rawBytes": base64::encode(certificate.der(), false) }))
                    .collect::<Vec<_>>() },
                "tlogEntries": [{
                    "logIndex": payload["logIndex"].to_string(),
                    "logId": { "keyId": base64::encode(&log_id, false) },
                    "kindVersion": { "kind": "hashedrekord", "version": "0.0.1" },
                    "integratedTime": payload["integratedTime"].to_string(),
                    "inclusionPromise": { "signedEntryTimestamp": rekor["SignedEntryTimestamp"] },
                    "canonicalizedBody": body,
                }],
            },
            "messageSignature": {
                "messageDigest": { "algorithm": "SHA2_256",
                                   "digest": base64::encode(&Sha256::digest(&layer.payload), false) },
                "signature": signature,
            },
        })
        .to_string()
    };
    let fulcio = Certificate::from_pem(
        &std::fs::read_to_string(dir.join("keys/fulcio_v1.crt.pem")).expect("the root"),
    )
    .expect("a certificate");
    let trust_with = |log: &str| KeylessTrust {
        authorities: vec![Authority {
            certificates: fulcio.clone(),
            valid: Validity::default(),
        }],
        logs: vec![TransparencyLog::always(key(&dir, log))],
    };
    let check = |bundle: &str, trust: &KeylessTrust| {
        sigstore_bundle::read(bundle.as_bytes())
            .expect("a bundle")
            .check_keyless(&image, trust)
    };
    let body = payload["body"].as_str().expect("a body");
    let reason = |found: BundleCheck| match found {
        BundleCheck::Invalid(why) => why,
        other => panic!("a message signature names no image: {other:?}"),
    };
    assert!(
        reason(check(&bundle_with(body), &trust_with("rekor.pub"))).contains("names no image"),
        "the real entry holds up to the image"
    );
    assert!(
        reason(check(&bundle_with(body), &trust_with("cosign.pub")))
            .contains("transparency-log entry"),
        "another log"
    );
    // The log's body re-encoded with another signature: the promise no longer covers it.
    let mut logged: serde_json::Value =
        serde_json::from_slice(&base64::decode(body).expect("base64")).expect("JSON");
    logged["spec"]["signature"]["content"] = serde_json::json!(base64::encode(b"another", false));
    let altered = base64::encode(logged.to_string().as_bytes(), false);
    assert!(
        reason(check(&bundle_with(&altered), &trust_with("rekor.pub")))
            .contains("signed entry timestamp"),
        "an altered body"
    );
}
