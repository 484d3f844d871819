//! Comparing two images: layers shared by digest, config fields by name, histories aligned, sizes, on
//! made-up tables and on real documents of the shared corpus.

use std::fs;
use std::path::Path;

use serde_json::json;
use strata_compare::{
    self as compare, Change, Comparison, ConfigField, FieldValues, LayerPresence, Side,
};
use strata_image::config::ImageConfig;
use strata_image::manifest::{Document, ImageManifest, read_document};

/// A manifest of layers named by one letter (digest `sha256:<letter>`, size given), config of `config_size`.
fn manifest(layers: &[(&str, u64)], config_size: u64) -> ImageManifest {
    let layers: Vec<_> = layers
        .iter()
        .map(|(name, size)| {
            json!({ "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": format!("sha256:{name}"), "size": size })
        })
        .collect();
    serde_json::from_value(json!({
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": "sha256:c", "size": config_size },
        "layers": layers,
    }))
    .expect("a manifest")
}

fn config(value: serde_json::Value) -> ImageConfig {
    serde_json::from_value(value).expect("a config")
}

fn compare_layers(left: &[&str], right: &[&str]) -> Comparison {
    let sized = |names: &[&str]| -> ImageManifest {
        let layers: Vec<(&str, u64)> = names
            .iter()
            .map(|name| (*name, name.len() as u64 * 100))
            .collect();
        manifest(&layers, 10)
    };
    let (left, right) = (sized(left), sized(right));
    let empty = ImageConfig::default();
    compare::compare(
        Side {
            manifest: &left,
            config: &empty,
        },
        Side {
            manifest: &right,
            config: &empty,
        },
    )
}

/// Rows as `=a` (shared), `<a` (left only), `>a` (right only), `~a` (shared, moved).
fn layer_summary(comparison: &Comparison) -> Vec<String> {
    comparison
        .layers
        .iter()
        .map(|row| {
            let mark = match (row.presence, row.moved) {
                (LayerPresence::Shared, false) => '=',
                (LayerPresence::Shared, true) => '~',
                (LayerPresence::LeftOnly, _) => '<',
                (LayerPresence::RightOnly, _) => '>',
            };
            format!("{mark}{}", row.digest().trim_start_matches("sha256:"))
        })
        .collect()
}

#[test]
fn layers_are_matched_by_digest_and_keep_both_orders() {
    let cases: [(&[&str], &[&str], &[&str]); 9] = [
        (&["a", "b"], &["a", "b"], &["=a", "=b"]),
        (&["a", "b"], &["a", "c"], &["=a", "<b", ">c"]),
        (
            &["a", "b", "c"],
            &["a", "x", "b", "c"],
            &["=a", ">x", "=b", "=c"],
        ),
        (&["a", "x", "c"], &["a", "c"], &["=a", "<x", "=c"]),
        (&["a", "b"], &["b", "a"], &["~a", "=b"]),
        (&["a", "a"], &["a"], &["=a", "<a"]),
        (&[], &["a"], &[">a"]),
        (&["a"], &[], &["<a"]),
        (&["p", "q"], &["r", "s"], &["<p", "<q", ">r", ">s"]),
    ];
    for (left, right, expected) in cases {
        let comparison = compare_layers(left, right);
        assert_eq!(
            layer_summary(&comparison),
            expected,
            "{left:?} vs {right:?}"
        );
        let shared = comparison
            .layers
            .iter()
            .filter(|row| row.presence == LayerPresence::Shared)
            .count();
        assert_eq!(comparison.totals.shared_layers, shared);
        assert_eq!(comparison.totals.left_layers, left.len());
        assert_eq!(comparison.totals.right_layers, right.len());
    }
    assert!(compare_layers(&["a", "b"], &["a", "b"]).same_layers());
    assert!(!compare_layers(&["a", "b"], &["b", "a"]).same_layers());
    assert!(!compare_layers(&["a"], &["a", "b"]).same_layers());
}

