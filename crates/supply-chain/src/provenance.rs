//! What a SLSA provenance predicate (v0.2 or v1, as BuildKit and CI builders write them) says of a build:
//! who built it, from which source and commit, of which type, with which arguments and for which
//! platform, from which inputs (an image input linkable by its digest), and the Dockerfile when BuildKit
//! recorded it (`mode=max`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::base64;

/// SLSA provenance v0.2's predicate type.
pub const SLSA_V02: &str = "https://slsa.dev/provenance/v0.2";
/// SLSA provenance v1's predicate type.
pub const SLSA_V1: &str = "https://slsa.dev/provenance/v1";
/// Where BuildKit keeps its own details in a provenance's metadata.
const BUILDKIT_METADATA: &str = "https://mobyproject.org/buildkit@v1#metadata";

/// Which SLSA provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlsaVersion {
    /// v0.2.
    V02,
    /// v1.
    V1,
}

/// A build's provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Which SLSA version the predicate is.
    pub version: SlsaVersion,
    /// The builder's id (a URL for CI builders; BuildKit leaves it empty).
    pub builder_id: Option<String>,
    /// The build's type (`https://mobyproject.org/buildkit@v1`).
    pub build_type: Option<String>,
    /// The source repository and commit built.
    pub source: Option<Source>,
    /// Build arguments, by name.
    pub arguments: BTreeMap<String, String>,
    /// The platform the build ran for, when stated.
    pub platform: Option<String>,
    /// What the build read: base images, sources.
    pub materials: Vec<Material>,
    /// The Dockerfile, when the builder recorded it.
    pub dockerfile: Option<String>,
}

/// The source a build came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The repository, as the predicate names it.
    pub repository: String,
    /// The full commit id.
    pub commit: String,
}

impl Source {
    /// `<repository>@<commit>`, as `data-provenance-source` carries it.
    pub fn pinned(&self) -> String {
        format!("{}@{}", self.repository, self.commit)
    }
}

/// One input of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    /// Its URI (`pkg:docker/alpine@3.20?platform=linux%2Famd64`, a git URL).
    pub uri: String,
    /// Its digest, `algorithm:hex`, SHA-256 first when several are given.
    pub digest: Option<String>,
}

impl Material {
    /// The image reference pinned by digest (`alpine@sha256:…`, `ghcr.io/org/app@sha256:…`) when the
    /// input is a Docker image (`pkg:docker/…`) with a SHA-256 digest.
    pub fn image_reference(&self) -> Option<String> {
        let digest = self
            .digest
            .as_deref()
            .filter(|d| d.starts_with("sha256:"))?;
        let rest = self.uri.strip_prefix("pkg:docker/")?;
        let (path, qualifiers) = rest.split_once('?').unwrap_or((rest, ""));
        let name = path
            .split(['@', '#'])
            .next()
            .filter(|name| !name.is_empty())?;
        let name = name.replace("%2F", "/").replace("%2f", "/");
        let registry = qualifiers.split('&').find_map(|pair| {
            pair.strip_prefix("repository_url=")
                .map(|url| url.replace("%2F", "/").replace("%3A", ":"))
        });
        Some(match registry {
            Some(registry) if !registry.is_empty() => {
                let registry = registry.trim_end_matches('/');
                match registry.rsplit_once('/') {
                    // `repository_url` may hold the repository too (`ghcr.io/org/app`).
                    Some((_, last)) if last == name.rsplit('/').next().unwrap_or("") => {
                        format!("{registry}@{digest}")
                    }
                    _ => format!("{registry}/{name}@{digest}"),
                }
            }
            _ => format!("{name}@{digest}"),
        })
    }
}

/// Why a predicate is not provenance Strata reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvenanceError {
    /// A predicate type that names no SLSA provenance.
    #[error("{0} is not a SLSA provenance predicate (v0.2 or v1)")]
    NotProvenance(String),
    /// Not a JSON object.
    #[error("the provenance is not a JSON object")]
    NotAnObject,
}

/// The provenance a statement's predicate is, by its predicate type.
pub fn read(predicate_type: &str, predicate: &Value) -> Result<Provenance, ProvenanceError> {
    if !predicate.is_object() {
        return Err(ProvenanceError::NotAnObject);
    }
    match predicate_type {
        SLSA_V02 => Ok(v02(predicate)),
        SLSA_V1 => Ok(v1(predicate)),
        other => Err(ProvenanceError::NotProvenance(other.to_owned())),
    }
}

