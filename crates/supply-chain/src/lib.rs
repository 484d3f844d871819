//! What an image says about how it was made, with no I/O: in-toto statements, plain or in a DSSE
//! envelope (`statement`, `dsse`, `base64`), the packages an SBOM lists (`sbom`: SPDX 2.2/2.3 and
//! CycloneDX 1.4–1.6 JSON) and the builder, source and inputs a SLSA provenance names (`provenance`:
//! v0.2 and v1), one attestation read against the manifest it is attached to (`attestation`), an SBOM's
//! packages searched and sorted (`package_table`), Sigstore bundles v0.1 to v0.3 (`sigstore_bundle`), an image's verdict from them (`bundle_verdict`), and
//! their transparency-log entries (`log_entry`, `merkle_proof`, `checkpoint`), X.509 chains as keyless
//! signing uses them (`certificate_chain`), a Sigstore trust root (`trust_root`) and cosign's keyless
//! signatures checked against it (`keyless_signature`), and cosign's key-based signatures checked against a reader's public key
//! (`public_key`, `simple_signing`, `cosign_signature`), and the OCI 1.1 referrers that carry any of these
//! (`referrer_source`). Pure functions of bytes, for native and wasm32.

#![warn(missing_docs)]

pub mod attestation;
pub mod base64;
pub mod bundle_verdict;
pub mod certificate_chain;
pub mod checkpoint;
pub mod cosign_signature;
pub mod dsse;
pub mod keyless_signature;
pub mod log_entry;
pub mod merkle_proof;
pub mod package_table;
pub mod provenance;
pub mod public_key;
pub mod referrer_source;
pub mod rekor_set;
pub mod sbom;
pub mod sigstore_bundle;
pub mod simple_signing;
pub mod statement;
#[cfg(test)]
mod test_certificates;
pub mod trust_root;
