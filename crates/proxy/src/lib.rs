//! Strata's proxy: the only code that talks to registries. It forwards the read-only registry API to the
//! browser without touching the bytes, refuses to reach anything but public registries and the ones it was
//! told to trust, serves the built front end, and carries an embedded demo registry.

mod api_dispatch;
mod api_root;
pub mod app;
pub mod cache_control;
mod catalog_route;
mod content_cache;
mod content_encoding;
mod cors;
mod credential_helper;
mod credentials;
mod demo_registry;
mod embedded_front_end;
mod error;
mod front_end;
mod host_allowlist;
mod limits;
mod list_page;
pub mod listener;
mod pagination;
mod referrers_route;
mod registry_path;
mod registry_route;
mod relay;
mod security_headers;
mod settings;
mod ssrf_guard;
mod state;
mod tags_route;
mod token_cache;
mod upstream;
mod upstream_body;
mod upstream_trace;

pub use app::app;
pub use error::StartError;
pub use settings::{InsecureRegistry, Settings};
pub use state::AppState;
