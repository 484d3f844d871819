//! The concept panels' texts: short, exact explanations of the ideas a reader meets while inspecting an
//! image, each with a stable slug so a page can link to it (`/concepts#<slug>`).

/// One idea the page explains on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concept {
    /// Image vs container.
    ImageVsContainer,
    /// Registry, repository, tag.
    RegistryRepositoryTag,
    /// `latest` is only a default.
    LatestIsADefault,
    /// Tags move, digests don't; pull by digest.
    TagsMoveDigestsDont,
    /// Why Docker Hub and `docker pull` show different digests.
    IndexVsPlatformDigest,
    /// Platforms, variants and `buildx --platform`.
    Platforms,
    /// SBOM and provenance attestations.
    Attestations,
    /// What an SBOM says, what a provenance says, and what checking them proves.
    SbomVsProvenance,
    /// What a signature proves, and what it doesn't.
    Signatures,
    /// Untagged manifests.
    DanglingManifests,
    /// Docker Official Images vs everyone else's.
    OfficialImages,
    /// Layers, diff_ids, compressed vs uncompressed digests.
    LayersAndDiffIds,
}

impl Concept {
    /// Every concept, in reading order.
    pub const ALL: [Concept; 12] = [
        Concept::ImageVsContainer,
        Concept::RegistryRepositoryTag,
        Concept::LatestIsADefault,
        Concept::OfficialImages,
        Concept::TagsMoveDigestsDont,
        Concept::IndexVsPlatformDigest,
        Concept::Platforms,
        Concept::Attestations,
        Concept::SbomVsProvenance,
        Concept::Signatures,
        Concept::DanglingManifests,
        Concept::LayersAndDiffIds,
    ];

