//! Windows builds: which image builds a host build runs (the stable ABI of the long-term servicing builds).

use super::parse_digits;

/// Windows long-term servicing builds, oldest first: Server 2022, Server 2025.
const WINDOWS_LTSC_BUILDS: &[u16] = &[20348, 26100];

/// A Windows `major.minor.build`; anything after the build (the revision) does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WindowsVersion {
    pub(super) major: u8,
    pub(super) minor: u8,
    pub(super) build: u16,
}

impl WindowsVersion {
    pub(super) fn parse(version: &str) -> Option<WindowsVersion> {
        let mut parts = version.split('.');
        let major = parse_digits(parts.next()?)?;
        let minor = parse_digits(parts.next()?)?;
        let build = parse_digits(parts.next()?)?;
        Some(WindowsVersion {
            major: u8::try_from(major).ok()?,
            minor: u8::try_from(minor).ok()?,
            build: u16::try_from(build).ok()?,
        })
    }

    /// containerd treats `0.0.0` as no version at all.
    pub(super) fn is_zero(&self) -> bool {
        self.major == 0 && self.minor == 0 && self.build == 0
    }

    /// The oldest build this host runs besides its own, or `None` when it runs only its own (hosts
    /// before the first LTSC with a stable ABI).
    pub(super) fn oldest_runnable_build(&self) -> Option<u16> {
        // Hosts from one LTSC until the next run images from the LTSC before theirs; hosts of the
        // first stable-ABI LTSC run images from that LTSC on.
        let newest = WINDOWS_LTSC_BUILDS
            .iter()
            .rposition(|&ltsc| self.build >= ltsc)?;
        Some(WINDOWS_LTSC_BUILDS[newest.saturating_sub(1)])
    }

    pub(super) fn runs(&self, image: WindowsVersion) -> bool {
        if self.major != image.major || self.minor != image.minor {
            return false;
        }
        match self.oldest_runnable_build() {
            None => image.build == self.build,
            Some(oldest) => (oldest..=self.build).contains(&image.build),
        }
    }
}

impl std::fmt::Display for WindowsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.build)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn windows_builds_follow_the_stable_abi_rules() {
        let cases: &[(&str, Option<&str>, bool)] = &[
            // Before Server 2022: the exact build only.
            ("10.0.17763", Some("10.0.17763.5329"), true),
            ("10.0.17763.100", Some("10.0.17763.5329"), true),
            ("10.0.17763", Some("10.0.14393.1"), false),
            ("10.0.17763", Some("10.0.20348.2227"), false),
            // Server 2022: its own build on.
            ("10.0.20348", Some("10.0.20348.2227"), true),
            ("10.0.20348", Some("10.0.17763.5329"), false),
            ("10.0.20348", Some("10.0.26100.1"), false),
            // Windows 11 and Server 2025: from the previous LTSC up to their own.
            ("10.0.22621", Some("10.0.20348.2227"), true),
            ("10.0.22621", Some("10.0.22621.1"), true),
            ("10.0.22621", Some("10.0.26100.1"), false),
            ("10.0.26100", Some("10.0.20348.2227"), true),
            ("10.0.26100", Some("10.0.26100.3194"), true),
            ("10.0.26100", Some("10.0.17763.5329"), false),
            ("10.0.26200", Some("10.0.26100.1"), true),
            ("10.0.26200", Some("10.0.20348.1"), true),
            ("10.0.26200", Some("10.0.26300.1"), false),
            // Major and minor must be equal.
            ("10.0.20348", Some("6.3.9600"), false),
            ("10.0.20348", Some("10.1.20348"), false),
            // Missing or unreadable versions.
            ("10.0.20348", None, true),
            ("10.0.20348", Some(""), true),
            ("10.0.20348", Some("abc"), false),
            ("10.0.20348", Some("10.0"), false),
            ("", Some("10.0.17763.5329"), true),
            ("garbage", Some("10.0.17763.5329"), true),
            ("0.0.0", Some("10.0.17763.5329"), true),
        ];
        for (host, image, expected) in cases {
            let mut requested = platform("windows", "amd64", "");
            requested.os_version = non_empty(*host);
            let mut entry = platform("windows", "amd64", "");
            entry.os_version = image.map(str::to_string);
            assert_eq!(
                Matcher::new(&requested).matches(&entry),
                *expected,
                "host {host} image {image:?}"
            );
        }
        // Off Windows the version is not looked at.
        let linux = with_version(platform("linux", "amd64", ""), "10.0.17763");
        let entry = with_version(platform("linux", "amd64", ""), "10.0.20348");
        assert!(Matcher::new(&linux).matches(&entry));
    }
}
