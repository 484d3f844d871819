//! A registry's answer body, read with bounds in time: a total deadline for the whole request and a
//! minimum rate over each window, so a registry that trickles a byte a minute frees its connection, its
//! permit and the browser waiting on it.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use tokio::time::Instant;

use crate::error::ProxyError;

/// How long each rate window lasts.
pub const RATE_WINDOW: Duration = Duration::from_secs(10);

/// The time bounds of one upstream request, carried in the response's extensions by `Upstream`.
#[derive(Debug, Clone, Copy)]
pub struct TransferLimits {
    /// When the whole request, body included, must be done.
    pub deadline: Instant,
    /// The fewest bytes per second accepted over each [`RATE_WINDOW`].
    pub min_bytes_per_sec: u64,
}

impl TransferLimits {
    /// Limits for a request starting now.
    pub fn starting_now(total: Duration, min_bytes_per_sec: u64) -> TransferLimits {
        let now = Instant::now();
        TransferLimits {
            deadline: now
                .checked_add(total)
                .or_else(|| now.checked_add(Duration::from_secs(86_400)))
                .unwrap_or(now),
            min_bytes_per_sec,
        }
    }
}

/// The body of `response` as a stream that fails with [`ProxyError::Timeout`] past its deadline or below
/// its minimum rate, and with [`ProxyError::Incomplete`] when the connection breaks.
pub fn guarded(
    response: reqwest::Response,
) -> impl Stream<Item = Result<Bytes, ProxyError>> + Send + 'static {
    let limits = response
        .extensions()
        .get::<TransferLimits>()
        .copied()
        .unwrap_or_else(|| TransferLimits::starting_now(Duration::from_secs(1800), 0));
    limited(response.bytes_stream(), limits)
}

/// [`guarded`] over any stream of chunks.
pub fn limited<S>(
    chunks: S,
    limits: TransferLimits,
) -> impl Stream<Item = Result<Bytes, ProxyError>> + Send + 'static
where
    S: Stream<Item = reqwest::Result<Bytes>> + Send + 'static,
{
    struct Reading<S> {
        chunks: std::pin::Pin<Box<S>>,
        limits: TransferLimits,
        received: u64,
        /// Time spent waiting on the registry in this window: a browser that reads slowly is not the
        /// registry's slowness, so only the waits count.
        window_wait: Duration,
        window_bytes: u64,
    }
    let start = Reading {
        chunks: Box::pin(chunks),
        limits,
        received: 0,
        window_wait: Duration::ZERO,
        window_bytes: 0,
    };
    futures_util::stream::unfold(Some(start), |reading| async move {
        let mut reading = reading?;
        loop {
            let started = Instant::now();
            let window_end = started
                .checked_add(RATE_WINDOW.saturating_sub(reading.window_wait))
                .unwrap_or(reading.limits.deadline);
            let next = tokio::time::timeout_at(
                window_end.min(reading.limits.deadline),
                reading.chunks.next(),
            )
            .await;
            let now = Instant::now();
            reading.window_wait += now.saturating_duration_since(started);
            if now >= reading.limits.deadline {
                let error = ProxyError::Timeout(format!(
                    "the registry had not finished after {} bytes when the proxy's deadline came (--upstream-deadline)",
                    reading.received
                ));
                return Some((Err(error), None));
            }
            if let Ok(Some(Ok(chunk))) = &next {
                reading.received += chunk.len() as u64;
                reading.window_bytes += chunk.len() as u64;
            }
            if reading.window_wait >= RATE_WINDOW {
                let needed = reading.limits.min_bytes_per_sec * RATE_WINDOW.as_secs();
                if reading.window_bytes < needed {
                    let error = ProxyError::Timeout(format!(
                        "the registry sent {} bytes in {} s of waiting, after {} bytes: slower than the proxy accepts (--min-upstream-rate)",
                        reading.window_bytes,
                        RATE_WINDOW.as_secs(),
                        reading.received
                    ));
                    return Some((Err(error), None));
                }
                reading.window_wait = Duration::ZERO;
                reading.window_bytes = 0;
            }
            match next {
                Err(_) => continue,
                Ok(None) => return None,
                Ok(Some(Ok(chunk))) => return Some((Ok(chunk), Some(reading))),
                Ok(Some(Err(error))) => {
                    let error = if error.is_timeout() {
                        ProxyError::Timeout(format!(
                            "the registry stopped sending after {} bytes",
                            reading.received
                        ))
                    } else {
                        ProxyError::Incomplete(format!(
                            "the registry's answer broke off after {} bytes: {}",
                            reading.received,
                            error.without_url()
                        ))
                    };
                    return Some((Err(error), None));
                }
            }
        }
    })
}