    /// The id used in links and in `data-concept`.
    pub fn slug(self) -> &'static str {
        match self {
            Concept::ImageVsContainer => "image-vs-container",
            Concept::RegistryRepositoryTag => "registry-repository-tag",
            Concept::LatestIsADefault => "latest",
            Concept::TagsMoveDigestsDont => "tags-move-digests-dont",
            Concept::IndexVsPlatformDigest => "index-vs-platform-digest",
            Concept::Platforms => "platforms",
            Concept::Attestations => "attestations",
            Concept::SbomVsProvenance => "sbom-vs-provenance",
            Concept::Signatures => "signatures",
            Concept::DanglingManifests => "dangling-manifests",
            Concept::OfficialImages => "official-images",
            Concept::LayersAndDiffIds => "layers-and-diff-ids",
        }
    }

    /// The concept with this slug.
    pub fn from_slug(slug: &str) -> Option<Concept> {
        Concept::ALL
            .into_iter()
            .find(|concept| concept.slug() == slug)
    }

    /// A short title.
    pub fn title(self) -> &'static str {
        match self {
            Concept::ImageVsContainer => "Image vs container",
            Concept::RegistryRepositoryTag => "Registry, repository, tag",
            Concept::LatestIsADefault => "`latest` is only a default",
            Concept::TagsMoveDigestsDont => "Tags move, digests don't",
            Concept::IndexVsPlatformDigest => "Index digest vs per-platform digest",
            Concept::Platforms => "Platforms, variants and `buildx --platform`",
            Concept::Attestations => "Attestations: SBOM and provenance",
            Concept::SbomVsProvenance => "SBOM vs provenance",
            Concept::Signatures => "What a signature proves, and what it doesn't",
            Concept::DanglingManifests => "Dangling (untagged) manifests",
            Concept::OfficialImages => "Official vs unofficial images",
            Concept::LayersAndDiffIds => "Layers, diff_ids and two digests per layer",
        }
    }

    /// The explanation, in paragraphs.
    pub fn paragraphs(self) -> &'static [&'static str] {
        match self {
            Concept::ImageVsContainer => &[
                "An image is read-only content: a manifest naming a config (how to run it) and a list of \
                 layers (file-system changes), kept in a registry and copied to the machines that pull it. It \
                 never runs.",
                "A container is a running (or stopped) instance made from an image on one machine: the image's \
                 layers stacked read-only, plus a writable layer of its own. Changes a container makes never go \
                 back into the image unless someone commits and pushes a new image.",
            ],
            Concept::RegistryRepositoryTag => &[
                "A registry is the server (docker.io, ghcr.io, localhost:5000). A repository is a named \
                 collection inside it (library/alpine, org/app). A tag is a human name for one manifest in that \
                 repository (3.19, 1.2.0, latest).",
                "In `ghcr.io/org/app:1.2` the registry is `ghcr.io`, the repository `org/app`, the tag `1.2`. \
                 When the part before the first `/` has no dot, no colon, no capital letter and is not \
                 `localhost` (or there is no `/`), Docker assumes `docker.io`, and a one-part name there gets \
                 `library/` in front: `alpine` is `docker.io/library/alpine`.",
            ],
            Concept::LatestIsADefault => &[
                "When a reference has neither a tag nor a digest, Docker adds the tag `latest`. That is all \
                 `latest` means: it is an ordinary tag that whoever pushes may point anywhere, or not push at all.",
                "It is not necessarily the newest version, and a repository without a `latest` tag makes \
                 `docker pull name` fail with \"manifest unknown\".",
            ],
            Concept::TagsMoveDigestsDont => &[
                "A tag is a pointer the publisher can move to another manifest at any time; pulling the same tag \
                 twice can give different images.",
                "A digest (`sha256:…`) is the hash of the manifest's exact bytes, so it names those bytes forever. \
                 Pulling by digest (`name@sha256:…`) gets exactly what was inspected, and the client checks the \
                 bytes against it. When a reference has both a tag and a digest, the tag is ignored.",
            ],
            Concept::IndexVsPlatformDigest => &[
                "A multi-platform image is an index (manifest list) whose entries point at one image manifest \
                 per platform. The index has its own digest, and so does every platform's manifest.",
                "`docker pull` prints the digest of what the tag names, usually the index. Docker Hub's tag page \
                 lists the per-platform manifest digests. Both are right: they hash different documents. \
                 Pulling by the index digest lets each machine pick its platform; pulling by a platform digest \
                 pins one platform.",
            ],
            Concept::Platforms => &[
                "A platform is an OS, a CPU architecture and sometimes a variant: `linux/amd64`, \
                 `linux/arm64/v8`, `linux/arm/v7`, `windows/amd64` with an OS version. The variant is a CPU \
                 generation (arm v6/v7/v8, amd64 v2/v3).",
                "A puller takes the first index entry its machine can run, in a fixed preference order (an \
                 arm/v7 machine accepts v7, then v6, then v5). `docker pull --platform` asks for another one. \
                 `docker buildx build --platform linux/amd64,linux/arm64` builds one image per platform and \
                 pushes an index listing them.",
            ],
            Concept::Attestations => &[
                "BuildKit can attach attestations to what it builds: an SBOM (the packages inside, as SPDX) and \
                 provenance (how, where and from what source it was built, as SLSA). They are in-toto statements \
                 stored as layers of an extra manifest.",
                "In an index, each attestation manifest has the platform `unknown/unknown` and the annotations \
                 `vnd.docker.reference.type: attestation-manifest` and `vnd.docker.reference.digest` naming the \
                 image it describes. Pullers skip them; they are not runnable images.",
            ],
            Concept::SbomVsProvenance => &[
                "An SBOM (software bill of materials) lists what is inside an image: its packages, their \
                 versions, types and licenses, as SPDX or CycloneDX. A provenance tells how the image was made: \
                 the builder, the source repository and commit, the build's arguments, and its inputs, such as \
                 the base image by digest (SLSA).",
                "Both are in-toto statements that name the image they describe by digest, their subject. Strata \
                 hashes each statement against its digest and checks that its subject is the manifest it is \
                 attached to. That makes a statement exactly the one stored, not a true one: a signature over it \
                 says who made it, and an SBOM lists what its scanner recognized, not every file in the layers.",
            ],
            Concept::Signatures => &[
                "A cosign signature is a small signed document stored beside the image, under a tag named after \
                 the image's digest (`sha256-<hex>.sig`). Its payload names one digest; checking it takes the \
                 signer's public key, the signature verified over the payload, and the digest it names compared \
                 with the image shown.",
                "A valid signature proves that whoever holds the private key signed this exact digest, so what \
                 you pull by that digest is what they signed. It does not prove the image is safe, whose key it \
                 is, or that a tag still points at the signed digest: tags move, so pull by digest. A valid \
                 signature made for another image is not this image's.",
                "Keyless signing (Sigstore) needs no long-lived key: an OIDC provider vouches for an identity (an \
                 email, a CI workflow), a CA such as Fulcio issues a certificate for it that lasts minutes, and a \
                 transparency log such as Rekor records the signature and signs when it did. Strata checks the \
                 log's signature, the certificate up to a CA of the trust root its operator gives, valid at the \
                 time the log recorded, and the signature with the certificate's key. That proves who the issuer \
                 said signed, not that you trust them. cosign v3 attaches its signatures as Sigstore bundles (OCI \
                 1.1 referrers) instead of a `.sig` tag; they are checked the same way.",
            ],
            Concept::DanglingManifests => &[
                "A manifest no tag points to is dangling (untagged). It appears when a tag moves to a new push: \
                 the old manifest stays in the repository, reachable only by its digest.",
                "Platform manifests and attestations inside an index are untagged too, but they are not dangling: \
                 the index refers to them. Registries may delete dangling manifests in garbage collection, so a \
                 pull by an old digest can stop working. On a machine, `docker images` shows an image whose tag \
                 moved on as `<none>:<none>`, a dangling image.",
            ],
            Concept::OfficialImages => &[
                "Docker Official Images are the repositories under `library/` on Docker Hub (`alpine`, \
                 `postgres`), curated by Docker and the upstream maintainers and rebuilt for security fixes. \
                 They are the only ones with a one-part name.",
                "Every other name has a namespace: `bitnami/redis` is published by the `bitnami` account, \
                 `ghcr.io/org/app` lives on another registry. Verified Publisher and Sponsored OSS badges are \
                 Docker Hub labels, not part of the reference.",
            ],
            Concept::LayersAndDiffIds => &[
                "A layer is a tar archive of file-system changes (files added, changed, or deleted with whiteout \
                 entries), usually compressed with gzip or zstd. The manifest lists each layer by the digest of \
                 the compressed blob, which is what the registry stores and serves.",
                "The config's `rootfs.diff_ids` lists the same layers, in the same order, by the digest of the \
                 uncompressed tar. So each layer has two digests; the same tar compressed twice can give two \
                 different blob digests but always the same diff_id.",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_concept_has_a_unique_slug_a_title_and_text() {
        let mut slugs = HashSet::new();
        for concept in Concept::ALL {
            assert!(slugs.insert(concept.slug()), "{concept:?}");
            assert_eq!(Concept::from_slug(concept.slug()), Some(concept));
            assert!(!concept.title().is_empty(), "{concept:?}");
            assert!(!concept.paragraphs().is_empty(), "{concept:?}");
            for paragraph in concept.paragraphs() {
                assert!(paragraph.len() > 40, "{concept:?}: {paragraph}");
                assert!(!paragraph.contains("  "), "{concept:?}: {paragraph}");
            }
            assert!(
                concept
                    .slug()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{concept:?}"
            );
        }
        assert_eq!(Concept::from_slug("nothing"), None);
    }
}
