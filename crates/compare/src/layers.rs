//! Layers side by side: matched by digest, each image's order kept, with the bytes each side adds.

use std::collections::{BTreeSet, HashMap};

use super::Side;

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

pub(super) fn layer_sides(side: Side<'_>) -> Vec<LayerSide> {
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

/// A layer a file-by-file comparison reads, once however many times the two images name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRead {
    /// The layer as the first image to name it lists it.
    pub layer: LayerSide,
    /// Whether the left image has it.
    pub in_left: bool,
    /// Whether the right image has it.
    pub in_right: bool,
}

/// What a file-by-file comparison reads: each distinct layer once (the left image's first), and each
/// image's layers, bottom to top, as positions in that list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LayerReads {
    /// The distinct layers.
    pub layers: Vec<LayerRead>,
    /// The left image's layers, as positions in `layers`.
    pub left: Vec<usize>,
    /// The right image's.
    pub right: Vec<usize>,
}

impl LayerReads {
    /// A layer is the same one on both sides when its digest and the diff_id it is checked against are:
    /// the same compressed bytes checked against another diff_id are read again, so each side's config
    /// gets its own verdict.
    pub fn of(left: Side<'_>, right: Side<'_>) -> LayerReads {
        let mut reads = LayerReads::default();
        let mut known: HashMap<(String, Option<String>), usize> = HashMap::new();
        for (side, is_left) in [(left, true), (right, false)] {
            for layer in layer_sides(side) {
                let key = (layer.digest.clone(), layer.diff_id.clone());
                let at = *known.entry(key).or_insert_with(|| {
                    reads.layers.push(LayerRead {
                        layer,
                        in_left: false,
                        in_right: false,
                    });
                    reads.layers.len() - 1
                });
                let read = &mut reads.layers[at];
                read.in_left |= is_left;
                read.in_right |= !is_left;
                if is_left {
                    reads.left.push(at);
                } else {
                    reads.right.push(at);
                }
            }
        }
        reads
    }

    /// Layers both images have.
    pub fn shared(&self) -> usize {
        self.layers
            .iter()
            .filter(|read| read.in_left && read.in_right)
            .count()
    }
}

/// Pairs the k-th occurrence of a digest on the left with its k-th occurrence on the right, then walks both
/// lists in order: a row for each unpaired left layer, then each unpaired right layer, then the next
/// shared one, so each image's own order is kept and differences at one position sit together.
pub(super) fn layer_rows(left: &[LayerSide], right: &[LayerSide]) -> Vec<LayerRow> {
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

pub(super) fn totals(left: Side<'_>, right: Side<'_>, rows: &[LayerRow]) -> SizeTotals {
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
