//! Platforms as index entries and configs write them (`os/arch[/variant]`), and their parsing,
//! normalization and matching as containerd does them, so a chosen entry is the one `docker pull` takes.
//! One file per step: `parse` (specifiers), `normalize`, `matcher` (which platforms a machine runs),
//! `windows` (build compatibility), `select` (the entry a pull takes), `explain` (why none fits), `machines`
//! (the picker's familiar machines).

mod explain;
mod machines;
mod matcher;
mod normalize;
mod parse;
mod select;
#[cfg(test)]
mod test_support;
mod windows;

use serde::Deserialize;

pub use machines::{MACHINES, Machine};
pub use matcher::Matcher;
pub use parse::PlatformError;
pub use select::{DEFAULT_PLATFORM, Selection, ViewSelection, select, select_for_view};

/// The platform an index entry or a config names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Platform {
    /// Operating system, e.g. `linux`.
    #[serde(default)]
    pub os: String,
    /// CPU architecture, e.g. `arm64`.
    #[serde(default)]
    pub architecture: String,
    /// CPU variant, e.g. `v7`.
    #[serde(default)]
    pub variant: Option<String>,
    /// Operating system version (Windows builds).
    #[serde(default, rename = "os.version")]
    pub os_version: Option<String>,
    /// Required operating system features.
    #[serde(default, rename = "os.features")]
    pub os_features: Vec<String>,
}

impl Platform {
    /// `os/arch[/variant]`, exactly as written (no normalization).
    pub fn os_arch_variant(&self) -> String {
        match self.variant.as_deref() {
            Some(variant) if !variant.is_empty() => {
                format!("{}/{}/{}", self.os, self.architecture, variant)
            }
            _ => format!("{}/{}", self.os, self.architecture),
        }
    }

    /// `unknown/unknown`: the placeholder buildx gives attestation manifests. It is never a real platform.
    pub fn is_unknown(&self) -> bool {
        self.os == "unknown" && self.architecture == "unknown"
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.os_arch_variant())?;
        if let Some(version) = self.os_version.as_deref().filter(|v| !v.is_empty()) {
            write!(f, " ({version})")?;
        }
        Ok(())
    }
}

/// The platform Strata fills in where containerd would use the host's: a browser has no host platform,
/// so `linux/amd64`, the most common pull target, stands in for it.
const REFERENCE_OS: &str = "linux";
const REFERENCE_ARCH: &str = "amd64";

/// `Some` unless empty.
fn non_empty(text: impl Into<String>) -> Option<String> {
    Some(text.into()).filter(|text| !text.is_empty())
}

/// ASCII digits only (no sign), as a number.
fn parse_digits(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn formats_as_written() {
        let cases = [
            (
                r#"{"os":"linux","architecture":"amd64"}"#,
                "linux/amd64",
                false,
            ),
            (
                r#"{"os":"linux","architecture":"arm64","variant":"v8"}"#,
                "linux/arm64/v8",
                false,
            ),
            (
                r#"{"os":"linux","architecture":"arm","variant":""}"#,
                "linux/arm",
                false,
            ),
            (
                r#"{"os":"unknown","architecture":"unknown"}"#,
                "unknown/unknown",
                true,
            ),
            (
                r#"{"os":"windows","architecture":"amd64","os.version":"10.0.20348.2227"}"#,
                "windows/amd64",
                false,
            ),
        ];
        for (json, formatted, unknown) in cases {
            let platform: Platform = serde_json::from_str(json).unwrap();
            assert_eq!(platform.os_arch_variant(), formatted, "{json}");
            assert_eq!(platform.is_unknown(), unknown, "{json}");
        }
    }

    #[test]
    fn display_adds_the_os_version() {
        let platform: Platform = serde_json::from_str(
            r#"{"os":"windows","architecture":"amd64","os.version":"10.0.17763.5329"}"#,
        )
        .unwrap();
        assert_eq!(platform.to_string(), "windows/amd64 (10.0.17763.5329)");
    }

    #[test]
    fn never_panics() {
        let alphabet = [
            "/", "(", ")", "+", "%", "*", "a", "v", "8", ".", "é", " ", "arm64", "9", "%2",
        ];
        let mut inputs: Vec<String> = vec![
            "linux/arm64/v99999999999999999999".into(),
            "linux/arm64/v9.99".into(),
            "linux/arm64/v9.9".into(),
            "linux/arm64/v10".into(),
            "linux/arm64/v8.".into(),
            "linux/arm64/v.".into(),
            "linux/arm/v4294967296".into(),
            "linux/amd64/v64".into(),
            "linux/amd64/v65".into(),
            "windows(10.0.99999999)/amd64".into(),
            "windows(999.0.1)/amd64".into(),
            "windows(%e2%82)/amd64".into(),
            "windows(%)".into(),
            "(((".into(),
            ")".into(),
            "🦀/🦀".into(),
        ];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    inputs.push(format!("{a}{b}{c}"));
                }
            }
        }
        let everything: Vec<Platform> = inputs
            .iter()
            .map(|input| {
                let _ = Platform::parse(input);
                let mut parts = input.splitn(3, '/');
                let mut raw = platform(
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                );
                raw.os_version = Some(input.clone());
                raw.os_features = vec![input.clone(), String::new()];
                raw
            })
            .collect();
        let requests: Vec<Platform> = inputs
            .iter()
            .filter_map(|input| Platform::parse(input).ok())
            .chain(everything.iter().take(200).cloned())
            .collect();
        let entries: Vec<Option<&Platform>> = everything
            .iter()
            .take(300)
            .map(Some)
            .chain([None])
            .collect();
        for requested in &requests {
            let matcher = Matcher::new(requested);
            let _ = matcher.preference();
            let _ = requested.normalized().format();
            let selection = select(requested, &entries);
            assert_eq!(selection.chosen, selection.ranked.first().copied());
            let _ = select(requested, &entries[..entries.len() - 1]);
        }
    }
}
