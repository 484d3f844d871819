//! The guided tour "What happens when you run `docker pull`", as data: its steps in order, their links,
//! their texts, which part of the live tree each one points at, and which concepts it leans on.

use crate::concept::Concept;

/// The image the tour pulls: a buildx-style multi-platform index in the embedded demo registry, so the
/// tour works offline.
pub const TOUR_REFERENCE: &str = "demo.invalid/strata/multi-arch:1.0";

/// One step of a pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TourStep {
    /// Read the reference.
    ParseName,
    /// Decide which server to ask.
    FindRegistry,
    /// Authenticate (401, then a token).
    ChallengeAndToken,
    /// Fetch what the tag names: an index.
    FetchIndex,
    /// Choose the entry for this machine.
    PickPlatform,
    /// Fetch that platform's image manifest.
    FetchManifest,
    /// Fetch the image config.
    FetchConfig,
    /// Fetch the layers.
    FetchLayers,
}

/// What a step points at in the live tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Highlight {
    /// The reference broken down.
    Reference,
    /// The document the reference names (the index).
    Root,
    /// The index entry chosen for the machine.
    SelectedPlatform,
    /// The chosen platform's image manifest.
    PlatformManifest,
    /// That manifest's config.
    Config,
    /// That manifest's first layer.
    FirstLayer,
}

impl TourStep {
    /// Every step, in the order a pull takes them.
    pub const ALL: [TourStep; 8] = [
        TourStep::ParseName,
        TourStep::FindRegistry,
        TourStep::ChallengeAndToken,
        TourStep::FetchIndex,
        TourStep::PickPlatform,
        TourStep::FetchManifest,
        TourStep::FetchConfig,
        TourStep::FetchLayers,
    ];

