//! An SBOM's package table as a reader searches and sorts it: which packages a search matches (name,
//! version, type, purl or license, ignoring case) and in which order (name, version, type or license).

use std::cmp::Ordering;

use strata_image::tag_table::compare_versions;

use crate::sbom::Package;

/// How the package table is sorted; `package-sort=<as_str>` in the page's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PackageOrder {
    /// Name, A to Z (then version, lowest first).
    #[default]
    Name,
    /// Version, highest first.
    Version,
    /// Type (`apk`, `deb`, `npm`), then name.
    Kind,
    /// License, then name; packages without one last.
    License,
}

impl PackageOrder {
    /// Every order, as the picker lists them.
    pub const ALL: [PackageOrder; 4] = [
        PackageOrder::Name,
        PackageOrder::Version,
        PackageOrder::Kind,
        PackageOrder::License,
    ];

    /// The order's name in an address.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageOrder::Name => "name",
            PackageOrder::Version => "version",
            PackageOrder::Kind => "type",
            PackageOrder::License => "license",
        }
    }

    /// The order an address names, if any.
    pub fn parse(text: &str) -> Option<PackageOrder> {
        PackageOrder::ALL
            .into_iter()
            .find(|order| order.as_str() == text)
    }

    /// The order in words, for the picker.
    pub fn label(self) -> &'static str {
        match self {
            PackageOrder::Name => "name (A to Z)",
            PackageOrder::Version => "version (highest first)",
            PackageOrder::Kind => "type",
            PackageOrder::License => "license",
        }
    }
}

/// Whether a package matches a search: every word of it is in the package's name, version, type, purl
/// or license, ignoring case. An empty search matches everything.
pub fn matches(package: &Package, search: &str) -> bool {
    let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return true;
    }
    let fields = [
        Some(package.name.as_str()),
        package.version.as_deref(),
        package.kind.as_deref(),
        package.purl.as_deref(),
        package.license.as_deref(),
    ];
    let haystack = fields
        .into_iter()
        .flatten()
        .collect::<Vec<&str>>()
        .join("\n")
        .to_lowercase();
    words.iter().all(|word| haystack.contains(word.as_str()))
}

/// The positions of the packages that match `search`, in `order`. The package the SBOM describes (the
/// image itself) is not one of its contents and is left out.
pub fn arranged(packages: &[Package], search: &str, order: PackageOrder) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..packages.len())
        .filter(|&at| !packages[at].described && matches(&packages[at], search))
        .collect();
    let by_name = |a: &Package, b: &Package| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| version_of(a).cmp(version_of(b)))
    };
    let last_when_missing = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    positions.sort_by(|&a, &b| {
        let (a, b) = (&packages[a], &packages[b]);
        match order {
            PackageOrder::Name => by_name(a, b),
            PackageOrder::Version => {
                compare_versions(version_of(b), version_of(a)).then_with(|| by_name(a, b))
            }
            PackageOrder::Kind => {
                last_when_missing(a.kind.as_deref(), b.kind.as_deref()).then_with(|| by_name(a, b))
            }
            PackageOrder::License => last_when_missing(a.license.as_deref(), b.license.as_deref())
                .then_with(|| by_name(a, b)),
        }
    });
    positions
}

fn version_of(package: &Package) -> &str {
    package.version.as_deref().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(name: &str, version: &str, kind: &str, license: Option<&str>) -> Package {
        Package {
            name: name.to_owned(),
            version: Some(version.to_owned()),
            kind: Some(kind.to_owned()),
            purl: Some(format!("pkg:{kind}/{name}@{version}")),
            license: license.map(str::to_owned),
            described: false,
        }
    }

    fn packages() -> Vec<Package> {
        let mut image = package("app", "1.0", "docker", None);
        image.described = true;
        vec![
            image,
            package("zlib", "1.3.1-r0", "apk", Some("Zlib")),
            package("busybox", "1.37.0-r30", "apk", Some("GPL-2.0-only")),
            package("Express", "4.21.2", "npm", Some("MIT")),
            package("musl", "1.2.5-r21", "apk", Some("MIT")),
            package("left-pad", "1.10.0", "npm", None),
        ]
    }

    fn names(packages: &[Package], positions: &[usize]) -> Vec<String> {
        positions
            .iter()
            .map(|&at| packages[at].name.clone())
            .collect()
    }

    #[test]
    fn orders_and_searches() {
        let packages = packages();
        let cases: [(&str, PackageOrder, &[&str]); 8] = [
            (
                "",
                PackageOrder::Name,
                &["busybox", "Express", "left-pad", "musl", "zlib"],
            ),
            (
                "",
                PackageOrder::Version,
                &["Express", "busybox", "left-pad", "zlib", "musl"],
            ),
            (
                "",
                PackageOrder::Kind,
                &["busybox", "musl", "zlib", "Express", "left-pad"],
            ),
            (
                "",
                PackageOrder::License,
                &["busybox", "Express", "musl", "zlib", "left-pad"],
            ),
            ("MIT", PackageOrder::Name, &["Express", "musl"]),
            ("apk r2", PackageOrder::Name, &["musl"]),
            ("EXPRESS", PackageOrder::Name, &["Express"]),
            ("nothing-like-this", PackageOrder::Name, &[]),
        ];
        for (search, order, expected) in cases {
            let found = names(&packages, &arranged(&packages, search, order));
            assert_eq!(found, expected, "search {search:?} by {order:?}");
        }
    }

    #[test]
    fn orders_round_trip_through_the_address() {
        for order in PackageOrder::ALL {
            assert_eq!(PackageOrder::parse(order.as_str()), Some(order));
        }
        assert_eq!(PackageOrder::parse("size"), None);
    }
}
