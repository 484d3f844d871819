//! Which platforms a machine runs, and in which order it prefers them, as containerd's `platforms.Only`
//! decides.

use super::normalize::{is_unknown_pair, normalize_arch, short_name};
use super::windows::WindowsVersion;
use super::{Platform, non_empty, parse_digits};

/// Numbered variants above this (`arm/v100`) get no lower-variant fallbacks: no such CPU exists,
/// and the fallback chain would otherwise grow with the number.
const MAX_VARIANT_LEVEL: u32 = 64;

/// Decides which platforms a machine can run, and in which order it prefers them, as containerd's
/// `platforms.Only` does.
///
/// A machine runs its own normalized platform, then lower variants of it, then a related
/// architecture: amd64/vN runs amd64/vN…v1 and then 386; arm/vN runs arm/vN…v5; arm64 runs its own
/// and lower arm64 variants and then arm/v8…v5 (an arm64/v9.x machine also runs v8.(x+5)…v8); any
/// other architecture runs only itself. On top of that, the operating system must be the same, the
/// candidate's `os.features` must all be in the requested ones (`win32k` is ignored on Windows), and on
/// Windows the `os.version` must fit the host (see [`Matcher::new`]). `unknown/unknown` never matches.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// The requested platform, normalized.
    requested: Platform,
    /// Normalized architecture and variant of each acceptable platform, best first.
    chain: Vec<(String, Option<String>)>,
    /// The requested Windows build, when the request is for Windows and names one.
    pub(super) windows_host: Option<WindowsVersion>,
}

impl Matcher {
    /// A matcher for a machine of the `requested` platform.
    ///
    /// Windows rules, when the requested platform is Windows and has an `os.version`: major and
    /// minor must be equal; a host before build 20348 (Server 2022) runs only its own build; a host
    /// from 20348 on runs builds from the previous LTSC (Server 2022 counting as the first) up to
    /// its own, so 20348 onwards for every host up to and after 26100 (Server 2025), and 26100
    /// onwards once a later LTSC exists. A candidate without `os.version` always fits.
    pub fn new(requested: &Platform) -> Matcher {
        let requested = requested.normalized();
        let chain = if is_unknown_pair(&requested) {
            Vec::new()
        } else {
            fallback_chain(&requested.architecture, requested.variant.as_deref())
        };
        let windows_host = if requested.os == "windows" {
            requested
                .os_version
                .as_deref()
                .and_then(WindowsVersion::parse)
                .filter(|version| !version.is_zero())
        } else {
            None
        };
        Matcher {
            requested,
            chain,
            windows_host,
        }
    }

    /// Whether a machine of the requested platform can run `candidate`.
    pub fn matches(&self, candidate: &Platform) -> bool {
        self.rank(candidate).is_some()
    }

    /// Where `candidate` stands in the machine's preference order (0 is best), or `None` if the machine
    /// cannot run it.
    pub fn rank(&self, candidate: &Platform) -> Option<usize> {
        let candidate = candidate.normalized();
        match self.check(&candidate) {
            Check::Runs(rank) => Some(rank),
            _ => None,
        }
    }

    /// The platforms the machine runs, best first, formatted as `os/arch[/variant]` in normalized form,
    /// except that arm64 shows its default variant as `v8` for readability: `linux/arm64` gives
    /// `["linux/arm64/v8", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]`, and
    /// `linux/amd64` gives `["linux/amd64", "linux/386"]`. Empty for `unknown/unknown`.
    pub fn preference(&self) -> Vec<String> {
        self.chain
            .iter()
            .map(|(architecture, variant)| {
                let variant = match variant {
                    None if architecture == "arm64" => Some("v8"),
                    other => other.as_deref(),
                };
                Platform {
                    os: self.requested.os.clone(),
                    architecture: architecture.clone(),
                    variant: variant.map(str::to_string),
                    os_version: None,
                    os_features: Vec::new(),
                }
                .format()
            })
            .collect()
    }

