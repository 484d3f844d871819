//! Image references (`name[:tag][@digest]`) read the way the Docker CLI reads them, so the inspector fetches exactly what `docker pull` would.
//!
//! This follows distribution/reference v0.6 (`ParseNormalizedNamed`, plus the
//! default `latest` tag of `ParseDockerRef`), with the grammar written out by
//! hand.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use crate::digest::{Algorithm, Digest, DigestError};

const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
const OFFICIAL_REPO_PREFIX: &str = "library/";
/// The tag docker takes when a reference names neither tag nor digest.
pub const DEFAULT_TAG: &str = "latest";
const NAME_MAX_LEN: usize = 255;
const TAG_MAX_LEN: usize = 128;

/// Why text is not an image reference; the messages are the Docker CLI's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Nothing but whitespace.
    #[error("invalid reference format: the reference is empty")]
    Empty,
    /// A name of 64 hex digits, which Docker keeps for image ids.
    #[error("invalid repository name ({name}), cannot specify 64-byte hexadecimal strings")]
    Invalid64Hex {
        /// The name as given.
        name: String,
    },
    /// A repository with an uppercase letter.
    #[error("invalid reference format: repository name ({repository}) must be lowercase")]
    NotLowercase {
        /// The repository as given.
        repository: String,
    },
    /// The text says what part of the grammar was broken.
    #[error("invalid reference format: {0}")]
    InvalidFormat(String),
    /// A name (registry and repository) over 255 characters.
    #[error("repository name must not be more than 255 characters")]
    NameTooLong {
        /// Its length.
        len: usize,
    },
    /// A tag over 128 characters.
    #[error("invalid reference format: a tag must not be more than 128 characters")]
    TagTooLong,
    /// A tag with a character the grammar does not allow.
    #[error(
        "invalid reference format: tag ({0}) must start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-'"
    )]
    InvalidTag(String),
    /// The part after `@` is not a digest.
    #[error(transparent)]
    InvalidDigest(DigestError),
}

/// A reading of the input that a user may not expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceNote {
    /// Both a tag and a digest: the pull uses the digest.
    TagIgnoredWithDigest,
    /// Neither tag nor digest: the pull uses `latest`.
    DefaultTagLatest,
    /// `localhost:5000` alone is a Docker Hub image with a tag, not a registry.
    HostLikeNameOnDockerHub,
    /// `sha256:<hex>` alone is an image named `sha256` with the hex as its tag.
    DigestLikeName,
    /// The first component became the registry only because it has an uppercase letter.
    UppercaseRegistry,
}

impl ReferenceNote {
    /// The note in a sentence for the reader.
    pub fn explain(&self) -> &'static str {
        match self {
            ReferenceNote::TagIgnoredWithDigest => {
                "A pull by digest ignores the tag: Docker fetches the digest only."
            }
            ReferenceNote::DefaultTagLatest => {
                "No tag or digest was given, so Docker uses the tag \"latest\"."
            }
            ReferenceNote::HostLikeNameOnDockerHub => {
                "A name without '/' is always a Docker Hub image, so this host name is read as an image name (and a port as its tag); add '/<repository>' to address a registry."
            }
            ReferenceNote::DigestLikeName => {
                "A digest on its own is read as an image named after the algorithm with the hex as its tag; write name@sha256:<hex> to pull by digest."
            }
            ReferenceNote::UppercaseRegistry => {
                "The first part has an uppercase letter, which repository names cannot have, so Docker reads it as a registry host."
            }
        }
    }
}

/// A parsed, normalized reference. Equality and hashing look at registry,
/// repository, tag and digest only, not at how the input was spelled.
#[derive(Debug, Clone)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
    notes: Vec<ReferenceNote>,
}

impl PartialEq for Reference {
    fn eq(&self, other: &Reference) -> bool {
        self.registry == other.registry
            && self.repository == other.repository
            && self.tag == other.tag
            && self.digest == other.digest
    }
}

impl Eq for Reference {}

impl Hash for Reference {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.registry.hash(state);
        self.repository.hash(state);
        self.tag.hash(state);
        self.digest.hash(state);
    }
}

