//! Which strings from an image may become links. Labels, annotations and history are written by whoever
//! built the image; only an absolute http(s) URL with a plain host is linked, so that no value can run
//! script (`javascript:`, `data:`), point into Strata itself by a relative path, or hide its real host
//! behind `user@`.

/// The URL, when `text` is an absolute `http://` or `https://` URL that is safe to link.
pub fn http_url(text: &str) -> Option<&str> {
    let url = text.trim();
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`' | '\\'))
    {
        return None;
    }
    let rest = &url[scheme_end + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_is_plain = !authority.is_empty()
        && !authority.contains('@')
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    host_is_plain.then_some(url)
}

#[cfg(test)]
mod tests {
    use super::http_url;

    #[test]
    fn only_plain_http_and_https_urls_are_links() {
        let cases = [
            (
                "https://github.com/org/app",
                Some("https://github.com/org/app"),
            ),
            (
                "  http://example.com:8080/a?b=c#d ",
                Some("http://example.com:8080/a?b=c#d"),
            ),
            ("HTTPS://EXAMPLE.COM", Some("HTTPS://EXAMPLE.COM")),
            ("https://[::1]/x", Some("https://[::1]/x")),
            ("javascript:alert(1)", None),
            ("JavaScript://example.com/%0aalert(1)", None),
            ("data:text/html,<script>", None),
            ("//example.com/path", None),
            ("/inspect/alpine", None),
            ("https://", None),
            ("https:///path", None),
            ("https://github.com@evil.example/", None),
            ("https://example.com/a b", None),
            ("https://example.com/\"onmouseover=x", None),
            ("https://exa\u{0}mple.com", None),
            ("https://例え.jp", None),
            ("ftp://example.com", None),
            ("Apache-2.0", None),
        ];
        for (text, expected) in cases {
            assert_eq!(http_url(text), expected, "{text:?}");
        }
    }
}
