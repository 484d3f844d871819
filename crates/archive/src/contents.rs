//! What an opened archive offers the page: the images it holds, each named by the digest of its root
//! document, and every blob the page may then ask for by digest, with where its bytes lie. For docker
//! save's legacy form, which holds no manifest, Strata writes the one `docker load` would: the config
//! named by the digest in its file name, each layer by the config's `diff_id` for it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use strata_image::artifact::REF_NAME_ANNOTATION;
use strata_image::digest::Digest;
use strata_image::media_type;
use strata_layers::TarMember;

use crate::layout::{ArchiveError, ArchiveLayout, LegacyImage};

/// Annotations that name an image in an OCI layout's `index.json`, most telling first.
const NAME_ANNOTATIONS: [&str; 2] = ["io.containerd.image.name", REF_NAME_ANNOTATION];

/// One image an archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// What the archive calls it (`repo:tag`, a ref name), or `image N` when it names none.
    pub name: String,
    /// The digest of its root document: a manifest or an index.
    pub digest: Digest,
    /// That document's media type, as the archive's index states it.
    pub media_type: String,
    /// Strata wrote the root manifest from docker save's `manifest.json` (the legacy form has none).
    pub written: bool,
}

impl LocalImage {
    /// The type the root's blob is handed to the page with, as a registry's `Content-Type`: its media
    /// type when that names a manifest or an index, else none. An archive's text never becomes a type a
    /// browser would render (`text/html`).
    pub fn served_type(&self) -> &str {
        match media_type::document_kind(&self.media_type) {
            media_type::DocumentKind::Unknown => "",
            _ => &self.media_type,
        }
    }
}

/// Where a blob's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobSource {
    /// A member of the archive.
    Member(TarMember),
    /// A manifest Strata wrote (docker save's legacy form).
    Written(Vec<u8>),
}

/// A blob the page may ask for, by the digest that names it: the page hashes it before trusting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalBlob {
    /// The digest the archive names it by (its file name, or a `diff_id`).
    pub digest: Digest,
    /// Where its bytes lie.
    pub source: BlobSource,
}

/// `index.json`, as far as opening needs it.
#[derive(Deserialize)]
struct OciIndexFile {
    #[serde(default)]
    manifests: Option<Vec<IndexEntry>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IndexEntry {
    #[serde(default)]
    media_type: String,
    digest: String,
    #[serde(default)]
    annotations: HashMap<String, String>,
}

/// The manifest written for a legacy image, in the field order registries use.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WrittenManifest<'a> {
    schema_version: u8,
    media_type: &'a str,
    config: WrittenDescriptor<'a>,
    layers: Vec<WrittenDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WrittenDescriptor<'a> {
    media_type: &'a str,
    size: u64,
    digest: String,
}

/// The digest a blob's path in an OCI layout names (`blobs/<algorithm>/<hex>`), when it names one.
pub fn blob_digest(path: &str) -> Option<Digest> {
    let (algorithm, hex) = path.strip_prefix("blobs/")?.split_once('/')?;
    Digest::parse(&format!("{algorithm}:{hex}")).ok()
}

/// The images an OCI layout's `index.json` (its bytes) lists. Docker 25's `docker save` of an untagged
/// image lists none: then the legacy `manifest.json` names it.
pub fn oci_images(index_json: &[u8]) -> Result<Vec<LocalImage>, ArchiveError> {
    let index: OciIndexFile = serde_json::from_slice(index_json)
        .map_err(|error| ArchiveError::BadIndexJson(error.to_string()))?;
    index
        .manifests
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(position, entry)| {
            let digest = Digest::parse(&entry.digest).map_err(|_| {
                ArchiveError::BadIndexJson(format!("{:?} is not a digest", entry.digest))
            })?;
            let name = NAME_ANNOTATIONS
                .iter()
                .find_map(|key| entry.annotations.get(*key).filter(|name| !name.is_empty()))
                .cloned()
                .unwrap_or_else(|| format!("image {}", position + 1));
            Ok(LocalImage {
                name,
                digest,
                media_type: entry.media_type,
                written: false,
            })
        })
        .collect()
}