#[test]
fn totals_split_the_bytes_into_shared_and_one_sided() {
    let left = manifest(&[("a", 1000), ("b", 250)], 700);
    let right = manifest(&[("a", 1000), ("c", 4000), ("d", 1)], 650);
    let empty = ImageConfig::default();
    let totals = compare::compare(
        Side {
            manifest: &left,
            config: &empty,
        },
        Side {
            manifest: &right,
            config: &empty,
        },
    )
    .totals;
    assert_eq!((totals.left_bytes, totals.right_bytes), (1250, 5001));
    assert_eq!(totals.shared_bytes, 1000);
    assert_eq!(
        (totals.left_only_bytes, totals.right_only_bytes),
        (250, 4001)
    );
    assert_eq!(totals.layers_difference(), 3751);
    assert_eq!((totals.left_config, totals.right_config), (700, 650));
    assert_eq!(totals.config_difference(), -50);
}

#[test]
fn diff_ids_come_from_the_config_and_reveal_recompressed_layers() {
    let left = manifest(&[("a", 10), ("gz", 20)], 1);
    let right = manifest(&[("a", 10), ("zst", 15), ("new", 5)], 1);
    let left_config = config(
        json!({ "rootfs": { "type": "layers", "diff_ids": ["sha256:da", "sha256:files"] } }),
    );
    // The right config lists one diff_id fewer than it has layers: the last has none.
    let right_config = config(
        json!({ "rootfs": { "type": "layers", "diff_ids": ["sha256:da", "sha256:files"] } }),
    );
    let comparison = compare::compare(
        Side {
            manifest: &left,
            config: &left_config,
        },
        Side {
            manifest: &right,
            config: &right_config,
        },
    );
    let rows: Vec<(&str, Option<&str>, bool)> = comparison
        .layers
        .iter()
        .map(|row| {
            let side = row.left.as_ref().or(row.right.as_ref()).expect("a side");
            (row.digest(), side.diff_id.as_deref(), row.recompressed)
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("sha256:a", Some("sha256:da"), false),
            ("sha256:gz", Some("sha256:files"), true),
            ("sha256:zst", Some("sha256:files"), true),
            ("sha256:new", None, false),
        ]
    );
    let shared = &comparison.layers[0];
    assert_eq!(shared.right.as_ref().map(|layer| layer.position), Some(0));
}

fn field(comparison: &Comparison, field: ConfigField) -> &compare::FieldDiff {
    comparison
        .config
        .iter()
        .find(|row| row.field == field)
        .expect("every field has a row")
}

fn entries(values: &FieldValues) -> Vec<(String, Change)> {
    match values {
        FieldValues::Entries(entries) => entries
            .iter()
            .map(|entry| (entry.key.clone(), entry.change))
            .collect(),
        FieldValues::Single { .. } => panic!("a keyed field"),
    }
}

