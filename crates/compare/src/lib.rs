//! Two images side by side: which layers they share by digest, how their configs, build histories and
//! files differ, and what that costs in bytes. Two platforms of one index, or any two references.

#![warn(missing_docs)]

mod config_fields;
mod files;
mod history;
mod layers;

pub use config_fields::{ConfigField, EntryDiff, FieldDiff, FieldValues};
pub use files::{
    DIFF_COLUMNS, DiffFilter, Difference, FileDiff, FileDiffCounts, FileDiffRow, diff_rows_csv,
    diff_rows_json,
};
pub use history::{HistoryRow, StepSide};
pub use layers::{LayerPresence, LayerRead, LayerReads, LayerRow, LayerSide, SizeTotals};

use strata_image::config::ImageConfig;
use strata_image::manifest::ImageManifest;

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

    pub(crate) fn of<T: PartialEq>(left: Option<T>, right: Option<T>) -> Change {
        match (left, right) {
            (Some(left), Some(right)) if left == right => Change::Same,
            (Some(_), Some(_)) => Change::Changed,
            (Some(_), None) => Change::LeftOnly,
            (None, Some(_)) => Change::RightOnly,
            (None, None) => Change::Same,
        }
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
    let layers = layers::layer_rows(&layers::layer_sides(left), &layers::layer_sides(right));
    let totals = layers::totals(left, right, &layers);
    Comparison {
        layers,
        totals,
        config: config_fields::config_rows(left.config, right.config),
        history: history::history_rows(left, right),
    }
}
