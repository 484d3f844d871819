//! Links that reproduce a view. A pinned link names the exact bytes (`name:tag@digest`, which docker pulls by
//! the digest) and remembers the tag and time it was made from, so that opening it later can say whether the
//! tag has moved since.

use strata_image::digest::Digest;
use strata_image::manifest;
use strata_image::reference::{DEFAULT_TAG, Reference};
use strata_image::verification::{self, Expected, Verification};

/// `pinned=<time>`: when the pinned link was made.
pub const PINNED_PARAM: &str = "pinned";
/// `open=<panel>,<panel>`: the panels that were open.
pub const OPEN_PARAM: &str = "open";

/// `registry/repository:tag@digest`: the reference with the digest its tag resolved to. A reference given by
/// digest alone stays as it is; one without a tag names `latest` outright, the tag docker took.
pub fn pinned_reference(reference: &Reference, resolved: &Digest) -> String {
    match (reference.tag(), reference.digest()) {
        (None, Some(digest)) => format!("{}@{digest}", reference.name()),
        (tag, _) => format!(
            "{}:{}@{resolved}",
            reference.name(),
            tag.unwrap_or(DEFAULT_TAG)
        ),
    }
}

/// What a pinned tag points to now, against what it pointed to when the link was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagNow {
    /// The tag still resolves to the pinned digest.
    Unchanged,
    /// The tag was moved: it now resolves to another digest.
    Moved {
        /// Where the tag points now.
        now: Digest,
    },
    /// The registry no longer has the tag.
    Gone,
    /// The tag could not be checked; the reason is in plain words.
    Unknown(String),
}

impl TagNow {
    /// Compares the digest the tag resolves to now (`Ok(None)`: the tag is gone) with the pinned one.
    pub fn compare(pinned: &Digest, now: Result<Option<Digest>, String>) -> TagNow {
        match now {
            Ok(Some(now)) if &now == pinned => TagNow::Unchanged,
            Ok(Some(now)) => TagNow::Moved { now },
            Ok(None) => TagNow::Gone,
            Err(reason) => TagNow::Unknown(reason),
        }
    }

    /// `data-tag-status`.
    pub fn status(&self) -> &'static str {
        match self {
            TagNow::Unchanged => "unchanged",
            TagNow::Moved { .. } => "moved",
            TagNow::Gone => "gone",
            TagNow::Unknown(_) => "unknown",
        }
    }

    /// What the link shows and what the tag says today, for the reader. `shown_verified`: the page verified
    /// the bytes it shows against the pinned digest (until then, or when they failed, the tree says why).
    pub fn explain(
        &self,
        tag: &str,
        pinned: &Digest,
        pinned_at: Option<&str>,
        shown_verified: bool,
    ) -> String {
        let when = pinned_at
            .map(|time| format!(" when this link was made ({time})"))
            .unwrap_or_default();
        let shown = if shown_verified {
            format!("Shown here are the exact bytes of {pinned}, verified in this browser.")
        } else {
            format!(
                "This link asks for {pinned}; the tree below says whether the registry's bytes match it."
            )
        };
        match self {
            TagNow::Unchanged => format!("{shown} The tag {tag} still points to this digest."),
            TagNow::Moved { now } => format!(
                "The tag {tag} has moved: it pointed to {pinned}{when} and now points to {now}. {shown}"
            ),
            TagNow::Gone => {
                format!("The tag {tag} no longer exists: it pointed to {pinned}{when}. {shown}")
            }
            TagNow::Unknown(reason) => format!(
                "{shown} Whether the tag {tag} still points to this digest could not be checked: {reason}"
            ),
        }
    }
}

/// The `pinned=` time, when it is one (`2026-11-27T05:30:00Z`, fractions of a second allowed): anything
/// else in the link is dropped, so that nobody's words are shown as part of the verdict.
pub fn pinned_time(value: &str) -> Option<&str> {
    let bytes = value.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:dd";
    if bytes.len() < shape.len() + 1 || bytes.last() != Some(&b'Z') {
        return None;
    }
    let fixed = shape
        .iter()
        .zip(bytes)
        .all(|(expected, actual)| match expected {
            b'd' => actual.is_ascii_digit(),
            other => other == actual,
        });
    let rest = &bytes[shape.len()..bytes.len() - 1];
    let fraction = match rest.split_first() {
        None => true,
        Some((b'.', digits)) => {
            (1..=9).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
        }
        Some(_) => false,
    };
    (fixed && fraction).then_some(value)
}

