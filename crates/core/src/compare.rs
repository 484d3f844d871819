//! Two images side by side: which layers they share by digest, how their configs and build histories
//! differ, and what that costs in bytes. Two platforms of one index, or any two references.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::{self, HistoryEntry, ImageConfig, RunConfig};
use crate::manifest::ImageManifest;

/// Above this many cells the history alignment stops looking for the longest common run and pairs the
/// remaining steps by position, so that a hostile config cannot make the page allocate without bound.
const HISTORY_ALIGNMENT_CELLS: usize = 1_000_000;

/// One image of a comparison: its manifest and its config, both verified by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The image manifest.
    pub manifest: &'a ImageManifest,
    /// Its config.
    pub config: &'a ImageConfig,
}

/// Whether a value, an entry or a step is on both sides and equal, on both sides and different, or on one
/// side only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// Equal on both sides.
    Same,
    /// On both sides, different.
    Changed,
    /// Only in the left image.
    LeftOnly,
    /// Only in the right image.
    RightOnly,
}

impl Change {
    /// The `data-compare` value.
    pub fn data_compare(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Changed => "changed",
            Change::LeftOnly => "left-only",
            Change::RightOnly => "right-only",
        }
    }

    fn of<T: PartialEq>(left: Option<T>, right: Option<T>) -> Change {
        match (left, right) {
            (Some(left), Some(right)) if left == right => Change::Same,
            (Some(_), Some(_)) => Change::Changed,
            (Some(_), None) => Change::LeftOnly,
            (None, Some(_)) => Change::RightOnly,
            (None, None) => Change::Same,
        }
    }
}

/// Whether a layer is in both images or in one only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerPresence {
    /// The same digest is in both images.
    Shared,
    /// Only in the left image.
    LeftOnly,
    /// Only in the right image.
    RightOnly,
}

impl LayerPresence {
    /// The `data-compare` value.
    pub fn data_compare(self) -> &'static str {
        match self {
            LayerPresence::Shared => "shared",
            LayerPresence::LeftOnly => "left-only",
            LayerPresence::RightOnly => "right-only",
        }
    }
}

/// A layer as one image lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerSide {
    /// Position in the manifest, bottom first, from 0.
    pub position: usize,
    /// The compressed digest, as written.
    pub digest: String,
    /// The compressed size the descriptor states.
    pub size: u64,
    /// The layer's media type.
    pub media_type: String,
    /// The uncompressed digest the config gives for this position, if it gives one.
    pub diff_id: Option<String>,
}

/// One row of the layers table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRow {
    /// Shared, or on one side only.
    pub presence: LayerPresence,
    /// The layer in the left image.
    pub left: Option<LayerSide>,
    /// The layer in the right image.
    pub right: Option<LayerSide>,
    /// A shared layer that sits at another place in the order of the other image's layers.
    pub moved: bool,
    /// A layer on one side only whose diff_id is that of a layer on the other side only: the same files,
    /// compressed differently.
    pub recompressed: bool,
}

impl LayerRow {
    /// The digest this row is about.
    pub fn digest(&self) -> &str {
        self.left
            .as_ref()
            .or(self.right.as_ref())
            .map(|layer| layer.digest.as_str())
            .unwrap_or_default()
    }

    /// The compressed size of the row's layer (the left one's for a shared layer).
    pub fn size(&self) -> u64 {
        self.left
            .as_ref()
            .or(self.right.as_ref())
            .map_or(0, |layer| layer.size)
    }
}

/// Bytes and counts of both images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SizeTotals {
    /// Layers in the left image.
    pub left_layers: usize,
    /// Layers in the right image.
    pub right_layers: usize,
    /// Layers in both (counted once per pair).
    pub shared_layers: usize,
    /// Compressed bytes of the left image's layers.
    pub left_bytes: u64,
    /// Compressed bytes of the right image's layers.
    pub right_bytes: u64,
    /// Compressed bytes of the shared layers: what a pull of one after the other does not fetch again.
    pub shared_bytes: u64,
    /// Compressed bytes of the layers only the left image has.
    pub left_only_bytes: u64,
    /// Compressed bytes of the layers only the right image has.
    pub right_only_bytes: u64,
    /// Size of the left config blob.
    pub left_config: u64,
    /// Size of the right config blob.
    pub right_config: u64,
}

