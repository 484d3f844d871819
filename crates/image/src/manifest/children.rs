//! Which documents a verified one leads to: an index's entries sorted as a reader thinks of them (each
//! platform with its attestations, then the rest), and how each child is read once fetched.

use super::{Descriptor, Document, Index};
use crate::media_type;
use crate::platform::{self, Platform};

/// How a child document is read once fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    /// From the manifests endpoint: an index entry.
    Manifest,
    /// An image config blob.
    ImageConfig,
    /// A Helm chart's config blob (Chart.yaml as JSON).
    HelmConfig,
}

impl Document {
    /// The children a reader verifies to show this document's tree: every entry of an index, the config of
    /// a manifest when it says something worth showing (an image config, a Helm chart's). Layers and
    /// artifact blobs are fetched only when opened.
    pub fn children_to_fetch(&self) -> Vec<(ChildKind, &Descriptor)> {
        match self {
            Document::Index(index) => index
                .manifests
                .iter()
                .map(|entry| (ChildKind::Manifest, entry))
                .collect(),
            Document::Manifest(manifest) => {
                match media_type::essence(&manifest.config.media_type) {
                    media_type::HELM_CONFIG => vec![(ChildKind::HelmConfig, &manifest.config)],
                    config if media_type::is_image_config(config) => {
                        vec![(ChildKind::ImageConfig, &manifest.config)]
                    }
                    _ => Vec::new(),
                }
            }
            Document::Schema1(_) | Document::Unknown => Vec::new(),
        }
    }

    /// The descriptors of [`children_to_fetch`](Self::children_to_fetch).
    pub fn children_to_verify(&self) -> Vec<&Descriptor> {
        self.children_to_fetch()
            .into_iter()
            .map(|(_, descriptor)| descriptor)
            .collect()
    }
}

/// An index entry for one platform, with the attestations that describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformEntry<'a> {
    /// The entry for the platform's manifest.
    pub descriptor: &'a Descriptor,
    /// Attestation manifests attached to it.
    pub attestations: Vec<&'a Descriptor>,
}

/// An index's entries, sorted the way a reader thinks of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexEntries<'a> {
    /// One entry per runnable platform, in index order.
    pub platforms: Vec<PlatformEntry<'a>>,
    /// Entries that are neither platforms nor attached attestations (artifacts, orphaned attestations).
    pub others: Vec<&'a Descriptor>,
}

impl IndexEntries<'_> {
    /// The platform entry to show for `?platform=` (see [`platform::select_for_view`]): an index into
    /// `platforms`, or none with the reason.
    pub fn select_for_view(&self, requested: Option<&str>) -> platform::ViewSelection {
        let platforms: Vec<Option<&Platform>> = self
            .platforms
            .iter()
            .map(|entry| entry.descriptor.platform.as_ref())
            .collect();
        platform::select_for_view(requested, &platforms)
    }
}

impl Index {
    /// Splits the entries into platforms (with their attestations attached) and the rest. Attestations are
    /// never platforms, whatever their `platform` says.
    pub fn entries(&self) -> IndexEntries<'_> {
        let mut entries = IndexEntries::default();
        for descriptor in &self.manifests {
            if descriptor.is_runnable_entry() {
                entries.platforms.push(PlatformEntry {
                    descriptor,
                    attestations: Vec::new(),
                });
            }
        }
        for descriptor in self.manifests.iter().filter(|d| !d.is_runnable_entry()) {
            let subject = descriptor.is_attestation().then(|| {
                entries
                    .platforms
                    .iter_mut()
                    .find(|entry| Some(entry.descriptor.digest.as_str()) == descriptor.attests())
            });
            match subject.flatten() {
                Some(entry) => entry.attestations.push(descriptor),
                None => entries.others.push(descriptor),
            }
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn attestations_attach_to_their_platform() {
        let read = read_document(index_json().as_bytes(), None).unwrap();
        let Document::Index(index) = read.document else {
            panic!("not an index")
        };
        let entries = index.entries();
        let platforms: Vec<String> = entries
            .platforms
            .iter()
            .map(|entry| {
                entry
                    .descriptor
                    .platform
                    .as_ref()
                    .unwrap()
                    .os_arch_variant()
            })
            .collect();
        assert_eq!(platforms, ["linux/amd64", "linux/arm64/v8"]);
        assert!(entries.platforms[0].attestations.is_empty());
        assert_eq!(entries.platforms[1].attestations[0].digest, DIGEST_C);
        assert!(entries.others.is_empty());
    }

    #[test]
    fn orphaned_attestations_are_not_platforms() {
        let json = index_json().replace(
            &format!(r#""vnd.docker.reference.digest":"{DIGEST_B}""#),
            r#""vnd.docker.reference.digest":"sha256:gone""#,
        );
        let read = read_document(json.as_bytes(), None).unwrap();
        let Document::Index(index) = read.document else {
            panic!("not an index")
        };
        let entries = index.entries();
        assert_eq!(entries.platforms.len(), 2);
        assert_eq!(entries.others.len(), 1);
    }
}
