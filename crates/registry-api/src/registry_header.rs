//! Header names of the registry API that Strata reads and passes on, spelled once for the proxy and the
//! page (HTTP header names are case-insensitive; these are the lowercase forms HTTP/2 and the `http` crate
//! use).

/// The digest a registry says its answer's bytes have (`Docker-Content-Digest`).
pub const DOCKER_CONTENT_DIGEST: &str = "docker-content-digest";
/// Docker Hub's pull quota, e.g. `100;w=21600`.
pub const RATELIMIT_LIMIT: &str = "ratelimit-limit";
/// Docker Hub's pulls left, e.g. `97;w=21600`.
pub const RATELIMIT_REMAINING: &str = "ratelimit-remaining";
/// Whom Docker Hub counts the pulls against (an address or an account).
pub const DOCKER_RATELIMIT_SOURCE: &str = "docker-ratelimit-source";
/// Where the next page of a list is (`<url>; rel="next"`), as RFC 8288 writes links.
pub const LINK: &str = "link";
