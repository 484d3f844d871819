//! Platforms as index entries and configs write them (`os/arch[/variant]`).

use serde::Deserialize;

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

#[cfg(test)]
mod tests {
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
}