    /// Matches a normalized candidate, saying why it fails when it does.
    pub(super) fn check(&self, candidate: &Platform) -> Check {
        if is_unknown_pair(candidate) || candidate.os != self.requested.os {
            return Check::Other;
        }
        let position = self.chain.iter().position(|(architecture, variant)| {
            *architecture == candidate.architecture && *variant == candidate.variant
        });
        let Some(position) = position else {
            let related = self
                .chain
                .iter()
                .any(|(architecture, _)| *architecture == candidate.architecture);
            return if related {
                Check::Variant
            } else {
                Check::Other
            };
        };
        if !self.version_fits(candidate.os_version.as_deref()) {
            return Check::Version;
        }
        let missing = self.missing_features(candidate);
        if !missing.is_empty() {
            return Check::Features(missing);
        }
        Check::Runs(position)
    }

    fn version_fits(&self, candidate: Option<&str>) -> bool {
        let (Some(host), Some(candidate)) =
            (self.windows_host, candidate.filter(|v| !v.is_empty()))
        else {
            return true;
        };
        WindowsVersion::parse(candidate).is_some_and(|candidate| host.runs(candidate))
    }

    /// The candidate's normalized `os.features` the request does not have.
    fn missing_features(&self, candidate: &Platform) -> Vec<String> {
        candidate
            .os_features
            .iter()
            .filter(|feature| !(self.requested.os == "windows" && *feature == "win32k"))
            .filter(|feature| !self.requested.os_features.contains(feature))
            .cloned()
            .collect()
    }

    /// The requested platform for sentences: `arm/v6`, `amd64`, or `windows/amd64` off Linux.
    pub(super) fn machine_name(&self) -> String {
        short_name(&self.requested)
    }
}

/// How a normalized candidate fares against a [`Matcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Check {
    /// Runs, at this preference rank.
    Runs(usize),
    /// The same OS and a related architecture, but a variant the machine cannot run.
    Variant,
    /// Right platform, but the Windows build does not fit the host.
    Version,
    /// Right platform, but it needs these `os.features`.
    Features(Vec<String>),
    /// Another OS or an unrelated architecture (or `unknown/unknown`).
    Other,
}

/// The normalized architecture/variant pairs a machine of this normalized architecture and variant
/// runs, best first (containerd's `platformVector`).
pub(super) fn fallback_chain(
    architecture: &str,
    variant: Option<&str>,
) -> Vec<(String, Option<String>)> {
    let mut chain: Vec<(String, Option<String>)> = Vec::new();
    let mut push = |architecture: &str, variant: &str| {
        let (architecture, variant) = normalize_arch(architecture, variant);
        let entry = (architecture, non_empty(variant));
        if !chain.contains(&entry) {
            chain.push(entry);
        }
    };
    let variant = variant.unwrap_or("");
    push(architecture, variant);
    match architecture {
        "amd64" => {
            if let Some(level) = variant_level(variant) {
                for lower in (1..level).rev() {
                    push("amd64", &format!("v{lower}"));
                }
            }
            push("386", "");
        }
        "arm" => {
            if let Some(level) = variant_level(variant).filter(|&level| level > 5) {
                for lower in (5..level).rev() {
                    push("arm", &format!("v{lower}"));
                }
            }
        }
        "arm64" => {
            let variant = if variant.is_empty() { "v8" } else { variant };
            let (major, minor) = variant.split_once('.').unwrap_or((variant, ""));
            if let Some(mut major) = variant_level(major).filter(|&major| major >= 8) {
                // Only single-digit minors count, as in containerd.
                let mut minor = if variant.len() == 4 {
                    parse_digits(minor).unwrap_or(0)
                } else {
                    0
                };
                if major == 9 {
                    for lower in (0..minor).rev() {
                        push("arm64", &arm64_variant(9, lower));
                    }
                    // Armv9.x builds on Armv8.(x+5); the variant table stops at v8.9.
                    minor = (minor + 5).min(9);
                    major = 8;
                    push("arm64", &arm64_variant(8, minor));
                }
                for lower in (0..minor).rev() {
                    push("arm64", &arm64_variant(major, lower));
                }
            }
            let arm_variant = if variant.starts_with("v8.") || variant.starts_with("v9.") {
                "v8"
            } else {
                variant
            };
            for (architecture, variant) in fallback_chain("arm", Some(arm_variant)) {
                push(&architecture, variant.as_deref().unwrap_or(""));
            }
        }
        _ => {}
    }
    chain
}

