//! The SSRF guard: every outgoing connection goes to a public address over HTTPS, unless its registry was
//! named by `--insecure-registry`. Names are resolved here and the client connects to the addresses this
//! guard checked, so a second DNS answer cannot slip a private address in.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::error::ProxyError;
use crate::settings::{Settings, host_of};

/// Whether an address is on the public internet: not loopback, private, link-local, unique-local, CGNAT,
/// multicast, unspecified, documentation or reserved, in any of its IPv6 encodings.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(v6) {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0100 && v6.segments()[1..4] == [0, 0, 0]) // discard-only
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

/// IPv4 addresses hidden in IPv6 forms: mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), NAT64 and 6to4.
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !(v6.is_loopback() || v6.is_unspecified()) {
        return Some(tail);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// Checks a URL before any connection: the scheme, and the address when the host is an IP literal (names
/// are checked by [`GuardedResolver`] when they are resolved).
pub fn check_url(settings: &Settings, url: &Url) -> Result<(), ProxyError> {
    let host = url
        .host_str()
        .ok_or_else(|| ProxyError::Refused(format!("{url} has no host")))?;
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let insecure = settings.is_insecure(&authority);
    if settings.offline {
        return Err(ProxyError::Refused(format!(
            "the proxy runs offline (only the demo registry answers), so it does not contact {authority}"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if insecure => {}
        scheme => {
            return Err(ProxyError::Refused(format!(
                "{scheme}:// to {authority} is not allowed: only HTTPS, except registries named by --insecure-registry"
            )));
        }
    }
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = literal.parse::<IpAddr>()
        && !insecure
        && !is_public(ip)
    {
        return Err(refusal_for_address(&authority, ip));
    }
    // The resolver trusts an insecure registry's host on every port, so other ports are refused here.
    if !insecure
        && literal.parse::<IpAddr>().is_err()
        && settings
            .insecure_registries
            .iter()
            .any(|registry| registry.host().eq_ignore_ascii_case(literal))
    {
        return Err(ProxyError::Refused(format!(
            "{authority} is not allowed: --insecure-registry names {literal} only with another port"
        )));
    }
    Ok(())
}

/// A refusal that names the host but not the address it resolved to: that address is the operator's to
/// know (it is logged), not the caller's, who could use the proxy to map a private network.
fn refusal_for_address(name: &str, ip: IpAddr) -> ProxyError {
    tracing::info!(host = name, address = %ip, "refused a non-public address");
    ProxyError::Refused(format!(
        "{name} is not at a public address; the proxy only reaches public registries and those named by --insecure-registry"
    ))
}

/// Resolves the URL's host here and refuses it unless every address is allowed, for requests sent through
/// `--upstream-proxy`, which would otherwise resolve names where the guard cannot see them.
pub async fn check_resolved(settings: &Settings, url: &Url) -> Result<(), ProxyError> {
    let host = url
        .host_str()
        .ok_or_else(|| ProxyError::Refused(format!("{url} has no host")))?;
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if literal.parse::<IpAddr>().is_ok() {
        return Ok(());
    }
    let trusted = settings
        .insecure_registries
        .iter()
        .any(|registry| registry.host().eq_ignore_ascii_case(literal));
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host((literal, 0))
        .await
        .map_err(|_| ProxyError::Unreachable(format!("could not resolve {literal}")))?
        .collect();
    match resolved
        .iter()
        .find(|addr| !trusted && !is_public(addr.ip()))
    {
        Some(addr) => Err(refusal_for_address(literal, addr.ip())),
        None if resolved.is_empty() => {
            Err(ProxyError::Unreachable(format!("{literal} has no address")))
        }
        None => Ok(()),
    }
}

/// A DNS resolver that drops non-public addresses, except for hosts of insecure registries.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    trusted_hosts: Arc<Vec<String>>,
}

impl GuardedResolver {
    /// A resolver trusting the hosts of the insecure registries and of `--upstream-proxy`.
    pub fn new(settings: &Settings) -> Self {
        let proxy_host = settings
            .upstream_proxy
            .as_deref()
            .and_then(|proxy| Url::parse(proxy).ok())
            .and_then(|proxy| proxy.host_str().map(str::to_owned));
        let trusted_hosts = settings
            .insecure_registries
            .iter()
            .map(|r| r.host().to_owned())
            .chain(proxy_host)
            .collect();
        GuardedResolver {
            trusted_hosts: Arc::new(trusted_hosts),
        }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let trusted_hosts = self.trusted_hosts.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let trusted = trusted_hosts
                .iter()
                .any(|trusted| trusted.eq_ignore_ascii_case(host_of(&host)));
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|addr| trusted || is_public(addr.ip()))
                .collect();
            match (allowed.is_empty(), resolved.first()) {
                (false, _) => Ok(Box::new(allowed.into_iter()) as Addrs),
                (true, Some(first)) => Err(Box::new(refusal_for_address(&host, first.ip())) as _),
                (true, None) => Err(format!("{host} has no address").into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::InsecureRegistry;

    #[test]
    fn classifies_addresses() {
        let cases = [
            ("127.0.0.1", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("0.0.0.0", false),
            ("224.0.0.1", false),
            ("255.255.255.255", false),
            ("::1", false),
            ("::", false),
            ("fc00::1", false),
            ("fe80::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.0.0.1", false),
            ("::127.0.0.1", false),
            ("64:ff9b::a00:1", false),
            ("2002:7f00:1::", false),
            ("8.8.8.8", true),
            ("1.1.1.1", true),
            ("2606:4700:4700::1111", true),
            ("::ffff:8.8.8.8", true),
            ("100.127.255.255", false),
            ("100.128.0.1", true),
            ("ff02::1", false),
            ("fd12:3456::1", false),
            ("0.1.2.3", false),
            ("240.0.0.1", false),
            ("192.0.2.1", false),
        ];
        for (ip, public) in cases {
            assert_eq!(is_public(ip.parse().unwrap()), public, "{ip}");
        }
    }

    fn settings(insecure: &[&str]) -> Settings {
        Settings {
            insecure_registries: insecure.iter().map(|r| InsecureRegistry::new(r)).collect(),
            ..Settings::default()
        }
    }

    #[test]
    fn checks_urls() {
        let insecure = settings(&["127.0.0.1:5000", "localhost:5001"]);
        let cases = [
            ("https://ghcr.io/v2/", true),
            ("http://ghcr.io/v2/", false),
            ("https://127.0.0.1/v2/", false),
            ("https://[::1]/v2/", false),
            ("https://[::ffff:7f00:1]/v2/", false),
            ("https://2130706433/v2/", false),
            ("https://0x7f.1/v2/", false),
            ("https://8.8.8.8/v2/", true),
            ("http://127.0.0.1:5000/v2/", true),
            ("http://127.0.0.1:5002/v2/", false),
            ("http://localhost:5001/v2/", true),
            ("https://localhost:5002/v2/", false),
            ("https://LOCALHOST/v2/", false),
            ("https://0177.0.0.1/v2/", false),
            ("https://127.1/v2/", false),
            ("https://0/v2/", false),
            ("https://10.0.0.1/v2/", false),
            ("https://100.64.0.1/v2/", false),
            ("https://224.0.0.1/v2/", false),
            ("https://[fe80::1]/v2/", false),
            ("https://[fc00::1]/v2/", false),
            ("https://[::]/v2/", false),
            ("https://[::ffff:a00:1]/v2/", false),
            ("https://169.254.169.254/latest/", false),
            ("file:///etc/passwd", false),
        ];
        for (url, allowed) in cases {
            let result = check_url(&insecure, &Url::parse(url).unwrap());
            assert_eq!(result.is_ok(), allowed, "{url}: {result:?}");
        }
    }

    #[test]
    fn offline_refuses_everything() {
        let mut offline = settings(&["127.0.0.1:5000"]);
        offline.offline = true;
        assert!(check_url(&offline, &Url::parse("http://127.0.0.1:5000/v2/").unwrap()).is_err());
    }

    #[test]
    fn refusals_do_not_tell_the_address() {
        let refusal = refusal_for_address("internal.example", "10.1.2.3".parse().unwrap());
        assert!(!refusal.to_string().contains("10.1.2.3"), "{refusal}");
        assert!(refusal.to_string().contains("internal.example"));
    }

    #[tokio::test]
    async fn names_sent_through_a_proxy_are_resolved_and_checked_here() {
        let plain = settings(&[]);
        let refused = check_resolved(&plain, &Url::parse("https://localhost/v2/").unwrap()).await;
        assert!(
            matches!(refused, Err(ProxyError::Refused(_))),
            "{refused:?}"
        );
        let trusting = settings(&["localhost:5001"]);
        let allowed =
            check_resolved(&trusting, &Url::parse("http://localhost:5001/v2/").unwrap()).await;
        assert!(allowed.is_ok(), "{allowed:?}");
    }

    #[tokio::test]
    async fn resolver_drops_loopback_names_unless_trusted() {
        let guarded = GuardedResolver::new(&settings(&[]));
        assert!(guarded.resolve("localhost".parse().unwrap()).await.is_err());
        let trusting = GuardedResolver::new(&settings(&["localhost:5001"]));
        assert!(trusting.resolve("localhost".parse().unwrap()).await.is_ok());
    }
}
