//! The canonical form of a platform, as containerd's `platforms.Normalize` gives it, and the short names
//! the explanations use for normalized platforms.

use super::{Platform, REFERENCE_OS, non_empty};

impl Platform {
    /// The canonical form, as containerd's `platforms.Normalize` gives it: lowercased names, `macos` as
    /// `darwin`, `i386` as `386`, `x86_64`/`x86-64` as `amd64` (dropping `v1`), `aarch64` as `arm64`
    /// (dropping `v8`, writing `v9.0` as `v9`), `armhf`/`armel` as arm/v7 and arm/v6, arm always with a
    /// variant (v7 when none is given), empty variants and versions as `None`, and `os.features`
    /// sorted and de-duplicated. An empty operating system becomes `linux` (containerd uses the host's).
    pub fn normalized(&self) -> Platform {
        let (architecture, variant) =
            normalize_arch(&self.architecture, self.variant.as_deref().unwrap_or(""));
        let mut os_features = self.os_features.clone();
        os_features.sort();
        os_features.dedup();
        Platform {
            os: normalize_os(&self.os),
            architecture,
            variant: non_empty(variant),
            os_version: self.os_version.clone().filter(|v| !v.is_empty()),
            os_features,
        }
    }
}

pub(super) fn normalize_os(os: &str) -> String {
    if os.is_empty() {
        return REFERENCE_OS.to_string();
    }
    let os = os.to_lowercase();
    if os == "macos" {
        "darwin".to_string()
    } else {
        os
    }
}

/// containerd's architecture table; an empty variant means none.
pub(super) fn normalize_arch(architecture: &str, variant: &str) -> (String, String) {
    let architecture = architecture.to_lowercase();
    let variant = variant.to_lowercase();
    let (architecture, variant) = match architecture.as_str() {
        "i386" => ("386", ""),
        "x86_64" | "x86-64" | "amd64" => (
            "amd64",
            if variant == "v1" {
                ""
            } else {
                variant.as_str()
            },
        ),
        "aarch64" | "arm64" => (
            "arm64",
            match variant.as_str() {
                "8" | "v8" | "v8.0" => "",
                "9" | "9.0" | "v9.0" => "v9",
                other => other,
            },
        ),
        "armhf" => ("arm", "v7"),
        "armel" => ("arm", "v6"),
        "arm" => (
            "arm",
            match variant.as_str() {
                "" | "7" => "v7",
                "5" => "v5",
                "6" => "v6",
                "8" => "v8",
                other => other,
            },
        ),
        other => (other, variant.as_str()),
    };
    (architecture.to_string(), variant.to_string())
}

/// `unknown/unknown` after normalization (so `UNKNOWN/Unknown` counts too).
pub(super) fn is_unknown_pair(normalized: &Platform) -> bool {
    normalized.os == "unknown" && normalized.architecture == "unknown"
}

/// `arch[/variant]` on Linux, `os/arch[/variant]` elsewhere.
pub(super) fn short_name(normalized: &Platform) -> String {
    let arch_variant = match normalized.variant.as_deref() {
        Some(variant) => format!("{}/{variant}", normalized.architecture),
        None => normalized.architecture.clone(),
    };
    if normalized.os == REFERENCE_OS {
        arch_variant
    } else {
        format!("{}/{arch_variant}", normalized.os)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn normalizes_like_containerd() {
        let cases = [
            (platform("", "amd64", ""), "linux/amd64"),
            (platform("Linux", "x86_64", ""), "linux/amd64"),
            (platform("linux", "x86-64", "v1"), "linux/amd64"),
            (platform("linux", "amd64", "v1"), "linux/amd64"),
            (platform("linux", "amd64", "v2"), "linux/amd64/v2"),
            (platform("linux", "amd64", "v3"), "linux/amd64/v3"),
            (platform("linux", "AMD64", "V2"), "linux/amd64/v2"),
            (platform("linux", "i386", ""), "linux/386"),
            (platform("linux", "i386", "v1"), "linux/386"),
            (platform("linux", "386", ""), "linux/386"),
            (platform("linux", "aarch64", ""), "linux/arm64"),
            (platform("linux", "aarch64", "v8"), "linux/arm64"),
            (platform("linux", "arm64", "v8"), "linux/arm64"),
            (platform("linux", "arm64", "8"), "linux/arm64"),
            (platform("linux", "arm64", "v8.0"), "linux/arm64"),
            (platform("linux", "arm64", "v8.2"), "linux/arm64/v8.2"),
            (platform("linux", "arm64", "9"), "linux/arm64/v9"),
            (platform("linux", "arm64", "9.0"), "linux/arm64/v9"),
            (platform("linux", "arm64", "v9.0"), "linux/arm64/v9"),
            (platform("linux", "arm64", "v9.2"), "linux/arm64/v9.2"),
            (platform("linux", "armhf", ""), "linux/arm/v7"),
            (platform("linux", "armhf", "v6"), "linux/arm/v7"),
            (platform("linux", "armel", ""), "linux/arm/v6"),
            (platform("linux", "armel", "v7"), "linux/arm/v6"),
            (platform("linux", "arm", ""), "linux/arm/v7"),
            (platform("linux", "arm", "7"), "linux/arm/v7"),
            (platform("linux", "arm", "5"), "linux/arm/v5"),
            (platform("linux", "arm", "6"), "linux/arm/v6"),
            (platform("linux", "arm", "8"), "linux/arm/v8"),
            (platform("linux", "arm", "v6"), "linux/arm/v6"),
            (platform("linux", "ARM", "V7"), "linux/arm/v7"),
            (platform("macos", "arm64", ""), "darwin/arm64"),
            (platform("MacOS", "arm64", ""), "darwin/arm64"),
            (platform("Windows", "amd64", ""), "windows/amd64"),
            (
                platform("linux", "riscv64", "RVA20U64"),
                "linux/riscv64/rva20u64",
            ),
            (platform("linux", "s390x", ""), "linux/s390x"),
            (platform("unknown", "unknown", ""), "unknown/unknown"),
        ];
        for (input, expected) in cases {
            let normalized = input.normalized();
            assert_eq!(normalized.format(), expected, "{input:?}");
            assert_eq!(normalized.normalized(), normalized, "idempotent: {input:?}");
        }
        // An empty variant is no variant.
        assert_eq!(platform("linux", "riscv64", "").normalized().variant, None);
        let mut empty = platform("linux", "riscv64", "");
        empty.variant = Some(String::new());
        assert_eq!(empty.normalized().variant, None);
    }

    #[test]
    fn normalizing_sorts_features_and_keeps_the_version() {
        let input = with_version(
            with_features(platform("windows", "amd64", ""), &["b", "a", "b"]),
            "10.0.20348.2227",
        );
        let normalized = input.normalized();
        assert_eq!(normalized.os_features, ["a", "b"]);
        assert_eq!(normalized.os_version.as_deref(), Some("10.0.20348.2227"));
        assert_eq!(with_version(input, "").normalized().os_version, None);
    }
}
