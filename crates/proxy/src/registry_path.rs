//! What a `/v2/…` path names — a registry and repository, a manifest or blob and its reference — read with
//! core's reference grammar before anything goes upstream, and the cache rules for the answers.

use strata_image::reference::Reference;

use crate::error::ProxyError;

/// A registry and one of its repositories, checked by core's reference grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryName {
    /// The registry as named in references (`docker.io`, `ghcr.io`, `localhost:5000`).
    pub registry: String,
    /// The repository.
    pub repository: String,
}

impl RepositoryName {
    /// Reads `<registry>/<repository>`, both given in full.
    pub fn parse(text: &str) -> Result<RepositoryName, ProxyError> {
        let bad = |why: &str| {
            ProxyError::BadPath(format!("{text:?} is not a registry and repository: {why}"))
        };
        let (registry, repository) = text
            .split_once('/')
            .ok_or_else(|| bad("no registry host"))?;
        let parsed =
            Reference::parse(&format!("{text}:latest")).map_err(|error| bad(&error.to_string()))?;
        if parsed.registry() != registry || parsed.repository() != repository {
            return Err(bad(
                "the registry host and repository must be given in full",
            ));
        }
        Ok(RepositoryName {
            registry: registry.to_owned(),
            repository: repository.to_owned(),
        })
    }
}

/// Which endpoint a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/manifests/<tag-or-digest>`.
    Manifest,
    /// `/blobs/<digest>`.
    Blob,
}

/// A registry path, checked by core's reference grammar before anything goes upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPath {
    /// The registry as named in references (`docker.io`, `ghcr.io`, `localhost:5000`).
    pub registry: String,
    /// The repository.
    pub repository: String,
    /// Manifest or blob.
    pub endpoint: Endpoint,
    /// Tag or digest.
    pub reference: String,
}

impl RegistryPath {
    /// Reads `<registry>/<repository>/{manifests,blobs}/<reference>`.
    pub fn parse(path: &str) -> Result<RegistryPath, ProxyError> {
        let bad =
            |why: &str| ProxyError::BadPath(format!("{path:?} is not a registry path: {why}"));
        let (registry, rest) = path
            .split_once('/')
            .ok_or_else(|| bad("no registry host"))?;
        let (name, endpoint, reference) =
            if let Some((name, reference)) = rest.rsplit_once("/manifests/") {
                (name, Endpoint::Manifest, reference)
            } else if let Some((name, reference)) = rest.rsplit_once("/blobs/") {
                (name, Endpoint::Blob, reference)
            } else {
                return Err(bad("expected /manifests/<reference> or /blobs/<digest>"));
            };
        let separator = if reference.contains(':') { '@' } else { ':' };
        if endpoint == Endpoint::Blob && separator != '@' {
            return Err(bad("a blob is named by its digest"));
        }
        let written = format!("{registry}/{name}{separator}{reference}");
        let parsed = Reference::parse(&written).map_err(|error| bad(&error.to_string()))?;
        if parsed.registry() != registry || parsed.repository() != name {
            return Err(bad(
                "the registry host and repository must be given in full",
            ));
        }
        Ok(RegistryPath {
            registry: registry.to_owned(),
            repository: name.to_owned(),
            endpoint,
            reference: reference.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn reads_registry_paths() {
        let ok = [
            (
                "docker.io/library/alpine/manifests/latest",
                "docker.io",
                "library/alpine",
                Endpoint::Manifest,
                "latest",
            ),
            (
                "ghcr.io/org/app/manifests/1.2",
                "ghcr.io",
                "org/app",
                Endpoint::Manifest,
                "1.2",
            ),
            (
                "localhost:5000/team/app/blobs/DIGEST",
                "localhost:5000",
                "team/app",
                Endpoint::Blob,
                DIGEST,
            ),
            (
                "127.0.0.1:5000/a/manifests/DIGEST",
                "127.0.0.1:5000",
                "a",
                Endpoint::Manifest,
                DIGEST,
            ),
            (
                "demo.invalid/strata/multi-arch/manifests/1.0",
                "demo.invalid",
                "strata/multi-arch",
                Endpoint::Manifest,
                "1.0",
            ),
        ];
        for (input, registry, repository, endpoint, reference) in ok {
            let input = input.replace("DIGEST", DIGEST);
            let path = RegistryPath::parse(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (
                    path.registry.as_str(),
                    path.repository.as_str(),
                    path.endpoint,
                    path.reference.as_str()
                ),
                (registry, repository, endpoint, reference),
                "{input}"
            );
        }
        let bad = [
            "docker.io/alpine/manifests/latest",
            "ghcr.io/Org/app/manifests/1",
            "ghcr.io/org/app/tags/list",
            "ghcr.io/org/app/blobs/latest",
            "ghcr.io/org/app/manifests/sha256:short",
            "ghcr.io/org/app/manifests/bad tag",
            "ghcr.io",
            "org/app/manifests/1",
            "ghcr.io/../manifests/1",
        ];
        for input in bad {
            assert!(RegistryPath::parse(input).is_err(), "{input}");
        }
    }
}
