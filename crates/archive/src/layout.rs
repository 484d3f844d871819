//! What an archive's members are: an OCI layout's `index.json` and `blobs/<algorithm>/<hex>`, or a legacy
//! `docker save`'s `manifest.json` naming each image's config and layer files.

use std::collections::HashMap;

use serde::Deserialize;
use strata_image::digest::Digest;
use strata_layers::TarMember;

/// Why an archive is not an image Strata can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// Neither `index.json` with `oci-layout`, nor `manifest.json`.
    #[error(
        "the archive is not an image: it has neither an OCI layout (index.json and oci-layout) nor docker save's manifest.json"
    )]
    NotAnImage,
    /// A member climbs out of the archive with `..` or is absolute.
    #[error("the archive's member {0:?} points outside the archive")]
    PathOutside(String),
    /// `manifest.json` is not what docker save writes.
    #[error("the archive's manifest.json is not readable: {0}")]
    BadManifestJson(String),
    /// A document names a file the archive does not have.
    #[error("the archive has no {0}, which its manifest.json names")]
    Missing(String),
    /// `index.json` is not an OCI image index.
    #[error("the archive's index.json is not readable: {0}")]
    BadIndexJson(String),
    /// A legacy image's config is not an image config.
    #[error("the archive's config {0} is not readable: {1}")]
    BadConfig(String, String),
    /// A legacy image's config names a different number of layers than `manifest.json` lists.
    #[error(
        "the archive's config {config} names {diff_ids} layers (diff_ids), but manifest.json lists {layers}"
    )]
    LayerCount {
        /// The config's member path.
        config: String,
        /// How many `diff_ids` it has.
        diff_ids: usize,
        /// How many layers `manifest.json` lists.
        layers: usize,
    },
}

/// One image of a legacy `docker save` archive, as its `manifest.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyImage {
    /// The config's member; its name carries its digest (`<hex>.json` or `blobs/sha256/<hex>`).
    pub config: TarMember,
    /// The digest the config's name claims, when it claims one.
    pub config_digest: Option<Digest>,
    /// The layers' members, bottom to top (each an uncompressed tar, checked against the config's
    /// `diff_ids`); `None` where `manifest.json` names a file the archive lacks.
    pub layers: Vec<Option<TarMember>>,
    /// The layer files `manifest.json` names that the archive lacks (or that point outside it).
    pub missing: Vec<ArchiveError>,
    /// The names it was saved under (`repository:tag`).
    pub repo_tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestJsonEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

/// The archive's regular files by clean path (`./` and trailing `/` gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveLayout {
    files: HashMap<String, TarMember>,
    /// Members whose path climbs out of the archive, left out.
    outside: Vec<String>,
}

impl ArchiveLayout {
    /// The layout of an archive whose members are `members`. A member whose path climbs out of the
    /// archive is left out (and listed by [`ArchiveLayout::outside`]); needs an OCI layout or docker
    /// save's `manifest.json`.
    pub fn from_members(members: &[TarMember]) -> Result<ArchiveLayout, ArchiveError> {
        let mut files = HashMap::new();
        let mut outside = Vec::new();
        for member in members {
            match clean(&member.path) {
                Some(path) if member.is_file() => {
                    files.insert(path, member.clone());
                }
                Some(_) => {}
                None => outside.push(member.path.clone()),
            }
        }
        let layout = ArchiveLayout { files, outside };
        if layout.oci_index().is_none() && layout.manifest_json().is_none() {
            return Err(ArchiveError::NotAnImage);
        }
        Ok(layout)
    }

    /// `index.json`, when the archive is an OCI layout. Docker 25's `docker save` writes one next to its
    /// `manifest.json`, but for an untagged image it lists nothing (`"manifests": null`): then
    /// `manifest.json` is what names the image.
    pub fn oci_index(&self) -> Option<&TarMember> {
        self.files.get("oci-layout")?;
        self.files.get("index.json")
    }

    /// The members left out because their paths climb out of the archive (`..`, or absolute).
    pub fn outside(&self) -> &[String] {
        &self.outside
    }

    /// Every regular file, by clean path.
    pub(crate) fn files(&self) -> impl Iterator<Item = (&String, &TarMember)> {
        self.files.iter()
    }

    /// docker save's `manifest.json`, when there is one.
    pub fn manifest_json(&self) -> Option<&TarMember> {
        self.files.get("manifest.json")
    }

    /// The blob named `digest` in an OCI layout (`blobs/<algorithm>/<hex>`).
    pub fn blob(&self, digest: &Digest) -> Option<&TarMember> {
        let text = digest.to_string();
        let (algorithm, hex) = text.split_once(':')?;
        self.files.get(&format!("blobs/{algorithm}/{hex}"))
    }

