//! What container images are, with no I/O: references and their normalization, digests, media types,
//! manifests and indexes of every kind, platforms and how a machine picks one, image configs, and what
//! verifying bytes against a digest found. Pure functions of bytes and strings, for native and wasm32.

#![warn(missing_docs)]

pub mod artifact;
pub mod config;
pub mod digest;
pub mod finding;
pub mod manifest;
pub mod media_type;
pub mod node_kind;
pub mod platform;
pub mod reference;
pub mod registry_host;
pub mod schema1;
pub mod tag_table;
pub mod verification;
