//! The `Cache-Control` values the proxy answers with: what browsers and shared caches may keep, and for
//! how long.

/// Bytes that never change under their name: content the proxy checked against its digest, and the
/// front end's content-named files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Tag answers, lists, the front end's page and anything the proxy did not check: kept, but asked again
/// before each use.
pub const NO_CACHE: &str = "no-cache";
/// Bytes that do not match the digest they were asked by, and errors: never kept anywhere.
pub const NO_STORE: &str = "no-store";