#[test]
fn config_fields_compare_by_name_key_and_set() {
    let left = config(json!({
        "os": "linux", "architecture": "amd64",
        "config": {
            "Env": ["PATH=/bin", "KEEP=1", "GONE=x", "LATER=1", "LATER=2"],
            "Labels": { "same": "v", "changed": "old", "dropped": "d" },
            "ExposedPorts": { "80/tcp": {}, "443/tcp": {} },
            "Entrypoint": ["/app"], "Cmd": ["serve"], "User": "", "WorkingDir": "/srv"
        }
    }));
    let right = config(json!({
        "os": "linux", "architecture": "arm64", "variant": "v8",
        "config": {
            "Env": ["KEEP=1", "PATH=/usr/bin:/bin", "LATER=2", "ADDED"],
            "Labels": { "same": "v", "changed": "new", "added": "a" },
            "ExposedPorts": { "443/tcp": {}, "8080/tcp": {} },
            "Entrypoint": ["/app"], "Cmd": null, "User": "65534", "WorkingDir": "/srv"
        }
    }));
    let image = manifest(&[], 1);
    let comparison = compare::compare(
        Side {
            manifest: &image,
            config: &left,
        },
        Side {
            manifest: &image,
            config: &right,
        },
    );
    assert_eq!(comparison.config.len(), ConfigField::ALL.len());
    let same = |name: &str, change: Change| (name.to_owned(), change);
    assert_eq!(
        entries(&field(&comparison, ConfigField::Env).values),
        [
            same("ADDED", Change::RightOnly),
            same("GONE", Change::LeftOnly),
            same("KEEP", Change::Same),
            same("LATER", Change::Same),
            same("PATH", Change::Changed),
        ]
    );
    assert_eq!(
        entries(&field(&comparison, ConfigField::Labels).values),
        [
            same("added", Change::RightOnly),
            same("changed", Change::Changed),
            same("dropped", Change::LeftOnly),
            same("same", Change::Same),
        ]
    );
    assert_eq!(
        entries(&field(&comparison, ConfigField::ExposedPorts).values),
        [
            same("443/tcp", Change::Same),
            same("80/tcp", Change::LeftOnly),
            same("8080/tcp", Change::RightOnly),
        ]
    );
    let cases = [
        (ConfigField::Platform, Change::Changed),
        (ConfigField::Entrypoint, Change::Same),
        (ConfigField::Cmd, Change::LeftOnly),
        (ConfigField::User, Change::RightOnly),
        (ConfigField::WorkingDir, Change::Same),
        (ConfigField::Env, Change::Changed),
        (ConfigField::Labels, Change::Changed),
        (ConfigField::ExposedPorts, Change::Changed),
        (ConfigField::Volumes, Change::Same),
        (ConfigField::StopSignal, Change::Same),
    ];
    for (name, change) in cases {
        assert_eq!(field(&comparison, name).change, change, "{}", name.name());
    }
    assert_eq!(
        field(&comparison, ConfigField::Platform).values,
        FieldValues::Single {
            left: Some("linux/amd64".into()),
            right: Some("linux/arm64/v8".into())
        }
    );
    assert_eq!(
        field(&comparison, ConfigField::Cmd).values,
        FieldValues::Single {
            left: Some(r#"["serve"]"#.into()),
            right: None
        }
    );
    let changed: Vec<&str> = comparison
        .config_changes()
        .map(|row| row.field.name())
        .collect();
    assert_eq!(
        changed,
        ["platform", "user", "cmd", "env", "exposed-ports", "labels"]
    );
}

fn history(steps: &[(&str, bool)]) -> ImageConfig {
    let history: Vec<_> = steps
        .iter()
        .map(|(command, empty)| json!({ "created_by": command, "empty_layer": empty }))
        .collect();
    config(json!({ "history": history }))
}

/// Rows as `=x`, `x>y` (changed), `<x`, `>y`.
fn history_summary(comparison: &Comparison) -> Vec<String> {
    comparison
        .history
        .iter()
        .map(|row| {
            let command = |side: &Option<compare::StepSide>| {
                side.as_ref()
                    .map(|step| step.created_by.clone())
                    .unwrap_or_default()
            };
            match row.change {
                Change::Same => format!("={}", command(&row.left)),
                Change::Changed => format!("{}>{}", command(&row.left), command(&row.right)),
                Change::LeftOnly => format!("<{}", command(&row.left)),
                Change::RightOnly => format!(">{}", command(&row.right)),
            }
        })
        .collect()
}

#[test]
fn history_steps_are_aligned_on_equal_steps() {
    type Steps = &'static [(&'static str, bool)];
    let cases: [(Steps, Steps, &[&str]); 7] = [
        (
            &[("ADD x86", false), ("CMD sh", true)],
            &[("ADD arm", false), ("CMD sh", true)],
            &["ADD x86>ADD arm", "=CMD sh"],
        ),
        (
            &[("FROM", false), ("RUN a", false), ("CMD", true)],
            &[
                ("FROM", false),
                ("RUN a", false),
                ("RUN b", false),
                ("CMD", true),
            ],
            &["=FROM", "=RUN a", ">RUN b", "=CMD"],
        ),
        (
            &[
                ("FROM", false),
                ("RUN old", false),
                ("USER 1", true),
                ("CMD", true),
            ],
            &[
                ("FROM", false),
                ("USER 1", true),
                ("RUN new", false),
                ("CMD", true),
            ],
            &["=FROM", "<RUN old", "=USER 1", ">RUN new", "=CMD"],
        ),
        // The same command with and without a layer is a change.
        (&[("RUN x", false)], &[("RUN x", true)], &["RUN x>RUN x"]),
        (&[], &[("A", false)], &[">A"]),
        (&[("A", true), ("B", true)], &[], &["<A", "<B"]),
        (&[("A", true), ("A", true)], &[("A", true)], &["=A", "<A"]),
    ];
    let image = manifest(&[("l1", 1), ("l2", 1), ("l3", 1)], 1);
    for (left, right, expected) in cases {
        let (left_config, right_config) = (history(left), history(right));
        let comparison = compare::compare(
            Side {
                manifest: &image,
                config: &left_config,
            },
            Side {
                manifest: &image,
                config: &right_config,
            },
        );
        assert_eq!(
            history_summary(&comparison),
            expected,
            "{left:?} vs {right:?}"
        );
    }
}

