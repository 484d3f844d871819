//! Where the proxy serves the Sigstore trust root its operator gave it (`--sigstore-trust-root FILE`, a
//! `trusted_root.json`), for the page to check keyless signatures against. The proxy only serves the file;
//! the page reads and uses it.

/// The path the page fetches the trust root from; 404 when the operator gave none.
pub const TRUST_ROOT_PATH: &str = "/sigstore/trusted-root.json";

/// The media type a trust root states, checked by the proxy at start-up.
pub const TRUST_ROOT_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
