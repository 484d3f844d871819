//! Image configs and their history, aligned with the layers that each build step produced.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::finding::{Finding, Severity};
use crate::platform::Platform;

/// The parts of an image config the inspector shows. Every field is optional: configs in the wild omit most.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ImageConfig {
    /// When the image was built (RFC 3339).
    #[serde(default)]
    pub created: Option<String>,
    /// Who built it.
    #[serde(default)]
    pub author: Option<String>,
    /// CPU architecture.
    #[serde(default)]
    pub architecture: String,
    /// Operating system.
    #[serde(default)]
    pub os: String,
    /// CPU variant.
    #[serde(default)]
    pub variant: Option<String>,
    /// How a container of this image runs.
    #[serde(default)]
    pub config: Option<RunConfig>,
    /// The uncompressed layer digests.
    #[serde(default)]
    pub rootfs: Option<RootFs>,
    /// The build steps.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

/// How a container of the image runs (`config` in the image config).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunConfig {
    /// User to run as.
    #[serde(default)]
    pub user: Option<String>,
    /// Environment, `NAME=value`.
    #[serde(default)]
    pub env: Option<Vec<String>>,
    /// Entrypoint.
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    /// Default arguments.
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    /// Working directory.
    #[serde(default)]
    pub working_dir: Option<String>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<BTreeMap<String, String>>,
    /// Exposed ports, `8080/tcp`.
    #[serde(default)]
    pub exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    /// Volumes.
    #[serde(default)]
    pub volumes: Option<BTreeMap<String, serde_json::Value>>,
    /// Stop signal.
    #[serde(default)]
    pub stop_signal: Option<String>,
}

/// `rootfs` of the config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// SHA-256 of each uncompressed layer, bottom first.
    #[serde(default)]
    pub diff_ids: Vec<String>,
}

/// One build step.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct HistoryEntry {
    /// When the step ran.
    #[serde(default)]
    pub created: Option<String>,
    /// Who ran it.
    #[serde(default)]
    pub author: Option<String>,
    /// The command, e.g. `RUN /bin/sh -c apk add curl`.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Free text.
    #[serde(default)]
    pub comment: Option<String>,
    /// True when the step produced no layer.
    #[serde(default)]
    pub empty_layer: bool,
}

/// Why a config could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not a JSON object of the config's shape.
    #[error("the config is not a valid image config: {0}")]
    Invalid(String),
}

impl ImageConfig {
    /// Reads a config blob.
    pub fn parse(bytes: &[u8]) -> Result<ImageConfig, ConfigError> {
        serde_json::from_slice(bytes).map_err(|error| ConfigError::Invalid(error.to_string()))
    }

    /// `os/arch[/variant]` of the config.
    pub fn platform(&self) -> String {
        match self
            .variant
            .as_deref()
            .filter(|variant| !variant.is_empty())
        {
            Some(variant) => format!("{}/{}/{}", self.os, self.architecture, variant),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
}

/// A history entry with the layer it produced, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignedStep<'a> {
    /// The history entry.
    pub entry: &'a HistoryEntry,
    /// Index into the manifest's layers, or `None` for an empty-layer step.
    pub layer: Option<usize>,
}

/// The history walked against the layers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryAlignment<'a> {
    /// Steps in build order.
    pub steps: Vec<AlignedStep<'a>>,
    /// Layers no step claims.
    pub unattributed_layers: Vec<usize>,
    /// What did not add up.
    pub findings: Vec<Finding>,
}

impl HistoryAlignment<'_> {
    /// The command of the build step that produced layer `layer`, when a step claims it and says one.
    pub fn created_by(&self, layer: usize) -> Option<&str> {
        self.steps
            .iter()
            .find(|step| step.layer == Some(layer))
            .and_then(|step| step.entry.created_by.as_deref())
    }
}

/// Gives each history entry without `empty_layer` the next layer, in order. When the counts disagree the
/// result says so and never points past the last layer.
pub fn align_history(history: &[HistoryEntry], layer_count: usize) -> HistoryAlignment<'_> {
    let mut alignment = HistoryAlignment::default();
    let mut next_layer = 0usize;
    let mut steps_without_layer = 0usize;
    for entry in history {
        let layer = if entry.empty_layer {
            None
        } else if next_layer < layer_count {
            next_layer += 1;
            Some(next_layer - 1)
        } else {
            steps_without_layer += 1;
            None
        };
        alignment.steps.push(AlignedStep { entry, layer });
    }
    alignment.unattributed_layers = (next_layer..layer_count).collect();
    if history.is_empty() && layer_count > 0 {
        alignment.findings.push(Finding::new(
            Severity::Info,
            "The config has no history: layers have no build steps.",
        ));
    } else if !alignment.unattributed_layers.is_empty() {
        alignment.findings.push(Finding::new(
            Severity::Warning,
            format!(
                "The history names {next_layer} layer-producing steps but the manifest has {layer_count} layers; the last {} are not attributed.",
                alignment.unattributed_layers.len()
            ),
        ));
    }
    if steps_without_layer > 0 {
        alignment.findings.push(Finding::new(
            Severity::Warning,
            format!(
                "{steps_without_layer} history steps claim a layer that the manifest does not have (a tool may have left out empty_layer)."
            ),
        ));
    }
    alignment
}

