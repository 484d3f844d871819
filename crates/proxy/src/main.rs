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
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    let state = AppState::new(settings).context("cannot build the HTTP client")?;
    println!("Strata is listening on http://{address}");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