    /// The last path segment of the step's link (`/tour/<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            TourStep::ParseName => "parse-the-name",
            TourStep::FindRegistry => "find-the-registry",
            TourStep::ChallengeAndToken => "challenge-and-token",
            TourStep::FetchIndex => "fetch-the-index",
            TourStep::PickPlatform => "pick-the-platform",
            TourStep::FetchManifest => "fetch-the-manifest",
            TourStep::FetchConfig => "fetch-the-config",
            TourStep::FetchLayers => "fetch-the-layers",
        }
    }

    /// The step a link names; an empty slug is the first step.
    pub fn from_slug(slug: &str) -> Option<TourStep> {
        if slug.is_empty() {
            return Some(TourStep::ParseName);
        }
        TourStep::ALL.into_iter().find(|step| step.slug() == slug)
    }

    /// Its position, from 0.
    pub fn position(self) -> usize {
        TourStep::ALL
            .iter()
            .position(|step| *step == self)
            .unwrap_or_default()
    }

    /// The step after this one.
    pub fn next(self) -> Option<TourStep> {
        TourStep::ALL.get(self.position() + 1).copied()
    }

    /// The step before this one.
    pub fn previous(self) -> Option<TourStep> {
        self.position()
            .checked_sub(1)
            .and_then(|position| TourStep::ALL.get(position).copied())
    }

    /// A short title.
    pub fn title(self) -> &'static str {
        match self {
            TourStep::ParseName => "Parse the name",
            TourStep::FindRegistry => "Find the registry",
            TourStep::ChallengeAndToken => "Challenge and token",
            TourStep::FetchIndex => "Fetch the index",
            TourStep::PickPlatform => "Pick the platform for your machine",
            TourStep::FetchManifest => "Fetch the image manifest",
            TourStep::FetchConfig => "Fetch the config",
            TourStep::FetchLayers => "Fetch the layers",
        }
    }

    /// What happens in this step, in paragraphs.
    pub fn explanation(self) -> &'static [&'static str] {
        match self {
            TourStep::ParseName => &[
                "Before any network request, the client splits the reference into registry, repository, tag \
                 and digest, with the same grammar and defaults as Docker: no registry means docker.io, a \
                 one-part Docker Hub name gets library/, and no tag and no digest means the tag latest.",
            ],
            TourStep::FindRegistry => &[
                "The registry part names a server, but not always the host to connect to: docker.io is served \
                 by registry-1.docker.io. Every request then goes to https://<host>/v2/<repository>/…",
                "Here the browser cannot call registries itself (CORS, redirects, credentials), so it asks \
                 Strata's proxy at /v2/<registry>/<repository>/…, and the proxy asks the registry. \
                 demo.invalid is a registry embedded in the proxy, so this tour needs no network.",
            ],
            TourStep::ChallengeAndToken => &[
                "Most registries answer an anonymous request with 401 and a WWW-Authenticate header saying \
                 where to get a token. The client fetches a token for the scope it needs (pull on this \
                 repository) and repeats the request with Authorization: Bearer <token>.",
            ],
            TourStep::FetchIndex => &[
                "The client asks for the tag's manifest, listing in Accept every manifest type it understands. \
                 The registry answers with one of them, its Content-Type, and Docker-Content-Digest. For a \
                 multi-platform image that is an index: a list of one image manifest per platform, plus \
                 attestations.",
                "The client hashes the bytes itself. For a tag, the hash must equal the digest the registry \
                 vouched for; every document below is then asked for by digest and must hash to it.",
            ],
            TourStep::PickPlatform => &[
                "The client does not fetch every platform: it walks the index entries and takes the first one \
                 the machine can run, in a fixed preference order. `docker pull --platform` asks for another \
                 machine's entry. Attestation entries (unknown/unknown) are never picked.",
            ],
            TourStep::FetchManifest => &[
                "The chosen entry names the image manifest by digest. The client fetches it by that digest and \
                 checks that the bytes hash to it. The manifest lists the config and the layers, each by digest \
                 and size.",
            ],
            TourStep::FetchConfig => &[
                "The config is a blob, fetched by digest from /blobs/. It holds how to run the image (entrypoint, \
                 environment, user), its platform, the build history and rootfs.diff_ids, the digests of the \
                 uncompressed layers.",
            ],
            TourStep::FetchLayers => &[
                "Finally the layers, each a blob fetched by digest (often redirected to a CDN). The client checks \
                 the compressed bytes against the manifest's digest, unpacks them, and checks the uncompressed \
                 tar against the config's diff_id. Layers already present locally are skipped.",
            ],
        }
    }

    /// What the step points at in the live tree.
    pub fn highlight(self) -> Highlight {
        match self {
            TourStep::ParseName | TourStep::FindRegistry => Highlight::Reference,
            TourStep::ChallengeAndToken | TourStep::FetchIndex => Highlight::Root,
            TourStep::PickPlatform => Highlight::SelectedPlatform,
            TourStep::FetchManifest => Highlight::PlatformManifest,
            TourStep::FetchConfig => Highlight::Config,
            TourStep::FetchLayers => Highlight::FirstLayer,
        }
    }

    /// The concepts this step leans on.
    pub fn concepts(self) -> &'static [Concept] {
        match self {
            TourStep::ParseName => &[
                Concept::RegistryRepositoryTag,
                Concept::LatestIsADefault,
                Concept::ImageVsContainer,
            ],
            TourStep::FindRegistry => &[Concept::OfficialImages],
            TourStep::ChallengeAndToken => &[],
            TourStep::FetchIndex => &[Concept::TagsMoveDigestsDont, Concept::IndexVsPlatformDigest],
            TourStep::PickPlatform => &[Concept::Platforms, Concept::Attestations],
            TourStep::FetchManifest => {
                &[Concept::IndexVsPlatformDigest, Concept::DanglingManifests]
            }
            TourStep::FetchConfig | TourStep::FetchLayers => &[Concept::LayersAndDiffIds],
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use strata_image::reference::Reference;

    #[test]
    fn steps_link_to_each_other_in_order() {
        let mut slugs = HashSet::new();
        for (position, step) in TourStep::ALL.into_iter().enumerate() {
            assert!(slugs.insert(step.slug()));
            assert_eq!(TourStep::from_slug(step.slug()), Some(step));
            assert_eq!(step.position(), position);
            assert!(!step.title().is_empty());
            assert!(step.explanation().iter().all(|p| p.len() > 40));
            if let Some(next) = step.next() {
                assert_eq!(next.previous(), Some(step));
            }
        }
        assert_eq!(TourStep::ParseName.previous(), None);
        assert_eq!(TourStep::FetchLayers.next(), None);
        assert_eq!(TourStep::from_slug(""), Some(TourStep::ParseName));
        assert_eq!(TourStep::from_slug("nowhere"), None);
    }

    #[test]
    fn highlights_follow_the_pull() {
        let cases = [
            (TourStep::ParseName, Highlight::Reference),
            (TourStep::FetchIndex, Highlight::Root),
            (TourStep::PickPlatform, Highlight::SelectedPlatform),
            (TourStep::FetchManifest, Highlight::PlatformManifest),
            (TourStep::FetchConfig, Highlight::Config),
            (TourStep::FetchLayers, Highlight::FirstLayer),
        ];
        for (step, highlight) in cases {
            assert_eq!(step.highlight(), highlight, "{step:?}");
        }
    }

    #[test]
    fn the_tour_image_is_a_valid_reference_in_the_demo_registry() {
        let reference = Reference::parse(TOUR_REFERENCE).expect("a valid reference");
        assert_eq!(
            reference.registry(),
            strata_image::registry_host::DEMO_REGISTRY
        );
        assert_eq!(reference.tag(), Some("1.0"));
    }
}
