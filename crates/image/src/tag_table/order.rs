//! The orders a reader sorts a tag table in: by name (as registries list tags), by version (highest
//! first), by build time (newest first) or by size (largest first). Rows not yet known go last.

use std::cmp::Ordering;

use super::created_time::created_seconds;
use super::version_order::{compare_versions, is_version};

/// How the tag table is sorted; `tag-sort=<as_str>` in the page's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagOrder {
    /// Name, A to Z.
    #[default]
    Name,
    /// Version, highest first.
    Version,
    /// Created, newest first.
    Created,
    /// Size, largest first.
    Size,
}

impl TagOrder {
    /// Every order, as the picker lists them.
    pub const ALL: [TagOrder; 4] = [
        TagOrder::Name,
        TagOrder::Version,
        TagOrder::Created,
        TagOrder::Size,
    ];

    /// The order's name in an address.
    pub fn as_str(self) -> &'static str {
        match self {
            TagOrder::Name => "name",
            TagOrder::Version => "version",
            TagOrder::Created => "created",
            TagOrder::Size => "size",
        }
    }

    /// The order an address names, if any.
    pub fn parse(text: &str) -> Option<TagOrder> {
        TagOrder::ALL
            .into_iter()
            .find(|order| order.as_str() == text)
    }

    /// The order in words, for the picker.
    pub fn label(self) -> &'static str {
        match self {
            TagOrder::Name => "name (A to Z)",
            TagOrder::Version => "version (highest first)",
            TagOrder::Created => "created (newest first)",
            TagOrder::Size => "size (largest first)",
        }
    }

    /// Whether sorting needs every tag's details (its config, for the date; its manifests, for the size).
    pub fn needs_details(self) -> bool {
        matches!(self, TagOrder::Created | TagOrder::Size)
    }
}

/// What the order looks at in one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagRow<'a> {
    /// The tag.
    pub tag: &'a str,
    /// The config's `created`, once known.
    pub created: Option<&'a str>,
    /// The size, once known.
    pub size: Option<u64>,
}

/// The positions of `rows` in `order`; ties, and rows whose date or size is not known yet, by name.
pub fn sorted(rows: &[TagRow<'_>], order: TagOrder) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..rows.len()).collect();
    // Each date read once, not once per comparison.
    let created: Vec<Option<(i64, u32)>> = match order {
        TagOrder::Created => rows
            .iter()
            .map(|row| row.created.and_then(created_seconds))
            .collect(),
        _ => Vec::new(),
    };
    positions.sort_by(|&at, &other| {
        let (a, b) = (&rows[at], &rows[other]);
        let order = match order {
            TagOrder::Name => Ordering::Equal,
            // Highest version first; names that are no version after them, A to Z.
            TagOrder::Version => match (is_version(a.tag), is_version(b.tag)) {
                (false, false) => Ordering::Equal,
                _ => compare_versions(b.tag, a.tag),
            },
            TagOrder::Created => known_first_descending(created[at], created[other]),
            TagOrder::Size => known_first_descending(a.size, b.size),
        };
        order.then_with(|| a.tag.cmp(b.tag))
    });
    positions
}

/// Larger first, unknown last.
fn known_first_descending<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_order_puts_the_rows_as_a_reader_expects() {
        let rows = [
            TagRow {
                tag: "latest",
                created: Some("2024-05-03T00:00:00Z"),
                size: Some(30),
            },
            TagRow {
                tag: "1.10",
                created: Some("2024-05-02T23:00:00-02:00"),
                size: Some(50),
            },
            TagRow {
                tag: "1.9",
                created: Some("2024-05-01T00:00:00Z"),
                size: None,
            },
            TagRow {
                tag: "edge",
                created: None,
                size: Some(50),
            },
            TagRow {
                tag: "1.2",
                created: Some("not a time"),
                size: Some(10),
            },
        ];
        let tags = |order| -> Vec<&str> {
            sorted(&rows, order)
                .into_iter()
                .map(|at| rows[at].tag)
                .collect()
        };
        assert_eq!(
            tags(TagOrder::Name),
            ["1.10", "1.2", "1.9", "edge", "latest"]
        );
        assert_eq!(
            tags(TagOrder::Version),
            ["1.10", "1.9", "1.2", "edge", "latest"]
        );
        assert_eq!(
            tags(TagOrder::Created),
            ["1.10", "latest", "1.9", "1.2", "edge"]
        );
        assert_eq!(
            tags(TagOrder::Size),
            ["1.10", "edge", "latest", "1.2", "1.9"]
        );
    }

    #[test]
    fn orders_read_back_from_their_names() {
        for order in TagOrder::ALL {
            assert_eq!(TagOrder::parse(order.as_str()), Some(order));
        }
        assert_eq!(TagOrder::parse("date"), None);
        assert!(TagOrder::Created.needs_details() && !TagOrder::Version.needs_details());
    }
}
