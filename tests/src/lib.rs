//! The end-to-end harness: starts the real pieces — the distribution registry, Strata's proxy binary,
//! ChromeDriver with headless Chromium — on free loopback ports, and stops them when dropped.

pub mod accessibility;
pub mod attested_image;
pub mod browser;
pub mod cosign_signing;
pub mod demo_layout;
pub mod first_load;
pub mod image_layout;
pub mod image_push;
pub mod keyless_pki;
pub mod nginx;
pub mod portless_registry;
pub mod process_memory;
pub mod processes;
pub mod proxy;
pub mod referrers;
pub mod registry;
pub mod tampering_registry;
pub mod tar_builder;
pub mod token_issuer;

use std::path::PathBuf;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A program the tests need. Missing is a failure, never a skip: `cargo xtask test` installs it.
pub fn required_program(path: &str) -> PathBuf {
    let program = PathBuf::from(path);
    assert!(
        program.exists(),
        "{path} is missing: run `cargo xtask test`, which installs it (Debian packages chromium, chromium-driver, docker-registry, skopeo)"
    );
    program
}
