//! What every request handler shares: settings, the upstream client, the demo registry, the content cache,
//! the limits and the names the proxy answers to.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::content_cache::ContentCache;
use crate::demo_registry::DemoRegistry;
use crate::error::StartError;
use crate::front_end;
use crate::host_allowlist::HostAllowlist;
use crate::limits::Limiter;
use crate::settings::Settings;
use crate::upstream::Upstream;

/// What every request handler shares: one reference-counted pointer, cloned for every request and every
/// middleware, so a clone is one atomic increment.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// Start-up settings.
    pub settings: Arc<Settings>,
    /// The client that reaches registries.
    pub upstream: Upstream,
    /// The embedded demo registry.
    pub demo: Arc<DemoRegistry>,
    /// Content addressed by digest, checked and kept in memory.
    pub cache: Arc<ContentCache>,
    /// Registry requests in flight, in all and per client.
    pub limiter: Limiter,
    /// The `Host` names the proxy answers to.
    pub hosts: Arc<HostAllowlist>,
    /// The Sigstore trust root's bytes, when the operator gave one.
    pub sigstore_trust_root: Option<Arc<Vec<u8>>>,
}

impl AppState {
    /// State for these settings, listening on `bound` (the address as bound, with its real port).
    pub fn new(settings: Settings, bound: SocketAddr) -> Result<Self, StartError> {
        if !front_end::is_available(settings.dist.as_deref()) {
            return Err(StartError::NoFrontEnd);
        }
        let sigstore_trust_root = match &settings.sigstore_trust_root {
            Some(path) => Some(Arc::new(read_trust_root(path)?)),
            None => None,
        };
        let settings = Arc::new(settings);
        Ok(AppState(Arc::new(Shared {
            sigstore_trust_root,
            hosts: Arc::new(HostAllowlist::new(bound, &settings.public_hosts)?),
            upstream: Upstream::new(&settings)?,
            cache: Arc::new(ContentCache::new(settings.cache_bytes)),
            limiter: Limiter::new(
                settings.max_concurrent_requests,
                settings.max_concurrent_per_client,
            ),
            settings,
            demo: Arc::new(DemoRegistry::embedded()),
        })))
    }
}

/// The trust root's bytes, once they read as a Sigstore trust root's JSON (the page checks the rest).
fn read_trust_root(path: &std::path::Path) -> Result<Vec<u8>, StartError> {
    let unusable = |why: String| StartError::TrustRoot(format!("{}: {why}", path.display()));
    let bytes = std::fs::read(path).map_err(|error| unusable(error.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|error| unusable(error.to_string()))?;
    let media_type = value.get("mediaType").and_then(serde_json::Value::as_str);
    if media_type != Some(strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE) {
        return Err(unusable(format!(
            "its mediaType is {media_type:?}, not a Sigstore trust root's"
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod trust_root_tests {
    use super::read_trust_root;

    #[test]
    fn a_trust_root_must_say_it_is_one() {
        let dir = std::env::temp_dir().join(format!("strata-trust-root-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let media_type = strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE;
        let cases = [
            (
                "a trust root",
                format!(r#"{{"mediaType":"{media_type}","tlogs":[]}}"#),
                true,
            ),
            ("not JSON", "trusted".to_owned(), false),
            (
                "another document",
                r#"{"mediaType":"application/json"}"#.to_owned(),
                false,
            ),
        ];
        for (case, text, usable) in cases {
            let file = dir.join("trusted_root.json");
            std::fs::write(&file, &text).expect("a temp file");
            assert_eq!(read_trust_root(&file).is_ok(), usable, "{case}");
        }
        assert!(read_trust_root(&dir.join("missing.json")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
