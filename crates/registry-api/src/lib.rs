//! The registry HTTP API's messages, defined once for the proxy that sends them and the page that reads
//! them: `WWW-Authenticate` challenges, token answers, the error envelope and its codes, header names,
//! tag lists, catalogs, and the trace of what the proxy asked upstream. Pure parsing and writing, no I/O.

#![warn(missing_docs)]

pub mod auth_challenge;
pub mod catalog_list;
pub mod registry_error;
pub mod registry_header;
pub mod sigstore_trust_root;
pub mod tag_list;
pub mod token_answer;
pub mod upstream_trace;
