//! A repository's tags as `tags/list` answers them, one page at a time, and the `Link` to the next page.

use serde::Deserialize;

/// One page of `GET /v2/<name>/tags/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct TagPage {
    /// The repository, as the registry names it.
    #[serde(default)]
    pub name: String,
    /// The tags on this page (`null` from some registries when there are none).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags: Vec<String>,
}

pub(crate) fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagListError {
    /// Not the `{"name","tags"}` document.
    #[error("the tag list is not readable: {0}")]
    Invalid(String),
}

impl TagPage {
    /// Reads a page.
    pub fn parse(bytes: &[u8]) -> Result<TagPage, TagListError> {
        serde_json::from_slice(bytes).map_err(|error| TagListError::Invalid(error.to_string()))
    }
}

/// The target of `rel="next"` in a `Link` header (`<url>; rel="next"`), as given.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.split_once(';')?;
        let is_next = params.split(';').any(|param| {
            let param = param.trim().replace(' ', "");
            param == "rel=\"next\"" || param == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pages_and_links() {
        let page = TagPage::parse(br#"{"name":"team/app","tags":["1.0","latest"]}"#).unwrap();
        assert_eq!(page.tags, ["1.0", "latest"]);
        assert!(
            TagPage::parse(br#"{"name":"team/app","tags":null}"#)
                .unwrap()
                .tags
                .is_empty()
        );
        assert!(TagPage::parse(b"7").is_err());
        let cases = [
            (
                r#"</v2/h/r/tags/list?n=2&last=b>; rel="next""#,
                Some("/v2/h/r/tags/list?n=2&last=b"),
            ),
            (
                r#"<https://x/a>; rel="prev", </next>; rel="next""#,
                Some("/next"),
            ),
            ("</next>;rel=next", Some("/next")),
            (r#"</x>; rel="prev""#, None),
            ("garbage", None),
        ];
        for (header, expected) in cases {
            assert_eq!(next_link(header).as_deref(), expected, "{header}");
        }
    }
}
