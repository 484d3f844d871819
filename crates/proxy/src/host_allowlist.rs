//! The names the proxy answers to. A page elsewhere can point a name it owns at 127.0.0.1 (DNS rebinding)
//! and read a local proxy with the visitor's browser; checking `Host` on every request stops that, since
//! such requests carry the attacker's name.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::error::{ProxyError, StartError};

/// `host[:port]` names, lowercased, without a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostAllowlist {
    names: Vec<String>,
}

impl HostAllowlist {
    /// The listen address as bound (and `localhost` with its port when it is a loopback address), plus each
    /// `--public-host`. Listening on every address with no public name is refused: then no `Host` would
    /// be known to be the proxy's own.
    pub fn new(bound: SocketAddr, public_hosts: &[String]) -> Result<HostAllowlist, StartError> {
        if bound.ip().is_unspecified() && public_hosts.is_empty() {
            return Err(StartError::NoPublicHost(bound));
        }
        let mut names = vec![bound.to_string()];
        if bound.ip().is_loopback() {
            names.push(format!("localhost:{}", bound.port()));
        }
        for host in public_hosts {
            let host = normalized(host);
            if host.is_empty() || host.contains(['/', '@', ' ']) {
                return Err(StartError::BadPublicHost(host));
            }
            names.push(host);
        }
        Ok(HostAllowlist { names })
    }

    /// Whether `host` (a `Host` header or a request's authority) names this proxy.
    pub fn allows(&self, host: &str) -> bool {
        let host = normalized(host);
        self.names.contains(&host)
    }
}

fn normalized(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    match host.rsplit_once(':') {
        Some((name, port)) if !host.ends_with(']') => {
            format!("{}:{port}", name.trim_end_matches('.'))
        }
        _ => host.trim_end_matches('.').to_owned(),
    }
}

/// Middleware: `421 Misdirected Request` for a request whose `Host` (or absolute-form authority) is not
/// one of the proxy's names, on every path.
pub async fn check_host(
    State(allowed): State<std::sync::Arc<HostAllowlist>>,
    request: Request,
    next: Next,
) -> Response {
    let named = request
        .uri()
        .authority()
        .map(|authority| authority.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get(header::HOST)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        });
    match named {
        Some(host) if allowed.allows(&host) => next.run(request).await,
        _ => ProxyError::MisdirectedHost.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_proxy_answers_to() {
        let loopback = HostAllowlist::new("127.0.0.1:8080".parse().unwrap(), &[]).unwrap();
        let public = HostAllowlist::new(
            "0.0.0.0:8080".parse().unwrap(),
            &[
                "Strata.Example.com".into(),
                "strata.example.com:8443".into(),
            ],
        )
        .unwrap();
        let v6 = HostAllowlist::new("[::1]:9000".parse().unwrap(), &[]).unwrap();
        let cases: &[(&HostAllowlist, &str, bool)] = &[
            (&loopback, "127.0.0.1:8080", true),
            (&loopback, "localhost:8080", true),
            (&loopback, "LOCALHOST:8080", true),
            (&loopback, "localhost.:8080", true),
            (&loopback, "localhost", false),
            (&loopback, "127.0.0.1", false),
            (&loopback, "127.0.0.1:8081", false),
            (&loopback, "rebound.attacker.example:8080", false),
            (&loopback, "", false),
            (&public, "strata.example.com", true),
            (&public, "strata.example.com.", true),
            (&public, "strata.example.com:8443", true),
            (&public, "strata.example.com:80", false),
            (&public, "0.0.0.0:8080", true),
            (&public, "localhost:8080", false),
            (&public, "evil.example.com", false),
            (&v6, "[::1]:9000", true),
            (&v6, "localhost:9000", true),
            (&v6, "[::1]", false),
        ];
        for (allowlist, host, allowed) in cases {
            assert_eq!(allowlist.allows(host), *allowed, "{host}");
        }
    }

    #[test]
    fn every_address_needs_a_public_name() {
        for bound in ["0.0.0.0:8080", "[::]:8080"] {
            assert!(matches!(
                HostAllowlist::new(bound.parse().unwrap(), &[]),
                Err(StartError::NoPublicHost(_))
            ));
        }
        assert!(matches!(
            HostAllowlist::new("127.0.0.1:1".parse().unwrap(), &["a/b".into()]),
            Err(StartError::BadPublicHost(_))
        ));
    }
}
