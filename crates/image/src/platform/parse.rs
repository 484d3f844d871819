//! Platform specifiers (`os[(version+features)]/arch/variant`) parsed as containerd's `platforms.Parse`
//! reads them, and written back as its `platforms.Format` does.

use super::normalize::{normalize_arch, normalize_os};
use super::{Platform, REFERENCE_ARCH, REFERENCE_OS, non_empty};

/// Operating systems a one-part specifier may name (Go's `syslist.go`, as containerd lists them).
const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

/// Architectures a one-part specifier may name, after normalization.
const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// Why a platform specifier was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// Nothing was written.
    #[error("the platform is empty")]
    Empty,
    /// `*` anywhere in the specifier.
    #[error("wildcards are not supported")]
    Wildcard,
    /// More than `os/arch/variant`.
    #[error("too many parts in {0}")]
    TooManyParts(String),
    /// A part between slashes is empty, as in `linux/`.
    #[error("empty part in {0}")]
    EmptyPart(String),
    /// A single word that is neither a known operating system nor a known architecture.
    #[error("unknown operating system or architecture: {0}")]
    UnknownOsOrArch(String),
    /// The first part is not `<os>` or `<os>(<os.version>[+<os.feature>…])`.
    #[error(
        "invalid operating system {part:?} in {specifier}: write it like linux or windows(10.0.20348+win32k)"
    )]
    InvalidOs {
        /// The offending part.
        part: String,
        /// The whole specifier.
        specifier: String,
    },
    /// An architecture or variant with characters other than letters, digits, `_`, `.` and `-`.
    #[error(
        "invalid part {part:?} in {specifier}: only letters, digits, '_', '.' and '-' are allowed"
    )]
    InvalidPart {
        /// The offending part.
        part: String,
        /// The whole specifier.
        specifier: String,
    },
    /// A `%` not followed by two hex digits, or escapes that do not decode to text.
    #[error("invalid percent escape in {0}")]
    InvalidEscape(String),
}