#[test]
fn history_steps_name_the_layer_they_made() {
    let image = manifest(&[("base", 1), ("app", 1)], 1);
    let steps = history(&[("ADD", false), ("ENV", true), ("RUN", false)]);
    let comparison = compare::compare(
        Side {
            manifest: &image,
            config: &steps,
        },
        Side {
            manifest: &image,
            config: &steps,
        },
    );
    let layers: Vec<Option<&str>> = comparison
        .history
        .iter()
        .map(|row| {
            row.left
                .as_ref()
                .and_then(|step| step.layer_digest.as_deref())
        })
        .collect();
    assert_eq!(layers, [Some("sha256:base"), None, Some("sha256:app")]);
    assert!(
        comparison
            .history
            .iter()
            .all(|row| row.change == Change::Same)
    );
}

#[test]
fn a_long_hostile_history_is_aligned_without_a_huge_table() {
    let left: Vec<(String, bool)> = (0..3000).map(|n| (format!("RUN {n}"), true)).collect();
    let right: Vec<(String, bool)> = (0..3000)
        .map(|n| (format!("RUN {}", n + 1), true))
        .collect();
    let as_config = |steps: &[(String, bool)]| {
        history(
            &steps
                .iter()
                .map(|(c, e)| (c.as_str(), *e))
                .collect::<Vec<_>>(),
        )
    };
    let (left, right) = (as_config(&left), as_config(&right));
    let image = manifest(&[], 1);
    let comparison = compare::compare(
        Side {
            manifest: &image,
            config: &left,
        },
        Side {
            manifest: &image,
            config: &right,
        },
    );
    // Nine million cells is past the limit: the steps are paired by position, each pair changed.
    assert_eq!(comparison.history.len(), 3000);
    assert!(
        comparison
            .history
            .iter()
            .all(|row| row.change == Change::Changed)
    );
}

fn corpus_image(folder: &Path, manifest_hex: &str) -> (ImageManifest, ImageConfig) {
    let read =
        |hex: &str| fs::read(folder.join(format!("sha256-{hex}.json"))).expect("a corpus file");
    let document = read_document(&read(manifest_hex), None).expect("a manifest");
    let Document::Manifest(manifest) = document.document else {
        panic!("{manifest_hex} is an image manifest");
    };
    let config_hex = manifest
        .config
        .digest
        .strip_prefix("sha256:")
        .expect("a sha256 config")
        .to_owned();
    let config = ImageConfig::parse(&read(&config_hex)).expect("a config");
    (*manifest, config)
}

