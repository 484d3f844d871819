//! Config fields side by side: env by name, labels by key, ports and volumes as sets, the rest as values.

use std::collections::{BTreeMap, BTreeSet};

use strata_image::config::{ImageConfig, RunConfig};

use super::Change;

/// A config field that the comparison looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigField {
    /// `os/arch[/variant]`.
    Platform,
    /// `config.User`.
    User,
    /// `config.WorkingDir`.
    WorkingDir,
    /// `config.Entrypoint`.
    Entrypoint,
    /// `config.Cmd`.
    Cmd,
    /// `config.Env`, by variable name.
    Env,
    /// `config.ExposedPorts`, as a set.
    ExposedPorts,
    /// `config.Volumes`, as a set.
    Volumes,
    /// `config.Labels`, by key.
    Labels,
    /// `config.StopSignal`.
    StopSignal,
    /// `author`.
    Author,
    /// `created`.
    Created,
}

impl ConfigField {
    /// Every field, in the order the table shows them.
    pub const ALL: [ConfigField; 12] = [
        ConfigField::Platform,
        ConfigField::User,
        ConfigField::WorkingDir,
        ConfigField::Entrypoint,
        ConfigField::Cmd,
        ConfigField::Env,
        ConfigField::ExposedPorts,
        ConfigField::Volumes,
        ConfigField::Labels,
        ConfigField::StopSignal,
        ConfigField::Author,
        ConfigField::Created,
    ];

    /// The `data-field` value.
    pub fn name(self) -> &'static str {
        match self {
            ConfigField::Platform => "platform",
            ConfigField::User => "user",
            ConfigField::WorkingDir => "working-dir",
            ConfigField::Entrypoint => "entrypoint",
            ConfigField::Cmd => "cmd",
            ConfigField::Env => "env",
            ConfigField::ExposedPorts => "exposed-ports",
            ConfigField::Volumes => "volumes",
            ConfigField::Labels => "labels",
            ConfigField::StopSignal => "stop-signal",
            ConfigField::Author => "author",
            ConfigField::Created => "created",
        }
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            ConfigField::Platform => "Platform",
            ConfigField::User => "User",
            ConfigField::WorkingDir => "Working dir",
            ConfigField::Entrypoint => "Entrypoint",
            ConfigField::Cmd => "Cmd",
            ConfigField::Env => "Env",
            ConfigField::ExposedPorts => "Exposed ports",
            ConfigField::Volumes => "Volumes",
            ConfigField::Labels => "Labels",
            ConfigField::StopSignal => "Stop signal",
            ConfigField::Author => "Author",
            ConfigField::Created => "Created",
        }
    }
}

/// One key of a map-like field (an env variable, a label, a port, a volume) on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDiff {
    /// The variable name, label key, port or volume path.
    pub key: String,
    /// The left value (empty for set members).
    pub left: Option<String>,
    /// The right value.
    pub right: Option<String>,
    /// How they compare.
    pub change: Change,
}

/// What a field holds on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValues {
    /// One value per side; `None` when the config does not set it. Lists are JSON text.
    Single {
        /// The left value.
        left: Option<String>,
        /// The right value.
        right: Option<String>,
    },
    /// Keyed entries, sorted by key.
    Entries(Vec<EntryDiff>),
}

/// One row of the config table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    /// Which field.
    pub field: ConfigField,
    /// `Same` or `Changed` for the field as a whole (a map field with any entry not the same is `Changed`);
    /// `LeftOnly`/`RightOnly` when only one side sets it.
    pub change: Change,
    /// The values.
    pub values: FieldValues,
}

pub(super) fn config_rows(left: &ImageConfig, right: &ImageConfig) -> Vec<FieldDiff> {
    let empty = RunConfig::default();
    let left_run = left.config.as_ref().unwrap_or(&empty);
    let right_run = right.config.as_ref().unwrap_or(&empty);
    ConfigField::ALL
        .into_iter()
        .map(|field| {
            let values = match field {
                ConfigField::Platform => single(Some(left.platform()), Some(right.platform())),
                ConfigField::User => single(left_run.user.clone(), right_run.user.clone()),
                ConfigField::WorkingDir => {
                    single(left_run.working_dir.clone(), right_run.working_dir.clone())
                }
                ConfigField::Entrypoint => single(
                    json_list(&left_run.entrypoint),
                    json_list(&right_run.entrypoint),
                ),
                ConfigField::Cmd => single(json_list(&left_run.cmd), json_list(&right_run.cmd)),
                ConfigField::Env => entries(env_map(&left_run.env), env_map(&right_run.env)),
                ConfigField::ExposedPorts => entries(
                    key_set(&left_run.exposed_ports),
                    key_set(&right_run.exposed_ports),
                ),
                ConfigField::Volumes => {
                    entries(key_set(&left_run.volumes), key_set(&right_run.volumes))
                }
                ConfigField::Labels => entries(
                    left_run.labels.clone().unwrap_or_default(),
                    right_run.labels.clone().unwrap_or_default(),
                ),
                ConfigField::StopSignal => {
                    single(left_run.stop_signal.clone(), right_run.stop_signal.clone())
                }
                ConfigField::Author => single(left.author.clone(), right.author.clone()),
                ConfigField::Created => single(left.created.clone(), right.created.clone()),
            };
            let change = match &values {
                FieldValues::Single { left, right } => Change::of(left.as_ref(), right.as_ref()),
                FieldValues::Entries(entries) => {
                    if entries.iter().all(|entry| entry.change == Change::Same) {
                        Change::Same
                    } else {
                        Change::Changed
                    }
                }
            };
            FieldDiff {
                field,
                change,
                values,
            }
        })
        .collect()
}

/// An empty string is how most builders write "not set", so it compares equal to an absent value.
fn single(left: Option<String>, right: Option<String>) -> FieldValues {
    let set = |value: Option<String>| value.filter(|value| !value.is_empty());
    FieldValues::Single {
        left: set(left),
        right: set(right),
    }
}

fn json_list(list: &Option<Vec<String>>) -> Option<String> {
    list.as_ref()
        .map(|list| serde_json::to_string(list).unwrap_or_default())
}

/// `NAME=value` by name; a later definition of a name wins, as it does when a container starts.
fn env_map(env: &Option<Vec<String>>) -> BTreeMap<String, String> {
    env.iter()
        .flatten()
        .map(|variable| match variable.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (variable.clone(), String::new()),
        })
        .collect()
}

fn key_set(map: &Option<BTreeMap<String, serde_json::Value>>) -> BTreeMap<String, String> {
    map.iter()
        .flatten()
        .map(|(key, _)| (key.clone(), String::new()))
        .collect()
}

fn entries(left: BTreeMap<String, String>, right: BTreeMap<String, String>) -> FieldValues {
    let keys: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    FieldValues::Entries(
        keys.into_iter()
            .map(|key| {
                let (left, right) = (left.get(key).cloned(), right.get(key).cloned());
                EntryDiff {
                    key: key.clone(),
                    change: Change::of(left.as_ref(), right.as_ref()),
                    left,
                    right,
                }
            })
            .collect(),
    )
}
