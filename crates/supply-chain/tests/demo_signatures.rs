//! The demo registry's cosign signatures checked with the key its `index.json` gives the signed demo
//! image: the multi-arch index's own signature is valid; the one attached to `strata/signed-elsewhere` is
//! a valid signature made for the index, so it is invalid there.

use std::collections::BTreeMap;

use serde_json::Value;
use strata_image::digest::Digest;
use strata_image::manifest::ImageManifest;
use strata_image::registry_host::{DEMO_COPIED_SIGNATURE, DEMO_COSIGN_KEY_ANNOTATION, DEMO_SIGNED};
use strata_supply_chain::cosign_signature::{self, LayerCheck, Verdict};
use strata_supply_chain::public_key::PublicKey;

use strata_image::artifact::REF_NAME_ANNOTATION as REF_NAME;

#[test]
fn the_demo_signatures_check_with_the_demo_key() {
    let root = std::env::temp_dir().join(format!("strata-demo-signatures-{}", std::process::id()));
    strata_demo_registry::write_layout(&root).expect("the demo layout is written");
    let index: Value =
        serde_json::from_slice(&std::fs::read(root.join("index.json")).expect("index.json"))
            .expect("JSON");
    let entries = index["manifests"].as_array().expect("entries");
    let entry = |name: &str| {
        entries
            .iter()
            .find(|entry| entry["annotations"][REF_NAME] == name)
            .unwrap_or_else(|| panic!("{name} in index.json"))
    };
    let blob = |digest: &str| {
        std::fs::read(
            root.join("blobs/sha256")
                .join(digest.trim_start_matches("sha256:")),
        )
        .expect("a blob")
    };
    let key = entry(DEMO_SIGNED)["annotations"][DEMO_COSIGN_KEY_ANNOTATION]
        .as_str()
        .expect("the signed demo image names the demo key");
    let key = PublicKey::from_address_value(key).expect("a P-256 key");
    let verdict = |name: &str| {
        let image = entry(name);
        let digest = Digest::parse(image["digest"].as_str().expect("a digest")).expect("a digest");
        let (repository, _) = name.split_once(':').expect("repository:tag");
        let signature_tag = format!("{repository}:{}.sig", digest.to_string().replace(':', "-"));
        let manifest: ImageManifest = serde_json::from_slice(&blob(
            entry(&signature_tag)["digest"].as_str().expect("a digest"),
        ))
        .expect("a signature manifest");
        let checks: Vec<LayerCheck> = cosign_signature::signature_layers(&manifest)
            .map(|layer| {
                let annotations: BTreeMap<String, String> = layer.annotations.clone();
                cosign_signature::check_layer(
                    &layer.media_type,
                    &blob(&layer.digest),
                    &annotations,
                    &digest,
                    std::slice::from_ref(&key),
                )
            })
            .collect();
        cosign_signature::verdict(&checks)
    };
    assert!(
        matches!(verdict(DEMO_SIGNED), Verdict::Valid(_)),
        "{:?}",
        verdict(DEMO_SIGNED)
    );
    match verdict(DEMO_COPIED_SIGNATURE) {
        Verdict::Invalid(reason) => assert!(reason.contains("sha256:"), "{reason}"),
        other => panic!("a signature made for another image: {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&root);
}
