//! The entry `docker pull --platform` takes from an index, and the entry the inspector shows when the
//! reader names no platform.

use std::cmp::Reverse;

use super::Platform;
use super::explain::explain;
use super::matcher::Matcher;

/// The entry `docker pull --platform <requested>` takes from an index, and the alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The index of the chosen entry, if any. A chosen entry without a platform still needs its
    /// config's platform checked, as containerd does.
    pub chosen: Option<usize>,
    /// Indexes of every acceptable entry, best first; entries without a platform come last.
    pub ranked: Vec<usize>,
    /// When nothing is chosen, one plain sentence saying why.
    pub reason: Option<String>,
}

/// Which index entry `docker pull --platform <requested>` takes (containerd `core/images` `Manifest`):
/// keep entries whose platform matches (entries with no platform are kept and go last), stable-sort
/// by rank (ties: more os.features first, else index order), take the first.
pub fn select(requested: &Platform, entries: &[Option<&Platform>]) -> Selection {
    let matcher = Matcher::new(requested);
    let mut ranked: Vec<(usize, Reverse<usize>, usize)> = Vec::new();
    let mut unplatformed = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        match entry {
            None => unplatformed.push(index),
            Some(platform) => {
                if let Some(rank) = matcher.rank(platform) {
                    ranked.push((rank, Reverse(platform.os_features.len()), index));
                }
            }
        }
    }
    // Stable, so equal entries keep index order.
    ranked.sort_by_key(|&(rank, more_features, _)| (rank, more_features));
    let ranked: Vec<usize> = ranked
        .into_iter()
        .map(|(_, _, index)| index)
        .chain(unplatformed)
        .collect();
    let chosen = ranked.first().copied();
    let reason = match chosen {
        Some(_) => None,
        None => Some(explain(&matcher, entries)),
    };
    Selection {
        chosen,
        ranked,
        reason,
    }
}

/// The platform the inspector assumes when the reader names none: the browser has no host platform, and
/// x86-64 Linux is what most readers pull on.
pub const DEFAULT_PLATFORM: &str = "linux/amd64";

/// Which platform entry the inspector shows expanded, and what it tells the reader about the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSelection {
    /// The chosen entry.
    pub chosen: Option<usize>,
    /// The platform asked for with `?platform=`, when it parsed.
    pub requested: Option<Platform>,
    /// A sentence for the reader: why nothing matched, or why the request is not a platform.
    pub notice: Option<String>,
}