fn text(value: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))?
        .as_str()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// A digest set (`{"sha256": "…"}`) as `algorithm:hex`, SHA-256 first.
fn digest(set: Option<&Value>) -> Option<String> {
    let set = set?.as_object()?;
    let (algorithm, hex) = set.get_key_value("sha256").or_else(|| set.iter().next())?;
    Some(format!("{algorithm}:{}", hex.as_str()?))
}

fn materials(list: Option<&Value>) -> Vec<Material> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|material| {
            Some(Material {
                uri: text(material, &["uri"])?,
                digest: digest(material.get("digest")),
            })
        })
        .collect()
}

/// String-valued entries of an object, by name.
fn arguments(object: Option<&Value>) -> BTreeMap<String, String> {
    object
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
        .collect()
}

/// A git source as `configSource` names it: a URI and a `sha1` (or `gitCommit`) digest.
fn config_source(config_source: Option<&Value>) -> Option<Source> {
    let config_source = config_source?;
    let digests = config_source.get("digest")?;
    Some(Source {
        repository: text(config_source, &["uri"])?,
        commit: text(digests, &["sha1"]).or_else(|| text(digests, &["gitCommit"]))?,
    })
}

/// BuildKit's own record of the source (`vcs`) in a provenance's metadata.
fn buildkit_vcs(metadata: Option<&Value>) -> Option<Source> {
    let vcs = metadata?.get(BUILDKIT_METADATA)?.get("vcs")?;
    Some(Source {
        repository: text(vcs, &["source"])?,
        commit: text(vcs, &["revision"])?,
    })
}

