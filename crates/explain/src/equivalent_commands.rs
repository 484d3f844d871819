//! The commands of the familiar tools that show what the page shows, so a reader can check it, or do it
//! again, in a terminal.

use strata_image::digest::Digest;
use strata_image::reference::Reference;
use strata_image::registry_host::{self, DEMO_REGISTRY};

/// One command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EquivalentCommand {
    /// The tool (`docker`, `crane`, `skopeo`, `regctl`, `curl`).
    pub tool: &'static str,
    /// What it shows, in a few words.
    pub shows: &'static str,
    /// The line to paste.
    pub line: String,
}

/// Commands for the current view: the reference, the digest a tag resolved to (when known), and the
/// platform asked for (`os/arch[/variant]`, when one was).
pub fn for_view(
    reference: &Reference,
    resolved: Option<&Digest>,
    platform: Option<&str>,
) -> Vec<EquivalentCommand> {
    let familiar = reference.familiar();
    let full = reference.full();
    let by_digest = resolved
        .or(reference.digest())
        .map(|digest| format!("{}@{digest}", reference.name()));
    let flag = |name: &str| platform.map(|p| format!(" {name} {p}")).unwrap_or_default();
    let mut commands = vec![command(
        "docker",
        "pull the image",
        format!("docker pull{} {familiar}", flag("--platform")),
    )];
    if let Some(pinned) = &by_digest {
        commands.push(command(
            "docker",
            "pull exactly these bytes",
            format!("docker pull{} {pinned}", flag("--platform")),
        ));
    }
    commands.extend([
        command(
            "docker",
            "the manifest or list, re-serialized",
            format!("docker manifest inspect --verbose {familiar}"),
        ),
        command(
            "docker",
            "the index with its platforms and attestations",
            format!("docker buildx imagetools inspect {familiar}"),
        ),
        command(
            "docker",
            "the raw bytes, as they hash",
            format!("docker buildx imagetools inspect --raw {familiar}"),
        ),
        command(
            "crane",
            "the raw manifest",
            format!("crane manifest{} {full}", flag("--platform")),
        ),
        command(
            "crane",
            "the config",
            format!("crane config{} {full}", flag("--platform")),
        ),
        command(
            "crane",
            "the digest, resolved with HEAD",
            format!("crane digest{} {full}", flag("--platform")),
        ),
        command(
            "crane",
            "the repository's tags",
            format!("crane ls {}", reference.name()),
        ),
        command(
            "skopeo",
            "a summary of the image",
            format!(
                "skopeo inspect{} docker://{full}",
                skopeo_platform(platform)
            ),
        ),
        command(
            "skopeo",
            "the raw manifest",
            format!("skopeo inspect --raw docker://{full}"),
        ),
        command(
            "regctl",
            "the manifest",
            format!("regctl manifest get{} {full}", flag("--platform")),
        ),
        command(
            "regctl",
            "the config",
            format!("regctl image config{} {full}", flag("--platform")),
        ),
    ]);
    commands.extend(curl(reference));
    commands
}

fn command(tool: &'static str, shows: &'static str, line: String) -> EquivalentCommand {
    EquivalentCommand { tool, shows, line }
}

/// skopeo takes the platform as three overrides.
fn skopeo_platform(platform: Option<&str>) -> String {
    let Some(platform) = platform else {
        return String::new();
    };
    let mut parts = platform.split('/');
    let mut flags = String::new();
    for name in ["--override-os", "--override-arch", "--override-variant"] {
        if let Some(part) = parts.next().filter(|part| !part.is_empty()) {
            flags.push_str(&format!(" {name} {part}"));
        }
    }
    flags
}

const ACCEPT: &str = "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json,\
application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.docker.distribution.manifest.v2+json";

/// The raw API: the token request (Docker Hub's realm is known; elsewhere the challenge names it) and the
/// manifest request with every type in `Accept`.
fn curl(reference: &Reference) -> Vec<EquivalentCommand> {
    if reference.registry() == DEMO_REGISTRY {
        return Vec::new();
    }
    let host = registry_host::api_host(reference.registry());
    let scheme = if host.starts_with("localhost") || host.starts_with("127.") {
        "http"
    } else {
        "https"
    };
    let repository = reference.repository();
    let manifest = format!(
        "{scheme}://{host}/v2/{repository}/manifests/{}",
        reference.pull_reference()
    );
    if reference.registry() == "docker.io" {
        return vec![
            command(
                "curl",
                "an anonymous pull token",
                format!(
                    "TOKEN=$(curl -s 'https://auth.docker.io/token?service=registry.docker.io&scope=repository:{repository}:pull' | jq -r .token)"
                ),
            ),
            command(
                "curl",
                "the manifest, as the registry sends it",
                format!(
                    "curl -sH \"Authorization: Bearer $TOKEN\" -H 'Accept: {ACCEPT}' {manifest}"
                ),
            ),
        ];
    }
    vec![
        command(
            "curl",
            "the challenge naming the token service",
            format!("curl -sI {scheme}://{host}/v2/"),
        ),
        command(
            "curl",
            "the manifest (add the token if the registry asks)",
            format!("curl -s -H 'Accept: {ACCEPT}' {manifest}"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(reference: &str, resolved: Option<&str>, platform: Option<&str>) -> Vec<String> {
        let reference = Reference::parse(reference).unwrap();
        let resolved = resolved.map(|d| Digest::parse(d).unwrap());
        for_view(&reference, resolved.as_ref(), platform)
            .into_iter()
            .map(|c| c.line)
            .collect()
    }

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn commands_name_the_same_image() {
        let alpine = lines("alpine", Some(DIGEST), Some("linux/arm/v7"));
        for expected in [
            "docker pull --platform linux/arm/v7 alpine:latest".to_owned(),
            format!("docker pull --platform linux/arm/v7 docker.io/library/alpine@{DIGEST}"),
            "crane manifest --platform linux/arm/v7 docker.io/library/alpine:latest".to_owned(),
            "skopeo inspect --override-os linux --override-arch arm --override-variant v7 docker://docker.io/library/alpine:latest".to_owned(),
            "crane ls docker.io/library/alpine".to_owned(),
        ] {
            assert!(alpine.contains(&expected), "{expected} missing from {alpine:#?}");
        }
        assert!(alpine.iter().any(|l| l.contains(
            "auth.docker.io/token?service=registry.docker.io&scope=repository:library/alpine:pull"
        )));
        assert!(alpine.iter().any(|l| {
            l.contains("https://registry-1.docker.io/v2/library/alpine/manifests/latest")
        }));

        let local = lines("localhost:5000/team/app:1.2", None, None);
        assert!(local.contains(&"docker pull localhost:5000/team/app:1.2".to_owned()));
        assert!(
            !local.iter().any(|l| l.contains('@')),
            "no pinned pull without a digest"
        );
        assert!(local.iter().any(|l| l.starts_with("curl -s -H 'Accept: ")
            && l.ends_with("http://localhost:5000/v2/team/app/manifests/1.2")));

        let pinned = lines(&format!("ghcr.io/org/app@{DIGEST}"), None, None);
        assert!(pinned.contains(&format!("docker pull ghcr.io/org/app@{DIGEST}")));
        assert!(
            pinned
                .iter()
                .any(|l| l.ends_with(&format!("https://ghcr.io/v2/org/app/manifests/{DIGEST}")))
        );

        let demo = lines("demo.invalid/strata/single:1.0", None, None);
        assert!(
            !demo.iter().any(|l| l.starts_with("curl")),
            "the demo registry exists only inside Strata"
        );
    }
}
