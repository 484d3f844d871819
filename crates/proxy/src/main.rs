//! `strata-proxy`: starts the proxy with flags like Docker's daemon settings.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use std::time::Duration;

use strata_proxy::listener::{self, ListenerLimits};
use strata_proxy::{AppState, InsecureRegistry, Settings, app};

/// Strata's proxy: serves the app and forwards the read-only registry API.
#[derive(Debug, Parser)]
#[command(version)]
struct Flags {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A registry reached over plain HTTP, even on a loopback or private address (repeatable).
    #[arg(long = "insecure-registry", value_name = "HOST[:PORT]")]
    insecure_registries: Vec<String>,
    /// A built front end to serve instead of the one embedded in the binary.
    #[arg(long, value_name = "DIR")]
    dist: Option<PathBuf>,
    /// Refuse every upstream connection: only the embedded demo registry answers.
    #[arg(long)]
    offline: bool,
    /// A Docker `config.json` whose credentials the proxy uses for private registries (never sent to the
    /// browser): its `auths`, and the credential helpers its `credHelpers` and `credsStore` name.
    #[arg(long, value_name = "PATH")]
    docker_config: Option<PathBuf>,
    /// An origin allowed to call the proxy from a page hosted elsewhere (CORS; repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    /// Bytes of content addressed by digest kept in memory.
    #[arg(long, default_value_t = 256 * 1024 * 1024)]
    cache_bytes: u64,
    /// The largest manifest forwarded.
    #[arg(long, default_value_t = 4 * 1024 * 1024)]
    max_manifest_bytes: u64,
    /// Registry requests handled at once, in all.
    #[arg(long, default_value_t = 256)]
    max_concurrent_requests: usize,
    /// Registry requests handled at once for one client address.
    #[arg(long, default_value_t = 32)]
    max_concurrent_per_client: usize,
    /// Seconds a manifest request may take upstream in all (challenge, token, redirects, body).
    #[arg(long, default_value_t = 30)]
    manifest_timeout_secs: u64,
    /// A name people reach the proxy by, as `HOST[:PORT]` in their `Host` header (repeatable). Requests
    /// naming any other host get 421. Required with an unspecified --listen address (0.0.0.0, ::).
    #[arg(long = "public-host", value_name = "HOST[:PORT]")]
    public_hosts: Vec<String>,
    /// Seconds a client has to send a request's headers (also the longest idle keep-alive).
    #[arg(long = "header-timeout", value_name = "SECONDS", default_value_t = 10)]
    header_timeout_secs: u64,
    /// Client connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// Seconds any upstream request may take until the registry's answer begins (challenge, token and
    /// redirects included).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    upstream_timeout: u64,
    /// Seconds any upstream request may take in all, body included.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    upstream_deadline: u64,
    /// The slowest upstream body accepted, in bytes per second over each 10 seconds spent waiting on the registry (a slow reader does not count).
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024)]
    min_upstream_rate: u64,
    /// An http:// or https:// proxy for every upstream connection. Without it, HTTP(S)_PROXY and friends
    /// in the environment are ignored; with it, the SSRF rules still apply to the registries named.
    #[arg(long, value_name = "URL")]
    upstream_proxy: Option<String>,
    /// A Sigstore trust root (`trusted_root.json`: Fulcio's CA certificates and Rekor's keys) the page
    /// checks keyless signatures against; served to the page as it is, read and used there.
    #[arg(long, value_name = "FILE")]
    sigstore_trust_root: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "strata_proxy=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let flags = Flags::parse();
    let settings = Settings {
        listen: flags.listen,
        insecure_registries: flags
            .insecure_registries
            .iter()
            .map(|r| InsecureRegistry::new(r))
            .collect(),
        dist: flags.dist,
        offline: flags.offline,
        docker_config: flags.docker_config,
        sigstore_trust_root: flags.sigstore_trust_root,
        allow_origins: flags.allow_origins,
        cache_bytes: flags.cache_bytes,
        max_manifest_bytes: flags.max_manifest_bytes,
        max_concurrent_requests: flags.max_concurrent_requests,
        max_concurrent_per_client: flags.max_concurrent_per_client,
        manifest_timeout_secs: flags.manifest_timeout_secs,
        public_hosts: flags.public_hosts,
        header_timeout_secs: flags.header_timeout_secs,
        max_connections: flags.max_connections,
        upstream_timeout_secs: flags.upstream_timeout,
        upstream_deadline_secs: flags.upstream_deadline,
        min_upstream_bytes_per_sec: flags.min_upstream_rate,
        upstream_proxy: flags.upstream_proxy,
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    let limits = ListenerLimits {
        header_timeout: Duration::from_secs(settings.header_timeout_secs.max(1)),
        max_connections: settings.max_connections,
    };
    let state = AppState::new(settings, address).context("cannot start the proxy")?;
    println!("Strata is listening on http://{address}");
    listener::serve(listener, app(state), limits, shutdown()).await;
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
