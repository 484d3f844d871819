//! The lessons: the moved tag and its old build, the untagged manifest, and the tampered
//! index whose altered blobs are exactly the ones [`tampered::TAMPERED`] names.

use strata_image::registry_host::DEMO_PINNED_ANNOTATION;

use super::super::release::epoch_seconds;
use super::super::tampered::{Part, TAMPERED};
use super::*;

/// The `index.json` entry whose name starts with `prefix` and holds a digest.
fn untagged_root<'a>(layout: &'a Layout, prefix: &str) -> &'a Value {
    let found: Vec<&Value> = layout
        .roots()
        .iter()
        .filter(|root| {
            let name = root["annotations"][REF_NAME].as_str().unwrap();
            name.starts_with(prefix) && name.contains('@')
        })
        .collect();
    assert_eq!(found.len(), 1, "{prefix}");
    found[0]
}

/// The file's content in a gzip layer.
fn file_in_layer(layer: &[u8], path: &str) -> String {
    let tar = gunzip(layer);
    let mut archive = tar::Archive::new(tar.as_slice());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some(path) {
            let mut content = String::new();
            entry.read_to_string(&mut content).unwrap();
            return content;
        }
    }
    panic!("{path} is not in the layer")
}

#[test]
fn build_times_convert_to_the_layer_mtime() {
    assert_eq!(epoch_seconds(BUILD_CREATED).unwrap(), LAYER_MTIME);
    assert_eq!(
        epoch_seconds("2026-03-02T16:40:00Z").unwrap(),
        1_772_469_600
    );
    assert_eq!(epoch_seconds("1970-01-01T00:00:00Z").unwrap(), 0);
    for bad in [
        "2026-03-02",
        "2026-03-02T16:40:00+01:00",
        "yyyy-03-02T16:40:00Z",
    ] {
        assert!(epoch_seconds(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_moved_tag_names_the_second_build_and_the_first_stays_by_digest() {
    let layout = Layout::write("moved-tag");
    let second = layout.root("strata/moved-tag:stable");
    let first = untagged_root(&layout, "strata/moved-tag:stable@");
    let first_digest = first["digest"].as_str().unwrap();
    assert_ne!(second["digest"], first["digest"]);
    assert_eq!(
        first["annotations"][REF_NAME],
        format!("strata/moved-tag:stable@{first_digest}")
    );
    assert_eq!(
        first["annotations"][DEMO_PINNED_ANNOTATION],
        moved_tag::PINNED_AT
    );
    assert!(first["annotations"][DESCRIPTION_ANNOTATION].is_string());

    let [first, second] = [first, second].map(|root| layout.fetch_json(root));
    let [first_config, second_config] =
        [&first, &second].map(|manifest| layout.fetch_json(&manifest["config"]));
    let version =
        |config: &Value| config["config"]["Labels"]["org.opencontainers.image.version"].clone();
    assert_eq!(
        (version(&first_config), version(&second_config)),
        (json!("1.1"), json!("1.2"))
    );
    assert_eq!(first_config["config"]["Env"][1], "GREETING=hello");
    assert_eq!(second_config["config"]["Env"][1], "GREETING=bonjour");
    // The pinned time falls between the two builds.
    let created = |config: &Value| epoch_seconds(config["created"].as_str().unwrap()).unwrap();
    let pinned = epoch_seconds(moved_tag::PINNED_AT).unwrap();
    assert!(created(&first_config) < pinned && pinned < created(&second_config));

    // The base layer is shared; the application layers differ in a file.
    assert_eq!(first["layers"][0], second["layers"][0]);
    let message = |manifest: &Value| {
        file_in_layer(
            &layout.fetch(&manifest["layers"][1]),
            "usr/share/greet/message.txt",
        )
    };
    assert!(message(&first).starts_with("greet 1.1 (linux/amd64)"));
    assert!(message(&second).starts_with("greet 1.2 (linux/amd64)"));
}

#[test]
fn the_untagged_candidate_is_listed_by_digest_and_no_tag_names_it() {
    let layout = Layout::write("untagged");
    let candidate = untagged_root(&layout, "strata/untagged@");
    let digest = candidate["digest"].as_str().unwrap();
    assert_eq!(
        candidate["annotations"][REF_NAME],
        format!("strata/untagged@{digest}")
    );
    assert!(candidate["annotations"][DEMO_PINNED_ANNOTATION].is_null());
    let tagged: Vec<&Value> = layout
        .roots()
        .iter()
        .filter(|root| {
            root["digest"] == digest
                && !root["annotations"][REF_NAME]
                    .as_str()
                    .unwrap()
                    .contains('@')
        })
        .collect();
    assert!(tagged.is_empty(), "a tag names the candidate: {tagged:?}");
    assert_ne!(layout.root("strata/untagged:latest")["digest"], digest);
    let config = layout.fetch_json(&layout.fetch_json(candidate)["config"]);
    assert_eq!(
        config["config"]["Labels"]["org.opencontainers.image.version"],
        "1.3.0-rc.1"
    );
}

#[test]
fn exactly_the_named_parts_of_the_tampered_index_are_altered() {
    let layout = Layout::write("tampered");
    let index = layout.fetch_json(layout.root("strata/tampered:latest"));
    let mut named = BTreeSet::new();
    for entry in index["manifests"].as_array().unwrap() {
        let platform = &entry["platform"];
        let mut spec = format!("linux/{}", platform["architecture"].as_str().unwrap());
        if let Some(variant) = platform["variant"].as_str() {
            spec = format!("{spec}/{variant}");
        }
        let part = TAMPERED
            .iter()
            .find(|(tampered, _)| *tampered == spec)
            .map(|(_, part)| *part);
        let digest = entry["digest"].as_str().unwrap().to_owned();
        if part == Some(Part::Manifest) {
            let altered = read_json(&fetch_tampered(layout.path(), &digest));
            // A layer appended after the index was written.
            assert_eq!(altered["layers"].as_array().unwrap().len(), 3);
            named.insert(digest);
            continue;
        }
        let manifest = layout.fetch_json(entry);
        assert_eq!(manifest["layers"].as_array().unwrap().len(), 2);
        let config_digest = manifest["config"]["digest"].as_str().unwrap().to_owned();
        let layer_digest = manifest["layers"][1]["digest"].as_str().unwrap().to_owned();
        match part {
            Some(Part::Config) => {
                let altered = read_json(&fetch_tampered(layout.path(), &config_digest));
                assert_eq!(
                    altered["config"]["Env"].as_array().unwrap().last().unwrap(),
                    "HTTPS_PROXY=http://proxy.attacker.invalid:3128"
                );
                named.insert(config_digest);
            }
            Some(Part::AppLayer) => {
                let altered = fetch_tampered(layout.path(), &layer_digest);
                assert!(
                    file_in_layer(&altered, "usr/local/bin/greet").contains("attacker.invalid")
                );
                layout.fetch(&manifest["config"]);
                named.insert(layer_digest);
            }
            Some(Part::Manifest) | None => {
                layout.fetch(&manifest["config"]);
                layout.fetch(&manifest["layers"][1]);
            }
        }
    }
    assert_eq!(named.len(), TAMPERED.len());
    assert_eq!(named, layout.tampered);
}

#[test]
fn no_other_image_shares_a_tampered_blob() {
    let layout = Layout::write("tampered-alone");
    let mut verifier = Verifier {
        dir: layout.path(),
        seen: BTreeSet::new(),
        tampered: &layout.tampered,
    };
    for root in layout.roots() {
        if root["annotations"][REF_NAME] != "strata/tampered:latest" {
            verifier.verify_tree(root);
        }
    }
    assert!(verifier.seen.is_disjoint(&layout.tampered));
}
