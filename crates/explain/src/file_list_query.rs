//! A file list's filters as they travel in the address: `q=` (a search), `sort=size`,
//! `change=added,modified,…`, `from-layer=N` (counted from 1, as the page shows layers) and `min-size=10M`.
//! The files view and the comparison's files view read and write them here, so a copied link keeps the list.

use strata_layers::Change;

use crate::share_link::query_value;

/// The address's parameter names.
pub mod param {
    /// The search: text, or a glob over paths.
    pub const QUERY: &str = "q";
    /// `size`: largest first.
    pub const SORT: &str = "sort";
    /// The changes shown, comma-separated.
    pub const CHANGE: &str = "change";
    /// Only paths the layer with this number (from 1) wrote.
    pub const FROM_LAYER: &str = "from-layer";
    /// Only paths at least this large: bytes, or with a unit (`512k`, `10M`, `1.5GB`).
    pub const MIN_SIZE: &str = "min-size";
}

/// The filters a file list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileListQuery {
    /// The search, as typed.
    pub query: String,
    /// Largest first.
    pub by_size: bool,
    /// The changes shown; empty: the list's default.
    pub changes: Vec<Change>,
    /// The layer's index (from 0), when the list shows one layer's paths.
    pub layer: Option<usize>,
    /// The minimum size as typed; [`FileListQuery::min_size`] reads it.
    pub min_size_text: String,
}

impl FileListQuery {
    /// The filters in a query string (`?…`); what cannot be read is left out.
    pub fn from_search(search: &str) -> FileListQuery {
        let value = |key| query_value(search, key).unwrap_or_default();
        FileListQuery {
            query: value(param::QUERY),
            by_size: value(param::SORT) == "size",
            changes: value(param::CHANGE)
                .split(',')
                .filter_map(|name| Change::parse(name.trim()))
                .collect(),
            layer: value(param::FROM_LAYER)
                .parse::<usize>()
                .ok()
                .and_then(|number| number.checked_sub(1)),
            min_size_text: value(param::MIN_SIZE),
        }
    }

    /// The minimum size in bytes, when one is given and readable.
    pub fn min_size(&self) -> Option<u64> {
        parse_size(&self.min_size_text)
    }

    /// Every parameter, set or (when at its default) removed, for the address bar.
    pub fn params(&self) -> [(&'static str, Option<String>); 5] {
        let text = |value: &str| Some(value.trim().to_owned()).filter(|value| !value.is_empty());
        let changes: Vec<&str> = self.changes.iter().map(|change| change.as_str()).collect();
        [
            (param::QUERY, text(&self.query)),
            (param::SORT, self.by_size.then(|| "size".to_owned())),
            (param::CHANGE, text(&changes.join(","))),
            (
                param::FROM_LAYER,
                self.layer.map(|layer| (layer + 1).to_string()),
            ),
            (param::MIN_SIZE, text(&self.min_size_text)),
        ]
    }

    /// Shows `change` too, or no longer (the list's own default set aside once the reader chooses; back
    /// to empty when the choice is the default again, so the address stays short).
    pub fn toggled(&self, change: Change, defaults: &[Change]) -> Vec<Change> {
        let mut changes = if self.changes.is_empty() {
            defaults.to_vec()
        } else {
            self.changes.clone()
        };
        match changes.iter().position(|shown| *shown == change) {
            Some(at) => {
                changes.remove(at);
            }
            None => changes.push(change),
        }
        let chosen: Vec<Change> = Change::ALL
            .into_iter()
            .filter(|change| changes.contains(change))
            .collect();
        let default: Vec<Change> = Change::ALL
            .into_iter()
            .filter(|change| defaults.contains(change))
            .collect();
        if chosen == default {
            Vec::new()
        } else {
            chosen
        }
    }
}

/// A size as a reader types it: bytes (`4096`), or a number with a unit — `k`, `M`, `G` (and `KiB`,
/// `MiB`, `GiB`) count in 1024s, `kB`, `MB`, `GB` in 1000s. `None` for anything else.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let unit = match unit.trim() {
        "" | "B" | "b" => 1.0,
        "k" | "K" | "KiB" | "kiB" => 1024.0,
        "M" | "m" | "MiB" => 1024.0 * 1024.0,
        "G" | "g" | "GiB" => 1024.0 * 1024.0 * 1024.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    let bytes = number * unit;
    (bytes.is_finite() && bytes < u64::MAX as f64).then(|| bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_typed() {
        let cases = [
            ("4096", Some(4096)),
            (" 512k ", Some(512 * 1024)),
            ("10M", Some(10 << 20)),
            ("1.5GiB", Some(3 << 29)),
            ("2 MB", Some(2_000_000)),
            ("3kB", Some(3000)),
            ("0", Some(0)),
            ("", None),
            ("ten", None),
            ("5 parsecs", None),
            ("1.2.3M", None),
            ("99999999999999999999999G", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_size(text), expected, "{text:?}");
        }
    }

    #[test]
    fn filters_survive_the_address_bar() {
        let cases = [
            ("", FileListQuery::default()),
            (
                "?q=*.so&sort=size&change=added,deleted,nonsense&from-layer=3&min-size=10M&view=files",
                FileListQuery {
                    query: "*.so".to_owned(),
                    by_size: true,
                    changes: vec![Change::Added, Change::Deleted],
                    layer: Some(2),
                    min_size_text: "10M".to_owned(),
                },
            ),
            ("?from-layer=0&sort=name", FileListQuery::default()),
        ];
        for (search, expected) in cases {
            let query = FileListQuery::from_search(search);
            assert_eq!(query, expected, "{search}");
            let written = query
                .params()
                .iter()
                .fold(String::new(), |search, (key, value)| {
                    crate::share_link::with_query_value(&search, key, value.as_deref())
                });
            assert_eq!(FileListQuery::from_search(&written), expected, "{written}");
        }
        assert_eq!(
            FileListQuery::from_search("?min-size=2k").min_size(),
            Some(2048)
        );
    }

    #[test]
    fn a_change_toggles_from_the_lists_default() {
        let defaults = [Change::Added, Change::Modified, Change::Deleted];
        let none = FileListQuery::default();
        assert_eq!(
            none.toggled(Change::Unchanged, &defaults),
            Change::ALL.to_vec()
        );
        assert_eq!(
            none.toggled(Change::Modified, &defaults),
            [Change::Added, Change::Deleted]
        );
        let some = FileListQuery {
            changes: vec![Change::Deleted],
            ..FileListQuery::default()
        };
        assert_eq!(
            some.toggled(Change::Added, &defaults),
            [Change::Added, Change::Deleted]
        );
        let all_but_added = FileListQuery {
            changes: vec![Change::Modified, Change::Deleted],
            ..FileListQuery::default()
        };
        assert_eq!(
            all_but_added.toggled(Change::Added, &defaults),
            [],
            "the default again"
        );
    }
}
