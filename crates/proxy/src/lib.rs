//! Strata's proxy: the only code that talks to registries. It forwards the read-only registry API to the
//! browser without touching the bytes, refuses to reach anything but public registries and the ones it was
//! told to trust, serves the built front end, and carries an embedded demo registry.

pub mod app;
mod auth_challenge;
mod demo_registry;
mod error;
mod registry_route;
mod settings;
mod ssrf_guard;
mod upstream;

pub use app::{AppState, app};
pub use settings::{InsecureRegistry, Settings};
