//! Where a registry named in a reference is actually reached.

/// The host that serves the registry API for a reference's registry name.
///
/// Docker Hub is named `docker.io` in references but answers on `registry-1.docker.io`.
pub fn api_host(registry: &str) -> &str {
    match registry {
        "docker.io" | "index.docker.io" => "registry-1.docker.io",
        other => other,
    }
}

/// The registry a page address names alone (`/inspect/<registry>`: its catalog), or `None` when the text is
/// an image reference. Docker reads a single name without `/` as a Docker Hub image, even `localhost:5000`;
/// a page address instead takes a name that can only be a host as the registry itself: one with a dot
/// (`ghcr.io`, `127.0.0.1:5000`), `localhost` with a port, a bracketed IPv6 address, or any name followed
/// by a single `/`. `node:20` and `ubuntu` stay images.
pub fn catalog_registry(text: &str) -> Option<&str> {
    let (name, slash) = match text.strip_suffix('/') {
        Some(name) => (name, true),
        None => (text, false),
    };
    if name.is_empty() || name.contains(['/', '@']) || name.chars().any(char::is_whitespace) {
        return None;
    }
    let (host, port) = match name.strip_prefix('[') {
        Some(_) => match name.rsplit_once("]:") {
            Some((host, port)) => (host, Some(port)),
            None => (name, None),
        },
        None => match name.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (name, None),
        },
    };
    let port_valid = port.is_none_or(|port| {
        !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
    });
    if !port_valid || host.is_empty() {
        return None;
    }
    let host_like =
        host.contains('.') || host.starts_with('[') || (host == "localhost" && port.is_some());
    (host_like || slash).then_some(name)
}

/// The host name Strata's embedded demo registry answers to. `.invalid` is reserved (RFC 2606), so no
/// real registry can ever have this name.
pub const DEMO_REGISTRY: &str = "demo.invalid";

/// The registry name the page gives an archive opened from the reader's own disk (`/open`): its images
/// are read from the file in the browser tab, never from the network. `.invalid` can never be a real
/// registry's name.
pub const LOCAL_ARCHIVE_REGISTRY: &str = "local.invalid";

/// The annotation, in the demo layout's `index.json`, that dates a demo link pinned to an old digest.
pub const DEMO_PINNED_ANNOTATION: &str = "strata.demo.pinned";

/// The annotation, in the demo layout's `index.json`, that gives the cosign-signed demo image the demo's
/// public key (base64url of its DER `SubjectPublicKeyInfo`, as `?key=` carries it).
pub const DEMO_COSIGN_KEY_ANNOTATION: &str = "strata.demo.cosign-key";

/// The demo image cosign signed with the demo key (`repository:tag` in the demo registry).
pub const DEMO_SIGNED: &str = "strata/multi-arch:1.0";

/// The demo image whose cosign signature was made for another image: a valid signature by the demo key,
/// over [`DEMO_SIGNED`]'s digest. It also has a CycloneDX SBOM attached with cosign.
pub const DEMO_COPIED_SIGNATURE: &str = "strata/signed-elsewhere:1.0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_maps_to_its_api_host() {
        for (name, host) in [
            ("docker.io", "registry-1.docker.io"),
            ("index.docker.io", "registry-1.docker.io"),
            ("ghcr.io", "ghcr.io"),
            ("localhost:5000", "localhost:5000"),
        ] {
            assert_eq!(api_host(name), host);
        }
    }

    #[test]
    fn a_page_address_names_a_registry_alone_only_when_it_can_only_be_a_host() {
        for (text, registry) in [
            ("127.0.0.1:5000", Some("127.0.0.1:5000")),
            ("ghcr.io", Some("ghcr.io")),
            ("docker.io", Some("docker.io")),
            ("registry.example.com:443", Some("registry.example.com:443")),
            ("localhost:5000", Some("localhost:5000")),
            ("[::1]:5000", Some("[::1]:5000")),
            ("myregistry/", Some("myregistry")),
            ("ghcr.io/", Some("ghcr.io")),
            ("localhost", None),
            ("ubuntu", None),
            ("node:20", None),
            ("ubuntu:22.04", None),
            ("foo.bar:1.0", None),
            ("ghcr.io/org/app", None),
            ("ghcr.io//", None),
            ("alpine@sha256:abc", None),
            ("", None),
            ("/", None),
        ] {
            assert_eq!(catalog_registry(text), registry, "{text:?}");
        }
    }
}
