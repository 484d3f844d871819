//! `strata-proxy`: starts the proxy with flags like Docker's daemon settings.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
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
    /// The built front end.
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Refuse every upstream connection: only the embedded demo registry answers.
    #[arg(long)]
    offline: bool,
    /// A Docker `config.json` whose credentials the proxy uses for private registries (never sent to the
    /// browser).
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
        allow_origins: flags.allow_origins,
        cache_bytes: flags.cache_bytes,
        max_manifest_bytes: flags.max_manifest_bytes,
        max_concurrent_requests: flags.max_concurrent_requests,
        max_concurrent_per_client: flags.max_concurrent_per_client,
        manifest_timeout_secs: flags.manifest_timeout_secs,
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    let state = AppState::new(settings).context("cannot start the proxy")?;
    println!("Strata is listening on http://{address}");
    // Client addresses feed the per-client concurrency limit.
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
