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
}

impl AppState {
    /// State for these settings, listening on `bound` (the address as bound, with its real port).
    pub fn new(settings: Settings, bound: SocketAddr) -> Result<Self, StartError> {
        if !front_end::is_available(settings.dist.as_deref()) {
            return Err(StartError::NoFrontEnd);
        }
        let settings = Arc::new(settings);
        Ok(AppState(Arc::new(Shared {
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
