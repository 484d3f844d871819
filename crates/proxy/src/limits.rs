//! Concurrency limits: registry requests in flight, in all and per client. A client is an IPv4 address or
//! an IPv6 /64 (one subscriber gets a whole /64, so counting single IPv6 addresses would count nothing).
//! Past a limit the proxy answers 429 at once rather than queueing.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::Body;
use bytes::Bytes;
use http_body::{Frame, SizeHint};

use crate::error::ProxyError;

#[derive(Debug, Default)]
struct InFlight {
    total: usize,
    by_client: HashMap<IpAddr, usize>,
}

/// Counts requests in flight against the two limits.
#[derive(Debug, Clone)]
pub struct Limiter {
    max_total: usize,
    max_per_client: usize,
    in_flight: Arc<Mutex<InFlight>>,
}

/// A place among the requests in flight, given back when dropped.
#[derive(Debug)]
pub struct Permit {
    in_flight: Arc<Mutex<InFlight>>,
    client: Option<IpAddr>,
}

impl Limiter {
    /// Limits of `max_total` in all and `max_per_client` per address (0 means no limit).
    pub fn new(max_total: usize, max_per_client: usize) -> Limiter {
        Limiter {
            max_total,
            max_per_client,
            in_flight: Arc::new(Mutex::new(InFlight::default())),
        }
    }

    /// A permit, or `Busy` when either limit is reached. A request with no known address counts only
    /// against the total.
    pub fn try_acquire(&self, client: Option<IpAddr>) -> Result<Permit, ProxyError> {
        let client = client.map(client_key);
        let mut in_flight = self
            .in_flight
            .lock()
            .map_err(|_| ProxyError::Busy("the proxy's limiter is unavailable".into()))?;
        if self.max_total > 0 && in_flight.total >= self.max_total {
            return Err(ProxyError::Busy(format!(
                "the proxy is handling {} registry requests already; try again shortly",
                self.max_total
            )));
        }
        if let Some(ip) = client {
            let mine = in_flight.by_client.entry(ip).or_default();
            if self.max_per_client > 0 && *mine >= self.max_per_client {
                return Err(ProxyError::Busy(format!(
                    "{} registry requests from your address are in flight already; try again shortly",
                    self.max_per_client
                )));
            }
            *mine += 1;
        }
        in_flight.total += 1;
        Ok(Permit {
            in_flight: self.in_flight.clone(),
            client,
        })
    }

    /// Requests in flight in all.
    pub fn in_flight(&self) -> usize {
        self.in_flight.lock().map(|f| f.total).unwrap_or(0)
    }
}

/// The key a client is counted by: its IPv4 address, or its IPv6 address's /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let Ok(mut in_flight) = self.in_flight.lock() else {
            return;
        };
        in_flight.total = in_flight.total.saturating_sub(1);
        if let Some(ip) = self.client
            && let Some(count) = in_flight.by_client.get_mut(&ip)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                in_flight.by_client.remove(&ip);
            }
        }
    }
}

/// A response body that holds its permit until the last byte is sent (or the client goes away), so a
/// long blob download counts for as long as it runs.
pub struct HoldPermit {
    inner: Body,
    _permit: Permit,
}

impl HoldPermit {
    /// `body`, holding `permit`.
    pub fn wrap(body: Body, permit: Permit) -> Body {
        Body::new(HoldPermit {
            inner: body,
            _permit: permit,
        })
    }
}

impl http_body::Body for HoldPermit {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_in_all_and_per_client() {
        let limiter = Limiter::new(3, 2);
        let a: IpAddr = "10.0.0.1".parse().expect("an address");
        let b: IpAddr = "10.0.0.2".parse().expect("an address");
        let a1 = limiter.try_acquire(Some(a)).expect("first");
        let a2 = limiter.try_acquire(Some(a)).expect("second");
        assert!(matches!(
            limiter.try_acquire(Some(a)),
            Err(ProxyError::Busy(_))
        ));
        let b1 = limiter.try_acquire(Some(b)).expect("another client");
        assert!(
            matches!(limiter.try_acquire(Some(b)), Err(ProxyError::Busy(_))),
            "the total is reached"
        );
        assert!(limiter.try_acquire(None).is_err());
        drop(a1);
        let a3 = limiter.try_acquire(Some(a)).expect("a place came free");
        drop((a2, a3, b1));
        assert_eq!(limiter.in_flight(), 0);
        assert!(
            limiter
                .in_flight
                .lock()
                .expect("the lock")
                .by_client
                .is_empty(),
            "no address is remembered once idle"
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        let limiter = Limiter::new(100, 2);
        let one: IpAddr = "2001:db8:1:2::1".parse().expect("an address");
        let same_64: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff"
            .parse()
            .expect("an address");
        let other_64: IpAddr = "2001:db8:1:3::1".parse().expect("an address");
        let _a = limiter.try_acquire(Some(one)).expect("first");
        let _b = limiter.try_acquire(Some(same_64)).expect("second");
        assert!(
            limiter
                .try_acquire(Some("2001:db8:1:2::abcd".parse().expect("an address")))
                .is_err(),
            "a new address in the same /64 is the same client"
        );
        let _c = limiter.try_acquire(Some(other_64)).expect("another /64");
        for (ip, key) in [
            ("10.1.2.3", "10.1.2.3"),
            ("::ffff:10.1.2.3", "10.1.2.3"),
            ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
            ("::1", "::"),
        ] {
            assert_eq!(
                client_key(ip.parse().expect("an address")),
                key.parse::<IpAddr>().expect("an address"),
                "{ip}"
            );
        }
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = Limiter::new(0, 0);
        let permits: Vec<Permit> = (0..100)
            .map(|_| limiter.try_acquire(None).expect("no limit"))
            .collect();
        assert_eq!(limiter.in_flight(), permits.len());
    }
}
