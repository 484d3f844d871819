//! What a tag's row shows of the image it names, read only from verified documents: its platforms, its
//! size (config and layers, compressed; an index's largest platform) and when it was built (the config).

use crate::artifact::CREATED_ANNOTATION;
use crate::config::ImageConfig;
use crate::manifest::{Descriptor, Document, ImageManifest};
use crate::media_type;

/// A tag's image in a few words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagSummary {
    /// `os/arch[/variant]` of each runnable platform (attestations and placeholders left out); a single
    /// manifest's, from its config.
    pub platforms: Vec<String>,
    /// Compressed bytes of config and layers, as the descriptors state them; for an index, its largest
    /// platform's. `None` until known.
    pub size: Option<u64>,
    /// The config's `created`, as written.
    pub created: Option<String>,
}

/// What a summary still needs fetched, and verified, before it is whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagNeeds {
    /// Nothing: the summary is whole.
    Nothing,
    /// This image config (the platform of a single manifest, the created time).
    Config(Box<Descriptor>),
    /// Each platform's manifest of an index, in this order: the largest gives the size, then its config
    /// the created time.
    PlatformManifests(Vec<Descriptor>),
}

impl TagSummary {
    /// The summary the tag's own document gives, and what it still needs.
    pub fn from_root(document: &Document) -> (TagSummary, TagNeeds) {
        match document {
            Document::Index(index) => {
                let runnable: Vec<&Descriptor> = index
                    .manifests
                    .iter()
                    .filter(|entry| entry.is_runnable_entry() && entry.platform.is_some())
                    .collect();
                let mut platforms: Vec<String> = Vec::new();
                for entry in &runnable {
                    if let Some(platform) = &entry.platform {
                        let text = platform.os_arch_variant();
                        if !platforms.contains(&text) {
                            platforms.push(text);
                        }
                    }
                }
                let manifests: Vec<Descriptor> = runnable
                    .into_iter()
                    .filter(|entry| !entry.is_index())
                    .cloned()
                    .collect();
                let summary = TagSummary {
                    platforms,
                    ..TagSummary::default()
                };
                if manifests.is_empty() {
                    return (summary, TagNeeds::Nothing);
                }
                (summary, TagNeeds::PlatformManifests(manifests))
            }
            Document::Manifest(manifest) => {
                let summary = TagSummary {
                    size: Some(manifest_size(manifest)),
                    created: manifest.annotations.get(CREATED_ANNOTATION).cloned(),
                    ..TagSummary::default()
                };
                if media_type::is_image_config(&manifest.config.media_type) {
                    (summary, TagNeeds::Config(Box::new(manifest.config.clone())))
                } else {
                    (summary, TagNeeds::Nothing)
                }
            }
            Document::Schema1(_) | Document::Unknown => (TagSummary::default(), TagNeeds::Nothing),
        }
    }

    /// Takes an index's platform manifests, each verified against its entry (`None` for one that could
    /// not be), in the order [`TagNeeds::PlatformManifests`] named them. The size is the largest's, known
    /// only when every one was read; its config is what is needed next.
    pub fn with_platform_manifests(&mut self, manifests: &[Option<ImageManifest>]) -> TagNeeds {
        let mut largest: Option<&ImageManifest> = None;
        for manifest in manifests {
            let Some(manifest) = manifest else {
                return TagNeeds::Nothing;
            };
            if largest.is_none_or(|known| manifest_size(manifest) > manifest_size(known)) {
                largest = Some(manifest);
            }
        }
        let Some(largest) = largest else {
            return TagNeeds::Nothing;
        };
        self.size = Some(manifest_size(largest));
        if media_type::is_image_config(&largest.config.media_type) {
            TagNeeds::Config(Box::new(largest.config.clone()))
        } else {
            TagNeeds::Nothing
        }
    }

    /// Takes the verified config [`TagNeeds::Config`] named. A single manifest's platform is its config's;
    /// its `created` wins over the manifest's annotation.
    pub fn with_config(&mut self, config: &ImageConfig) {
        if self.platforms.is_empty() && !(config.os.is_empty() && config.architecture.is_empty()) {
            self.platforms.push(config.platform());
        }
        if let Some(created) = config
            .created
            .as_ref()
            .filter(|created| !created.is_empty())
        {
            self.created = Some(created.clone());
        }
    }
}