impl ArchiveLayout {
    /// Every blob of an OCI layout (`blobs/<algorithm>/<hex>`), named by its path.
    pub fn oci_blobs(&self) -> Vec<LocalBlob> {
        let mut blobs: Vec<LocalBlob> = self
            .files()
            .filter_map(|(path, member)| {
                Some(LocalBlob {
                    digest: blob_digest(path)?,
                    source: BlobSource::Member(member.clone()),
                })
            })
            .collect();
        blobs.sort_by_key(|blob| blob.digest.to_string());
        blobs
    }
}

impl LegacyImage {
    /// The manifest `docker load` would see for this image, given its config's bytes, and the blobs it
    /// names: the config by the digest its file name claims (else the digest of its bytes) and each
    /// layer (an uncompressed tar) by the config's `diff_id` for it.
    pub fn written_manifest(
        &self,
        position: usize,
        config: &[u8],
    ) -> Result<(LocalImage, Vec<LocalBlob>), ArchiveError> {
        let diff_ids = strata_image::config::ImageConfig::parse(config)
            .map_err(|error| ArchiveError::BadConfig(self.config.path.clone(), error.to_string()))?
            .rootfs
            .map(|rootfs| rootfs.diff_ids)
            .unwrap_or_default();
        if diff_ids.len() != self.layers.len() {
            return Err(ArchiveError::LayerCount {
                config: self.config.path.clone(),
                diff_ids: diff_ids.len(),
                layers: self.layers.len(),
            });
        }
        let config_digest = self
            .config_digest
            .clone()
            .unwrap_or_else(|| Digest::sha256_of(config));
        let mut blobs = vec![LocalBlob {
            digest: config_digest.clone(),
            source: BlobSource::Member(self.config.clone()),
        }];
        let mut layers = Vec::with_capacity(self.layers.len());
        for (member, diff_id) in self.layers.iter().zip(&diff_ids) {
            let digest = Digest::parse(diff_id).map_err(|_| {
                ArchiveError::BadConfig(
                    self.config.path.clone(),
                    format!("{diff_id:?} is not a diff_id"),
                )
            })?;
            // A layer the archive lacks is still named, so the tree shows it and says it is missing.
            layers.push(WrittenDescriptor {
                media_type: media_type::DOCKER_LAYER,
                size: member.as_ref().map_or(0, |member| member.size),
                digest: digest.to_string(),
            });
            if let Some(member) = member {
                blobs.push(LocalBlob {
                    digest,
                    source: BlobSource::Member(member.clone()),
                });
            }
        }
        let manifest = WrittenManifest {
            schema_version: 2,
            media_type: media_type::DOCKER_MANIFEST,
            config: WrittenDescriptor {
                media_type: media_type::DOCKER_CONFIG,
                size: self.config.size,
                digest: config_digest.to_string(),
            },
            layers,
        };
        let bytes = serde_json::to_vec_pretty(&manifest).map_err(|error| {
            ArchiveError::BadConfig(self.config.path.clone(), error.to_string())
        })?;
        let digest = Digest::sha256_of(&bytes);
        blobs.push(LocalBlob {
            digest: digest.clone(),
            source: BlobSource::Written(bytes),
        });
        let image = LocalImage {
            name: self
                .repo_tags
                .first()
                .cloned()
                .unwrap_or_else(|| format!("image {}", position + 1)),
            digest,
            media_type: media_type::DOCKER_MANIFEST.to_owned(),
            written: true,
        };
        Ok((image, blobs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(path: &str, size: u64) -> TarMember {
        TarMember {
            path: path.to_owned(),
            typeflag: b'0',
            offset: 512,
            size,
            link: String::new(),
        }
    }

    const HEX: &str = "9d7f147c0d0c4d4538a04c7ef385809e56eb1aac7bf800fbe976612188025b68";

    #[test]
    fn an_oci_index_names_its_images_by_annotation_or_position() {
        let layout = ArchiveLayout::from_members(&[
            member("oci-layout", 30),
            member("index.json", 10),
            member(&format!("blobs/sha256/{HEX}"), 10),
            member("blobs/sha256/not-a-digest", 10),
        ])
        .expect("a layout");
        let index = format!(
            r#"{{"manifests":[
                {{"mediaType":"{}","digest":"sha256:{HEX}","size":10,
                  "annotations":{{"org.opencontainers.image.ref.name":"1.0","io.containerd.image.name":"docker.io/library/app:1.0"}}}},
                {{"mediaType":"{}","digest":"sha256:{HEX}","size":10,"annotations":{{"org.opencontainers.image.ref.name":"latest"}}}},
                {{"digest":"sha256:{HEX}","size":10}}]}}"#,
            media_type::OCI_MANIFEST,
            media_type::OCI_INDEX
        );
        let images = oci_images(index.as_bytes()).expect("readable");
        let names: Vec<&str> = images.iter().map(|image| image.name.as_str()).collect();
        assert_eq!(names, ["docker.io/library/app:1.0", "latest", "image 3"]);
        assert_eq!(images[1].media_type, media_type::OCI_INDEX);
        assert_eq!(images[1].served_type(), media_type::OCI_INDEX);
        let html = LocalImage {
            media_type: "text/html".to_owned(),
            ..images[0].clone()
        };
        assert_eq!(html.served_type(), "", "never a type a browser renders");
        assert!(images.iter().all(|image| !image.written));
        let cases: [(&[u8], bool); 4] = [
            (br#"{"manifests":null}"#, true),
            (b"{}", true),
            (b"[1]", false),
            (br#"{"manifests":[{"digest":"sha256:xyz"}]}"#, false),
        ];
        for (bytes, readable) in cases {
            let read = oci_images(bytes);
            assert_eq!(read.is_ok(), readable, "{}", String::from_utf8_lossy(bytes));
            assert!(
                read.is_err_and(|error| matches!(error, ArchiveError::BadIndexJson(_))) || readable
            );
        }
        let blobs = layout.oci_blobs();
        assert_eq!(blobs.len(), 1, "only members named by a digest");
        assert_eq!(blobs[0].digest.to_string(), format!("sha256:{HEX}"));
    }

    fn legacy(layers: &[&str]) -> LegacyImage {
        LegacyImage {
            config: member(&format!("{HEX}.json"), 99),
            config_digest: Some(Digest::parse(&format!("sha256:{HEX}")).expect("a digest")),
            layers: layers.iter().map(|path| Some(member(path, 2048))).collect(),
            missing: Vec::new(),
            repo_tags: vec!["app:1".to_owned()],
        }
    }

    fn config(diff_ids: &[&str]) -> Vec<u8> {
        serde_json::json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": { "type": "layers", "diff_ids": diff_ids },
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_legacy_image_gets_the_manifest_docker_load_would_see() {
        let diff_id = format!("sha256:{}", "ab".repeat(32));
        let (image, blobs) = legacy(&["c7b9/layer.tar"])
            .written_manifest(0, &config(&[&diff_id]))
            .expect("written");
        assert_eq!(image.name, "app:1");
        assert!(image.written);
        let BlobSource::Written(bytes) = &blobs.last().expect("the manifest").source else {
            panic!("the manifest comes last, written");
        };
        assert_eq!(Digest::sha256_of(bytes), image.digest);
        let read = strata_image::manifest::read_document(bytes, Some(&image.media_type))
            .expect("a manifest Strata reads");
        let strata_image::manifest::Document::Manifest(manifest) = read.document else {
            panic!("an image manifest");
        };
        assert_eq!(manifest.config.digest, format!("sha256:{HEX}"));
        assert_eq!(manifest.config.size, 99);
        assert_eq!(manifest.layers.len(), 1);
        assert_eq!(manifest.layers[0].digest, diff_id);
        assert_eq!(manifest.layers[0].media_type, media_type::DOCKER_LAYER);
        assert_eq!(manifest.layers[0].size, 2048);
        let digests: Vec<String> = blobs.iter().map(|blob| blob.digest.to_string()).collect();
        assert_eq!(digests[..2], [format!("sha256:{HEX}"), diff_id]);
    }

    #[test]
    fn a_legacy_image_whose_config_disagrees_is_refused_by_name() {
        let cases: [(LegacyImage, Vec<u8>, &str); 3] = [
            (
                legacy(&["a/layer.tar", "b/layer.tar"]),
                config(&[&format!("sha256:{}", "ab".repeat(32))]),
                "names 1 layers",
            ),
            (
                legacy(&["a/layer.tar"]),
                config(&["not-a-digest"]),
                "not a diff_id",
            ),
            (legacy(&[]), b"{not json".to_vec(), "is not readable"),
        ];
        for (image, config, expected) in cases {
            let error = image
                .written_manifest(0, &config)
                .expect_err("refused")
                .to_string();
            assert!(error.contains(expected) && error.contains(HEX), "{error}");
        }
    }
}
