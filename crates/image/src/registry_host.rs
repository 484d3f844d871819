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

/// The host name Strata's embedded demo registry answers to. `.invalid` is reserved (RFC 2606), so no
/// real registry can ever have this name.
pub const DEMO_REGISTRY: &str = "demo.invalid";

/// The registry name the page gives an archive opened from the reader's own disk (`/open`): its images
/// are read from the file in the browser tab, never from the network. `.invalid` can never be a real
/// registry's name.
pub const LOCAL_ARCHIVE_REGISTRY: &str = "local.invalid";

/// The annotation, in the demo layout's `index.json`, that dates a demo link pinned to an old digest.
pub const DEMO_PINNED_ANNOTATION: &str = "strata.demo.pinned";

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
}