impl Platform {
    /// Parses a platform specifier the way containerd's `platforms.Parse` does:
    /// `<os>[(<os.version>[+<os.feature>…])]`, `<arch>`, or `<os>/<arch>[/<variant>]`.
    ///
    /// - One part: a known operating system gets the architecture `amd64`; otherwise the word is
    ///   normalized as an architecture, must be a known one, and gets the operating system `linux`.
    ///   containerd fills these in from the host, but the browser has no host platform, so Strata's
    ///   reference host `linux/amd64` stands in.
    /// - Two parts: the architecture is normalized but not checked (`linux/foo` parses), and arm/v7 is
    ///   written as plain `arm`. The first part is always the operating system, so `arm64/v8` is the
    ///   operating system `arm64` with the architecture `v8`, as in containerd.
    /// - Three parts: normalized, except that arm64 keeps its `v8`.
    ///
    /// Names are lowercased, `%XX` escapes in the OS options are decoded, and surrounding whitespace
    /// is ignored. Parts after the first may only hold letters, digits, `_`, `.` and `-`.
    pub fn parse(specifier: &str) -> Result<Platform, PlatformError> {
        let specifier = specifier.trim();
        if specifier.is_empty() {
            return Err(PlatformError::Empty);
        }
        if specifier.contains('*') {
            return Err(PlatformError::Wildcard);
        }
        let parts: Vec<&str> = specifier.split('/').collect();
        if parts.len() > 3 {
            return Err(PlatformError::TooManyParts(specifier.to_string()));
        }
        let (os, os_version, os_features) = parse_os_part(parts[0], specifier)?;
        for part in &parts[1..] {
            if part.is_empty() {
                return Err(PlatformError::EmptyPart(specifier.to_string()));
            }
            if !part.chars().all(is_component_char) {
                return Err(PlatformError::InvalidPart {
                    part: (*part).to_string(),
                    specifier: specifier.to_string(),
                });
            }
        }
        let mut platform = Platform {
            os,
            architecture: String::new(),
            variant: None,
            os_version,
            os_features,
        };
        match parts[..] {
            [word] => {
                if KNOWN_OS.contains(&platform.os.as_str()) {
                    platform.architecture = REFERENCE_ARCH.to_string();
                    return Ok(platform);
                }
                let (architecture, variant) = normalize_arch(word, "");
                if !KNOWN_ARCH.contains(&architecture.as_str()) {
                    return Err(PlatformError::UnknownOsOrArch(specifier.to_string()));
                }
                platform.os = REFERENCE_OS.to_string();
                platform.variant =
                    non_empty(variant).filter(|v| !(architecture == "arm" && v == "v7"));
                platform.architecture = architecture;
            }
            [_, arch] => {
                let (architecture, variant) = normalize_arch(arch, "");
                platform.variant =
                    non_empty(variant).filter(|v| !(architecture == "arm" && v == "v7"));
                platform.architecture = architecture;
            }
            [_, arch, variant] => {
                let (architecture, variant) = normalize_arch(arch, variant);
                platform.variant = if architecture == "arm64" && variant.is_empty() {
                    Some("v8".to_string())
                } else {
                    non_empty(variant)
                };
                platform.architecture = architecture;
            }
            _ => return Err(PlatformError::TooManyParts(specifier.to_string())),
        }
        Ok(platform)
    }
    /// `os/arch[/variant]` of the value as it is, like containerd's `platforms.Format`: empty parts are
    /// left out, and a platform without an operating system is `unknown`.
    pub fn format(&self) -> String {
        if self.os.is_empty() {
            return "unknown".to_string();
        }
        [
            self.os.as_str(),
            self.architecture.as_str(),
            self.variant.as_deref().unwrap_or(""),
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("/")
    }
}

/// The first part of a specifier: `<os>[(<os.version>[+<os.feature>…])]`.
fn parse_os_part(
    part: &str,
    specifier: &str,
) -> Result<(String, Option<String>, Vec<String>), PlatformError> {
    if part.is_empty() {
        return Err(PlatformError::EmptyPart(specifier.to_string()));
    }
    let invalid = || PlatformError::InvalidOs {
        part: part.to_string(),
        specifier: specifier.to_string(),
    };
    let (name, options) = match part.split_once('(') {
        None => (part, None),
        Some((name, rest)) => (name, Some(rest.strip_suffix(')').ok_or_else(invalid)?)),
    };
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if name.is_empty() || !name.chars().all(name_char) {
        return Err(invalid());
    }
    let mut os_version = None;
    let mut os_features = Vec::new();
    if let Some(options) = options {
        let option_char = |c: char| is_component_char(c) || c == '%';
        let mut pieces = options.split('+');
        let version = pieces.next().unwrap_or("");
        if !version.chars().all(option_char) {
            return Err(invalid());
        }
        os_version = non_empty(percent_decode(version, specifier)?);
        for feature in pieces {
            if feature.is_empty() || !feature.chars().all(option_char) {
                return Err(invalid());
            }
            os_features.push(percent_decode(feature, specifier)?);
        }
    }
    Ok((normalize_os(name), os_version, os_features))
}

fn is_component_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Decodes `%XX` escapes, which let versions and features hold `+`, `(`, `)` and `/`.
fn percent_decode(text: &str, specifier: &str) -> Result<String, PlatformError> {
    let invalid = || PlatformError::InvalidEscape(specifier.to_string());
    // Like Go's `url.PathUnescape`, a `%` without two hex digits is an error, not a literal.
    let escapes_are_whole = text
        .split('%')
        .skip(1)
        .all(|after| after.len() >= 2 && after.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit));
    if !escapes_are_whole {
        return Err(invalid());
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;

    #[test]
    fn parses_specifiers_like_containerd() {
        let cases: &[(&str, &str)] = &[
            // One part: an OS gets the reference architecture, an architecture the reference OS.
            ("linux", "linux/amd64"),
            ("Linux", "linux/amd64"),
            ("windows", "windows/amd64"),
            ("macos", "darwin/amd64"),
            ("freebsd", "freebsd/amd64"),
            ("amd64", "linux/amd64"),
            ("AMD64", "linux/amd64"),
            ("x86_64", "linux/amd64"),
            ("x86-64", "linux/amd64"),
            ("i386", "linux/386"),
            ("386", "linux/386"),
            ("aarch64", "linux/arm64"),
            ("arm64", "linux/arm64"),
            ("arm", "linux/arm"),
            ("armhf", "linux/arm"),
            ("armel", "linux/arm/v6"),
            ("riscv64", "linux/riscv64"),
            ("s390x", "linux/s390x"),
            ("ppc64le", "linux/ppc64le"),
            // Two parts: arch normalized, arm/v7 written as plain arm, arch not checked.
            ("linux/amd64", "linux/amd64"),
            ("LINUX/AMD64", "linux/amd64"),
            ("linux/x86_64", "linux/amd64"),
            ("linux/i386", "linux/386"),
            ("linux/arm64", "linux/arm64"),
            ("linux/aarch64", "linux/arm64"),
            ("linux/arm", "linux/arm"),
            ("linux/armhf", "linux/arm"),
            ("linux/armel", "linux/arm/v6"),
            ("linux/foo", "linux/foo"),
            ("foo/amd64", "foo/amd64"),
            ("macos/arm64", "darwin/arm64"),
            ("windows/amd64", "windows/amd64"),
            // The first part is always the OS.
            ("arm64/v8", "arm64/v8"),
            ("amd64/v1", "amd64/v1"),
            ("amd64/v3", "amd64/v3"),
            // Three parts: normalized, but arm64 keeps v8 and arm keeps v7.
            ("linux/arm64/v8", "linux/arm64/v8"),
            ("linux/aarch64/v8", "linux/arm64/v8"),
            ("linux/arm64/8", "linux/arm64/v8"),
            ("linux/arm64/v8.0", "linux/arm64/v8"),
            ("linux/arm64/v8.2", "linux/arm64/v8.2"),
            ("linux/arm64/v9.0", "linux/arm64/v9"),
            ("linux/arm64/9", "linux/arm64/v9"),
            ("linux/amd64/v1", "linux/amd64"),
            ("linux/amd64/v2", "linux/amd64/v2"),
            ("linux/amd64/v3", "linux/amd64/v3"),
            ("linux/x86_64/v2", "linux/amd64/v2"),
            ("linux/arm/v7", "linux/arm/v7"),
            ("linux/arm/7", "linux/arm/v7"),
            ("linux/arm/6", "linux/arm/v6"),
            ("linux/arm/v5", "linux/arm/v5"),
            ("linux/armhf/v6", "linux/arm/v7"),
            ("LINUX/ARM/V7", "linux/arm/v7"),
            ("linux/i386/v1", "linux/386"),
            ("linux/riscv64/rva20u64", "linux/riscv64/rva20u64"),
            ("linux/ppc64le/power9", "linux/ppc64le/power9"),
            ("  linux/arm64  ", "linux/arm64"),
            ("linux()/amd64", "linux/amd64"),
        ];
        for (specifier, expected) in cases {
            let parsed = parse(specifier);
            assert_eq!(parsed.format(), *expected, "{specifier}");
            assert_eq!(
                parsed.variant.as_deref(),
                expected.split('/').nth(2),
                "{specifier}"
            );
            assert_eq!(parsed.os_version, None, "{specifier}");
            assert!(parsed.os_features.is_empty(), "{specifier}");
        }
    }

    #[test]
    fn parses_os_options() {
        let cases: &[(&str, &str, Option<&str>, &[&str])] = &[
            (
                "windows(10.0.20348)",
                "windows/amd64",
                Some("10.0.20348"),
                &[],
            ),
            (
                "windows(10.0.17763.5329)/amd64",
                "windows/amd64",
                Some("10.0.17763.5329"),
                &[],
            ),
            (
                "windows(10.0.17763+win32k)/amd64",
                "windows/amd64",
                Some("10.0.17763"),
                &["win32k"],
            ),
            ("windows(+win32k)/amd64", "windows/amd64", None, &["win32k"]),
            ("linux(+a+b)/arm64", "linux/arm64", None, &["a", "b"]),
            ("linux()", "linux/amd64", None, &[]),
            (
                "windows(10.0%2B1+f%28x%29)/amd64",
                "windows/amd64",
                Some("10.0+1"),
                &["f(x)"],
            ),
            (
                "Windows(10.0.20348)/AMD64",
                "windows/amd64",
                Some("10.0.20348"),
                &[],
            ),
        ];
        for (specifier, formatted, version, features) in cases {
            let parsed = parse(specifier);
            assert_eq!(parsed.format(), *formatted, "{specifier}");
            assert_eq!(parsed.os_version.as_deref(), *version, "{specifier}");
            assert_eq!(parsed.os_features, *features, "{specifier}");
        }
    }

    #[test]
    fn rejects_bad_specifiers() {
        let invalid_os = |part: &str, specifier: &str| PlatformError::InvalidOs {
            part: part.to_string(),
            specifier: specifier.to_string(),
        };
        let invalid_part = |part: &str, specifier: &str| PlatformError::InvalidPart {
            part: part.to_string(),
            specifier: specifier.to_string(),
        };
        let cases = [
            ("", PlatformError::Empty),
            ("   ", PlatformError::Empty),
            ("*", PlatformError::Wildcard),
            ("linux/*", PlatformError::Wildcard),
            ("linux/arm/*", PlatformError::Wildcard),
            (
                "linux/a/b/c",
                PlatformError::TooManyParts("linux/a/b/c".into()),
            ),
            (
                "linux/arm/v7/extra/more",
                PlatformError::TooManyParts("linux/arm/v7/extra/more".into()),
            ),
            ("foo", PlatformError::UnknownOsOrArch("foo".into())),
            ("v8", PlatformError::UnknownOsOrArch("v8".into())),
            (
                "foo(1.0)",
                PlatformError::UnknownOsOrArch("foo(1.0)".into()),
            ),
            (
                "amd64(1.0)",
                PlatformError::UnknownOsOrArch("amd64(1.0)".into()),
            ),
            ("linux/", PlatformError::EmptyPart("linux/".into())),
            ("/amd64", PlatformError::EmptyPart("/amd64".into())),
            ("linux//v7", PlatformError::EmptyPart("linux//v7".into())),
            ("linux/amd 64", invalid_part("amd 64", "linux/amd 64")),
            ("linux/arm/v7,v6", invalid_part("v7,v6", "linux/arm/v7,v6")),
            ("linux/ärm", invalid_part("ärm", "linux/ärm")),
            ("windows(10.0", invalid_os("windows(10.0", "windows(10.0")),
            (
                "windows(10.0)x",
                invalid_os("windows(10.0)x", "windows(10.0)x"),
            ),
            (
                "windows(+)/amd64",
                invalid_os("windows(+)", "windows(+)/amd64"),
            ),
            (
                "windows(1(2))",
                invalid_os("windows(1(2))", "windows(1(2))"),
            ),
            ("linux.x/amd64", invalid_os("linux.x", "linux.x/amd64")),
            ("(1.0)/amd64", invalid_os("(1.0)", "(1.0)/amd64")),
            ("ü", invalid_os("ü", "ü")),
            (
                "windows(%zz)/amd64",
                PlatformError::InvalidEscape("windows(%zz)/amd64".into()),
            ),
            (
                "windows(%2)/amd64",
                PlatformError::InvalidEscape("windows(%2)/amd64".into()),
            ),
            (
                "windows(%ff)/amd64",
                PlatformError::InvalidEscape("windows(%ff)/amd64".into()),
            ),
        ];
        for (specifier, expected) in cases {
            assert_eq!(Platform::parse(specifier), Err(expected), "{specifier:?}");
        }
    }

    #[test]
    fn error_messages_are_plain_words() {
        let cases = [
            ("foo", "unknown operating system or architecture: foo"),
            ("linux/*", "wildcards are not supported"),
            ("linux/a/b/c", "too many parts in linux/a/b/c"),
            ("", "the platform is empty"),
            ("linux/", "empty part in linux/"),
            (
                "linux/amd 64",
                "invalid part \"amd 64\" in linux/amd 64: only letters, digits, '_', '.' and '-' are allowed",
            ),
            (
                "windows(10.0",
                "invalid operating system \"windows(10.0\" in windows(10.0: write it like linux or windows(10.0.20348+win32k)",
            ),
        ];
        for (specifier, message) in cases {
            let error = Platform::parse(specifier).unwrap_err();
            assert_eq!(error.to_string(), message, "{specifier:?}");
        }
    }

    #[test]
    fn formats_the_value_as_it_is() {
        let cases = [
            (platform("linux", "arm64", "v8"), "linux/arm64/v8"),
            (platform("linux", "arm64", ""), "linux/arm64"),
            (platform("linux", "aarch64", ""), "linux/aarch64"),
            (platform("Linux", "AMD64", ""), "Linux/AMD64"),
            (platform("linux", "arm", "v7"), "linux/arm/v7"),
            (platform("", "amd64", ""), "unknown"),
            (platform("unknown", "unknown", ""), "unknown/unknown"),
            (
                with_version(platform("windows", "amd64", ""), "10.0.20348"),
                "windows/amd64",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(input.format(), expected, "{input:?}");
        }
        // Parse keeps arm64's v8, normalization drops it.
        let parsed = parse("linux/arm64/v8");
        assert_eq!(parsed.format(), "linux/arm64/v8");
        assert_eq!(parsed.normalized().format(), "linux/arm64");
        assert_eq!(parse("linux/arm").normalized().format(), "linux/arm/v7");
    }
}