/// With `?platform=`, exactly the entry `docker pull --platform` takes, possibly none (with the reason).
/// Without it, the entry an x86-64 Linux machine would pull, or else the first entry, so there is always
/// something to look at.
pub fn select_for_view(requested: Option<&str>, entries: &[Option<&Platform>]) -> ViewSelection {
    match requested.map(Platform::parse) {
        None => {
            let default = Platform::parse(DEFAULT_PLATFORM).unwrap_or_default();
            let chosen = select(&default, entries).chosen;
            let first = (!entries.is_empty()).then_some(0);
            ViewSelection {
                chosen: chosen.or(first),
                requested: None,
                notice: None,
            }
        }
        Some(Ok(platform)) => {
            let selection = select(&platform, entries);
            ViewSelection {
                chosen: selection.chosen,
                requested: Some(platform),
                notice: selection.reason,
            }
        }
        Some(Err(error)) => ViewSelection {
            chosen: None,
            requested: None,
            notice: Some(format!(
                "{:?} is not a platform: {error}.",
                requested.unwrap_or_default()
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;

    #[test]
    fn view_selection_defaults_then_obeys_the_request() {
        let amd64 = Platform::parse("linux/amd64").unwrap();
        let arm64 = Platform::parse("linux/arm64/v8").unwrap();
        let arm7 = Platform::parse("linux/arm/v7").unwrap();
        let both = [Some(&arm64), Some(&amd64)];
        let arm_only = [Some(&arm7)];
        // (?platform=, index entries, entry shown expanded, whether the reader gets a notice)
        type Case<'a> = (
            Option<&'a str>,
            &'a [Option<&'a Platform>],
            Option<usize>,
            bool,
        );
        let cases: [Case<'_>; 6] = [
            (None, &both, Some(1), false),
            (None, &arm_only, Some(0), false),
            (Some("linux/arm64"), &both, Some(0), false),
            (Some("linux/arm/v6"), &arm_only, None, true),
            (Some("linux/a/b/c"), &both, None, true),
            (None, &[], None, false),
        ];
        for (requested, entries, chosen, notice) in cases {
            let view = select_for_view(requested, entries);
            assert_eq!(view.chosen, chosen, "{requested:?}");
            assert_eq!(
                view.notice.is_some(),
                notice,
                "{requested:?}: {:?}",
                view.notice
            );
        }
    }

    #[test]
    fn selects_from_a_buildx_index_with_attestations() {
        let index = entries(&[
            "linux/amd64",
            "linux/arm64",
            "unknown/unknown",
            "unknown/unknown",
        ]);
        let cases: &[(&str, Option<usize>, &[usize])] = &[
            ("linux/amd64", Some(0), &[0]),
            ("linux/amd64/v3", Some(0), &[0]),
            ("linux/arm64", Some(1), &[1]),
            ("linux/arm64/v8", Some(1), &[1]),
            ("linux/386", None, &[]),
            ("linux/arm/v7", None, &[]),
            ("unknown/unknown", None, &[]),
        ];
        for (requested, chosen, ranked) in cases {
            let selection = select_from(requested, &index);
            assert_eq!(selection.chosen, *chosen, "{requested}");
            assert_eq!(selection.ranked, *ranked, "{requested}");
            assert_eq!(selection.reason.is_some(), chosen.is_none(), "{requested}");
        }
        assert_eq!(
            select_from("linux/s390x", &index).reason.as_deref(),
            Some("this index has images for linux/amd64 and linux/arm64 only")
        );
    }

    #[test]
    fn selects_from_a_docker_official_image() {
        let index = entries(&[
            "linux/amd64",
            "unknown/unknown",
            "linux/arm/v5",
            "unknown/unknown",
            "linux/arm/v7",
            "unknown/unknown",
            "linux/arm64/v8",
            "unknown/unknown",
            "linux/386",
            "unknown/unknown",
            "linux/ppc64le",
            "unknown/unknown",
            "linux/s390x",
            "unknown/unknown",
        ]);
        let cases: &[(&str, Option<usize>, &[usize])] = &[
            ("linux/amd64", Some(0), &[0, 8]),
            ("linux/amd64/v2", Some(0), &[0, 8]),
            ("linux/386", Some(8), &[8]),
            ("linux/arm64", Some(6), &[6, 4, 2]),
            ("linux/arm64/v8.2", Some(6), &[6, 4, 2]),
            ("linux/arm/v8", Some(4), &[4, 2]),
            ("linux/arm/v7", Some(4), &[4, 2]),
            ("linux/arm", Some(4), &[4, 2]),
            ("linux/arm/v6", Some(2), &[2]),
            ("linux/arm/v5", Some(2), &[2]),
            ("linux/ppc64le", Some(10), &[10]),
            ("linux/s390x", Some(12), &[12]),
            ("linux/riscv64", None, &[]),
            ("windows/amd64", None, &[]),
        ];
        for (requested, chosen, ranked) in cases {
            let selection = select_from(requested, &index);
            assert_eq!(selection.chosen, *chosen, "{requested}");
            assert_eq!(selection.ranked, *ranked, "{requested}");
        }
        assert_eq!(
            select_from("linux/riscv64", &index).reason.as_deref(),
            Some(
                "this index has images for linux/amd64, linux/arm/v5, linux/arm/v7, linux/arm64, \
                 linux/386, linux/ppc64le and linux/s390x only"
            )
        );
    }

    #[test]
    fn selects_windows_builds() {
        let ltsc = |version: &str| with_version(platform("windows", "amd64", ""), version);
        let index = vec![
            Some(ltsc("10.0.17763.5329")),
            Some(ltsc("10.0.20348.2227")),
            Some(ltsc("10.0.26100.3194")),
            Some(platform("linux", "amd64", "")),
        ];
        let cases: &[(&str, Option<usize>, &[usize])] = &[
            ("windows(10.0.17763)/amd64", Some(0), &[0]),
            ("windows(10.0.20348)/amd64", Some(1), &[1]),
            ("windows(10.0.26100)/amd64", Some(1), &[1, 2]),
            ("windows/amd64", Some(0), &[0, 1, 2]),
            ("linux/amd64", Some(3), &[3]),
        ];
        for (requested, chosen, ranked) in cases {
            let selection = select_from(requested, &index);
            assert_eq!(selection.chosen, *chosen, "{requested}");
            assert_eq!(selection.ranked, *ranked, "{requested}");
        }
    }

    #[test]
    fn ranks_by_preference_then_features_then_index_order() {
        let cases: &[(&str, &[&str], &[usize])] = &[
            // Preference beats index order.
            ("linux/amd64", &["linux/386", "linux/amd64"], &[1, 0]),
            (
                "linux/arm64",
                &["linux/arm/v7", "linux/arm/v8", "linux/arm/v6"],
                &[1, 0, 2],
            ),
            (
                "linux/amd64/v3",
                &[
                    "linux/386",
                    "linux/amd64",
                    "linux/amd64/v3",
                    "linux/amd64/v2",
                ],
                &[2, 3, 1, 0],
            ),
            // Equal platforms keep index order.
            ("linux/amd64", &["linux/amd64", "linux/amd64"], &[0, 1]),
            ("linux/arm/v7", &["linux/arm", "linux/arm/v7"], &[0, 1]),
            // Entries without a platform are kept, last.
            ("linux/amd64", &["-", "linux/arm64", "linux/amd64"], &[2, 0]),
            ("linux/s390x", &["-", "linux/arm64", "-"], &[0, 2]),
        ];
        for (requested, platforms, ranked) in cases {
            let selection = select_from(requested, &entries(platforms));
            assert_eq!(selection.ranked, *ranked, "{requested} over {platforms:?}");
            assert_eq!(selection.chosen, ranked.first().copied());
            assert_eq!(selection.reason, None);
        }
        // With the same rank, more os.features first.
        let plain = platform("linux", "amd64", "");
        let featured = with_features(plain.clone(), &["sse4"]);
        let requested = with_features(plain.clone(), &["sse4"]);
        let index = [Some(&plain), Some(&featured)];
        assert_eq!(select(&requested, &index).ranked, [1, 0]);
        // But rank comes first.
        let old = with_features(platform("linux", "386", ""), &["sse4"]);
        let index = [Some(&old), Some(&plain)];
        assert_eq!(select(&requested, &index).ranked, [1, 0]);
    }
}