impl SizeTotals {
    /// Right minus left, for the compressed layers.
    pub fn layers_difference(&self) -> i128 {
        i128::from(self.right_bytes) - i128::from(self.left_bytes)
    }

    /// Right minus left, for the config blobs.
    pub fn config_difference(&self) -> i128 {
        i128::from(self.right_config) - i128::from(self.left_config)
    }
}

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

/// A build step as one image records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSide {
    /// Position in the config's history, from 0.
    pub position: usize,
    /// The command, empty when the entry has none.
    pub created_by: String,
    /// Whether the step made no layer.
    pub empty_layer: bool,
    /// The digest of the layer the step made, when history and layers line up.
    pub layer_digest: Option<String>,
}

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// How the steps compare: the same command and the same `empty_layer`, or not.
    pub change: Change,
    /// The left step.
    pub left: Option<StepSide>,
    /// The right step.
    pub right: Option<StepSide>,
}

impl HistoryRow {
    /// When both steps made a layer: `Same` for one digest, `Changed` for two (the same command can build
    /// other bytes, as on another platform). `None` when either step made no layer.
    pub fn layer_change(&self) -> Option<Change> {
        let left = self.left.as_ref()?.layer_digest.as_ref()?;
        let right = self.right.as_ref()?.layer_digest.as_ref()?;
        Some(if left == right {
            Change::Same
        } else {
            Change::Changed
        })
    }
}

/// Everything the compare view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The layers, both orders kept, shared ones matched by digest.
    pub layers: Vec<LayerRow>,
    /// Sizes and counts.
    pub totals: SizeTotals,
    /// One row per field of [`ConfigField::ALL`].
    pub config: Vec<FieldDiff>,
    /// The build steps aligned.
    pub history: Vec<HistoryRow>,
}

impl Comparison {
    /// Whether both images have the same layers in the same order.
    pub fn same_layers(&self) -> bool {
        self.layers
            .iter()
            .all(|row| row.presence == LayerPresence::Shared && !row.moved)
    }

    /// The config rows that are not the same.
    pub fn config_changes(&self) -> impl Iterator<Item = &FieldDiff> {
        self.config.iter().filter(|row| row.change != Change::Same)
    }
}

/// Compares two images.
pub fn compare(left: Side<'_>, right: Side<'_>) -> Comparison {
    let layers = layer_rows(&layer_sides(left), &layer_sides(right));
    let totals = totals(left, right, &layers);
    Comparison {
        layers,
        totals,
        config: config_rows(left.config, right.config),
        history: history_rows(left, right),
    }
}

fn layer_sides(side: Side<'_>) -> Vec<LayerSide> {
    let diff_ids = side
        .config
        .rootfs
        .as_ref()
        .map(|rootfs| rootfs.diff_ids.as_slice())
        .unwrap_or_default();
    side.manifest
        .layers
        .iter()
        .enumerate()
        .map(|(position, layer)| LayerSide {
            position,
            digest: layer.digest.clone(),
            size: layer.size,
            media_type: layer.media_type.clone(),
            diff_id: diff_ids.get(position).cloned(),
        })
        .collect()
}

