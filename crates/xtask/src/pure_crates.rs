//! The rule that keeps the pure crates pure, checked against their manifests and sources: they depend only
//! on each other and on a short list of pure libraries, and no source names an I/O module.

#[cfg(test)]
mod tests {
    use crate::workspace::{PURE_CRATES, root};

    /// Libraries a pure crate may use: none of them does I/O.
    const PURE_LIBRARIES: [&str; 14] = [
        "p256",
        "p384",
        "rsa",
        "ed25519-dalek",
        "x509-cert",
        "pem-rfc7468",
        "serde",
        "serde_json",
        "sha2",
        "thiserror",
        "flate2",
        "miniz_oxide",
        "ruzstd",
        "percent-encoding",
    ];

    /// What a pure crate's source must never name.
    const IO_PATHS: [&str; 6] = [
        "std::fs",
        "std::net",
        "std::process",
        "std::env",
        "std::thread",
        "std::time::SystemTime",
    ];

    fn crate_dir(package: &str) -> std::path::PathBuf {
        root()
            .join("crates")
            .join(package.trim_start_matches("strata-"))
    }

    /// The names in a manifest's `[dependencies]` table.
    fn dependencies(manifest: &str) -> Vec<String> {
        manifest
            .lines()
            .skip_while(|line| line.trim() != "[dependencies]")
            .skip(1)
            .take_while(|line| !line.trim_start().starts_with('['))
            .filter_map(|line| line.split(['=', '.']).next())
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty() && !name.starts_with('#'))
            .collect()
    }

    #[test]
    fn reads_dependency_tables() {
        let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nserde.workspace = true\nruzstd = \"0.9\"\n# why\n\n[dev-dependencies]\ntar = \"1\"\n";
        assert_eq!(dependencies(manifest), ["serde", "ruzstd"]);
    }

    #[test]
    fn pure_crates_depend_only_on_pure_libraries_and_each_other() {
        for package in PURE_CRATES {
            let manifest = std::fs::read_to_string(crate_dir(package).join("Cargo.toml"))
                .unwrap_or_else(|error| panic!("{package}: {error}"));
            for dependency in dependencies(&manifest) {
                assert!(
                    PURE_LIBRARIES.contains(&dependency.as_str())
                        || PURE_CRATES.contains(&dependency.as_str()),
                    "{package} depends on {dependency}, which is not known to be pure"
                );
            }
        }
    }

    #[test]
    fn pure_crates_name_no_io_module() {
        for package in PURE_CRATES {
            let mut pending = vec![crate_dir(package).join("src")];
            while let Some(dir) = pending.pop() {
                for entry in std::fs::read_dir(&dir).expect("a source directory") {
                    let path = entry.expect("an entry").path();
                    if path.is_dir() {
                        pending.push(path);
                        continue;
                    }
                    let source = std::fs::read_to_string(&path).expect("a source file");
                    for io in IO_PATHS {
                        assert!(
                            !source.contains(io),
                            "{} names {io}: the pure crates do no I/O",
                            path.display()
                        );
                    }
                }
            }
        }
    }
}
