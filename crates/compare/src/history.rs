//! Build histories side by side, aligned on their longest run of equal steps.

use strata_image::config::{self, HistoryEntry};

use super::{Change, Side};

/// Above this many cells the history alignment stops looking for the longest common run and pairs the
/// remaining steps by position, so that a hostile config cannot make the page allocate without bound.
const HISTORY_ALIGNMENT_CELLS: usize = 1_000_000;

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
pub(super) fn history_rows(left: Side<'_>, right: Side<'_>) -> Vec<HistoryRow> {
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