impl Reference {
    /// Reads a reference as `docker pull` does: surrounding whitespace ignored, Docker Hub and `latest`
    /// filled in, and what a reader may not expect kept as [`ReferenceNote`]s.
    ///
    /// ```
    /// # use strata_image::reference::{Reference, ReferenceNote};
    /// let reference = Reference::parse("alpine")?;
    /// assert_eq!(reference.full(), "docker.io/library/alpine:latest");
    /// assert_eq!(reference.notes(), [ReferenceNote::DefaultTagLatest]);
    /// assert!(Reference::parse("Alpine").is_err());
    /// # Ok::<(), strata_image::reference::ReferenceError>(())
    /// ```
    pub fn parse(input: &str) -> Result<Reference, ReferenceError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ReferenceError::Invalid64Hex {
                name: s.to_string(),
            });
        }

        let split = split_docker_domain(s);

        // Docker cuts at the first ':' wherever it is, so for "foo@SHA256:..."
        // the checked text is "library/foo@SHA256".
        let checked = split
            .remainder
            .split_once(':')
            .map_or(split.remainder.as_str(), |(before, _)| before);
        if checked.to_lowercase() != checked {
            return Err(ReferenceError::NotLowercase {
                repository: checked.to_string(),
            });
        }

        if !is_domain_and_port(&split.domain) {
            // Docker's regex would fall back to reading such a host (e.g.
            // "my_host.com") as a path with an empty domain, which names
            // nothing fetchable; refuse it instead.
            return Err(ReferenceError::InvalidFormat(format!(
                "registry host ({}) is not a valid host name or host:port",
                split.domain
            )));
        }

        let (before_digest, digest) = match split.remainder.split_once('@') {
            Some((before, digest)) => (before, Some(digest)),
            None => (split.remainder.as_str(), None),
        };
        let (path, tag) = match before_digest.split_once(':') {
            Some((path, tag)) => (path, Some(tag)),
            None => (before_digest, None),
        };
        check_path(path)?;
        if let Some(tag) = tag {
            check_tag(tag)?;
        }
        if let Some(digest) = digest {
            check_reference_digest(digest)?;
        }
        if path.len() > NAME_MAX_LEN {
            return Err(ReferenceError::NameTooLong { len: path.len() });
        }
        let digest = digest
            .map(Digest::parse)
            .transpose()
            .map_err(ReferenceError::InvalidDigest)?;
        // Docker pulls by SHA-256, SHA-384 or SHA-512 only; any other name is refused as it refuses it.
        if let Some(Algorithm::Other(algorithm)) = digest.as_ref().map(Digest::algorithm) {
            return Err(ReferenceError::InvalidDigest(
                DigestError::UnsupportedAlgorithm {
                    algorithm: algorithm.clone(),
                },
            ));
        }

        let mut notes = Vec::new();
        if !split.single_element
            && split.domain.chars().any(|c| c.is_ascii_uppercase())
            && !split.domain.contains(['.', ':'])
        {
            notes.push(ReferenceNote::UppercaseRegistry);
        }
        if split.single_element {
            let name = path.strip_prefix(OFFICIAL_REPO_PREFIX).unwrap_or(path);
            if name == "localhost" || name.contains('.') {
                notes.push(ReferenceNote::HostLikeNameOnDockerHub);
            }
            if DIGEST_ALGORITHM_NAMES.contains(&name)
                && tag.is_some_and(|t| t.len() >= 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                notes.push(ReferenceNote::DigestLikeName);
            }
        }
        match (tag, &digest) {
            (Some(_), Some(_)) => notes.push(ReferenceNote::TagIgnoredWithDigest),
            (None, None) => notes.push(ReferenceNote::DefaultTagLatest),
            _ => {}
        }

        Ok(Reference {
            registry: split.domain,
            repository: path.to_string(),
            tag: tag.map(str::to_string),
            digest,
            notes,
        })
    }

    /// The registry's host, with its port if any, as Docker normalizes it (`docker.io` for Docker Hub).
    ///
    /// ```
    /// # use strata_image::reference::Reference;
    /// assert_eq!(Reference::parse("alpine")?.registry(), "docker.io");
    /// assert_eq!(Reference::parse("localhost:5000/app")?.registry(), "localhost:5000");
    /// # Ok::<(), strata_image::reference::ReferenceError>(())
    /// ```
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The repository path within the registry (`library/alpine` for Docker Hub's official images).
    ///
    /// ```
    /// # use strata_image::reference::Reference;
    /// assert_eq!(Reference::parse("alpine")?.repository(), "library/alpine");
    /// assert_eq!(Reference::parse("ghcr.io/org/app:1")?.repository(), "org/app");
    /// # Ok::<(), strata_image::reference::ReferenceError>(())
    /// ```
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag as written, if any (see [`Reference::effective_tag`] for the one a pull uses).
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest as written, if any.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// The tag a pull resolves: none when a digest is given (the digest wins), `latest` when nothing is.
    ///
    /// ```
    /// # use strata_image::reference::Reference;
    /// assert_eq!(Reference::parse("alpine")?.effective_tag(), Some("latest"));
    /// assert_eq!(Reference::parse("alpine:3.20")?.effective_tag(), Some("3.20"));
    /// let pinned = format!("alpine:3.20@sha256:{}", "a".repeat(64));
    /// assert_eq!(Reference::parse(&pinned)?.effective_tag(), None);
    /// # Ok::<(), strata_image::reference::ReferenceError>(())
    /// ```
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (_, Some(_)) => None,
            (Some(tag), None) => Some(tag),
            (None, None) => Some(DEFAULT_TAG),
        }
    }

    /// What goes after `/manifests/` in the registry API: the digest when there is one, else the effective tag.
    ///
    /// ```
    /// # use strata_image::reference::Reference;
    /// assert_eq!(Reference::parse("alpine")?.pull_reference(), "latest");
    /// let digest = format!("sha256:{}", "a".repeat(64));
    /// assert_eq!(Reference::parse(&format!("alpine:3.20@{digest}"))?.pull_reference(), digest);
    /// # Ok::<(), strata_image::reference::ReferenceError>(())
    /// ```
    pub fn pull_reference(&self) -> String {
        match &self.digest {
            Some(digest) => digest.to_string(),
            None => self.effective_tag().unwrap_or(DEFAULT_TAG).to_string(),
        }
    }

    /// Every part spelled out: registry, repository, then the tag (`latest` when none) and the digest.
    ///
    /// ```
    /// # use strata_image::reference::Reference;
    /// assert_eq!(Reference::parse("alpine")?.full(), "docker.io/library/alpine:latest");
    /// # Ok::<(), strata_image::reference::ReferenceError>(())
    /// ```
    pub fn full(&self) -> String {
        format!("{}{}", self.name(), self.suffix())
    }

    /// The shortest form that reads back as the same image, as `docker images` prints it.
    ///
    /// ```
    /// # use strata_image::reference::Reference;
    /// assert_eq!(Reference::parse("docker.io/library/alpine")?.familiar(), "alpine:latest");
    /// assert_eq!(Reference::parse("index.docker.io/org/app:1")?.familiar(), "org/app:1");
    /// # Ok::<(), strata_image::reference::ReferenceError>(())
    /// ```
    pub fn familiar(&self) -> String {
        format!("{}{}", self.familiar_name(), self.suffix())
    }

    /// `registry/repository`, without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// Readings of the input a user may not expect, to be explained next to it.
    pub fn notes(&self) -> Vec<ReferenceNote> {
        self.notes.clone()
    }

    /// The shortest name that reads back as the same image. Docker drops `docker.io/` whatever follows,
    /// so its familiar form of `docker.io/a.b/c` names the registry `a.b`; Strata keeps the domain whenever
    /// the first path component would be read as a host.
    fn familiar_name(&self) -> String {
        if self.registry != DEFAULT_DOMAIN {
            return self.name();
        }
        let first = self.repository.split('/').next().unwrap_or_default();
        let reads_as_host = self.repository.contains('/')
            && (first == "localhost"
                || first.contains(['.', ':'])
                || first.chars().any(|c| c.is_ascii_uppercase()));
        if reads_as_host {
            return self.name();
        }
        match self.repository.strip_prefix(OFFICIAL_REPO_PREFIX) {
            Some(rest) if !rest.contains('/') => rest.to_string(),
            _ => self.repository.clone(),
        }
    }

    fn suffix(&self) -> String {
        let mut out = String::new();
        match (&self.tag, &self.digest) {
            (Some(tag), _) => {
                out.push(':');
                out.push_str(tag);
            }
            (None, None) => {
                out.push(':');
                out.push_str(DEFAULT_TAG);
            }
            (None, Some(_)) => {}
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(&digest.to_string());
        }
        out
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full())
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Reference, ReferenceError> {
        Reference::parse(s)
    }
}