/// Reads a whole body, failing with `too_large(limit)` past `limit` bytes (announced or received) and
/// with `Incomplete` when the answer breaks off, so the browser never gets a silently short 200.
pub async fn read_whole(
    upstream: reqwest::Response,
    limit: u64,
    too_large: impl Fn(u64) -> ProxyError,
) -> Result<Bytes, ProxyError> {
    if let Some(length) = upstream.content_length()
        && length > limit
    {
        return Err(too_large(length));
    }
    let mut body = Vec::new();
    let mut chunks = std::pin::pin!(guarded(upstream));
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large((body.len() + chunk.len()) as u64));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(
        pieces: Vec<(Duration, &'static [u8])>,
    ) -> impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static {
        futures_util::stream::iter(pieces).then(|(wait, bytes)| async move {
            tokio::time::sleep(wait).await;
            Ok(Bytes::from_static(bytes))
        })
    }

    async fn outcome(
        stream: impl Stream<Item = Result<Bytes, ProxyError>>,
    ) -> (usize, Option<ProxyError>) {
        let mut received = 0;
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            match item {
                Ok(chunk) => received += chunk.len(),
                Err(error) => return (received, Some(error)),
            }
        }
        (received, None)
    }

    #[tokio::test(start_paused = true)]
    async fn bounds_slow_and_endless_bodies() {
        let fast = vec![(Duration::from_secs(1), &b"abcd"[..]); 30];
        let (received, error) = outcome(limited(
            chunks(fast),
            TransferLimits::starting_now(Duration::from_secs(60), 0),
        ))
        .await;
        assert_eq!(
            (received, error.is_none()),
            (120, true),
            "a steady body passes"
        );

        let trickle = vec![(Duration::from_secs(3), &b"x"[..]); 100];
        let (received, error) = outcome(limited(
            chunks(trickle),
            TransferLimits::starting_now(Duration::from_secs(600), 1),
        ))
        .await;
        assert!(matches!(error, Some(ProxyError::Timeout(_))), "{error:?}");
        assert!(received < 10, "cut in the first window: {received}");

        let endless = vec![(Duration::from_millis(100), &b"abcdefgh"[..]); 10_000];
        let started = Instant::now();
        let (_, error) = outcome(limited(
            chunks(endless),
            TransferLimits::starting_now(Duration::from_secs(30), 1),
        ))
        .await;
        assert!(matches!(error, Some(ProxyError::Timeout(_))), "{error:?}");
        assert_eq!(started.elapsed().as_secs(), 30, "cut at the deadline");

        let stalled = vec![(Duration::from_secs(3600), &b"late"[..])];
        let started = Instant::now();
        let (_, error) = outcome(limited(
            chunks(stalled),
            TransferLimits::starting_now(Duration::from_secs(3000), 1),
        ))
        .await;
        assert!(matches!(error, Some(ProxyError::Timeout(_))), "{error:?}");
        assert_eq!(
            started.elapsed(),
            RATE_WINDOW,
            "a silent registry is cut after one window"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_reader_is_not_a_slow_registry() {
        let ready = vec![(Duration::ZERO, &b"0123456789"[..]); 20];
        let stream = limited(
            chunks(ready),
            TransferLimits::starting_now(Duration::from_secs(600), 1000),
        );
        let mut stream = std::pin::pin!(stream);
        let mut received = 0;
        while let Some(chunk) = stream.next().await {
            received += chunk.expect("the registry kept up").len();
            // The browser takes 5 s per chunk: 2 bytes/s read, far below the rate, all of it the reader's.
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        assert_eq!(received, 200);
    }
}