/// The Dockerfile BuildKit keeps in `mode=max` (`source.infos`, base64).
fn buildkit_dockerfile(metadata: Option<&Value>) -> Option<String> {
    metadata?
        .get(BUILDKIT_METADATA)?
        .get("source")?
        .get("infos")?
        .as_array()?
        .iter()
        .find(|info| {
            text(info, &["language"]).as_deref() == Some("Dockerfile")
                || text(info, &["filename"]).is_some_and(|name| name.ends_with("Dockerfile"))
        })
        .and_then(|info| base64::decode(info.get("data")?.as_str()?).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

fn v02(predicate: &Value) -> Provenance {
    let metadata = predicate.get("metadata");
    let parameters = predicate
        .get("invocation")
        .and_then(|i| i.get("parameters"));
    Provenance {
        version: SlsaVersion::V02,
        builder_id: text(predicate, &["builder", "id"]),
        build_type: text(predicate, &["buildType"]),
        source: config_source(
            predicate
                .get("invocation")
                .and_then(|i| i.get("configSource")),
        )
        .or_else(|| buildkit_vcs(metadata)),
        arguments: arguments(parameters.and_then(|p| p.get("args"))),
        platform: text(predicate, &["invocation", "environment", "platform"]),
        materials: materials(predicate.get("materials")),
        dockerfile: buildkit_dockerfile(metadata),
    }
}

fn v1(predicate: &Value) -> Provenance {
    let definition = predicate.get("buildDefinition");
    let external = definition.and_then(|d| d.get("externalParameters"));
    let metadata = predicate.get("runDetails").and_then(|r| r.get("metadata"));
    let mut arguments = arguments(
        external
            .and_then(|e| e.get("request"))
            .and_then(|r| r.get("args")),
    );
    if arguments.is_empty() {
        arguments = self::arguments(external);
    }
    Provenance {
        version: SlsaVersion::V1,
        builder_id: text(predicate, &["runDetails", "builder", "id"]),
        build_type: definition.and_then(|d| text(d, &["buildType"])),
        source: config_source(external.and_then(|e| e.get("configSource")))
            .or_else(|| buildkit_vcs(metadata)),
        platform: definition
            .and_then(|d| text(d, &["internalParameters", "builderPlatform"]))
            .or_else(|| arguments.get("platform").cloned()),
        arguments,
        materials: materials(definition.and_then(|d| d.get("resolvedDependencies"))),
        dockerfile: buildkit_dockerfile(metadata),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const REVISION: &str = "4f1d0c5e8b2a9d7c6e3f1a0b9c8d7e6f5a4b3c2d";
    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn reads_buildkit_v02_provenance() {
        let dockerfile = crate::base64::encode(b"FROM alpine\nRUN apk add curl\n", false);
        let predicate = json!({
            "builder": {"id": ""},
            "buildType": "https://mobyproject.org/buildkit@v1",
            "materials": [{"uri": "pkg:docker/alpine@3.20?platform=linux%2Famd64", "digest": {"sha256": HEX}},
                          {"uri": "https://github.com/org/app.git", "digest": {"sha1": REVISION}}],
            "invocation": {"configSource": {"entryPoint": "Dockerfile"},
                           "parameters": {"args": {"build-arg:GREETING": "hello", "nested": {"x": 1}}},
                           "environment": {"platform": "linux/amd64"}},
            "metadata": {BUILDKIT_METADATA: {
                "vcs": {"source": "https://github.com/org/app", "revision": REVISION},
                "source": {"infos": [{"filename": "Dockerfile", "language": "Dockerfile", "data": dockerfile}]}}},
        });
        let provenance = read(SLSA_V02, &predicate).expect("provenance");
        assert_eq!(provenance.version, SlsaVersion::V02);
        assert_eq!(provenance.builder_id, None);
        assert_eq!(
            provenance.build_type.as_deref(),
            Some("https://mobyproject.org/buildkit@v1")
        );
        assert_eq!(
            provenance.source.as_ref().map(Source::pinned),
            Some(format!("https://github.com/org/app@{REVISION}"))
        );
        assert_eq!(
            provenance.arguments,
            BTreeMap::from([("build-arg:GREETING".to_owned(), "hello".to_owned())])
        );
        assert_eq!(provenance.platform.as_deref(), Some("linux/amd64"));
        assert_eq!(provenance.materials.len(), 2);
        assert_eq!(
            provenance.materials[0].image_reference(),
            Some(format!("alpine@sha256:{HEX}"))
        );
        assert_eq!(provenance.materials[1].image_reference(), None);
        assert_eq!(
            provenance.materials[1].digest,
            Some(format!("sha1:{REVISION}"))
        );
        assert_eq!(
            provenance.dockerfile.as_deref(),
            Some("FROM alpine\nRUN apk add curl\n")
        );
    }

    #[test]
    fn reads_v1_provenance_from_buildkit_and_ci_builders() {
        let predicate = json!({
            "buildDefinition": {
                "buildType": "https://mobyproject.org/buildkit@v1",
                "externalParameters": {
                    "configSource": {"uri": "https://github.com/org/app.git#refs/tags/v1.0",
                                     "digest": {"sha1": REVISION}, "path": "Dockerfile"},
                    "request": {"frontend": "dockerfile.v0", "args": {"build-arg:GREETING": "hello"}}},
                "internalParameters": {"builderPlatform": "linux/arm64"},
                "resolvedDependencies": [{"uri": "pkg:docker/library/alpine@3.20?repository_url=docker.io",
                                          "digest": {"sha512": "ff", "sha256": HEX}}],
            },
            "runDetails": {"builder": {"id": "https://github.com/org/app/actions/runs/1"}},
        });
        let provenance = read(SLSA_V1, &predicate).expect("provenance");
        assert_eq!(provenance.version, SlsaVersion::V1);
        assert_eq!(
            provenance.builder_id.as_deref(),
            Some("https://github.com/org/app/actions/runs/1")
        );
        assert_eq!(
            provenance.source.as_ref().map(Source::pinned),
            Some(format!(
                "https://github.com/org/app.git#refs/tags/v1.0@{REVISION}"
            ))
        );
        assert_eq!(provenance.platform.as_deref(), Some("linux/arm64"));
        assert_eq!(
            provenance
                .arguments
                .get("build-arg:GREETING")
                .map(String::as_str),
            Some("hello")
        );
        assert_eq!(
            provenance.materials[0].image_reference(),
            Some(format!("docker.io/library/alpine@sha256:{HEX}"))
        );
        let github = json!({
            "buildDefinition": {"buildType": "https://actions.github.io/buildtypes/workflow/v1",
                                "externalParameters": {"workflow": {"ref": "refs/heads/main", "repository": "https://github.com/org/app"}}},
            "runDetails": {"builder": {"id": "https://github.com/actions/runner"}},
        });
        let provenance = read(SLSA_V1, &github).expect("provenance");
        assert_eq!(
            provenance.source, None,
            "no commit named, no source claimed"
        );
        assert!(provenance.materials.is_empty());
    }

    #[test]
    fn other_predicates_are_not_provenance() {
        assert!(matches!(
            read("https://spdx.dev/Document", &json!({})),
            Err(ProvenanceError::NotProvenance(_))
        ));
        assert_eq!(
            read(SLSA_V1, &json!([1])),
            Err(ProvenanceError::NotAnObject)
        );
    }
}