/// Names that make "<name>:<hex>" look like a digest typed without an image.
const DIGEST_ALGORITHM_NAMES: [&str; 4] = ["sha256", "sha384", "sha512", "blake3"];

struct DomainSplit {
    domain: String,
    remainder: String,
    single_element: bool,
}

/// Docker's `splitDockerDomain`: decides whether the first element names a
/// registry, since the grammar alone cannot tell "host/repo" from "user/repo".
fn split_docker_domain(s: &str) -> DomainSplit {
    let Some((first, rest)) = s.split_once('/') else {
        // Without a '/' even "localhost:5000" is a Docker Hub image and tag.
        return DomainSplit {
            domain: DEFAULT_DOMAIN.to_string(),
            remainder: format!("{OFFICIAL_REPO_PREFIX}{s}"),
            single_element: true,
        };
    };
    let (domain, remainder) = if first == LEGACY_DEFAULT_DOMAIN {
        (DEFAULT_DOMAIN, rest)
    } else if first == "localhost"
        || first.contains(['.', ':'])
        // Namespaces cannot be uppercase, so such an element must be a host.
        || first.to_lowercase() != first
    {
        (first, rest)
    } else {
        (DEFAULT_DOMAIN, s)
    };
    let remainder = if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        format!("{OFFICIAL_REPO_PREFIX}{remainder}")
    } else {
        remainder.to_string()
    };
    DomainSplit {
        domain: domain.to_string(),
        remainder,
        single_element: false,
    }
}