/// Pairs the k-th occurrence of a digest on the left with its k-th occurrence on the right, then walks both
/// lists in order: a row for each unpaired left layer, then each unpaired right layer, then the next
/// shared one, so each image's own order is kept and differences at one position sit together.
fn layer_rows(left: &[LayerSide], right: &[LayerSide]) -> Vec<LayerRow> {
    let mut unclaimed: HashMap<&str, Vec<usize>> = HashMap::new();
    for layer in right.iter().rev() {
        unclaimed
            .entry(layer.digest.as_str())
            .or_default()
            .push(layer.position);
    }
    let partner_of_left: Vec<Option<usize>> = left
        .iter()
        .map(|layer| unclaimed.get_mut(layer.digest.as_str()).and_then(Vec::pop))
        .collect();
    let mut right_paired = vec![false; right.len()];
    for partner in partner_of_left.iter().flatten() {
        right_paired[*partner] = true;
    }
    let mut right_emitted = vec![false; right.len()];
    let mut rows = Vec::with_capacity(left.len() + right.len());
    let (mut next_left, mut next_right) = (0usize, 0usize);
    loop {
        while next_left < left.len() && partner_of_left[next_left].is_none() {
            rows.push(one_sided(LayerPresence::LeftOnly, &left[next_left]));
            next_left += 1;
        }
        while next_right < right.len() && (!right_paired[next_right] || right_emitted[next_right]) {
            if !right_paired[next_right] {
                rows.push(one_sided(LayerPresence::RightOnly, &right[next_right]));
            }
            next_right += 1;
        }
        let Some(partner) = partner_of_left.get(next_left).copied().flatten() else {
            break;
        };
        rows.push(LayerRow {
            presence: LayerPresence::Shared,
            left: Some(left[next_left].clone()),
            right: Some(right[partner].clone()),
            moved: partner != next_right,
            recompressed: false,
        });
        right_emitted[partner] = true;
        next_left += 1;
    }
    mark_recompressed(&mut rows);
    rows
}

fn one_sided(presence: LayerPresence, layer: &LayerSide) -> LayerRow {
    let (left, right) = match presence {
        LayerPresence::RightOnly => (None, Some(layer.clone())),
        _ => (Some(layer.clone()), None),
    };
    LayerRow {
        presence,
        left,
        right,
        moved: false,
        recompressed: false,
    }
}

fn mark_recompressed(rows: &mut [LayerRow]) {
    let diff_ids = |presence: LayerPresence, rows: &[LayerRow]| -> BTreeSet<String> {
        rows.iter()
            .filter(|row| row.presence == presence)
            .filter_map(|row| row.left.as_ref().or(row.right.as_ref())?.diff_id.clone())
            .collect()
    };
    let left_only = diff_ids(LayerPresence::LeftOnly, rows);
    let right_only = diff_ids(LayerPresence::RightOnly, rows);
    for row in rows.iter_mut() {
        let other = match row.presence {
            LayerPresence::LeftOnly => &right_only,
            LayerPresence::RightOnly => &left_only,
            LayerPresence::Shared => continue,
        };
        let diff_id = row
            .left
            .as_ref()
            .or(row.right.as_ref())
            .and_then(|layer| layer.diff_id.as_ref());
        row.recompressed = diff_id.is_some_and(|diff_id| other.contains(diff_id));
    }
}

fn totals(left: Side<'_>, right: Side<'_>, rows: &[LayerRow]) -> SizeTotals {
    let sum = |presence: LayerPresence| {
        rows.iter()
            .filter(|row| row.presence == presence)
            .fold(0u64, |total, row| total.saturating_add(row.size()))
    };
    SizeTotals {
        left_layers: left.manifest.layers.len(),
        right_layers: right.manifest.layers.len(),
        shared_layers: rows
            .iter()
            .filter(|row| row.presence == LayerPresence::Shared)
            .count(),
        left_bytes: left.manifest.layers_size(),
        right_bytes: right.manifest.layers_size(),
        shared_bytes: sum(LayerPresence::Shared),
        left_only_bytes: sum(LayerPresence::LeftOnly),
        right_only_bytes: sum(LayerPresence::RightOnly),
        left_config: left.manifest.config.size,
        right_config: right.manifest.config.size,
    }
}

