//! Image references (`name[:tag][@digest]`) read the way the Docker CLI reads them, so the inspector fetches exactly what `docker pull` would.
//!
//! This follows distribution/reference v0.6 (`ParseNormalizedNamed`, plus the
//! default `latest` tag of `ParseDockerRef`), with the grammar written out by
//! hand.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use crate::digest::{Digest, DigestError};

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
mod tests {
    use super::*;
    use crate::digest::Algorithm;

    const HEX64: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    struct Valid {
        input: String,
        registry: &'static str,
        repository: String,
        tag: Option<String>,
        digest: Option<String>,
        familiar: String,
        full: String,
    }

    fn ok(
        input: impl Into<String>,
        registry: &'static str,
        repository: impl Into<String>,
        tag: Option<&str>,
        digest: Option<&str>,
        familiar: impl Into<String>,
        full: impl Into<String>,
    ) -> Valid {
        Valid {
            input: input.into(),
            registry,
            repository: repository.into(),
            tag: tag.map(str::to_string),
            digest: digest.map(str::to_string),
            familiar: familiar.into(),
            full: full.into(),
        }
    }

    #[test]
    fn valid_references() {
        let sha = format!("sha256:{HEX64}");
        let sha512 = format!("sha512:{HEX64}{HEX64}");
        let md5 = "md5:0123456789abcdef0123456789abcdef";
        let tag128 = "t".repeat(128);
        let path255 = format!("{}/{}", "a".repeat(127), "b".repeat(127));
        let single247 = "a".repeat(247);
        #[rustfmt::skip]
        let cases = vec![
            ok("alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
            ok("alpine:3.19", "docker.io", "library/alpine", Some("3.19"), None, "alpine:3.19", "docker.io/library/alpine:3.19"),
            ok("library/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
            ok("docker.io/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
            ok("docker.io/library/alpine:edge", "docker.io", "library/alpine", Some("edge"), None, "alpine:edge", "docker.io/library/alpine:edge"),
            ok("index.docker.io/library/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
            ok("index.docker.io/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
            ok("registry-1.docker.io/alpine", "registry-1.docker.io", "alpine", None, None, "registry-1.docker.io/alpine:latest", "registry-1.docker.io/alpine:latest"),
            ok("ghcr.io/org/app:1.2", "ghcr.io", "org/app", Some("1.2"), None, "ghcr.io/org/app:1.2", "ghcr.io/org/app:1.2"),
            ok(format!("localhost:5000/team/app@{sha}"), "localhost:5000", "team/app", None, Some(&sha), format!("localhost:5000/team/app@{sha}"), format!("localhost:5000/team/app@{sha}")),
            ok("localhost:5000", "docker.io", "library/localhost", Some("5000"), None, "localhost:5000", "docker.io/library/localhost:5000"),
            ok("localhost", "docker.io", "library/localhost", None, None, "localhost:latest", "docker.io/library/localhost:latest"),
            ok("example.com", "docker.io", "library/example.com", None, None, "example.com:latest", "docker.io/library/example.com:latest"),
            ok("192.168.1.1", "docker.io", "library/192.168.1.1", None, None, "192.168.1.1:latest", "docker.io/library/192.168.1.1:latest"),
            ok("localhost/foo", "localhost", "foo", None, None, "localhost/foo:latest", "localhost/foo:latest"),
            ok("Foo/bar", "Foo", "bar", None, None, "Foo/bar:latest", "Foo/bar:latest"),
            ok("Example.COM/x:Y", "Example.COM", "x", Some("Y"), None, "Example.COM/x:Y", "Example.COM/x:Y"),
            ok("example:5000/x", "example:5000", "x", None, None, "example:5000/x:latest", "example:5000/x:latest"),
            ok("[::1]:5000/a/b:c", "[::1]:5000", "a/b", Some("c"), None, "[::1]:5000/a/b:c", "[::1]:5000/a/b:c"),
            ok("[::1]/a", "[::1]", "a", None, None, "[::1]/a:latest", "[::1]/a:latest"),
            ok("[2001:DB8::1]:443/x", "[2001:DB8::1]:443", "x", None, None, "[2001:DB8::1]:443/x:latest", "[2001:DB8::1]:443/x:latest"),
            ok("192.168.1.1:5000/x/y:z", "192.168.1.1:5000", "x/y", Some("z"), None, "192.168.1.1:5000/x/y:z", "192.168.1.1:5000/x/y:z"),
            ok("a__b/c", "docker.io", "a__b/c", None, None, "a__b/c:latest", "docker.io/a__b/c:latest"),
            ok("a_b-c---d/e.f__g", "docker.io", "a_b-c---d/e.f__g", None, None, "a_b-c---d/e.f__g:latest", "docker.io/a_b-c---d/e.f__g:latest"),
            ok("foo_bar/x", "docker.io", "foo_bar/x", None, None, "foo_bar/x:latest", "docker.io/foo_bar/x:latest"),
            ok("myuser/myapp", "docker.io", "myuser/myapp", None, None, "myuser/myapp:latest", "docker.io/myuser/myapp:latest"),
            ok("a/b/c/d/e", "docker.io", "a/b/c/d/e", None, None, "a/b/c/d/e:latest", "docker.io/a/b/c/d/e:latest"),
            // Docker would print these as `a.b/c` and `localhost/x`, which read back as other registries.
            ok("docker.io/a.b/c", "docker.io", "a.b/c", None, None, "docker.io/a.b/c:latest", "docker.io/a.b/c:latest"),
            ok("docker.io/localhost/x:1", "docker.io", "localhost/x", Some("1"), None, "docker.io/localhost/x:1", "docker.io/localhost/x:1"),
            ok("docker.io/library/foo/bar", "docker.io", "library/foo/bar", None, None, "library/foo/bar:latest", "docker.io/library/foo/bar:latest"),
            ok("quay.io/a/b:0", "quay.io", "a/b", Some("0"), None, "quay.io/a/b:0", "quay.io/a/b:0"),
            ok("registry.example.com:443/a-b/c_d:v1.2.3-rc.1", "registry.example.com:443", "a-b/c_d", Some("v1.2.3-rc.1"), None, "registry.example.com:443/a-b/c_d:v1.2.3-rc.1", "registry.example.com:443/a-b/c_d:v1.2.3-rc.1"),
            ok(format!("alpine:{tag128}"), "docker.io", "library/alpine", Some(&tag128), None, format!("alpine:{tag128}"), format!("docker.io/library/alpine:{tag128}")),
            ok("alpine:Latest_1.0-RC", "docker.io", "library/alpine", Some("Latest_1.0-RC"), None, "alpine:Latest_1.0-RC", "docker.io/library/alpine:Latest_1.0-RC"),
            ok("alpine:_x", "docker.io", "library/alpine", Some("_x"), None, "alpine:_x", "docker.io/library/alpine:_x"),
            ok(format!("sha256:{HEX64}"), "docker.io", "library/sha256", Some(HEX64), None, format!("sha256:{HEX64}"), format!("docker.io/library/sha256:{HEX64}")),
            ok(format!("{HEX64}:latest"), "docker.io", format!("library/{HEX64}"), Some("latest"), None, format!("{HEX64}:latest"), format!("docker.io/library/{HEX64}:latest")),
            ok(format!("a/b@{sha512}"), "docker.io", "a/b", None, Some(&sha512), format!("a/b@{sha512}"), format!("docker.io/a/b@{sha512}")),
            ok(format!("a@{md5}"), "docker.io", "library/a", None, Some(md5), format!("a@{md5}"), format!("docker.io/library/a@{md5}")),
            ok(format!("alpine:3.19@{sha}"), "docker.io", "library/alpine", Some("3.19"), Some(&sha), format!("alpine:3.19@{sha}"), format!("docker.io/library/alpine:3.19@{sha}")),
            ok(format!("ghcr.io/o/a@{sha}"), "ghcr.io", "o/a", None, Some(&sha), format!("ghcr.io/o/a@{sha}"), format!("ghcr.io/o/a@{sha}")),
            ok("  alpine:3 \n", "docker.io", "library/alpine", Some("3"), None, "alpine:3", "docker.io/library/alpine:3"),
            ok(format!("ghcr.io/{path255}"), "ghcr.io", path255.clone(), None, None, format!("ghcr.io/{path255}:latest"), format!("ghcr.io/{path255}:latest")),
            ok(single247.clone(), "docker.io", format!("library/{single247}"), None, None, format!("{single247}:latest"), format!("docker.io/library/{single247}:latest")),
        ];
        assert!(cases.len() >= 40);
        for case in cases {
            let input = case.input.as_str();
            let r = Reference::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(r.registry(), case.registry, "registry of {input:?}");
            assert_eq!(r.repository(), case.repository, "repository of {input:?}");
            assert_eq!(r.tag(), case.tag.as_deref(), "tag of {input:?}");
            assert_eq!(
                r.digest().map(|d| d.to_string()),
                case.digest,
                "digest of {input:?}"
            );
            assert_eq!(r.familiar(), case.familiar, "familiar of {input:?}");
            assert_eq!(r.full(), case.full, "full of {input:?}");
            assert_eq!(r.name(), format!("{}/{}", case.registry, case.repository));
            // Both printed forms must read back as the same image.
            for printed in [r.full(), r.familiar()] {
                let again =
                    Reference::parse(&printed).unwrap_or_else(|e| panic!("{printed:?}: {e}"));
                assert_eq!(again.full(), r.full(), "{input:?} printed as {printed:?}");
            }
        }
    }

    fn invalid_format() -> ReferenceError {
        ReferenceError::InvalidFormat(String::new())
    }

    #[test]
    fn invalid_references() {
        let upper_hex = HEX64.to_uppercase();
        #[rustfmt::skip]
        let cases: Vec<(String, ReferenceError)> = vec![
            (String::new(), ReferenceError::Empty),
            ("   ".into(), ReferenceError::Empty),
            ("\t\n".into(), ReferenceError::Empty),
            (HEX64.into(), ReferenceError::Invalid64Hex { name: HEX64.into() }),
            (format!(" {HEX64} "), ReferenceError::Invalid64Hex { name: HEX64.into() }),
            ("foo/Bar".into(), ReferenceError::NotLowercase { repository: "foo/Bar".into() }),
            ("Foo".into(), ReferenceError::NotLowercase { repository: "library/Foo".into() }),
            ("Foo:Tag".into(), ReferenceError::NotLowercase { repository: "library/Foo".into() }),
            ("ghcr.io/Org/app".into(), ReferenceError::NotLowercase { repository: "Org/app".into() }),
            (upper_hex.clone(), ReferenceError::NotLowercase { repository: format!("library/{upper_hex}") }),
            (format!("alpine@SHA256:{HEX64}"), ReferenceError::NotLowercase { repository: "library/alpine@SHA256".into() }),
            ("a___b".into(), invalid_format()),
            ("a..b".into(), invalid_format()),
            ("a_.b".into(), invalid_format()),
            ("a-.b".into(), invalid_format()),
            ("a._b".into(), invalid_format()),
            ("-a".into(), invalid_format()),
            ("a-".into(), invalid_format()),
            (".a".into(), invalid_format()),
            ("a_".into(), invalid_format()),
            ("a/".into(), invalid_format()),
            ("/a".into(), invalid_format()),
            ("a//b".into(), invalid_format()),
            ("a b".into(), invalid_format()),
            ("a+b".into(), invalid_format()),
            ("héllo".into(), invalid_format()),
            ("alpine:".into(), invalid_format()),
            ("alpine@".into(), invalid_format()),
            ("alpine:@x".into(), invalid_format()),
            ("alpine@sha256:abc".into(), invalid_format()),
            (format!("alpine@sha256:{HEX64}@x"), invalid_format()),
            (format!("alpine@sha256:{HEX64}/x"), invalid_format()),
            (format!("alpine@1sha:{HEX64}"), invalid_format()),
            (format!("alpine@sha-256:{HEX64}"), invalid_format()),
            ("foo_bar.com/x".into(), invalid_format()),
            ("a_b.c/x".into(), invalid_format()),
            ("localhost:/x".into(), invalid_format()),
            ("localhost:abc/x".into(), invalid_format()),
            ("-host.com/x".into(), invalid_format()),
            ("[::1%eth0]:5000/x".into(), invalid_format()),
            ("[::ffff:1.2.3.4]/x".into(), invalid_format()),
            ("[::1/x".into(), invalid_format()),
            ("[]/x".into(), invalid_format()),
            ("ghcr.io/:tag".into(), invalid_format()),
            ("ghcr.io/".into(), invalid_format()),
            (format!("alpine:{}", "t".repeat(129)), ReferenceError::TagTooLong),
            ("alpine:.tag".into(), ReferenceError::InvalidTag(".tag".into())),
            ("alpine:-tag".into(), ReferenceError::InvalidTag("-tag".into())),
            ("alpine:a+b".into(), ReferenceError::InvalidTag("a+b".into())),
            ("alpine:a:b".into(), ReferenceError::InvalidTag("a:b".into())),
            ("a/b:c/d".into(), ReferenceError::InvalidTag("c/d".into())),
            (format!("alpine@sha256:{upper_hex}"), ReferenceError::InvalidDigest(DigestError::InvalidFormat)),
            (format!("alpine@sha256:{}", &HEX64[1..]), ReferenceError::InvalidDigest(DigestError::InvalidLength)),
            (format!("a/b@sha512:{HEX64}"), ReferenceError::InvalidDigest(DigestError::InvalidLength)),
            (
                format!("alpine:3@SHA256:{HEX64}"),
                ReferenceError::InvalidDigest(DigestError::UnsupportedAlgorithm { algorithm: "SHA256".into() }),
            ),
            ("a".repeat(248), ReferenceError::NameTooLong { len: 256 }),
            (format!("ghcr.io/{}", "a".repeat(256)), ReferenceError::NameTooLong { len: 256 }),
        ];
        for (input, expected) in cases {
            let got = Reference::parse(&input);
            let Err(err) = got else {
                panic!("{input:?} should fail, got {got:?}");
            };
            match expected {
                ReferenceError::InvalidFormat(_) => {
                    assert!(
                        matches!(err, ReferenceError::InvalidFormat(_)),
                        "{input:?}: {err:?}"
                    );
                }
                expected => assert_eq!(err, expected, "{input:?}"),
            }
        }
    }

    #[test]
    fn error_messages() {
        let long = "a".repeat(300);
        let cases = [
            (
                "foo/Bar",
                "invalid reference format: repository name (foo/Bar) must be lowercase",
            ),
            (
                long.as_str(),
                "repository name must not be more than 255 characters",
            ),
            (
                HEX64,
                "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings",
            ),
            (
                "a@sha256:0123456789abcdef0123456789abcdef",
                "invalid checksum digest length",
            ),
        ];
        for (input, message) in cases {
            let err = Reference::parse(input).expect_err(input);
            assert_eq!(err.to_string(), message, "{input:?}");
        }
        let err = Reference::parse("a..b").expect_err("a..b");
        assert!(
            err.to_string().starts_with("invalid reference format: "),
            "{err}"
        );
    }

    #[test]
    fn tags_digests_and_pull_reference() {
        let sha = format!("sha256:{HEX64}");
        let cases: Vec<(String, Option<&str>, String)> = vec![
            ("alpine".into(), Some("latest"), "latest".into()),
            ("alpine:3.19".into(), Some("3.19"), "3.19".into()),
            (format!("alpine@{sha}"), None, sha.clone()),
            (format!("alpine:3.19@{sha}"), None, sha.clone()),
        ];
        for (input, effective, pull) in cases {
            let r = Reference::parse(&input).expect("valid");
            assert_eq!(r.effective_tag(), effective, "{input}");
            assert_eq!(r.pull_reference(), pull, "{input}");
        }
        let unverifiable =
            Reference::parse("a@md5:0123456789abcdef0123456789abcdef").expect("valid");
        let digest = unverifiable.digest().expect("digest");
        assert_eq!(digest.algorithm(), &Algorithm::Other("md5".into()));
        assert!(!digest.is_verifiable());
    }

    #[test]
    fn notes() {
        use ReferenceNote::*;
        let sha = format!("sha256:{HEX64}");
        let cases: Vec<(String, Vec<ReferenceNote>)> = vec![
            ("alpine".into(), vec![DefaultTagLatest]),
            ("alpine:3".into(), vec![]),
            (format!("alpine@{sha}"), vec![]),
            (format!("alpine:3@{sha}"), vec![TagIgnoredWithDigest]),
            ("localhost:5000".into(), vec![HostLikeNameOnDockerHub]),
            (
                "localhost".into(),
                vec![HostLikeNameOnDockerHub, DefaultTagLatest],
            ),
            (
                "example.com".into(),
                vec![HostLikeNameOnDockerHub, DefaultTagLatest],
            ),
            ("localhost/foo".into(), vec![DefaultTagLatest]),
            ("Foo/bar:1".into(), vec![UppercaseRegistry]),
            ("Foo.example/bar:1".into(), vec![]),
            ("docker.io/library/localhost:1".into(), vec![]),
            (sha.clone(), vec![DigestLikeName]),
            (format!("sha512:{HEX64}{HEX64}"), vec![DigestLikeName]),
            ("sha256:3.19".into(), vec![]),
            (
                "myapp:0123456789abcdef0123456789abcdef01234567".into(),
                vec![],
            ),
        ];
        for (input, expected) in cases {
            let r = Reference::parse(&input).expect("valid");
            assert_eq!(r.notes(), expected, "{input}");
        }
        for note in [
            TagIgnoredWithDigest,
            DefaultTagLatest,
            HostLikeNameOnDockerHub,
            DigestLikeName,
            UppercaseRegistry,
        ] {
            assert!(note.explain().ends_with('.'));
        }
    }

    #[test]
    fn equality_ignores_spelling() {
        let a = Reference::parse("alpine").expect("valid");
        let b = Reference::parse("index.docker.io/library/alpine").expect("valid");
        assert_eq!(a, b);
        assert_ne!(a, Reference::parse("alpine:latest").expect("valid"));
        assert_eq!(
            "ghcr.io/o/a:1".parse::<Reference>().map(|r| r.to_string()),
            Ok("ghcr.io/o/a:1".to_string())
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "@",
            ":",
            "/",
            "[",
            "]",
            "[:]",
            "[:]/a",
            "::",
            "@@",
            ":@",
            "a:@",
            "a@:",
            "a@sha256:",
            "\u{212A}/x",
            "é/x",
            "x/\u{0}",
            "[\u{1F600}]/x",
            "localhost:\u{1F600}/x",
            "a:\u{1F600}",
        ];
        for input in inputs {
            let _ = Reference::parse(input);
        }
        assert!(Reference::parse("[:]/a").is_ok());
    }
}