/// What the config says of its platform against what the index entry said, compared as containerd compares
/// them (normalized: `aarch64` is `arm64`, an `arm` without variant is `arm/v7`).
pub fn platform_findings(config: &ImageConfig, index_entry: Option<&Platform>) -> Vec<Finding> {
    let Some(entry) = index_entry else {
        return Vec::new();
    };
    let in_config = Platform {
        os: config.os.clone(),
        architecture: config.architecture.clone(),
        variant: config.variant.clone(),
        ..Platform::default()
    };
    let (said, found) = (entry.normalized(), in_config.normalized());
    if (
        said.os.as_str(),
        said.architecture.as_str(),
        said.variant.as_deref(),
    ) == (
        found.os.as_str(),
        found.architecture.as_str(),
        found.variant.as_deref(),
    ) {
        return Vec::new();
    }
    vec![Finding::new(
        Severity::Warning,
        format!(
            "The index entry says {}, but the config says {}: a pull picks by the entry, then runs what the config describes.",
            entry.os_arch_variant(),
            config.platform()
        ),
    )]
}

/// Whether a `created` timestamp is a placeholder of reproducible builds (1970 or year 1) and so unknown.
pub fn is_placeholder_time(created: &str) -> bool {
    created.starts_with("1970-01-01T00:00:00") || created.starts_with("0001-01-01T00:00:00")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Empty-layer flags, layer count, expected layer per step, unattributed layers, finding count.
    type AlignmentCase = (
        &'static [bool],
        usize,
        &'static [Option<usize>],
        &'static [usize],
        usize,
    );

    fn step(empty_layer: bool) -> HistoryEntry {
        HistoryEntry {
            empty_layer,
            ..Default::default()
        }
    }

    #[test]
    fn aligns_layers_with_non_empty_steps() {
        // (history as empty_layer flags, layer count, expected layer per step, unattributed, findings)
        let cases: [AlignmentCase; 6] = [
            (
                &[false, true, false, true],
                2,
                &[Some(0), None, Some(1), None],
                &[],
                0,
            ),
            (&[true, true], 0, &[None, None], &[], 0),
            (&[false], 3, &[Some(0)], &[1, 2], 1),
            (&[false, false, false], 1, &[Some(0), None, None], &[], 1),
            (&[], 2, &[], &[0, 1], 1),
            (&[], 0, &[], &[], 0),
        ];
        for (flags, layers, expected, unattributed, findings) in cases {
            let history: Vec<HistoryEntry> = flags.iter().map(|&flag| step(flag)).collect();
            let alignment = align_history(&history, layers);
            let got: Vec<Option<usize>> = alignment.steps.iter().map(|s| s.layer).collect();
            assert_eq!(got, expected, "{flags:?} with {layers} layers");
            assert_eq!(alignment.unattributed_layers, unattributed, "{flags:?}");
            assert_eq!(
                alignment.findings.len(),
                findings,
                "{:?}",
                alignment.findings
            );
        }
    }

    #[test]
    fn a_layer_names_the_step_that_made_it() {
        let history: Vec<HistoryEntry> = [("ADD x /", false), ("CMD []", true), ("RUN y", false)]
            .into_iter()
            .map(|(command, empty_layer)| HistoryEntry {
                created_by: Some(command.to_owned()),
                ..step(empty_layer)
            })
            .collect();
        let alignment = align_history(&history, 3);
        let cases = [
            (0, Some("ADD x /")),
            (1, Some("RUN y")),
            (2, None),
            (9, None),
        ];
        for (layer, expected) in cases {
            assert_eq!(alignment.created_by(layer), expected, "layer {layer}");
        }
    }

    #[test]
    fn platform_disagreements_are_flagged_after_normalizing() {
        let cases = [
            ("linux/amd64", "linux", "amd64", None, 0),
            ("linux/arm64/v8", "linux", "arm64", None, 0),
            ("linux/arm64", "linux", "aarch64", None, 0),
            ("linux/arm/v7", "linux", "arm", None, 0),
            ("linux/arm/v7", "linux", "arm", Some("v6"), 1),
            ("linux/amd64", "linux", "arm64", None, 1),
            ("windows/amd64", "linux", "amd64", None, 1),
        ];
        for (entry, os, architecture, variant, findings) in cases {
            let config = ImageConfig {
                os: os.into(),
                architecture: architecture.into(),
                variant: variant.map(str::to_owned),
                ..Default::default()
            };
            let entry = Platform::parse(entry).unwrap();
            assert_eq!(
                platform_findings(&config, Some(&entry)).len(),
                findings,
                "{entry:?} vs {config:?}"
            );
        }
        assert!(platform_findings(&ImageConfig::default(), None).is_empty());
    }

    #[test]
    fn reads_a_docker_config() {
        let json = br#"{"architecture":"arm","os":"linux","variant":"v7","created":"1970-01-01T00:00:00Z",
            "config":{"Env":["PATH=/bin"],"Entrypoint":["/app"],"Cmd":null,"Labels":{"a":"b"},"ExposedPorts":{"80/tcp":{}}},
            "rootfs":{"type":"layers","diff_ids":["sha256:x"]},
            "history":[{"created_by":"ADD x /","empty_layer":false},{"created_by":"CMD []","empty_layer":true}]}"#;
        let config = ImageConfig::parse(json).unwrap();
        assert_eq!(config.platform(), "linux/arm/v7");
        let run = config.config.as_ref().unwrap();
        assert_eq!(run.entrypoint.as_deref(), Some(&["/app".to_owned()][..]));
        assert_eq!(run.cmd, None);
        assert_eq!(config.history.len(), 2);
        assert!(is_placeholder_time(config.created.as_deref().unwrap()));
        assert!(matches!(
            ImageConfig::parse(b"7"),
            Err(ConfigError::Invalid(_))
        ));
    }
}
