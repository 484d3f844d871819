//! Fuzzes the readers of what an attestation or signature layer holds: in-toto statements, plain or in a
//! DSSE envelope, the SBOM or provenance predicate inside, cosign's simple-signing payloads, Sigstore
//! bundles, and a referrer's layer read as each kind of referrer. None may panic, and what they read must
//! hold together.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_image::manifest::Descriptor;
use strata_supply_chain::referrer_source::{self, ReferrerKind};
use strata_supply_chain::{dsse, provenance, sbom, sigstore_bundle, simple_signing, statement};

fuzz_target!(|data: &[u8]| {
    let _ = simple_signing::read(data);
    if let Ok(bundle) = sigstore_bundle::read(data) {
        let image = strata_image::digest::Digest::sha256_of(data);
        let _ = bundle.check_for_image(&image, &[]);
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
