//! What an image says about how it was made, with no I/O: in-toto statements, plain or in a DSSE
//! envelope (`statement`, `dsse`, `base64`), the packages an SBOM lists (`sbom`: SPDX 2.2/2.3 and
//! CycloneDX 1.4–1.6 JSON) and the builder, source and inputs a SLSA provenance names (`provenance`:
//! v0.2 and v1). Pure functions of bytes, for native and wasm32; the page decides what to trust.

#![warn(missing_docs)]

pub mod base64;
pub mod dsse;
pub mod provenance;
pub mod sbom;
pub mod statement;
