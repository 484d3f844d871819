//! Tags that name the same image: each is grouped under the first tag by name naming its digest (registries
//! list tags in no promised order, so the group's head must not depend on it).

use std::collections::HashMap;

/// For each `(tag, digest once known)`: the tag first by name among those naming the same digest, or
/// `None` for that first tag itself and for tags whose digest is not known.
pub fn same_as<'a>(tags: &[(&'a str, Option<&str>)]) -> Vec<Option<&'a str>> {
    let mut first_of: HashMap<&str, &'a str> = HashMap::new();
    for &(tag, digest) in tags {
        if let Some(digest) = digest {
            let first = first_of.entry(digest).or_insert(tag);
            if tag < *first {
                *first = tag;
            }
        }
    }
    tags.iter()
        .map(|&(tag, digest)| {
            let first = *first_of.get(digest?)?;
            (first != tag).then_some(first)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_point_at_the_first_by_name_of_their_digest_whatever_the_list_order() {
        let tags = [
            ("latest", Some("sha256:a")),
            ("1.0.1", Some("sha256:b")),
            ("1", None),
            ("1.0", Some("sha256:a")),
            ("stable", Some("sha256:a")),
            ("1.0.2", Some("sha256:b")),
            ("2.0", Some("sha256:c")),
        ];
        assert_eq!(
            same_as(&tags),
            [
                Some("1.0"),
                None,
                None,
                None,
                Some("1.0"),
                Some("1.0.1"),
                None
            ]
        );
    }
}