/// `host[:port]`, where host is a domain name (uppercase allowed, no '_') or
/// a bracketed IPv6 literal of hex digits and colons only.
fn is_domain_and_port(s: &str) -> bool {
    if let Some(bracketed) = s.strip_prefix('[') {
        let Some((address, after)) = bracketed.split_once(']') else {
            return false;
        };
        let address_ok =
            !address.is_empty() && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return address_ok && port_ok;
    }
    let (host, port) = match s.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (s, None),
    };
    port.is_none_or(is_port) && host.split('.').all(is_domain_component)
}

fn is_port(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_domain_component(s: &str) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

fn check_path(path: &str) -> Result<(), ReferenceError> {
    for component in path.split('/') {
        if component.is_empty() {
            return Err(ReferenceError::InvalidFormat(format!(
                "repository name ({path}) has an empty path component"
            )));
        }
        if !component
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
        {
            return Err(ReferenceError::InvalidFormat(format!(
                "repository name ({path}) may contain only lowercase letters, digits, '.', '_', '-' and '/'"
            )));
        }
        if !is_path_component(component) {
            return Err(ReferenceError::InvalidFormat(format!(
                "path component ({component}) must start and end with a letter or digit, with one '.', one or two '_', or dashes between them"
            )));
        }
    }
    Ok(())
}

/// `[a-z0-9]+` runs joined by `.`, `_`, `__` or `-+`.
fn is_path_component(s: &str) -> bool {
    let mut previous: Option<u8> = None;
    let mut separator_len = 0usize;
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' => separator_len = 0,
            b'.' | b'_' | b'-' => {
                let continues = match previous {
                    None => return false,
                    Some(p) if p.is_ascii_alphanumeric() => false,
                    Some(p) if p == b && b != b'.' => true,
                    Some(_) => return false,
                };
                separator_len = if continues {
                    separator_len.saturating_add(1)
                } else {
                    1
                };
                if b == b'_' && separator_len > 2 {
                    return false;
                }
            }
            _ => return false,
        }
        previous = Some(b);
    }
    separator_len == 0 && previous.is_some()
}

fn check_tag(tag: &str) -> Result<(), ReferenceError> {
    if tag.is_empty() {
        return Err(ReferenceError::InvalidFormat(
            "a tag must follow ':'".to_string(),
        ));
    }
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut bytes = tag.bytes();
    let first_ok = bytes.next().is_some_and(is_word);
    if !first_ok || !bytes.all(|b| is_word(b) || b == b'.' || b == b'-') {
        return Err(ReferenceError::InvalidTag(tag.to_string()));
    }
    if tag.len() > TAG_MAX_LEN {
        return Err(ReferenceError::TagTooLong);
    }
    Ok(())
}

/// The reference-level digest pattern; `Digest::parse` then checks the
/// algorithm-specific rules.
fn check_reference_digest(digest: &str) -> Result<(), ReferenceError> {
    if digest.is_empty() {
        return Err(ReferenceError::InvalidFormat(
            "a digest must follow '@'".to_string(),
        ));
    }
    let well_formed = digest.split_once(':').is_some_and(|(algorithm, hex)| {
        hex.len() >= 32
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
            && algorithm.split(['-', '_', '+', '.']).all(|part| {
                let mut bytes = part.bytes();
                bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
                    && bytes.all(|b| b.is_ascii_alphanumeric())
            })
    });
    if well_formed {
        Ok(())
    } else {
        Err(ReferenceError::InvalidFormat(format!(
            "digest ({digest}) must be an algorithm, ':' and at least 32 hex digits, e.g. sha256:<64 hex digits>"
        )))
    }
}

#[cfg(test)]
mod tests;
