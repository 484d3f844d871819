//! Why no entry of an index suits a machine, in plain words, most specific cause first.

use super::Platform;
use super::matcher::{Check, Matcher};
use super::normalize::{is_unknown_pair, short_name};
use super::windows::WindowsVersion;

/// Why no entry of `entries` suits the matcher's machine, most specific cause first.
pub(super) fn explain(matcher: &Matcher, entries: &[Option<&Platform>]) -> String {
    if entries.is_empty() {
        return "this index lists no images".to_string();
    }
    let runnable: Vec<Platform> = entries
        .iter()
        .flatten()
        .map(|platform| platform.normalized())
        .filter(|platform| !is_unknown_pair(platform))
        .collect();
    if runnable.is_empty() {
        return "this index holds only attestations (unknown/unknown), no images to run"
            .to_string();
    }
    let machine = matcher.machine_name();
    let mut variants = Vec::new();
    let mut versions = Vec::new();
    let mut features = Vec::new();
    let mut needy = Vec::new();
    for platform in &runnable {
        match matcher.check(platform) {
            Check::Variant => push_unique(&mut variants, short_name(platform)),
            Check::Version => push_unique(
                &mut versions,
                platform
                    .os_version
                    .as_deref()
                    .map(|version| match WindowsVersion::parse(version) {
                        Some(parsed) => parsed.to_string(),
                        None => version.to_string(),
                    })
                    .unwrap_or_default(),
            ),
            Check::Features(missing) => {
                push_unique(&mut needy, platform.format());
                for feature in missing {
                    push_unique(&mut features, feature);
                }
            }
            Check::Runs(_) | Check::Other => {}
        }
    }
    if !versions.is_empty()
        && let Some(host) = matcher.windows_host
    {
        let runs = match host.oldest_runnable_build() {
            Some(oldest) if oldest < host.build => format!(
                "images built for {}.{}.{oldest} through {host}",
                host.major, host.minor
            ),
            _ => format!("only images built for {host}"),
        };
        return format!(
            "{} {machine} machine on build {host} cannot run images built for {}: it runs {runs}",
            article(&machine),
            join(&versions, "or"),
        );
    }
    if !features.is_empty() {
        return format!(
            "the {} {} here {} the os.features {}, which the requested platform does not list",
            join(&needy, "and"),
            if needy.len() == 1 { "image" } else { "images" },
            if needy.len() == 1 { "needs" } else { "need" },
            join(&features, "and"),
        );
    }
    if !variants.is_empty() {
        let a = article(&machine);
        return format!(
            "{a} {machine} machine cannot run {} images: {a} {machine} machine runs {}",
            join(&variants, "or"),
            join(&matcher.preference(), "or"),
        );
    }
    let mut offered = Vec::new();
    for platform in &runnable {
        push_unique(&mut offered, platform.to_string());
    }
    format!("this index has images for {} only", join(&offered, "and"))
}

/// "a" or "an" as the name is read aloud: "an arm64", "an s390x", "an x86", "a 386", "a riscv64".
fn article(name: &str) -> &'static str {
    let mut chars = name.chars().map(|c| c.to_ascii_lowercase());
    match (chars.next(), chars.next()) {
        (Some('a' | 'e' | 'i' | 'o' | 'u'), _) => "an",
        (Some('s' | 'x'), Some(next)) if next.is_ascii_digit() => "an",
        _ => "a",
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

fn push_unique(items: &mut Vec<String>, item: String) {
    if !items.contains(&item) {
        items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn explains_why_nothing_matches() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "linux/amd64",
                &[
                    "linux/arm64",
                    "linux/arm/v7",
                    "unknown/unknown",
                    "unknown/unknown",
                ],
                "this index has images for linux/arm64 and linux/arm/v7 only",
            ),
            (
                "linux/amd64",
                &["linux/amd64/v3", "linux/arm64"],
                "an amd64 machine cannot run amd64/v3 images: an amd64 machine runs linux/amd64 or linux/386",
            ),
            (
                "linux/arm/v6",
                &["linux/arm/v7", "unknown/unknown"],
                "an arm/v6 machine cannot run arm/v7 images: an arm/v6 machine runs linux/arm/v6 or linux/arm/v5",
            ),
            (
                "linux/arm/v6",
                &["linux/arm"],
                "an arm/v6 machine cannot run arm/v7 images: an arm/v6 machine runs linux/arm/v6 or linux/arm/v5",
            ),
            (
                "linux/arm/v5",
                &["linux/arm/v6", "linux/arm/v7", "linux/arm/v7"],
                "an arm/v5 machine cannot run arm/v6 or arm/v7 images: an arm/v5 machine runs linux/arm/v5",
            ),
            (
                "linux/arm64",
                &["linux/arm64/v8.2"],
                "an arm64 machine cannot run arm64/v8.2 images: an arm64 machine runs linux/arm64/v8, \
                 linux/arm/v8, linux/arm/v7, linux/arm/v6 or linux/arm/v5",
            ),
            (
                "linux/386",
                &["linux/amd64"],
                "this index has images for linux/amd64 only",
            ),
            (
                "windows/amd64",
                &["linux/amd64", "linux/arm64"],
                "this index has images for linux/amd64 and linux/arm64 only",
            ),
            (
                "linux/amd64",
                &["unknown/unknown", "unknown/unknown"],
                "this index holds only attestations (unknown/unknown), no images to run",
            ),
            ("linux/amd64", &[], "this index lists no images"),
        ];
        for (requested, platforms, reason) in cases {
            let selection = select_from(requested, &entries(platforms));
            assert_eq!(selection.chosen, None, "{requested}");
            assert!(selection.ranked.is_empty(), "{requested}");
            assert_eq!(selection.reason.as_deref(), Some(*reason), "{requested}");
        }
    }

    #[test]
    fn explains_windows_builds_and_features() {
        let ltsc = |version: &str| with_version(platform("windows", "amd64", ""), version);
        let index = vec![Some(ltsc("10.0.20348.2227")), Some(ltsc("10.0.26100.3194"))];
        let selection = select_from("windows(10.0.17763)/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "a windows/amd64 machine on build 10.0.17763 cannot run images built for \
                 10.0.20348 or 10.0.26100: it runs only images built for 10.0.17763"
            )
        );
        let index = vec![Some(ltsc("10.0.26100.3194"))];
        let selection = select_from("windows(10.0.20348)/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "a windows/amd64 machine on build 10.0.20348 cannot run images built for \
                 10.0.26100: it runs only images built for 10.0.20348"
            )
        );
        let index = vec![Some(ltsc("10.0.17763.5329"))];
        let selection = select_from("windows(10.0.26100)/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "a windows/amd64 machine on build 10.0.26100 cannot run images built for \
                 10.0.17763: it runs images built for 10.0.20348 through 10.0.26100"
            )
        );
        let index = vec![Some(with_features(
            platform("linux", "amd64", ""),
            &["sse4", "avx"],
        ))];
        let selection = select_from("linux/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "the linux/amd64 image here needs the os.features avx and sse4, \
                 which the requested platform does not list"
            )
        );
    }
}
