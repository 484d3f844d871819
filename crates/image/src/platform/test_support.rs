//! What the platform tests share: platforms built field by field, parsed or picked from entries.

use super::{Platform, Selection, non_empty, select};

pub(super) fn platform(os: &str, architecture: &str, variant: &str) -> Platform {
    Platform {
        os: os.to_string(),
        architecture: architecture.to_string(),
        variant: non_empty(variant),
        os_version: None,
        os_features: Vec::new(),
    }
}

pub(super) fn with_version(mut platform: Platform, version: &str) -> Platform {
    platform.os_version = Some(version.to_string());
    platform
}

pub(super) fn with_features(mut platform: Platform, features: &[&str]) -> Platform {
    platform.os_features = features.iter().map(|f| f.to_string()).collect();
    platform
}

pub(super) fn parse(specifier: &str) -> Platform {
    Platform::parse(specifier).unwrap_or_else(|e| panic!("{specifier}: {e}"))
}

pub(super) fn select_from(requested: &str, entries: &[Option<Platform>]) -> Selection {
    let entries: Vec<Option<&Platform>> = entries.iter().map(Option::as_ref).collect();
    select(&parse(requested), &entries)
}

pub(super) fn entries(platforms: &[&str]) -> Vec<Option<Platform>> {
    platforms
        .iter()
        .map(|p| match *p {
            "-" => None,
            "unknown/unknown" => Some(platform("unknown", "unknown", "")),
            p => Some(parse(p)),
        })
        .collect()
}
