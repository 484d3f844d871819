//! Tags as versions: `v1.2.10` after `1.2.9`, a release after its pre-releases (`1.0.0-rc1`), and
//! anything that is not a version (`latest`, `edge`) before every version.

use std::cmp::Ordering;

/// Orders two tags as versions, lowest first; tags that are equal as versions fall back to
/// [`natural`] order, so the order is total.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (left, right) = (Version::read(a), Version::read(b));
    match (&left, &right) {
        (None, None) => natural(a, b),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(left), Some(right)) => left.cmp_to(right).then_with(|| natural(a, b)),
    }
}

/// Whether a tag reads as a version (it starts with a number, after an optional `v`).
pub(super) fn is_version(tag: &str) -> bool {
    Version::read(tag).is_some()
}

/// A tag read as numbers and what follows them.
struct Version<'a> {
    numbers: Vec<&'a str>,
    suffix: &'a str,
}

impl<'a> Version<'a> {
    /// `v1.2.3-alpine` → numbers `1 2 3`, suffix `alpine`; `None` when the tag does not start with a number.
    fn read(tag: &'a str) -> Option<Version<'a>> {
        let text = match tag.strip_prefix(['v', 'V']) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => tag,
        };
        let mut numbers = Vec::new();
        let mut rest = text;
        loop {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                break;
            }
            numbers.push(rest[..digits].trim_start_matches('0'));
            rest = &rest[digits..];
            match rest.strip_prefix('.') {
                Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
                _ => break,
            }
        }
        if numbers.is_empty() {
            return None;
        }
        Some(Version {
            numbers,
            suffix: rest.trim_start_matches(['-', '+', '_', '.']),
        })
    }

    fn cmp_to(&self, other: &Version<'_>) -> Ordering {
        for (left, right) in self.numbers.iter().zip(&other.numbers) {
            let order = left.len().cmp(&right.len()).then_with(|| left.cmp(right));
            if order != Ordering::Equal {
                return order;
            }
        }
        self.numbers.len().cmp(&other.numbers.len()).then_with(|| {
            match (self.suffix.is_empty(), other.suffix.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => natural(self.suffix, other.suffix),
            }
        })
    }
}

/// Text order where runs of digits compare as numbers: `rc2` before `rc10`.
fn natural(a: &str, b: &str) -> Ordering {
    let (mut left, mut right) = (a, b);
    loop {
        match (left.is_empty(), right.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let (left_run, left_rest) = split_run(left);
        let (right_run, right_rest) = split_run(right);
        let both_numbers = left_run.starts_with(|c: char| c.is_ascii_digit())
            && right_run.starts_with(|c: char| c.is_ascii_digit());
        let order = if both_numbers {
            let (l, r) = (
                left_run.trim_start_matches('0'),
                right_run.trim_start_matches('0'),
            );
            l.len().cmp(&r.len()).then_with(|| l.cmp(r))
        } else {
            left_run.cmp(right_run)
        };
        if order != Ordering::Equal {
            return order;
        }
        (left, right) = (left_rest, right_rest);
    }
}

/// The leading run of digits, or of anything else, and the rest.
fn split_run(text: &str) -> (&str, &str) {
    let digits = text.starts_with(|c: char| c.is_ascii_digit());
    let end = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() != digits)
        .map_or(text.len(), |(at, _)| at);
    text.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_sort_as_versions_lowest_first() {
        let mut tags = vec![
            "1.10.0",
            "latest",
            "v1.2.10",
            "1.2.9",
            "1.2",
            "1.0.0",
            "1.0.0-rc10",
            "1.0.0-rc2",
            "2",
            "edge",
            "1.25-alpine",
            "1.25",
            "01.3",
            "1.25.0-alpine3.19",
            "99999999999999999999.1",
        ];
        tags.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            tags,
            [
                "edge",
                "latest",
                "1.0.0-rc2",
                "1.0.0-rc10",
                "1.0.0",
                "1.2",
                "1.2.9",
                "v1.2.10",
                "01.3",
                "1.10.0",
                "1.25-alpine",
                "1.25",
                "1.25.0-alpine3.19",
                "2",
                "99999999999999999999.1",
            ]
        );
    }

    #[test]
    fn the_order_is_total_even_for_equal_versions() {
        for (a, b) in [("v1.0", "1.0"), ("1.0", "1.00"), ("1_0", "1-0")] {
            assert_ne!(compare_versions(a, b), Ordering::Equal, "{a} {b}");
            assert_eq!(compare_versions(a, b), compare_versions(b, a).reverse());
        }
    }
}
