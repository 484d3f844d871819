//! Fuzzes the readers of what an attestation or signature layer holds: in-toto statements, plain or in a
//! DSSE envelope, the SBOM or provenance predicate inside, cosign's simple-signing payloads, Sigstore
//! bundles (checked keyless too), transparency-log checkpoints and inclusion proofs, and a referrer's
//! layer read as each kind of referrer. None may panic, and what they read must
//! hold together.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_image::manifest::Descriptor;
use strata_supply_chain::referrer_source::{self, ReferrerKind};
use strata_supply_chain::trust_root::KeylessTrust;
use strata_supply_chain::{
    checkpoint, dsse, merkle_proof, provenance, sbom, sigstore_bundle, simple_signing, statement,
};

fuzz_target!(|data: &[u8]| {
    let _ = simple_signing::read(data);
    if let Ok(bundle) = sigstore_bundle::read(data) {
        let image = strata_image::digest::Digest::sha256_of(data);
        let _ = bundle.check_for_image(&image, &[]);
        let _ = bundle.check_keyless(&image, &KeylessTrust::default());
    }
    if let Ok(note) = std::str::from_utf8(data) {
        let _ = checkpoint::verify(note, &[]);
    }
    if let (Some(index), Some(size)) = (data.get(..8), data.get(8..16)) {
        let number = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
        let path: Vec<merkle_proof::TreeHash> = data[16..]
            .chunks_exact(32)
            .map(|chunk| chunk.try_into().unwrap_or_default())
            .collect();
        let _ = merkle_proof::root_from_inclusion(number(index), number(size), [0; 32], &path);
    }
    let subject = strata_image::digest::Digest::sha256_of(b"subject");
    for kind in [
        ReferrerKind::Sbom,
        ReferrerKind::Statements,
        ReferrerKind::Bundle,
    ] {
        let layer = Descriptor::default();
        if let Ok(Some(read)) = referrer_source::read_layer(
            kind,
            "application/vnd.cyclonedx+json",
            &layer,
            data,
            &subject,
            None,
        ) && kind == ReferrerKind::Sbom
        {
            assert_eq!(
                read.about_subject,
                Some(false),
                "its manifest names no subject"
            );
        }
    }
    if let Ok(envelope) = dsse::Envelope::parse(data) {
        assert!(envelope.signed_bytes().ends_with(&envelope.payload));
    }
    let Ok(read) = statement::read(data) else {
        return;
    };
    let statement = read.statement;
    if let Ok(sbom) = sbom::read(&statement.predicate_type, &statement.predicate) {
        for package in &sbom.packages {
            assert!(!package.name.is_empty());
            assert!(package.name_at_version().starts_with(&package.name));
        }
    }
    if let Ok(provenance) = provenance::read(&statement.predicate_type, &statement.predicate) {
        for material in &provenance.materials {
            if let Some(reference) = material.image_reference() {
                assert!(reference.contains("@sha256:"), "{reference}");
            }
        }
    }
});