fn config_rows(left: &ImageConfig, right: &ImageConfig) -> Vec<FieldDiff> {
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

fn step_sides(side: Side<'_>) -> Vec<StepSide> {
    let alignment = config::align_history(&side.config.history, side.manifest.layers.len());
    alignment
        .steps
        .iter()
        .enumerate()
        .map(|(position, step)| StepSide {
            position,
            created_by: step.entry.created_by.clone().unwrap_or_default(),
            empty_layer: step.entry.empty_layer,
            layer_digest: step
                .layer
                .and_then(|index| side.manifest.layers.get(index))
                .map(|layer| layer.digest.clone()),
        })
        .collect()
}

fn same_step(left: &HistoryEntry, right: &HistoryEntry) -> bool {
    left.created_by == right.created_by && left.empty_layer == right.empty_layer
}

/// Aligns the steps on the longest common run of equal steps (same command, same `empty_layer`); the
/// steps between two equal ones are paired by position as changed, and the rest are on one side only.
fn history_rows(left: Side<'_>, right: Side<'_>) -> Vec<HistoryRow> {
    let (left_steps, right_steps) = (step_sides(left), step_sides(right));
    let (left_history, right_history) = (&left.config.history, &right.config.history);
    let pairs = common_steps(left_history, right_history);
    let mut rows = Vec::with_capacity(left_steps.len().max(right_steps.len()));
    let (mut next_left, mut next_right) = (0usize, 0usize);
    let ends = pairs.into_iter().map(Some).chain(std::iter::once(None));
    for end in ends {
        let (left_end, right_end) = end.unwrap_or((left_steps.len(), right_steps.len()));
        let gap_left = &left_steps[next_left..left_end];
        let gap_right = &right_steps[next_right..right_end];
        for index in 0..gap_left.len().max(gap_right.len()) {
            let (left, right) = (gap_left.get(index), gap_right.get(index));
            let change = match (left, right) {
                (Some(_), Some(_)) => Change::Changed,
                (Some(_), None) => Change::LeftOnly,
                _ => Change::RightOnly,
            };
            rows.push(HistoryRow {
                change,
                left: left.cloned(),
                right: right.cloned(),
            });
        }
        if let Some((left_index, right_index)) = end {
            rows.push(HistoryRow {
                change: Change::Same,
                left: left_steps.get(left_index).cloned(),
                right: right_steps.get(right_index).cloned(),
            });
            next_left = left_index + 1;
            next_right = right_index + 1;
        }
    }
    rows
}

/// Index pairs of equal steps, increasing on both sides: the common prefix and suffix, and between them the
/// longest common subsequence when the table stays small.
fn common_steps(left: &[HistoryEntry], right: &[HistoryEntry]) -> Vec<(usize, usize)> {
    let prefix = left
        .iter()
        .zip(right)
        .take_while(|(left, right)| same_step(left, right))
        .count();
    let suffix = left[prefix..]
        .iter()
        .rev()
        .zip(right[prefix..].iter().rev())
        .take_while(|(left, right)| same_step(left, right))
        .count();
    let middle_left = &left[prefix..left.len() - suffix];
    let middle_right = &right[prefix..right.len() - suffix];
    let mut pairs: Vec<(usize, usize)> = (0..prefix).map(|index| (index, index)).collect();
    let cells = (middle_left.len() + 1).saturating_mul(middle_right.len() + 1);
    if cells <= HISTORY_ALIGNMENT_CELLS {
        pairs.extend(
            longest_common_subsequence(middle_left, middle_right)
                .into_iter()
                .map(|(l, r)| (l + prefix, r + prefix)),
        );
    }
    let (left_tail, right_tail) = (left.len() - suffix, right.len() - suffix);
    pairs.extend((0..suffix).map(|index| (left_tail + index, right_tail + index)));
    pairs
}

fn longest_common_subsequence(
    left: &[HistoryEntry],
    right: &[HistoryEntry],
) -> Vec<(usize, usize)> {
    let width = right.len() + 1;
    // lengths[i * width + j]: the longest common run of left[i..] and right[j..].
    let mut lengths = vec![0u32; (left.len() + 1) * width];
    for i in (0..left.len()).rev() {
        for j in (0..right.len()).rev() {
            lengths[i * width + j] = if same_step(&left[i], &right[j]) {
                lengths[(i + 1) * width + j + 1] + 1
            } else {
                lengths[(i + 1) * width + j].max(lengths[i * width + j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0usize, 0usize);
    while i < left.len() && j < right.len() {
        if same_step(&left[i], &right[j]) {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}
