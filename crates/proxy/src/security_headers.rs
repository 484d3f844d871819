//! The headers that keep Strata's origin Strata's own. Registry bytes under `/v2/` are data: whatever type a
//! registry claims, the browser may not run or render them (`nosniff`, a sandboxing CSP, and a
//! `Content-Type` only from a short list of data types). The app's pages may run only the app's own files.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// For every `/v2/` answer: no script, no plugin, no same-origin document, even if opened directly.
pub const REGISTRY_CSP: &str = "sandbox; default-src 'none'";

/// For the app: its own scripts and wasm only, nothing inline, never framed.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' blob:; \
object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// What a registry answer becomes when its type is not a data type.
pub const OPAQUE_TYPE: &str = "application/octet-stream";

/// Middleware: the registry headers on `/v2/` answers, the page headers on every other answer.
pub async fn secure(request: Request, next: Next) -> Response {
    let registry_api = request.uri().path().starts_with("/v2/") || request.uri().path() == "/v2";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if registry_api {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(REGISTRY_CSP),
        );
        make_inert(headers);
    } else {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

/// Keeps a registry's `Content-Type` only when it names a data type; anything else, or none, becomes
/// [`OPAQUE_TYPE`].
fn make_inert(headers: &mut HeaderMap) {
    let kept = headers
        .get(header::CONTENT_TYPE)
        .filter(|value| is_data_type(value.as_bytes()))
        .cloned();
    let value = kept.unwrap_or(HeaderValue::from_static(OPAQUE_TYPE));
    headers.insert(header::CONTENT_TYPE, value);
    headers.remove(HeaderName::from_static("content-disposition"));
}

/// `application/json`, `application/<subtype>+json`, Docker's signed schema 1 type and
/// `application/octet-stream`, with optional parameters.
pub fn is_data_type(value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    if !value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return false;
    }
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let Some(subtype) = essence.strip_prefix("application/") else {
        return false;
    };
    let token = |text: &str| {
        !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    };
    match subtype {
        "json" | "octet-stream" | "vnd.docker.distribution.manifest.v1+prettyjws" => true,
        _ => subtype
            .strip_suffix("+json")
            .is_some_and(|name| token(name) && !name.contains('+')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_data_types_pass() {
        let cases = [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/vnd.oci.image.manifest.v1+json", true),
            (
                "application/vnd.docker.distribution.manifest.list.v2+json",
                true,
            ),
            (
                "application/vnd.docker.distribution.manifest.v1+prettyjws",
                true,
            ),
            ("application/vnd.docker.distribution.manifest.v1+json", true),
            ("application/octet-stream", true),
            ("text/html", false),
            ("text/html; charset=utf-8", false),
            ("image/svg+xml", false),
            ("application/xhtml+xml", false),
            ("application/xml", false),
            ("text/xml", false),
            ("text/plain", false),
            ("application/javascript", false),
            ("application/vnd.oci.image.layer.v1.tar+gzip", false),
            ("application/x<script>+json", false),
            ("application/a+b+json", false),
            ("application/+json", false),
            ("", false),
            ("application/json\u{7f}", false),
        ];
        for (value, data) in cases {
            assert_eq!(is_data_type(value.as_bytes()), data, "{value:?}");
        }
        assert!(!is_data_type(b"application/json\xff"));
    }

    #[test]
    fn anything_else_becomes_opaque() {
        for (given, expected) in [
            (Some("text/html"), OPAQUE_TYPE),
            (None, OPAQUE_TYPE),
            (
                Some("application/vnd.oci.image.index.v1+json"),
                "application/vnd.oci.image.index.v1+json",
            ),
        ] {
            let mut headers = HeaderMap::new();
            if let Some(given) = given {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(given));
            }
            headers.insert(
                "content-disposition",
                HeaderValue::from_static("inline; filename=x.html"),
            );
            make_inert(&mut headers);
            assert_eq!(headers[header::CONTENT_TYPE], expected, "{given:?}");
            assert!(!headers.contains_key("content-disposition"));
        }
    }
}
