//! Which compressed copy of a front-end file to answer with, by the browser's `Accept-Encoding`.

use axum::http::{HeaderMap, header};

/// A compressed copy the build writes beside each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// Preferred first when the browser takes both equally.
    pub const BY_PREFERENCE: [Encoding; 2] = [Encoding::Brotli, Encoding::Gzip];

    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// The suffix of the compressed copy's file name.
    pub fn file_suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }
}

/// The encoding to answer with: of those `available`, the one `Accept-Encoding` weighs highest (`q=0`
/// refuses one; `*` stands for any not named), brotli before gzip on a tie. `None`: the plain bytes.
pub fn negotiate(request: &HeaderMap, available: &[Encoding]) -> Option<Encoding> {
    let offers: Vec<(String, f32)> = request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let name = parts.next()?.trim().to_ascii_lowercase();
            let weight = parts
                .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!name.is_empty()).then_some((name, weight))
        })
        .collect();
    let weight_of = |encoding: Encoding| {
        offers
            .iter()
            .find(|(name, _)| name == encoding.token())
            .or_else(|| offers.iter().find(|(name, _)| name == "*"))
            .map_or(0.0, |(_, weight)| *weight)
    };
    Encoding::BY_PREFERENCE
        .into_iter()
        .filter(|encoding| available.contains(encoding))
        .map(|encoding| (encoding, weight_of(encoding)))
        .filter(|(_, weight)| *weight > 0.0)
        .fold(None::<(Encoding, f32)>, |best, candidate| match best {
            Some(best) if best.1 >= candidate.1 => Some(best),
            _ => Some(candidate),
        })
        .map(|(encoding, _)| encoding)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("a header"),
        );
        headers
    }

    #[test]
    fn the_best_encoding_the_browser_takes_is_chosen() {
        let both = [Encoding::Brotli, Encoding::Gzip];
        for (accept, available, expected) in [
            ("gzip, deflate, br, zstd", &both[..], Some(Encoding::Brotli)),
            ("gzip, deflate", &both[..], Some(Encoding::Gzip)),
            (
                "gzip, deflate, br",
                &[Encoding::Gzip][..],
                Some(Encoding::Gzip),
            ),
            ("br;q=0.5, gzip", &both[..], Some(Encoding::Gzip)),
            ("br;q=0, gzip;q=0", &both[..], None),
            ("*", &both[..], Some(Encoding::Brotli)),
            ("*;q=0, gzip", &both[..], Some(Encoding::Gzip)),
            ("identity", &both[..], None),
            ("", &both[..], None),
            ("BR", &both[..], Some(Encoding::Brotli)),
        ] {
            assert_eq!(
                negotiate(&accepting(accept), available),
                expected,
                "{accept:?}"
            );
        }
        assert_eq!(negotiate(&HeaderMap::new(), &both), None);
    }
}