fn arm64_variant(major: u32, minor: u32) -> String {
    if minor == 0 {
        format!("v{major}")
    } else {
        format!("v{major}.{minor}")
    }
}

/// The number in `vN` or `N`, if it is a plausible CPU level.
fn variant_level(variant: &str) -> Option<u32> {
    let digits = variant.strip_prefix('v').unwrap_or(variant);
    parse_digits(digits).filter(|&level| level <= MAX_VARIANT_LEVEL)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;

    #[test]
    fn matches_like_containerd_only() {
        /// Requested specifier, candidate (os, arch, variant), expected rank.
        type Case = (
            &'static str,
            (&'static str, &'static str, &'static str),
            Option<usize>,
        );
        let cases: &[Case] = &[
            // amd64 runs 386, not amd64/v2.
            ("linux/amd64", ("linux", "amd64", ""), Some(0)),
            ("linux/amd64", ("linux", "amd64", "v1"), Some(0)),
            ("linux/amd64", ("linux", "x86_64", ""), Some(0)),
            ("linux/amd64", ("Linux", "AMD64", ""), Some(0)),
            ("linux/amd64", ("", "amd64", ""), Some(0)),
            ("linux/amd64", ("linux", "386", ""), Some(1)),
            ("linux/amd64", ("linux", "i386", ""), Some(1)),
            ("linux/amd64", ("linux", "amd64", "v2"), None),
            ("linux/amd64", ("linux", "amd64", "v3"), None),
            ("linux/amd64", ("linux", "arm64", ""), None),
            ("linux/amd64", ("windows", "amd64", ""), None),
            ("linux/amd64", ("darwin", "amd64", ""), None),
            ("amd64", ("linux", "amd64", ""), Some(0)),
            // amd64/v3 runs v2, v1 and 386.
            ("linux/amd64/v3", ("linux", "amd64", "v3"), Some(0)),
            ("linux/amd64/v3", ("linux", "amd64", "v2"), Some(1)),
            ("linux/amd64/v3", ("linux", "amd64", ""), Some(2)),
            ("linux/amd64/v3", ("linux", "amd64", "v1"), Some(2)),
            ("linux/amd64/v3", ("linux", "386", ""), Some(3)),
            ("linux/amd64/v3", ("linux", "amd64", "v4"), None),
            ("linux/amd64/v2", ("linux", "amd64", "v3"), None),
            // 386 runs only 386.
            ("linux/386", ("linux", "386", ""), Some(0)),
            ("linux/386", ("linux", "amd64", ""), None),
            // arm/v7 runs v6 and v5, not v8; arm without a variant is v7.
            ("linux/arm/v7", ("linux", "arm", "v7"), Some(0)),
            ("linux/arm/v7", ("linux", "arm", ""), Some(0)),
            ("linux/arm/v7", ("linux", "armhf", ""), Some(0)),
            ("linux/arm/v7", ("linux", "arm", "7"), Some(0)),
            ("linux/arm/v7", ("linux", "arm", "v6"), Some(1)),
            ("linux/arm/v7", ("linux", "armel", ""), Some(1)),
            ("linux/arm/v7", ("linux", "arm", "v5"), Some(2)),
            ("linux/arm/v7", ("linux", "arm", "v8"), None),
            ("linux/arm/v7", ("linux", "arm", "v4"), None),
            ("linux/arm/v7", ("linux", "arm64", ""), None),
            ("linux/arm", ("linux", "arm", "v7"), Some(0)),
            ("linux/arm", ("linux", "arm", "v6"), Some(1)),
            ("linux/arm/v8", ("linux", "arm", "v7"), Some(1)),
            // arm/v6 runs v5, not v7 (nor variant-less arm, which is v7).
            ("linux/arm/v6", ("linux", "arm", "v6"), Some(0)),
            ("linux/arm/v6", ("linux", "arm", "v5"), Some(1)),
            ("linux/arm/v6", ("linux", "arm", "v7"), None),
            ("linux/arm/v6", ("linux", "arm", ""), None),
            ("linux/arm/v5", ("linux", "arm", "v5"), Some(0)),
            ("linux/arm/v5", ("linux", "arm", "v6"), None),
            ("linux/arm/v4", ("linux", "arm", "v4"), Some(0)),
            ("linux/arm/v4", ("linux", "arm", "v5"), None),
            // arm64 runs the 32-bit set, preferring arm/v8.
            ("linux/arm64", ("linux", "arm64", ""), Some(0)),
            ("linux/arm64", ("linux", "arm64", "v8"), Some(0)),
            ("linux/arm64", ("linux", "aarch64", ""), Some(0)),
            ("linux/arm64", ("linux", "arm", "v8"), Some(1)),
            ("linux/arm64", ("linux", "arm", "v7"), Some(2)),
            ("linux/arm64", ("linux", "arm", ""), Some(2)),
            ("linux/arm64", ("linux", "arm", "v6"), Some(3)),
            ("linux/arm64", ("linux", "arm", "v5"), Some(4)),
            ("linux/arm64", ("linux", "arm64", "v8.2"), None),
            ("linux/arm64", ("linux", "arm64", "v9"), None),
            ("linux/arm64", ("linux", "amd64", ""), None),
            ("linux/arm64/v8", ("linux", "arm64", ""), Some(0)),
            ("arm64", ("linux", "arm64", "v8"), Some(0)),
            // arm64/v8.2 runs plain arm64.
            ("linux/arm64/v8.2", ("linux", "arm64", "v8.2"), Some(0)),
            ("linux/arm64/v8.2", ("linux", "arm64", "v8.1"), Some(1)),
            ("linux/arm64/v8.2", ("linux", "arm64", ""), Some(2)),
            ("linux/arm64/v8.2", ("linux", "arm64", "v8"), Some(2)),
            ("linux/arm64/v8.2", ("linux", "arm", "v8"), Some(3)),
            ("linux/arm64/v8.2", ("linux", "arm64", "v8.3"), None),
            // arm64/v9.x runs v9.x … v9, then v8.(x+5) … v8.
            ("linux/arm64/v9", ("linux", "arm64", "v9"), Some(0)),
            ("linux/arm64/v9", ("linux", "arm64", "v8.5"), Some(1)),
            ("linux/arm64/v9", ("linux", "arm64", "v8.1"), Some(5)),
            ("linux/arm64/v9", ("linux", "arm64", ""), Some(6)),
            ("linux/arm64/v9", ("linux", "arm64", "v8.6"), None),
            ("linux/arm64/v9.2", ("linux", "arm64", "v9.1"), Some(1)),
            ("linux/arm64/v9.2", ("linux", "arm64", "v9"), Some(2)),
            ("linux/arm64/v9.2", ("linux", "arm64", "v8.7"), Some(3)),
            ("linux/arm64/v9.2", ("linux", "arm64", "v9.3"), None),
            ("linux/arm64/v9.5", ("linux", "arm64", "v8.9"), Some(6)),
            ("linux/arm64/v9.5", ("linux", "arm", "v8"), Some(16)),
            // Everything else: exact.
            ("linux/riscv64", ("linux", "riscv64", ""), Some(0)),
            ("linux/riscv64", ("linux", "riscv64", "rva20u64"), None),
            ("linux/riscv64/rva20u64", ("linux", "riscv64", ""), None),
            ("linux/ppc64le", ("linux", "ppc64le", ""), Some(0)),
            ("linux/ppc64le", ("linux", "ppc64le", "power9"), None),
            ("linux/s390x", ("linux", "s390x", ""), Some(0)),
            ("linux/s390x", ("linux", "amd64", ""), None),
            ("linux/foo", ("linux", "FOO", ""), Some(0)),
            ("darwin/arm64", ("macos", "arm64", ""), Some(0)),
            // Attestation placeholders never match, whatever is asked.
            ("linux/amd64", ("unknown", "unknown", ""), None),
            ("unknown/unknown", ("unknown", "unknown", ""), None),
            ("unknown/unknown", ("UNKNOWN", "Unknown", ""), None),
            ("unknown/amd64", ("unknown", "amd64", ""), Some(0)),
            // Absurd variants match themselves only.
            ("linux/arm/v1000", ("linux", "arm", "v1000"), Some(0)),
            ("linux/arm/v1000", ("linux", "arm", "v7"), None),
        ];
        for (requested, (os, arch, variant), expected) in cases {
            let matcher = Matcher::new(&parse(requested));
            let candidate = platform(os, arch, variant);
            assert_eq!(
                matcher.rank(&candidate),
                *expected,
                "{requested} vs {os}/{arch}/{variant}"
            );
            assert_eq!(matcher.matches(&candidate), expected.is_some());
        }
    }

    #[test]
    fn os_features_must_be_a_subset() {
        let linux = platform("linux", "amd64", "");
        let windows = platform("windows", "amd64", "");
        let cases: &[(Platform, &[&str], bool)] = &[
            (linux.clone(), &[], true),
            (linux.clone(), &["sse4"], false),
            (with_features(linux.clone(), &["sse4"]), &["sse4"], true),
            (with_features(linux.clone(), &["b", "a", "c"]), &["a"], true),
            (
                with_features(linux.clone(), &["a", "b", "c"]),
                &["a", "b"],
                true,
            ),
            (
                with_features(linux.clone(), &["a", "b", "c"]),
                &["a", "d"],
                false,
            ),
            (with_features(linux.clone(), &["a"]), &["a", "a"], true),
            (linux.clone(), &["win32k"], false),
            (windows.clone(), &["win32k"], true),
            (windows.clone(), &["win32k", "x"], false),
            (
                with_features(windows.clone(), &["x"]),
                &["win32k", "x"],
                true,
            ),
        ];
        for (requested, entry_features, expected) in cases {
            let entry = with_features(
                platform(&requested.os, &requested.architecture, ""),
                entry_features,
            );
            let matcher = Matcher::new(requested);
            assert_eq!(
                matcher.matches(&entry),
                *expected,
                "{requested:?} vs {entry_features:?}"
            );
        }
    }

    #[test]
    fn preference_lists_the_fallback_chain() {
        let cases: &[(&str, &[&str])] = &[
            ("linux/amd64", &["linux/amd64", "linux/386"]),
            (
                "linux/amd64/v3",
                &[
                    "linux/amd64/v3",
                    "linux/amd64/v2",
                    "linux/amd64",
                    "linux/386",
                ],
            ),
            (
                "linux/arm64",
                &[
                    "linux/arm64/v8",
                    "linux/arm/v8",
                    "linux/arm/v7",
                    "linux/arm/v6",
                    "linux/arm/v5",
                ],
            ),
            (
                "linux/arm64/v8.2",
                &[
                    "linux/arm64/v8.2",
                    "linux/arm64/v8.1",
                    "linux/arm64/v8",
                    "linux/arm/v8",
                    "linux/arm/v7",
                    "linux/arm/v6",
                    "linux/arm/v5",
                ],
            ),
            (
                "linux/arm64/v9.1",
                &[
                    "linux/arm64/v9.1",
                    "linux/arm64/v9",
                    "linux/arm64/v8.6",
                    "linux/arm64/v8.5",
                    "linux/arm64/v8.4",
                    "linux/arm64/v8.3",
                    "linux/arm64/v8.2",
                    "linux/arm64/v8.1",
                    "linux/arm64/v8",
                    "linux/arm/v8",
                    "linux/arm/v7",
                    "linux/arm/v6",
                    "linux/arm/v5",
                ],
            ),
            (
                "linux/arm/v7",
                &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
            ),
            (
                "linux/arm",
                &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
            ),
            ("linux/arm/v6", &["linux/arm/v6", "linux/arm/v5"]),
            ("linux/arm/v5", &["linux/arm/v5"]),
            ("linux/386", &["linux/386"]),
            ("linux/riscv64", &["linux/riscv64"]),
            (
                "windows(10.0.20348)/amd64",
                &["windows/amd64", "windows/386"],
            ),
            ("unknown/unknown", &[]),
        ];
        for (requested, expected) in cases {
            let matcher = Matcher::new(&parse(requested));
            let preference = matcher.preference();
            assert_eq!(preference, *expected, "{requested}");
            // Each listed platform matches at its own position.
            for (position, listed) in preference.iter().enumerate() {
                assert_eq!(
                    matcher.rank(&parse(listed)),
                    Some(position),
                    "{requested}: {listed}"
                );
            }
        }
    }
}
