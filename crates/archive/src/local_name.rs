//! How the page names an archive opened from the reader's disk: a repository of the registry
//! `local.invalid`, `archive-` and a short hash of what identifies the file there (its name, size and
//! modification time), so that a link made from it works again once the same file is chosen again; and
//! each image in it, by that repository and its root's digest.

use strata_image::digest::Digest;
use strata_image::registry_host::LOCAL_ARCHIVE_REGISTRY;

/// The repository an archive file is shown under.
pub fn local_repository(file: &str, size: f64, modified: f64) -> String {
    let identity = Digest::sha256_of(format!("{file}\n{size}\n{modified}").as_bytes());
    format!("archive-{}", &identity.encoded()[..12])
}

/// The reference a local image is inspected by: its archive's repository, pinned by digest.
pub fn local_reference(repository: &str, digest: &str) -> String {
    format!("{LOCAL_ARCHIVE_REGISTRY}/{repository}@{digest}")
}

/// Whether one of Strata's page addresses (a `/open?then=` target) shows an image of the archive
/// shown under `repository`.
pub fn address_names_archive(address: &str, repository: &str) -> bool {
    address.contains(&format!("{LOCAL_ARCHIVE_REGISTRY}/{repository}@"))
        || address.contains(&format!("{LOCAL_ARCHIVE_REGISTRY}%2F{repository}%40"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_image::reference::Reference;

    #[test]
    fn the_same_file_gets_the_same_name_and_another_file_another() {
        let name = local_repository("app.tar", 1024.0, 1.7e12);
        assert_eq!(name, local_repository("app.tar", 1024.0, 1.7e12));
        assert!(name.starts_with("archive-") && name.len() == "archive-".len() + 12);
        for other in [
            local_repository("app.tar", 1025.0, 1.7e12),
            local_repository("app.tar", 1024.0, 1.7e12 + 1.0),
            local_repository("other.tar", 1024.0, 1.7e12),
        ] {
            assert_ne!(name, other);
        }
    }

    #[test]
    fn a_local_image_is_a_reference_of_the_local_registry() {
        let repository = local_repository("app.tar", 1.0, 2.0);
        let digest = Digest::sha256_of(b"manifest").to_string();
        let reference =
            Reference::parse(&local_reference(&repository, &digest)).expect("a reference");
        assert_eq!(reference.registry(), LOCAL_ARCHIVE_REGISTRY);
        assert_eq!(reference.repository(), repository);
        assert_eq!(
            reference.digest().map(ToString::to_string),
            Some(digest.clone())
        );
        let inspect = format!(
            "/inspect/{}?view=files",
            local_reference(&repository, &digest)
        );
        let compare =
            format!("/compare?left=local.invalid%2F{repository}%40{digest}&right=ghcr.io%2Fo%2Fa");
        for (address, names) in [
            (inspect.as_str(), true),
            (compare.as_str(), true),
            (
                "/inspect/local.invalid/archive-000000000000@sha256:ab",
                false,
            ),
            ("/inspect/ghcr.io/o/a:1", false),
        ] {
            assert_eq!(
                address_names_archive(address, &repository),
                names,
                "{address}"
            );
        }
    }
}