/// Config and layers, compressed, as the manifest's descriptors state them.
fn manifest_size(manifest: &ImageManifest) -> u64 {
    manifest.config.size.saturating_add(manifest.layers_size())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::read_document;

    fn read(json: serde_json::Value) -> Document {
        read_document(json.to_string().as_bytes(), None)
            .expect("a document")
            .document
    }

    fn descriptor(media_type: &str, digest: char, size: u64) -> serde_json::Value {
        serde_json::json!({
            "mediaType": media_type,
            "digest": format!("sha256:{}", digest.to_string().repeat(64)),
            "size": size,
        })
    }

    fn manifest(config_size: u64, layers: &[u64]) -> serde_json::Value {
        serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media_type::OCI_MANIFEST,
            "config": descriptor(media_type::OCI_CONFIG, 'c', config_size),
            "layers": layers.iter().map(|size| descriptor(media_type::OCI_LAYER_GZIP, 'l', *size)).collect::<Vec<_>>(),
        })
    }

    fn image_manifest(config_size: u64, layers: &[u64]) -> ImageManifest {
        match read(manifest(config_size, layers)) {
            Document::Manifest(manifest) => *manifest,
            other => panic!("not a manifest: {other:?}"),
        }
    }

    fn entry(platform: serde_json::Value, annotations: serde_json::Value) -> serde_json::Value {
        let mut entry = descriptor(media_type::OCI_MANIFEST, 'e', 500);
        entry["platform"] = platform;
        entry["annotations"] = annotations;
        entry
    }

    #[test]
    fn a_single_manifest_is_sized_from_its_descriptors_and_placed_by_its_config() {
        let (mut summary, needs) = TagSummary::from_root(&read(manifest(100, &[1000, 20])));
        assert_eq!(summary.size, Some(1120));
        let TagNeeds::Config(config) = needs else {
            panic!("the config is needed: {needs:?}");
        };
        assert_eq!(config.size, 100);
        let config = ImageConfig::parse(
            br#"{"os":"linux","architecture":"arm","variant":"v7","created":"2024-05-01T10:00:00Z"}"#,
        )
        .expect("a config");
        summary.with_config(&config);
        assert_eq!(summary.platforms, ["linux/arm/v7"]);
        assert_eq!(summary.created.as_deref(), Some("2024-05-01T10:00:00Z"));
    }

    #[test]
    fn an_index_lists_its_runnable_platforms_and_takes_its_largest_platforms_size() {
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media_type::OCI_INDEX,
            "manifests": [
                entry(serde_json::json!({"os": "linux", "architecture": "amd64"}), serde_json::json!({})),
                entry(serde_json::json!({"os": "linux", "architecture": "arm64", "variant": "v8"}), serde_json::json!({})),
                entry(serde_json::json!({"os": "unknown", "architecture": "unknown"}),
                    serde_json::json!({"vnd.docker.reference.type": "attestation-manifest"})),
                entry(serde_json::json!({"os": "linux", "architecture": "amd64"}), serde_json::json!({})),
            ],
        });
        let (mut summary, needs) = TagSummary::from_root(&read(index));
        assert_eq!(summary.platforms, ["linux/amd64", "linux/arm64/v8"]);
        assert_eq!(summary.size, None);
        let TagNeeds::PlatformManifests(manifests) = needs else {
            panic!("the platform manifests are needed: {needs:?}");
        };
        assert_eq!(manifests.len(), 3, "attestations are not platforms");
        let read_ones = [
            Some(image_manifest(10, &[100])),
            Some(image_manifest(20, &[300])),
            Some(image_manifest(10, &[5])),
        ];
        let next = summary.with_platform_manifests(&read_ones);
        assert_eq!(summary.size, Some(320));
        assert!(matches!(next, TagNeeds::Config(config) if config.size == 20));

        let mut unsure = TagSummary::default();
        let next = unsure.with_platform_manifests(&[Some(image_manifest(1, &[1])), None]);
        assert_eq!(
            (unsure.size, next),
            (None, TagNeeds::Nothing),
            "one unread platform: no size"
        );
    }

    #[test]
    fn documents_without_an_image_config_need_nothing_more() {
        let artifact = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media_type::OCI_MANIFEST,
            "artifactType": "application/vnd.example",
            "config": descriptor("application/vnd.oci.empty.v1+json", 'c', 2),
            "layers": [descriptor("application/vnd.example.data", 'l', 40)],
            "annotations": {"org.opencontainers.image.created": "2025-01-01T00:00:00Z"},
        });
        let (summary, needs) = TagSummary::from_root(&read(artifact));
        assert_eq!(needs, TagNeeds::Nothing);
        assert_eq!(summary.size, Some(42));
        assert!(summary.platforms.is_empty());
        assert_eq!(summary.created.as_deref(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(
            TagSummary::from_root(&Document::Unknown),
            (TagSummary::default(), TagNeeds::Nothing)
        );
    }
}