/// The digest a tag resolves to now, from the registry's answer to `GET manifests/<tag>`: what the bytes hash
/// to (for schema1, its payload), checked against `Docker-Content-Digest` when the registry sent one.
pub fn tag_digest(
    bytes: &[u8],
    content_type: Option<&str>,
    registry_digest: Option<&str>,
) -> Result<Digest, String> {
    let media_type = manifest::read_document(bytes, content_type)
        .map(|read| read.media_type)
        .map_err(|error| format!("the tag's manifest cannot be read: {error}"))?;
    match verification::verify(
        &manifest::verification_input(bytes, &media_type),
        Expected::Tag { registry_digest },
    ) {
        Verification::VouchedByRegistry { digest }
        | Verification::Unverifiable { actual: digest, .. } => Ok(digest),
        other => Err(other.explain()),
    }
}

/// The value of `key` in a query string (`?a=1&b=2`), percent-decoded.
pub fn query_value(search: &str, key: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == key)
        .map(|(_, value)| percent_decode(&value.replace('+', " ")))
}

/// The query string with `key` set to `value` (in place, or appended) or removed (`None`); other
/// parameters keep their order. Returns `""` or `?…`.
pub fn with_query_value(search: &str, key: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<String> = Vec::new();
    let mut replaced = false;
    for pair in search.trim_start_matches('?').split('&') {
        if pair.is_empty() {
            continue;
        }
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        if name != key {
            pairs.push(pair.to_owned());
        } else if let (Some(value), false) = (value, replaced) {
            pairs.push(format!(
                "{key}={}",
                crate::page_link::encode_query_value(value)
            ));
            replaced = true;
        }
    }
    if let (Some(value), false) = (value, replaced) {
        pairs.push(format!(
            "{key}={}",
            crate::page_link::encode_query_value(value)
        ));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// The panels `open=` names, in order.
pub fn open_panels(search: &str) -> Vec<String> {
    query_value(search, OPEN_PARAM)
        .map(|list| {
            list.split(',')
                .filter(|panel| !panel.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The query string with `panel` added to or taken out of `open=`.
pub fn with_panel(search: &str, panel: &str, open: bool) -> String {
    let mut panels: Vec<String> = open_panels(search)
        .into_iter()
        .filter(|existing| existing != panel)
        .collect();
    if open {
        panels.push(panel.to_owned());
    }
    let list = panels.join(",");
    with_query_value(
        search,
        OPEN_PARAM,
        (!list.is_empty()).then_some(list.as_str()),
    )
}

fn percent_decode(value: &str) -> String {
    percent_encoding::percent_decode_str(value)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const NEW: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    fn digest(text: &str) -> Digest {
        Digest::parse(text).expect("a valid digest")
    }

    #[test]
    fn pinned_reference_replaces_the_tag_by_its_digest_and_keeps_the_tag() {
        let cases = [
            ("alpine", format!("docker.io/library/alpine:latest@{OLD}")),
            (
                "alpine:3.20",
                format!("docker.io/library/alpine:3.20@{OLD}"),
            ),
            (
                "localhost:5000/team/app:v1",
                format!("localhost:5000/team/app:v1@{OLD}"),
            ),
            (
                &format!("ghcr.io/o/a:v2@{NEW}"),
                format!("ghcr.io/o/a:v2@{OLD}"),
            ),
            (&format!("ghcr.io/o/a@{NEW}"), format!("ghcr.io/o/a@{NEW}")),
        ];
        for (input, expected) in cases {
            let reference = Reference::parse(input).expect("valid");
            assert_eq!(
                pinned_reference(&reference, &digest(OLD)),
                expected,
                "{input}"
            );
            assert!(Reference::parse(&expected).is_ok(), "{expected} reads back");
        }
    }

    #[test]
    fn tag_now_compares_and_explains() {
        let pinned = digest(OLD);
        let cases = [
            (Ok(Some(digest(OLD))), "unchanged", "still points"),
            (Ok(Some(digest(NEW))), "moved", NEW),
            (Ok(None), "gone", "no longer exists"),
            (Err("the registry is down".to_owned()), "unknown", "down"),
        ];
        for (now, status, phrase) in cases {
            let verdict = TagNow::compare(&pinned, now);
            assert_eq!(verdict.status(), status);
            for shown_verified in [true, false] {
                let sentence = verdict.explain(
                    "stable",
                    &pinned,
                    Some("2026-11-27T05:00:00Z"),
                    shown_verified,
                );
                assert!(sentence.contains(phrase), "{sentence}");
                assert!(sentence.contains(OLD), "{sentence}");
                assert_eq!(
                    sentence.contains("exact bytes"),
                    shown_verified,
                    "only verified bytes are called exact: {sentence}"
                );
            }
        }
    }

    #[test]
    fn query_values_are_set_replaced_removed_and_read_back() {
        let cases: [(&str, &str, Option<&str>, &str); 6] = [
            (
                "",
                "platform",
                Some("linux/arm64/v8"),
                "?platform=linux/arm64/v8",
            ),
            (
                "?platform=linux/amd64&view=files",
                "platform",
                Some("linux/arm/v7"),
                "?platform=linux/arm/v7&view=files",
            ),
            (
                "?view=files&platform=linux/amd64",
                "platform",
                None,
                "?view=files",
            ),
            ("?platform=linux/amd64", "platform", None, ""),
            (
                "?view=files",
                "pinned",
                Some("2026-11-27T05:00:00.000Z"),
                "?view=files&pinned=2026-11-27T05:00:00.000Z",
            ),
            (
                "?path=%2Fetc%2Fa%20b",
                "path",
                Some("/etc/a b&c"),
                "?path=/etc/a%20b%26c",
            ),
        ];
        for (search, key, value, expected) in cases {
            let written = with_query_value(search, key, value);
            assert_eq!(written, expected, "{search} {key}");
            assert_eq!(
                query_value(&written, key).as_deref(),
                value,
                "{written} reads back"
            );
        }
    }

    #[test]
    fn open_panels_are_a_list_in_one_parameter() {
        let search = with_panel("?platform=linux/amd64", "tags", true);
        assert_eq!(search, "?platform=linux/amd64&open=tags");
        let search = with_panel(&search, "commands", true);
        assert_eq!(open_panels(&search), ["tags", "commands"]);
        let search = with_panel(&search, "tags", true);
        assert_eq!(open_panels(&search), ["commands", "tags"], "no duplicates");
        let search = with_panel(&search, "commands", false);
        let search = with_panel(&search, "tags", false);
        assert_eq!(search, "?platform=linux/amd64");
        assert!(open_panels("?open=").is_empty());
    }

    #[test]
    fn tag_digest_is_what_the_bytes_hash_to_and_must_agree_with_the_registry() {
        let bytes = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":2},"layers":[]}"#;
        let actual = Digest::sha256_of(bytes);
        let content_type = Some("application/vnd.oci.image.manifest.v1+json");
        let header = actual.to_string();
        assert_eq!(
            tag_digest(bytes, content_type, Some(&header)),
            Ok(actual.clone())
        );
        assert_eq!(tag_digest(bytes, content_type, None), Ok(actual));
        let lie =
            tag_digest(bytes, content_type, Some(NEW)).expect_err("a wrong header is refused");
        assert!(lie.contains("MISMATCH"), "{lie}");
        assert!(tag_digest(b"<html>", None, None).is_err());
    }

    #[test]
    fn only_a_plain_utc_time_is_taken_from_the_link() {
        let cases = [
            ("2026-11-27T05:30:00Z", true),
            ("2026-11-27T05:30:00.123Z", true),
            ("2026-11-27T05:30:00", false),
            ("2026-11-27T05:30:00+01:00", false),
            ("2026-11-27T05:30:00.Z", false),
            ("2026-11-27 05:30:00Z", false),
            ("2026-11-27T05:30:00Z (verified by Strata)", false),
            ("yesterday", false),
            ("", false),
            ("２026-11-27T05:30:00Z", false),
        ];
        for (value, taken) in cases {
            assert_eq!(pinned_time(value).is_some(), taken, "{value:?}");
        }
    }

    #[test]
    fn malformed_escapes_are_kept_as_text() {
        assert_eq!(query_value("?a=%zz%2", "a").as_deref(), Some("%zz%2"));
        assert_eq!(query_value("?a=%E2%9C%93", "a").as_deref(), Some("✓"));
    }
}
