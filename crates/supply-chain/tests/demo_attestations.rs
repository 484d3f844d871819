//! Every attestation the demo registry carries (BuildKit's SPDX SBOMs and SLSA v0.2 provenance, plain;
//! cosign's SLSA v1 in a DSSE envelope) read back: each statement about a manifest of the layout, each
//! SBOM's packages and each provenance's source as the generator wrote them.

use std::collections::HashSet;

use strata_image::digest::Digest;
use strata_supply_chain::{provenance, sbom, statement};

#[test]
fn every_demo_attestation_reads_back() {
    let root =
        std::env::temp_dir().join(format!("strata-supply-chain-demo-{}", std::process::id()));
    strata_demo_registry::write_layout(&root).expect("the demo layout is written");
    let blobs = root.join("blobs/sha256");
    let names: HashSet<String> = std::fs::read_dir(&blobs)
        .expect("the blobs")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let (mut sboms, mut provenances, mut enveloped) = (0, 0, 0);
    for name in &names {
        let bytes = std::fs::read(blobs.join(name)).expect("a blob");
        let Ok(read) = statement::read(&bytes) else {
            continue;
        };
        let statement = read.statement;
        enveloped += usize::from(read.envelope.is_some());
        let about_the_layout = names.iter().any(|candidate| {
            Digest::parse(&format!("sha256:{candidate}")).is_ok_and(|d| statement.is_about(&d))
        });
        assert!(
            about_the_layout,
            "{name}: a statement about a document of the registry"
        );
        match statement.predicate_type.as_str() {
            sbom::SPDX_PREDICATE | sbom::CYCLONEDX_PREDICATE => {
                let read = sbom::read(&statement.predicate_type, &statement.predicate)
                    .unwrap_or_else(|error| panic!("{name}: {error}"));
                let listed: Vec<String> =
                    read.packages.iter().map(|p| p.name_at_version()).collect();
                assert!(
                    listed.iter().any(|p| p.starts_with("musl@1.2.5"))
                        && listed.iter().any(|p| p.starts_with("greet@")),
                    "{name}: {listed:?}"
                );
                assert_eq!(
                    read.packages.iter().filter(|p| p.described).count(),
                    1,
                    "{name}: the image itself, described once"
                );
                sboms += 1;
            }
            provenance::SLSA_V02 | provenance::SLSA_V1 => {
                let read = provenance::read(&statement.predicate_type, &statement.predicate)
                    .unwrap_or_else(|error| panic!("{name}: {error}"));
                let source = read.source.expect("the demo names its source").pinned();
                assert!(
                    source.starts_with("https://github.com/strata-demo/greet")
                        && source.contains('@'),
                    "{name}: {source}"
                );
                assert!(
                    read.materials.iter().any(|m| m.image_reference().is_some()),
                    "{name}: a base image, linkable by digest"
                );
                provenances += 1;
            }
            _ => {}
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        sboms >= 4,
        "an SBOM per platform of strata/multi-arch: {sboms}"
    );
    assert!(
        provenances >= 5,
        "a provenance per platform, and cosign's: {provenances}"
    );
    assert!(enveloped >= 1, "cosign's attestation, in a DSSE envelope");
}
