//! Strata's understanding of container images, with no I/O: everything here is a pure function of bytes
//! and strings, so the browser, the proxy and the tests agree on what an image is.

pub mod artifact;
pub mod auth_challenge;
pub mod compare;
pub mod concept;
pub mod config;
pub mod digest;
pub mod equivalent_commands;
pub mod finding;
pub mod layer;
pub mod manifest;
pub mod media_type;
pub mod page_link;
pub mod path_glob;
pub mod platform;
pub mod pretty;
pub mod reference;
pub mod registry_error;
pub mod registry_header;
pub mod registry_host;
pub mod safe_link;
pub mod schema1;
pub mod share_link;
pub mod tag_list;
pub mod token_answer;
pub mod tour;
pub mod upstream_trace;
pub mod verification;
pub mod visible_text;
