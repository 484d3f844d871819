//! What the proxy was told at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;

/// A registry reached over plain HTTP, even on a loopback or private address (`--insecure-registry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsecureRegistry {
    authority: String,
}

impl InsecureRegistry {
    /// `HOST[:PORT]`, as given on the command line (compared case-insensitively).
    pub fn new(authority: &str) -> Self {
        InsecureRegistry {
            authority: authority.trim().to_ascii_lowercase(),
        }
    }

    /// Whether this entry names exactly this `host[:port]`.
    pub fn matches(&self, authority: &str) -> bool {
        self.authority.eq_ignore_ascii_case(authority)
    }

    /// The host part, without port or IPv6 brackets.
    pub fn host(&self) -> &str {
        host_of(&self.authority)
    }
}

/// The host of a `host[:port]` authority, without IPv6 brackets.
pub fn host_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Start-up settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Registries reached over HTTP and allowed on non-public addresses.
    pub insecure_registries: Vec<InsecureRegistry>,
    /// The built front end, when not the one embedded in the binary.
    pub dist: Option<PathBuf>,
    /// Refuse every upstream connection: only the demo registry answers.
    pub offline: bool,
    /// A Docker `config.json` with credentials for private registries, used only server-side.
    pub docker_config: Option<PathBuf>,
    /// A Sigstore `trusted_root.json` served to the page (`--sigstore-trust-root`).
    pub sigstore_trust_root: Option<PathBuf>,
    /// Origins allowed to call the proxy from elsewhere (CORS).
    pub allow_origins: Vec<String>,
    /// Bytes of digest-addressed content kept in memory.
    pub cache_bytes: u64,
    /// The largest manifest forwarded.
    pub max_manifest_bytes: u64,
    /// Registry requests handled at once, in all.
    pub max_concurrent_requests: usize,
    /// Registry requests handled at once for one client address.
    pub max_concurrent_per_client: usize,
    /// Seconds a manifest request may take upstream in all: challenge, token, redirects and body.
    pub manifest_timeout_secs: u64,
    /// Names (`host[:port]`) the proxy answers to besides its listen address (`--public-host`).
    pub public_hosts: Vec<String>,
    /// Seconds a client has to send a request's headers; also how long an idle keep-alive connection stays.
    pub header_timeout_secs: u64,
    /// Client connections open at once; past it, new ones wait to be accepted.
    pub max_connections: usize,
    /// Seconds any upstream request may take until its answer's headers: challenge, token, redirects.
    pub upstream_timeout_secs: u64,
    /// Seconds any upstream request may take in all, body included.
    pub upstream_deadline_secs: u64,
    /// The slowest upstream body accepted, in bytes per second over each 10 seconds spent waiting on the registry (a slow reader does not count).
    pub min_upstream_bytes_per_sec: u64,
    /// An HTTP(S) proxy for every upstream connection (`--upstream-proxy`); the environment's are ignored.
    pub upstream_proxy: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            insecure_registries: Vec::new(),
            dist: None,
            offline: false,
            docker_config: None,
            sigstore_trust_root: None,
            allow_origins: Vec::new(),
            cache_bytes: 256 * 1024 * 1024,
            max_manifest_bytes: 4 * 1024 * 1024,
            max_concurrent_requests: 256,
            max_concurrent_per_client: 32,
            manifest_timeout_secs: 30,
            public_hosts: Vec::new(),
            header_timeout_secs: 10,
            max_connections: 1024,
            upstream_timeout_secs: 30,
            upstream_deadline_secs: 1800,
            min_upstream_bytes_per_sec: 10 * 1024,
            upstream_proxy: None,
        }
    }
}

impl Settings {
    /// Whether `authority` was named by `--insecure-registry`.
    pub fn is_insecure(&self, authority: &str) -> bool {
        self.insecure_registries
            .iter()
            .any(|registry| registry.matches(authority))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_authorities() {
        for (authority, host) in [
            ("localhost:5000", "localhost"),
            ("[::1]:5000", "::1"),
            ("[::1]", "::1"),
            ("ghcr.io", "ghcr.io"),
        ] {
            assert_eq!(host_of(authority), host);
        }
        assert!(InsecureRegistry::new("LocalHost:5000").matches("localhost:5000"));
        assert!(!InsecureRegistry::new("localhost:5000").matches("localhost:5001"));
    }
}