    /// The images a legacy `manifest.json` (its bytes) lists, each with its members: an image whose
    /// config is missing is an error of its own, and a missing layer leaves a gap the image still opens
    /// with, so that what the archive holds is shown.
    pub fn legacy_images(
        &self,
        manifest_json: &[u8],
    ) -> Result<Vec<Result<LegacyImage, ArchiveError>>, ArchiveError> {
        let entries: Vec<ManifestJsonEntry> = serde_json::from_slice(manifest_json)
            .map_err(|error| ArchiveError::BadManifestJson(error.to_string()))?;
        let member = |path: &str| {
            let path = clean(path).ok_or_else(|| ArchiveError::PathOutside(path.to_owned()))?;
            self.files
                .get(&path)
                .cloned()
                .ok_or(ArchiveError::Missing(path))
        };
        Ok(entries
            .into_iter()
            .map(|entry| {
                let config = member(&entry.config)?;
                let mut missing = Vec::new();
                let layers = entry
                    .layers
                    .iter()
                    .map(|layer| member(layer).map_err(|error| missing.push(error)).ok())
                    .collect();
                Ok(LegacyImage {
                    config,
                    config_digest: digest_in_name(&entry.config),
                    layers,
                    missing,
                    repo_tags: entry.repo_tags.unwrap_or_default(),
                })
            })
            .collect())
    }
}

/// A member path made relative and clean; `None` when it is absolute or climbs out with `..`.
fn clean(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The digest a config's file name carries: `<hex>.json` (legacy) or `blobs/sha256/<hex>` (Docker 25).
fn digest_in_name(path: &str) -> Option<Digest> {
    let name = path.rsplit('/').next()?;
    let hex = name.strip_suffix(".json").unwrap_or(name);
    Digest::parse(&format!("sha256:{hex}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(path: &str) -> TarMember {
        TarMember {
            path: path.to_owned(),
            typeflag: b'0',
            offset: 512,
            size: 10,
            link: String::new(),
        }
    }

    #[test]
    fn member_paths_are_cleaned_or_refused() {
        let cases = [
            ("./index.json", Some("index.json")),
            ("blobs//sha256/./ab", Some("blobs/sha256/ab")),
            ("../etc/passwd", None),
            ("blobs/../../x", None),
            ("/abs", None),
        ];
        for (path, expected) in cases {
            assert_eq!(clean(path).as_deref(), expected, "{path}");
        }
    }

    #[test]
    fn an_archive_is_an_oci_layout_a_docker_save_or_nothing() {
        let oci = ArchiveLayout::from_members(&[member("oci-layout"), member("./index.json")])
            .expect("an OCI layout");
        assert!(oci.oci_index().is_some());
        let legacy =
            ArchiveLayout::from_members(&[member("manifest.json"), member("repositories")])
                .expect("a docker save");
        assert!(legacy.oci_index().is_none() && legacy.manifest_json().is_some());
        assert_eq!(
            ArchiveLayout::from_members(&[member("index.json")]),
            Err(ArchiveError::NotAnImage),
            "index.json without oci-layout"
        );
        let climbing = ArchiveLayout::from_members(&[member("manifest.json"), member("../escape")])
            .expect("what stays inside still opens");
        assert_eq!(climbing.outside(), ["../escape"]);
        assert!(climbing.manifest_json().is_some());
    }

    #[test]
    fn a_legacy_manifest_names_members_the_archive_has() {
        let hex = "9d7f147c0d0c4d4538a04c7ef385809e56eb1aac7bf800fbe976612188025b68";
        let layout = ArchiveLayout::from_members(&[
            member("manifest.json"),
            member(&format!("{hex}.json")),
            member("c7b9/layer.tar"),
        ])
        .expect("a docker save");
        let manifest = format!(
            r#"[{{"Config":"{hex}.json","RepoTags":["app:1"],"Layers":["c7b9/layer.tar"]}}]"#
        );
        let images = layout.legacy_images(manifest.as_bytes()).expect("readable");
        assert_eq!(images.len(), 1);
        let image = images[0].as_ref().expect("its members are there");
        assert_eq!(
            image.config_digest.as_ref().map(ToString::to_string),
            Some(format!("sha256:{hex}"))
        );
        assert_eq!(
            image.layers[0].as_ref().map(|layer| layer.path.as_str()),
            Some("c7b9/layer.tar")
        );
        assert_eq!(image.repo_tags, ["app:1"]);
        assert!(image.missing.is_empty());
        let gaps = format!(
            r#"[{{"Config":"x.json","Layers":[]}},
                {{"Config":"{hex}.json","Layers":["gone/layer.tar","c7b9/layer.tar","../out.tar"]}}]"#
        );
        let images = layout.legacy_images(gaps.as_bytes()).expect("readable");
        assert_eq!(images[0], Err(ArchiveError::Missing("x.json".to_owned())));
        let image = images[1].as_ref().expect("opens with its gaps");
        assert_eq!(
            image.layers.iter().map(Option::is_some).collect::<Vec<_>>(),
            [false, true, false]
        );
        assert_eq!(
            image.missing,
            [
                ArchiveError::Missing("gone/layer.tar".to_owned()),
                ArchiveError::PathOutside("../out.tar".to_owned())
            ]
        );
        assert!(matches!(
            layout.legacy_images(b"{not json"),
            Err(ArchiveError::BadManifestJson(_))
        ));
    }
}
