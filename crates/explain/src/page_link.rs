//! Links to Strata's own pages (`/inspect/…`, `/compare?…`). Tags and digests come from registries and
//! manifests, which anyone can write: one becomes a link only when it fits its grammar, and every part of a
//! link is percent-encoded, so that no value can climb out of `/inspect/` (`../..`), add a query, or point
//! at anything but the image it names.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use strata_image::reference::Reference;

use crate::visible_text::visible;

/// What a query value keeps readable: what references, platforms and paths are made of.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b':')
    .remove(b',')
    .remove(b'@')
    .remove(b'*');
/// What JavaScript's `encodeURIComponent` leaves as it is.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');
/// What one segment of a reference in a path keeps readable.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b':')
    .remove(b'@');
/// A reference's segments with their `/` kept.
const PATH: &AsciiSet = &PATH_SEGMENT.remove(b'/');

/// Why a value from a registry is shown without a link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageLinkError {
    /// Not `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    #[error(
        "not a valid tag ({}): a tag is a letter, digit or '_', then up to 127 letters, digits, '_', '.' or '-'",
        visible(.0)
    )]
    InvalidTag(String),
    /// Not `algorithm:encoded` as references write digests.
    #[error(
        "not a valid digest ({}): a digest is an algorithm, ':' and its hex digits, e.g. sha256:<64 hex digits>",
        visible(.0)
    )]
    InvalidDigest(String),
    /// Not a repository name of that registry.
    #[error(
        "not a valid repository name ({}): lowercase letters and digits, parts joined by '.', '_', '__', '-' or '/'",
        visible(.0)
    )]
    InvalidRepository(String),
}

/// The page of `repository` in `registry` (its tag table), when the catalog's name is one: a reference to
/// exactly that repository, without tag or digest.
pub fn repository_path(registry: &str, repository: &str) -> Result<String, PageLinkError> {
    Reference::parse(&format!("{registry}/{repository}"))
        .ok()
        .filter(|reference| {
            reference.registry() == registry
                && reference.repository() == repository
                && reference.tag().is_none()
                && reference.digest().is_none()
        })
        .map(|reference| inspect_path(&reference.name(), None))
        .ok_or_else(|| PageLinkError::InvalidRepository(repository.to_owned()))
}

/// `/inspect/<registry>`: the registry's catalog.
pub fn catalog_path(registry: &str) -> String {
    format!("/inspect/{}", encode_path(registry.trim()))
}

/// `name:tag`, when the registry's `tag` is one: exactly that tag, nothing after it.
pub fn tagged(name: &str, tag: &str) -> Result<Reference, PageLinkError> {
    Reference::parse(&format!("{name}:{tag}"))
        .ok()
        .filter(|reference| reference.tag() == Some(tag) && reference.digest().is_none())
        .ok_or_else(|| PageLinkError::InvalidTag(tag.to_owned()))
}

/// `name@digest`, when the registry's `digest` is one a reference can hold.
pub fn by_digest(name: &str, digest: &str) -> Result<Reference, PageLinkError> {
    Reference::parse(&format!("{name}@{digest}"))
        .ok()
        .filter(|reference| {
            reference.tag().is_none()
                && reference
                    .digest()
                    .is_some_and(|parsed| parsed.to_string() == digest)
        })
        .ok_or_else(|| PageLinkError::InvalidDigest(digest.to_owned()))
}

/// `/inspect/<reference>[?platform=<platform>]`.
pub fn inspect_path(reference: &str, platform: Option<&str>) -> String {
    let mut path = format!("/inspect/{}", encode_path(reference.trim()));
    if let Some(platform) = platform {
        path.push_str("?platform=");
        path.push_str(&encode_query_value(platform));
    }
    path
}

/// `/compare?left=<reference>&right=<reference>[&left-platform=…][&right-platform=…]`.
pub fn compare_path(
    left: &str,
    left_platform: Option<&str>,
    right: &str,
    right_platform: Option<&str>,
) -> String {
    let mut path = format!(
        "/compare?left={}&right={}",
        encode_query_value(left.trim()),
        encode_query_value(right.trim())
    );
    for (key, platform) in [
        ("left-platform", left_platform),
        ("right-platform", right_platform),
    ] {
        if let Some(platform) = platform.filter(|platform| !platform.is_empty()) {
            path.push_str(&format!("&{key}={}", encode_query_value(platform)));
        }
    }
    path
}

/// The comparison's files view: `compare_path(…)&view=files`, the two merged filesystems path by path.
pub fn compare_files_path(
    left: &str,
    left_platform: Option<&str>,
    right: &str,
    right_platform: Option<&str>,
) -> String {
    compare_path(left, left_platform, right, right_platform) + "&view=files"
}

/// Percent-encodes a query value, leaving what references, platforms and paths are made of readable
/// (`/`, `:`, `@`, `,`).
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Percent-encodes a query value as JavaScript's `encodeURIComponent` does: `/` and `:` too, for values
/// that are not references (a file's path, the tour's machine).
pub fn encode_uri_component(value: &str) -> String {
    utf8_percent_encode(value, URI_COMPONENT).to_string()
}

