//! A registry's repositories as `_catalog` answers them, one page at a time (the next page's `Link` is
//! read as for tag lists, by [`crate::tag_list::next_link`]).

use serde::Deserialize;

use crate::tag_list::null_as_empty;

/// One page of `GET /v2/_catalog`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct CatalogPage {
    /// The repositories on this page (`null` from some registries when there are none).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub repositories: Vec<String>,
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// Not the `{"repositories": [...]}` document.
    #[error("the catalog is not readable: {0}")]
    Invalid(String),
}

impl CatalogPage {
    /// Reads a page.
    pub fn parse(bytes: &[u8]) -> Result<CatalogPage, CatalogError> {
        serde_json::from_slice(bytes).map_err(|error| CatalogError::Invalid(error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pages_of_repositories() {
        for (body, expected) in [
            (
                &br#"{"repositories":["alpha/one","beta"]}"#[..],
                Some(vec!["alpha/one", "beta"]),
            ),
            (br#"{"repositories":null}"#, Some(vec![])),
            (br#"{}"#, Some(vec![])),
            (br#"{"repositories":[1]}"#, None),
            (b"<html>", None),
        ] {
            let read = CatalogPage::parse(body).ok().map(|page| page.repositories);
            assert_eq!(
                read,
                expected.map(|names| names.into_iter().map(str::to_owned).collect()),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