#[test]
fn real_alpine_platforms_and_dive_compressions_compare_as_expected() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let alpine = corpus.join("alpine-3.23.2-dockerhub");
    let amd64 = corpus_image(
        &alpine,
        "1882fa4569e0c591ea092d3766c4893e19b8901a8e649de7067188aba3cc0679",
    );
    let arm64 = corpus_image(
        &alpine,
        "410dabcd6f1d53f1f4e5c1ce9553efa298ca6bcdd086dfc976b8f659d58b46d2",
    );
    let comparison = compare::compare(
        Side {
            manifest: &amd64.0,
            config: &amd64.1,
        },
        Side {
            manifest: &arm64.0,
            config: &arm64.1,
        },
    );
    assert_eq!(layer_summary(&comparison).len(), 2);
    assert_eq!(comparison.totals.shared_layers, 0);
    assert_eq!(comparison.totals.left_bytes, amd64.0.layers_size());
    let changed: Vec<&str> = comparison
        .config_changes()
        .map(|row| row.field.name())
        .collect();
    assert_eq!(changed, ["platform", "created"]);
    assert_eq!(
        history_summary(&comparison),
        [
            "ADD alpine-minirootfs-3.23.2-x86_64.tar.gz / # buildkit>ADD alpine-minirootfs-3.23.2-aarch64.tar.gz / # buildkit",
            "=CMD [\"/bin/sh\"]",
        ]
    );

    // dive's test image, once with a gzip layer and once with zstd: one config, the same files.
    let dive = corpus.join("dive-compression-variants");
    let gzip = corpus_image(
        &dive,
        "7d255e9e3d216a9a92a5c1ce0563a5ddd92f28a34a9df025d3cf8dfa5ea08366",
    );
    let zstd = corpus_image(
        &dive,
        "f5e3515f39a16543547c03d03ec34faf9276742e6ce7c7dd6e467a14e90b29fc",
    );
    let comparison = compare::compare(
        Side {
            manifest: &gzip.0,
            config: &gzip.1,
        },
        Side {
            manifest: &zstd.0,
            config: &zstd.1,
        },
    );
    assert_eq!(comparison.config_changes().count(), 0);
    assert!(
        comparison
            .history
            .iter()
            .all(|row| row.change == Change::Same)
    );
    assert_eq!(comparison.totals.shared_layers, 0);
    assert!(!comparison.layers.is_empty());
    assert!(comparison.layers.iter().all(|row| row.recompressed));
}

/// Name, both configs, the distinct layers (`<` left, `>` right), each side's order, how many shared.
type ReadsCase = (
    &'static str,
    ImageConfig,
    ImageConfig,
    &'static [&'static str],
    [&'static [usize]; 2],
    usize,
);

#[test]
fn a_file_comparison_reads_each_distinct_layer_once() {
    let with_diff_ids = |ids: &[&str]| {
        config(json!({ "rootfs": { "type": "layers",
            "diff_ids": ids.iter().map(|id| format!("sha256:{id}")).collect::<Vec<_>>() } }))
    };
    let left = manifest(&[("a", 10), ("b", 20)], 5);
    let right = manifest(&[("a", 10), ("c", 30), ("a", 10)], 5);
    // Left a, b; right a, c, a.
    let cases: [ReadsCase; 2] = [
        (
            "same diff_ids",
            with_diff_ids(&["1", "2"]),
            with_diff_ids(&["1", "3", "1"]),
            &["a<>", "b<", "c>"],
            [&[0, 1], &[0, 2, 0]],
            1,
        ),
        (
            "the same bytes checked against another diff_id are read again",
            with_diff_ids(&["1", "2"]),
            with_diff_ids(&["9", "3", "9"]),
            &["a<", "b<", "a>", "c>"],
            [&[0, 1], &[2, 3, 2]],
            0,
        ),
    ];
    for (name, left_config, right_config, layers, [left_order, right_order], shared) in cases {
        let reads = compare::LayerReads::of(
            Side {
                manifest: &left,
                config: &left_config,
            },
            Side {
                manifest: &right,
                config: &right_config,
            },
        );
        let listed: Vec<String> = reads
            .layers
            .iter()
            .map(|read| {
                format!(
                    "{}{}{}",
                    read.layer.digest.trim_start_matches("sha256:"),
                    if read.in_left { "<" } else { "" },
                    if read.in_right { ">" } else { "" }
                )
            })
            .collect();
        assert_eq!(listed, layers, "{name}");
        assert_eq!(
            (reads.left.as_slice(), reads.right.as_slice()),
            (left_order, right_order),
            "{name}"
        );
        assert_eq!(reads.shared(), shared, "{name}");
    }
}