/// A reference as the path after `/inspect/`, one `/`-separated segment at a time so that its own `/` stay
/// readable. When a segment is `.` or `..` (which a browser would resolve) or empty, the `/` are encoded
/// too: the page decodes them all the same.
fn encode_path(reference: &str) -> String {
    let keeps_slashes = reference
        .split('/')
        .all(|segment| !matches!(segment, "" | "." | ".."));
    let encoded = if keeps_slashes {
        utf8_percent_encode(reference, PATH)
    } else {
        utf8_percent_encode(reference, PATH_SEGMENT)
    };
    encoded.to_string()
}

/// `/open?then=<path>`: where a link to a local image sends the reader when the file is not open in the
/// tab (a reload, a link from elsewhere): choose the file again, then go back to `path`.
pub fn open_again_path(path_and_query: &str) -> String {
    format!("/open?then={}", encode_uri_component(path_and_query))
}

/// The page `/open?then=` may go back to: only one of Strata's own inspect or compare pages, never another
/// site (`//host`, `/\\host`) or anything with control characters.
pub fn return_path(then: &str) -> Option<&str> {
    let own_page = then.starts_with("/inspect/") || then.starts_with("/compare?");
    let plain = !then.contains('\\') && !then.chars().any(char::is_control);
    (own_page && plain).then_some(then)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "registry.example/team/app";
    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_catalog_name_links_to_exactly_its_repository() {
        for (registry, repository, expected) in [
            (
                "127.0.0.1:5000",
                "team/app",
                Some("/inspect/127.0.0.1:5000/team/app"),
            ),
            ("ghcr.io", "a/b/c", Some("/inspect/ghcr.io/a/b/c")),
            ("127.0.0.1:5000", "Team/app", None),
            ("127.0.0.1:5000", "../x", None),
            ("127.0.0.1:5000", "app:1.0", None),
            ("127.0.0.1:5000", "app@sha256:abc", None),
            ("127.0.0.1:5000", "a?b", None),
            ("127.0.0.1:5000", "", None),
        ] {
            assert_eq!(
                repository_path(registry, repository).ok().as_deref(),
                expected,
                "{repository}"
            );
        }
        assert_eq!(catalog_path("127.0.0.1:5000"), "/inspect/127.0.0.1:5000");
    }

    #[test]
    fn only_tags_by_the_tag_grammar_become_references() {
        let longest = "a".repeat(128);
        let too_long = "a".repeat(129);
        let cosign = format!("sha256-{HEX}.sig");
        let with_digest = format!("1.0@sha256:{HEX}");
        let cases: [(&str, bool); 25] = [
            ("1.0", true),
            ("latest", true),
            ("_private", true),
            ("v1.2.3-rc.1_build", true),
            (&cosign, true),
            (&longest, true),
            (&too_long, false),
            ("", false),
            ("../../x", false),
            ("..", false),
            (".hidden", false),
            ("-dash", false),
            ("a/b", false),
            ("%2e%2e", false),
            ("<script>", false),
            ("a b", false),
            (" 1.0", false),
            ("1.0\n", false),
            ("x:y", false),
            ("a?b=c", false),
            ("a#b", false),
            (&with_digest, false),
            ("v1\u{202E}", false),
            ("\u{200B}1.0", false),
            ("ä", false),
        ];
        for (tag, valid) in cases {
            let linked = tagged(NAME, tag);
            assert_eq!(linked.is_ok(), valid, "{tag:?}: {linked:?}");
            match linked {
                Ok(reference) => {
                    assert_eq!(reference.full(), format!("{NAME}:{tag}"));
                    assert_eq!(
                        inspect_path(&reference.full(), None),
                        format!("/inspect/{NAME}:{tag}"),
                        "a valid tag needs no encoding"
                    );
                }
                Err(error) => assert_eq!(error, PageLinkError::InvalidTag(tag.to_owned())),
            }
        }
    }

    #[test]
    fn only_digests_by_the_digest_grammar_become_references() {
        let sha256 = format!("sha256:{HEX}");
        let sha512 = format!("sha512:{HEX}{HEX}");
        let sha384 = format!("sha384:{HEX}{}", &HEX[..32]);
        // Docker pulls by SHA-256, SHA-384 or SHA-512 only: another algorithm is no reference to link.
        let other = format!("blake3:{HEX}");
        let cases: [(&str, bool); 15] = [
            (&sha256, true),
            (&sha512, true),
            (&sha384, true),
            (&other, false),
            ("sha256:../..", false),
            ("sha256:", false),
            ("sha256", false),
            ("", false),
            ("sha256:abc", false),
            (&format!("sha256:{}", HEX.to_uppercase()), false),
            (&format!("sha256:{HEX}/../../x"), false),
            (&format!("sha256:{HEX}?x=1"), false),
            (&format!("../sha256:{HEX}"), false),
            (&format!("sha256:{HEX}\u{202E}"), false),
            (&format!("1.0@sha256:{HEX}"), false),
        ];
        for (digest, valid) in cases {
            let linked = by_digest(NAME, digest);
            assert_eq!(linked.is_ok(), valid, "{digest:?}: {linked:?}");
            if let Ok(reference) = linked {
                assert_eq!(reference.full(), format!("{NAME}@{digest}"));
            }
        }
    }

    #[test]
    fn the_reason_shows_hidden_characters_as_escapes() {
        let error = tagged(NAME, "v1\u{202E}gpj").expect_err("not a tag");
        assert!(error.to_string().contains("v1\\u{202E}gpj"), "{error}");
        assert!(!error.to_string().contains('\u{202E}'), "{error}");
    }

    #[test]
    fn inspect_paths_encode_every_segment_and_never_climb_out() {
        let cases = [
            (
                "demo.invalid/strata/multi-arch:1.0",
                None,
                "/inspect/demo.invalid/strata/multi-arch:1.0",
            ),
            (
                "localhost:5000/team/app@sha256:abc",
                Some("linux/arm/v7"),
                "/inspect/localhost:5000/team/app@sha256:abc?platform=linux/arm/v7",
            ),
            ("  alpine  ", None, "/inspect/alpine"),
            ("a b?c#d&e%f", None, "/inspect/a%20b%3Fc%23d%26e%25f"),
            ("../../x", None, "/inspect/..%2F..%2Fx"),
            ("team/../../x", None, "/inspect/team%2F..%2F..%2Fx"),
            ("./x", None, "/inspect/.%2Fx"),
            ("a//b", None, "/inspect/a%2F%2Fb"),
            ("%2e%2e/x", None, "/inspect/%252e%252e/x"),
            ("..\\..\\x", None, "/inspect/..%5C..%5Cx"),
            ("x\u{202E}", None, "/inspect/x%E2%80%AE"),
            (
                "x",
                Some("linux/amd64&view=files#x"),
                "/inspect/x?platform=linux/amd64%26view%3Dfiles%23x",
            ),
        ];
        for (reference, platform, expected) in cases {
            assert_eq!(inspect_path(reference, platform), expected, "{reference:?}");
        }
    }

    #[test]
    fn compare_paths_encode_each_side() {
        let cases = [
            (
                ("demo.invalid/a:1", None, "demo.invalid/a:2", None),
                "/compare?left=demo.invalid/a:1&right=demo.invalid/a:2",
            ),
            (
                ("a", Some("linux/amd64"), "a", Some("linux/arm64/v8")),
                "/compare?left=a&right=a&left-platform=linux/amd64&right-platform=linux/arm64/v8",
            ),
            (
                ("a&right=b", Some(""), "c d", None),
                "/compare?left=a%26right%3Db&right=c%20d",
            ),
        ];
        for ((left, left_platform, right, right_platform), expected) in cases {
            assert_eq!(
                compare_path(left, left_platform, right, right_platform),
                expected
            );
            assert_eq!(
                compare_files_path(left, left_platform, right, right_platform),
                format!("{expected}&view=files")
            );
        }
    }

    #[test]
    fn query_values_keep_paths_readable_and_encode_the_rest() {
        let cases = [
            ("/etc/os-release", "/etc/os-release"),
            ("/a b+c&d=e#f?g", "/a%20b%2Bc%26d%3De%23f%3Fg"),
            ("sha256:abc", "sha256:abc"),
            ("%", "%25"),
            ("日", "%E6%97%A5"),
            ("\u{202E}", "%E2%80%AE"),
        ];
        for (value, expected) in cases {
            assert_eq!(encode_query_value(value), expected, "{value:?}");
        }
    }

    #[test]
    fn uri_components_are_encoded_as_javascript_encodes_them() {
        let cases = [
            ("linux/arm64", "linux%2Farm64"),
            ("/etc/a b&c=d#e?f", "%2Fetc%2Fa%20b%26c%3Dd%23e%3Ff"),
            ("A-z_0.9!~*'()", "A-z_0.9!~*'()"),
            ("+:@,;$", "%2B%3A%40%2C%3B%24"),
            ("%2e%2e", "%252e%252e"),
            ("日\u{202E}", "%E6%97%A5%E2%80%AE"),
        ];
        for (value, expected) in cases {
            assert_eq!(encode_uri_component(value), expected, "{value:?}");
        }
    }

    #[test]
    fn open_again_goes_back_only_to_strata_pages() {
        let path = "/inspect/local.invalid/archive-1@sha256:ab?view=files&path=/etc/os-release";
        assert_eq!(
            open_again_path(path),
            format!("/open?then={}", encode_uri_component(path))
        );
        let cases = [
            (path, true),
            ("/compare?left=a&right=b", true),
            ("//evil.example/inspect/", false),
            ("https://evil.example/", false),
            ("/\\evil.example", false),
            ("/inspect/a\nb", false),
            ("/tour", false),
            ("", false),
        ];
        for (then, allowed) in cases {
            assert_eq!(return_path(then).is_some(), allowed, "{then:?}");
        }
    }
}
