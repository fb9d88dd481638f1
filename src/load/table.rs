//! The decoded evaluation table: every later computation (metrics, slices,
//! discovery, comparison) reads these plain vectors, never the strings again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use polars::prelude::*;
use polars_arrow::array::PrimitiveArray;
use rayon::prelude::*;

use super::cell_sets::CellSets;
use super::encode::{self, Encoded, MISSING, NULL_CODE};
use super::file_hash::FileHash;
use super::read;
use super::roles::{self, Mapping, ModelColumns, Task};
use super::scores::{self, ScoreOrder};
use crate::error::{Error, Result};

/// Where the data came from and how many rows were used.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DatasetInfo {
    pub path: PathBuf,
    pub rows: usize,
    pub used_rows: usize,
    pub excluded_null_label: usize,
    pub sha256: FileHash,
    /// Graded evaluations: the examples the rows' runs were averaged into.
    pub examples: Option<usize>,
}

/// The label, per used row.
#[derive(Debug, Clone)]
pub enum Target {
    /// Class codes into [`EvalTable::classes`] (binary: 0 negative, 1 positive).
    Classes(Vec<u32>),
    Values(Vec<f64>),
}

/// A model's predicted labels, per used row. A null is [`NULL_CODE`] or NaN.
#[derive(Debug, Clone)]
pub enum Prediction {
    Classes(Vec<u32>),
    Values(Vec<f64>),
}

/// A model's scores by row, shared: with the kept frame's column when that is
/// already what decoding makes of it (one chunk, NaN under nulls: see
/// [`super::float_columns`]), else a decoded copy.
pub type Scores = polars_buffer::Buffer<f64>;

/// A model's predicted labels: decoded from the file, or a threshold on its
/// scores made into labels on the first read. A threshold move needs only the
/// confusion cells (a byte a row, [`ModelData::cells`]); the labels (four bytes
/// a row, 80 MB at 10M rows and two models) are made only for a reader that
/// wants them.
#[derive(Debug, Clone)]
pub struct Predictions {
    made: Arc<OnceLock<Prediction>>,
    /// The scores and threshold the labels are made from, when not given.
    at: Option<(Scores, f64)>,
}

impl Predictions {
    /// Labels decoded or derived at load.
    pub fn given(pred: Prediction) -> Predictions {
        Predictions {
            made: Arc::new(OnceLock::from(pred)),
            at: None,
        }
    }

    /// `score >= threshold` (null where the score is), made on first read.
    pub fn at_threshold(score: Scores, threshold: f64) -> Predictions {
        Predictions {
            made: Arc::new(OnceLock::new()),
            at: Some((score, threshold)),
        }
    }

    /// Whether the labels exist yet (a threshold's are made on first read).
    pub fn is_made(&self) -> bool {
        self.made.get().is_some()
    }

    /// The labels, made now if they are a threshold's and no one read them yet
    /// (every constructor gives either the labels or what makes them).
    pub fn get(&self) -> &Prediction {
        self.made.get_or_init(|| match &self.at {
            Some((score, threshold)) => Prediction::Classes(threshold_classes(score, *threshold)),
            None => Prediction::Classes(Vec::new()),
        })
    }
}

/// A score's class at `threshold`: 1 where `score >= threshold`, [`NULL_CODE`]
/// where the score is null, else 0.
#[inline]
fn class_at(score: f64, threshold: f64) -> u32 {
    if score.is_nan() {
        NULL_CODE
    } else {
        u32::from(score >= threshold)
    }
}

/// Each row's [`class_at`] the threshold.
fn threshold_classes(score: &[f64], threshold: f64) -> Vec<u32> {
    const CHUNK: usize = 1 << 16;
    let mut pred = vec![0u32; score.len()];
    pred.par_chunks_mut(CHUNK)
        .zip(score.par_chunks(CHUNK))
        .for_each(|(pred, score)| {
            for (c, &p) in pred.iter_mut().zip(score) {
                *c = class_at(p, threshold);
            }
        });
    pred
}

/// Each row's [`confusion_cell`] at `threshold` straight from the scores and
/// labels, and how many scores are null (null predictions).
fn threshold_cells(score: &[f64], y: &[u32], threshold: f64) -> (Vec<u8>, usize) {
    const CHUNK: usize = 1 << 16;
    let mut cells = vec![0u8; score.len()];
    let nulls = cells
        .par_chunks_mut(CHUNK)
        .zip(score.par_chunks(CHUNK).zip(y.par_chunks(CHUNK)))
        .map(|(cells, (score, y))| {
            let mut nulls = 0;
            for ((c, &p), &y) in cells.iter_mut().zip(score).zip(y) {
                *c = confusion_cell(class_at(p, threshold), y);
                nulls += usize::from(p.is_nan());
            }
            nulls
        })
        .sum();
    (cells, nulls)
}

/// The cells at `threshold` from the score order and the cells of any other
/// labels (which give each row's label, their low bit): every row starts as
/// the class most scored rows take, then the rest of the order (a prefix or a
/// suffix, at most half) and the null-score rows are set. Reads the cells, a
/// byte a row kept warm by the overview's counts, and writes at most half the
/// rows at random, where [`threshold_cells`] reads every score and label (12
/// bytes a row): on this project's VM a first read of arrays left cold since
/// the load is slow (re-making two models' predictions from their scores took
/// 110-145 ms in the window at 10M rows, 20-40 ms warm).
fn cells_from_order(cells: &[u8], order: &ScoreOrder, threshold: f64) -> Vec<u8> {
    let (positive, minority) = order.minority_at(threshold);
    let (start, delta) = if positive {
        (2u8, 2u8.wrapping_neg())
    } else {
        (0, 2)
    };
    let flip = &order.rows[minority];
    let mut out: Vec<u8> = cells.par_iter().map(|&c| (c & 1) + start).collect();
    for &row in flip {
        let c = &mut out[row as usize];
        *c = c.wrapping_add(delta);
    }
    for &row in &order.nulls {
        let c = &mut out[row as usize];
        *c = (*c & 1) + 4;
    }
    out
}

/// What a moved threshold's cells are made from, when first read
/// ([`ModelData::cells`], by [`cells_from_order`]). Until then, a slice
/// table's confusion counts come from the same two parts without them
/// (`metrics::binary`): no byte a row is written (20 MB of fresh pages at 10M
/// rows and two models, the larger part of opening a view after a threshold
/// move).
#[derive(Debug, Clone)]
pub struct MovedCells {
    /// The cells as loaded: each row's label is their low bit.
    pub loaded: Arc<OnceLock<Vec<u8>>>,
    pub order: Arc<OnceLock<ScoreOrder>>,
    pub threshold: f64,
}

impl MovedCells {
    /// The loaded cells and the score order, when both are made.
    pub fn parts(&self) -> Option<(&[u8], &ScoreOrder)> {
        Some((self.loaded.get()?, self.order.get()?))
    }
}

/// One model's decoded outputs.
#[derive(Debug, Clone)]
pub struct ModelData {
    pub name: String,
    pub columns: ModelColumns,
    /// Read through [`ModelData::pred`].
    pub predictions: Predictions,
    /// Binary positive-class probability; NaN where null.
    pub score: Option<Scores>,
    /// Multiclass per-class probabilities, `probs[class][row]`, where given.
    pub probs: Option<Arc<Vec<Vec<f64>>>>,
    pub null_predictions: usize,
    /// Rows by descending score, built on first use and shared by every slice.
    pub score_order_cache: Arc<OnceLock<ScoreOrder>>,
    /// The log loss of each row of the score order, in that order, built on first
    /// use (a logarithm per row is the costliest part of a metrics pass, and it
    /// depends only on the label and the score).
    pub log_loss_cache: Arc<OnceLock<Vec<f64>>>,
    /// Binary: each row's confusion cell ([`confusion_cell`]), one byte a row, so
    /// that a count reads a byte where the label and prediction take eight. Built
    /// on first use; it belongs to `pred` and is emptied when `pred` is replaced.
    pub cells_cache: Arc<OnceLock<Vec<u8>>>,
    /// The cells as bits, for counting a cohort's ([`CellSets`]); built on
    /// first use, and emptied with the cells.
    pub cell_sets_cache: Arc<OnceLock<CellSets>>,
    /// A buffer for a cohort's rows of the score order, ready for the next
    /// cohort change ([`crate::load::scores::RowsSpare`]).
    pub cohort_rows_spare: Arc<crate::load::scores::RowsSpare>,
    /// At a moved threshold ([`EvalTable::with_threshold`]), what its cells are
    /// made from when first read.
    pub moved_cells: Option<MovedCells>,
    /// Graded: the model's grades per example (runs averaged).
    pub grades: Option<Arc<Grades>>,
}

impl ModelData {
    /// The model's predicted labels (see [`Predictions`]).
    pub fn pred(&self) -> &Prediction {
        self.predictions.get()
    }

    /// The log loss of each row of [`ModelData::score_order`] (sklearn's
    /// clipping), in that order; made by
    /// [`EvalTable::prepare_cohort_changes`] (a walk without it takes the
    /// logarithms itself).
    pub fn order_log_loss(&self, target: &Target) -> &[f64] {
        self.log_loss_cache
            .get_or_init(|| scores::order_log_loss(self.score_order(target)))
    }

    /// Each row's [`confusion_cell`] (empty unless binary).
    pub fn cells(&self, target: &Target) -> &[u8] {
        self.cells_cache.get_or_init(|| {
            if let Some(moved) = &self.moved_cells
                && let Some((loaded, order)) = moved.parts()
            {
                return cells_from_order(loaded, order, moved.threshold);
            }
            match (self.pred(), target) {
                (Prediction::Classes(p), Target::Classes(y)) => p
                    .par_iter()
                    .zip(y.par_iter())
                    .map(|(&p, &y)| confusion_cell(p, y))
                    .collect(),
                _ => Vec::new(),
            }
        })
    }

    /// The cells when made, or when they can be made without the predicted
    /// labels (at a moved threshold): a reader that would otherwise compare
    /// labels and predictions reads a byte a row instead.
    pub fn cells_at_hand(&self, target: &Target) -> Option<&[u8]> {
        match self.cells_cache.get() {
            Some(cells) => Some(cells),
            None if self.moved_cells.is_some() => Some(self.cells(target)),
            None => None,
        }
    }

    /// [`ModelData::cells`] as bits ([`CellSets`]).
    pub fn cell_sets(&self, target: &Target) -> &CellSets {
        self.cell_sets_cache
            .get_or_init(|| CellSets::of(self.cells(target)))
    }

    /// Sorts the scores of `models` not sorted yet: side by side, one model per
    /// thread, when there are at least as many as threads (see
    /// [`scores::score_order_sequential`]); else each with a parallel sort.
    pub fn sort_scores(models: &[ModelData], target: &Target) {
        if !Self::sorts_side_by_side(models) {
            models.iter().for_each(|m| {
                m.score_order(target);
            });
            return;
        }
        models.par_iter().for_each(|m| m.sort_sequential(target));
    }

    /// Whether the scores of `models` not sorted yet are as many as the threads
    /// (and at least two), so that each is sorted on one thread, side by side.
    pub fn sorts_side_by_side(models: &[ModelData]) -> bool {
        let unsorted = models
            .iter()
            .filter(|m| m.score.is_some() && m.score_order_cache.get().is_none())
            .count();
        unsorted >= 2 && unsorted >= rayon::current_num_threads()
    }

    /// Sorts this model's scores on the calling thread, if not sorted yet
    /// ([`ModelData::sorts_side_by_side`]).
    pub fn sort_sequential(&self, target: &Target) {
        if let (Some(score), Target::Classes(y)) = (&self.score, target) {
            self.score_order_cache
                .get_or_init(|| scores::score_order_sequential(score, y));
        }
    }

    /// Rows with a non-null score, highest first (empty without a score).
    pub fn score_order(&self, target: &Target) -> &ScoreOrder {
        self.score_order_cache
            .get_or_init(|| match (&self.score, target) {
                (Some(score), Target::Classes(y)) => scores::score_order(score, y),
                _ => ScoreOrder::default(),
            })
    }
}

/// A binary row's confusion cell, `2 * kind + positive`: kind 0 for a negative
/// prediction, 1 for a positive one, 2 for a null.
#[inline]
pub fn confusion_cell(pred: u32, label: u32) -> u8 {
    2 * (u8::from(pred == 1) + 2 * u8::from(pred == NULL_CODE)) + u8::from(label == 1)
}

/// One graded model's grades per example (runs averaged).
#[derive(Debug, Clone, Default)]
pub struct Grades {
    /// Mean pass over the example's runs (1 pass, 0 fail, 0.5 partial); NaN where
    /// the example has no pass/fail grade.
    pub pass: Option<Vec<f64>>,
    /// Sum of pass values over the runs, and the runs graded (for pass@k).
    pub passes: Vec<f64>,
    pub pass_runs: Vec<u32>,
    /// Within-example sample variance (ddof 1) of pass; NaN with fewer than 2 runs.
    pub pass_var: Vec<f64>,
    /// Mean numeric grade; NaN where none.
    pub score: Option<Vec<f64>>,
    pub score_runs: Vec<u32>,
    pub score_var: Vec<f64>,
    /// A human's pass/fail verdict (mean over runs), for agreement; NaN where none.
    pub human: Option<Vec<f64>>,
    /// The columns these came from (and the model's response and rationale).
    pub columns: roles::GradedColumns,
}

impl Grades {
    /// The failure per example in [0, 1]: 1 - pass, or for a model with only
    /// scores, how far below its best score it is (as a share of its range).
    /// Failure clusters search it and token features are chosen by it.
    pub fn failure(&self) -> Option<Vec<f64>> {
        if let Some(p) = &self.pass {
            return Some(p.iter().map(|x| 1.0 - x).collect());
        }
        let s = self.score.as_ref()?;
        let (lo, hi) = s
            .iter()
            .filter(|x| !x.is_nan())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        if hi <= lo {
            return None;
        }
        Some(s.iter().map(|x| (hi - x) / (hi - lo)).collect())
    }
}

/// How a feature column is used.
#[derive(Debug, Clone, PartialEq)]
pub enum FeatureKind {
    Categorical,
    /// Quantile-binned (range filters read the raw values from the frame).
    Numeric,
    /// Long free text: shown and searchable, not sliced.
    Text,
}

/// A feature column with its slice codes (bins for numeric columns).
#[derive(Debug, Clone)]
pub struct Feature {
    pub name: String,
    pub kind: FeatureKind,
    pub codes: Encoded<encode::Codes>,
}

impl Feature {
    /// The slice value text of a code, `(missing)` for null.
    pub fn level(&self, code: u32) -> &str {
        if code == NULL_CODE {
            MISSING
        } else {
            &self.codes.levels[code as usize]
        }
    }

    pub fn is_sliceable(&self) -> bool {
        self.kind != FeatureKind::Text
    }
}

/// Options that shape decoding.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Quantile bins for numeric features.
    pub bins: usize,
    /// Decode only these features (None: all). The CLI passes its `--by` columns so
    /// that a metrics run does not pay for columns it never slices.
    pub features: Option<Vec<String>>,
    /// Keep the whole raw frame (the window shows rows from it). The command line
    /// turns it off, and large Parquet files then decode one feature at a time.
    pub keep_frame: bool,
    /// The input's format and encoding, and the control that cancels the load
    /// (the window's Cancel) and reports its progress.
    pub read: read::ReadOptions,
    /// Numeric features sliced by their values (up to [`MAX_VALUE_GROUPS`]) rather
    /// than binned: sensitive features, whose groups are their values (Fairlearn).
    pub by_value: Vec<String>,
    /// Leave a Parquet file's id column out of the load, for the window to read
    /// once the first overview is on screen ([`super::open::deferred_columns`]):
    /// no number reads it, and at 10M rows its text was a sixth of the load.
    pub defer_id: bool,
    /// With `defer_id`, leave the feature columns out too: the first overview
    /// reads only the label and the models' columns, and at 10M rows the
    /// features were two fifths of the load. The window decodes them once the
    /// first overview is on screen ([`super::open::decode_deferred_features`]).
    pub defer_features: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            bins: 5,
            features: None,
            keep_frame: true,
            read: read::ReadOptions::default(),
            by_value: Vec::new(),
            defer_id: false,
            defer_features: false,
        }
    }
}

/// The compact evaluation table. Rows whose label is null are left out at decode
/// time; `row_index` maps each used row back to its row in the file.
#[derive(Debug, Clone)]
pub struct EvalTable {
    pub dataset: DatasetInfo,
    pub task: Task,
    pub label_column: String,
    pub id_column: Option<String>,
    pub target: Arc<Target>,
    /// Class names (binary: `[negative, positive]`); empty for regression.
    pub classes: Vec<String>,
    pub models: Vec<ModelData>,
    pub features: Arc<Vec<Feature>>,
    pub row_index: Arc<Vec<u32>>,
    pub threshold: f64,
    /// The cluster of each used row (`--cluster`), for clustered standard errors.
    pub clusters: Option<Arc<Vec<u32>>>,
    pub cluster_column: Option<String>,
    /// Parameters of the metrics that are not part of reading the file.
    pub params: MetricParams,
    /// Ranking: which query each row belongs to.
    pub queries: Option<Arc<Queries>>,
    /// A buffer for the next cohort's mask, a byte a row, its pages written
    /// while idle ([`EvalTable::prepare_cohort_changes`]): at 10M rows a fresh
    /// one took 17-26 ms of a cohort change, mostly page faults.
    pub mask_spare: Arc<crate::spare::Spare<bool>>,
    /// A buffer for the next slice table's per-row keys and slice ids, a byte
    /// a row (`grouping::group_by`), its pages written while idle and handed
    /// back by each slice table once counted (`analysis::slices`): at 10M
    /// rows a fresh one took about half of opening Slices in page faults.
    pub group_ids_spare: Arc<crate::spare::Spare<u8>>,
}

/// The queries of a ranking table: the used rows grouped by query, so that every
/// per-query metric walks one contiguous run of row indices.
#[derive(Debug, Clone, Default)]
pub struct Queries {
    pub column: String,
    /// The query's name (the column's value), per query.
    pub names: Vec<String>,
    /// Used-row indices, query by query (file order within a query).
    pub order: Vec<u32>,
    /// Query q's rows are `order[starts[q]..starts[q + 1]]`.
    pub starts: Vec<u32>,
}

impl Queries {
    /// Groups used rows by their query code (codes in `0..n_queries`).
    pub fn from_codes(column: String, names: Vec<String>, codes: &[u32]) -> Queries {
        let n = names.len();
        let mut starts = vec![0u32; n + 1];
        for &c in codes {
            starts[c as usize + 1] += 1;
        }
        for q in 0..n {
            starts[q + 1] += starts[q];
        }
        let mut next: Vec<u32> = starts[..n].to_vec();
        let mut order = vec![0u32; codes.len()];
        for (r, &c) in codes.iter().enumerate() {
            order[next[c as usize] as usize] = r as u32;
            next[c as usize] += 1;
        }
        Queries {
            column,
            names,
            order,
            starts,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The used-row indices of query `q`.
    pub fn rows(&self, q: usize) -> &[u32] {
        &self.order[self.starts[q] as usize..self.starts[q + 1] as usize]
    }
}

/// Metric parameters chosen on the command line or in the window.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MetricParams {
    /// Graded: the k of pass@k (`--k`).
    pub k: Option<u32>,
    /// Ranking: the cutoffs of NDCG@k, precision@k and recall@k (`--k 5,10`).
    pub ks: Vec<u32>,
    /// Calibration: equal-width (and equal-mass) bins (`--calibration-bins`).
    pub calibration_bins: Option<usize>,
    /// Cost of a threshold: `(false positive, false negative)` (`--cost-fp`, `--cost-fn`).
    pub cost: Option<(f64, f64)>,
    /// Fairness: the sensitive feature columns (`--sensitive`).
    pub sensitive: Vec<String>,
}

impl MetricParams {
    /// Ranking cutoffs in force (default 5 and 10).
    pub fn ranking_ks(&self) -> Vec<u32> {
        if self.ks.is_empty() {
            vec![5, 10]
        } else {
            self.ks.clone()
        }
    }

    /// Calibration bins in force (default 10).
    pub fn bins(&self) -> usize {
        self.calibration_bins.unwrap_or(10).max(1)
    }
}

impl EvalTable {
    pub fn len(&self) -> usize {
        self.row_index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_index.is_empty()
    }

    pub fn model_names(&self) -> Vec<String> {
        self.models.iter().map(|m| m.name.clone()).collect()
    }

    /// Makes what later cohort changes read and the first overview does not
    /// need: each sorted model's row positions in its score order
    /// ([`ScoreOrder::positions`]), its rows' log losses
    /// ([`ModelData::order_log_loss`]), a buffer for a cohort's rows of it
    /// ([`crate::load::scores::RowsSpare`]) and its cells as bits
    /// ([`ModelData::cell_sets`]), one model after the other on one thread,
    /// then a buffer for the next cohort's mask ([`EvalTable::mask_spare`]) and
    /// one for the next slice table's ids ([`EvalTable::group_ids_spare`]). The
    /// window runs it in the background once the first overview is on screen
    /// (the other core stays free for drawing); a one-off command-line run
    /// never needs it. Nothing to do if it was made.
    pub fn prepare_cohort_changes(&self) {
        let rows = self.len();
        self.models.iter().for_each(|m| {
            if let Some(order) = m.score_order_cache.get().filter(|o| !o.is_empty()) {
                order.positions(rows);
                m.order_log_loss(&self.target);
                m.cohort_rows_spare.fill_rows(order.len());
                m.cell_sets(&self.target);
            }
        });
        self.mask_spare.fill(rows, true);
        self.group_ids_spare.fill(rows, u8::MAX);
    }

    /// Whether [`EvalTable::prepare_cohort_changes`] has nothing left to make.
    pub fn cohort_changes_prepared(&self) -> bool {
        self.mask_spare.capacity() >= self.len()
            && self.group_ids_spare.capacity() >= self.len()
            && self.models.iter().all(|m| {
                m.score_order_cache.get().is_none_or(|o| {
                    o.is_empty()
                        || (o.made_positions().is_some()
                            && m.log_loss_cache.get().is_some()
                            && m.cell_sets_cache.get().is_some()
                            && m.cohort_rows_spare.capacity() >= o.len())
                })
            })
    }

    /// Finds a model by name, or says which models exist.
    pub fn model_index(&self, name: &str) -> Result<usize> {
        self.models
            .iter()
            .position(|m| m.name == name)
            .ok_or_else(|| Error::UnknownModel {
                path: self.dataset.path.clone(),
                model: name.to_string(),
                known: self.model_names().join(", "),
            })
    }

    /// Finds a sliceable feature by name (exact, then case-insensitive).
    pub fn feature_index(&self, name: &str) -> Result<usize> {
        let i = self
            .features
            .iter()
            .position(|f| f.name == name)
            .or_else(|| {
                self.features
                    .iter()
                    .position(|f| f.name.eq_ignore_ascii_case(name))
            })
            .ok_or_else(|| Error::MissingColumn {
                path: self.dataset.path.clone(),
                column: name.to_string(),
                hint: format!(
                    "not a feature column; features are {}",
                    roles::list(
                        &self
                            .features
                            .iter()
                            .map(|f| f.name.clone())
                            .collect::<Vec<_>>()
                    )
                ),
            })?;
        if !self.features[i].is_sliceable() {
            return Err(Error::BadColumn {
                path: self.dataset.path.clone(),
                column: self.features[i].name.clone(),
                detail: "long free text is searchable but cannot be sliced".into(),
            });
        }
        Ok(i)
    }

    /// The same table with every scored binary model's prediction re-made as
    /// `score >= threshold`. Cheap: the columns are shared, and a scored model
    /// whose score order and loaded cells are at hand gets only what its cells
    /// are made of on first read ([`MovedCells`]); without them, its cells
    /// straight from the scores, a byte a row. Its labels are made on first
    /// read ([`Predictions`]).
    pub fn with_threshold(&self, threshold: f64) -> EvalTable {
        let mut t = self.clone();
        t.threshold = threshold;
        if t.task != Task::Binary {
            return t;
        }
        let Target::Classes(y) = t.target.as_ref() else {
            return t;
        };
        let y = y.as_slice();
        t.models.par_iter_mut().for_each(|m| {
            if let Some(score) = &m.score {
                // The labels wait for a reader, and so do the cells when they can
                // be made later from the score order and the loaded cells' labels
                // (a moved table's own recipe when moved again).
                let loaded = match &m.moved_cells {
                    Some(moved) => moved.loaded.clone(),
                    None => m.cells_cache.clone(),
                };
                let moved = MovedCells {
                    loaded,
                    order: m.score_order_cache.clone(),
                    threshold,
                };
                match moved.parts() {
                    Some((cells, order)) if cells.len() == score.len() => {
                        m.null_predictions = order.nulls.len();
                        m.cells_cache = Arc::default();
                        m.moved_cells = Some(moved);
                    }
                    _ => {
                        let (cells, nulls) = threshold_cells(score, y, threshold);
                        m.null_predictions = nulls;
                        m.cells_cache = Arc::new(OnceLock::from(cells));
                        m.moved_cells = None;
                    }
                }
                m.predictions = Predictions::at_threshold(score.clone(), threshold);
                m.cell_sets_cache = Arc::default();
            }
        });
        t
    }

    /// Per-row correctness of a classification model (null predictions are wrong).
    pub fn correct(&self, model: usize) -> Option<Vec<bool>> {
        let m = self.models.get(model)?;
        // A binary model's cells say it in a byte a row, and a moved threshold
        // has them without its labels.
        if let Some(cells) = m.cells_at_hand(&self.target).filter(|c| !c.is_empty()) {
            // Cell 0: negative predicted negative; 3: positive predicted positive.
            return Some(cells.par_iter().map(|&c| c == 0 || c == 3).collect());
        }
        match (self.target.as_ref(), m.pred()) {
            (Target::Classes(y), Prediction::Classes(p)) => {
                Some(y.iter().zip(p).map(|(a, b)| a == b).collect())
            }
            _ => None,
        }
    }
}

/// A loaded file: the raw frame (for showing rows) and its decoded table.
pub struct Loaded {
    pub frame: DataFrame,
    pub table: EvalTable,
    /// The file's columns left out of `frame` for now ([`LoadOptions::defer_id`]),
    /// for [`super::kept_frame::read_deferred`].
    pub deferred: Vec<String>,
    /// Whether the table's features are among them, still to be decoded
    /// ([`LoadOptions::defer_features`]); until then the table has none.
    pub features_deferred: bool,
    /// Wall time spent reading the file and decoding it, for benchmarks.
    pub read_time: std::time::Duration,
    pub decode_time: std::time::Duration,
}

/// Parquet without keeping the frame: read the role columns, then each feature
/// column on its own while decoding (the command line's path for large files).
pub(crate) fn load_streaming(
    path: &Path,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<Loaded> {
    let start = std::time::Instant::now();
    let names = read::parquet_column_names(path)?;
    // The id column only matters for joins; it is read when named explicitly.
    let mut roles_only = roles::needed_columns(path, &names, mapping, &[]);
    if mapping.id.is_some()
        && let Ok(Some(id)) = roles::id_column(path, &names, mapping)
        && !roles_only.contains(&id)
    {
        roles_only.push(id);
    }
    let keep = roles_only.clone();
    let select = move |_: &[String]| keep.clone();
    let (frame, sha) = read::read_frame_projected(path, Some(&select), &options.read)?;
    let read_time = start.elapsed();
    let start = std::time::Instant::now();
    let fetch = |name: &str| -> PolarsResult<Column> {
        let file = std::fs::File::open(path).map_err(|e| PolarsError::IO {
            error: std::sync::Arc::new(e),
            msg: None,
        })?;
        let df = ParquetReader::new(file)
            .with_columns(Some(vec![name.to_string()]))
            .finish()?;
        df.column(name).cloned()
    };
    let table = decode_with(
        path,
        std::borrow::Cow::Owned(frame),
        &names,
        Elsewhere::Fetch(&fetch),
        sha,
        mapping,
        options,
    )?;
    Ok(Loaded {
        frame: DataFrame::empty(),
        table,
        deferred: Vec::new(),
        features_deferred: false,
        read_time,
        decode_time: start.elapsed(),
    })
}

/// The file's stem, the name of a model whose columns carry none.
fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("model")
        .to_string()
}

const POSITIVE_WORDS: &[&str] = &["1", "true", "yes", "positive"];

/// Decodes a frame into an [`EvalTable`], applying every rule of contract section 1.
pub fn decode(
    path: &Path,
    frame: &DataFrame,
    sha256: FileHash,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<EvalTable> {
    decode_without(path, frame, &[], sha256, mapping, options)
}

/// [`decode`] of a frame from which the file's columns `absent` were left out
/// (a deferred id, [`LoadOptions::defer_id`]): the roles are found among every
/// column of the file, so the table is the one the whole frame decodes to.
pub fn decode_without(
    path: &Path,
    frame: &DataFrame,
    absent: &[String],
    sha256: FileHash,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<EvalTable> {
    let all: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .chain(absent.iter().cloned())
        .collect();
    decode_with(
        path,
        std::borrow::Cow::Borrowed(frame),
        &all,
        Elsewhere::Later(absent),
        sha256,
        mapping,
        options,
    )
}

/// Reads one feature column from the file when it is not in the frame.
type Fetch<'a> = &'a (dyn Fn(&str) -> PolarsResult<Column> + Sync);

/// Where a decode finds the feature columns its frame does not hold.
enum Elsewhere<'a> {
    /// In the file, read one at a time (the command line's streaming load).
    Fetch(Fetch<'a>),
    /// Among these columns, left for later: their features are not decoded
    /// now ([`LoadOptions::defer_features`]); a deferred id is never one.
    Later(&'a [String]),
}

/// The label's levels, then each prediction column's levels not among them, in
/// order of first appearance. A set beside the list: with tens of thousands of
/// classes, a search of the list for each level took seconds.
fn levels_with_predictions(label: &[String], predictions: &[Option<Encoded>]) -> Vec<String> {
    let mut values = label.to_vec();
    let mut seen: HashSet<&str> = label.iter().map(String::as_str).collect();
    for e in predictions.iter().flatten() {
        for l in &e.levels {
            if seen.insert(l) {
                values.push(l.clone());
            }
        }
    }
    values
}

/// [`decode`] where `frame` may hold only the role columns: features missing from
/// it are read one at a time with `fetch` and dropped once coded, so that peak
/// memory holds one or two raw feature columns instead of all of them.
fn decode_with(
    path: &Path,
    frame: std::borrow::Cow<'_, DataFrame>,
    all_columns: &[String],
    elsewhere: Elsewhere,
    sha256: FileHash,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<EvalTable> {
    let columns: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let label_name = roles::label_column(path, &columns, mapping)?;
    // By name over every column: the id is never a feature, read or not.
    let id_name = roles::id_column(path, all_columns, mapping)?;
    let query_name = roles::query_column(path, all_columns, mapping)?;
    let polars_err = |column: &str, e: PolarsError| bad_column(path, column, e);
    let column =
        |name: &str| -> Result<&Column> { frame.column(name).map_err(|e| polars_err(name, e)) };

    let label_col = column(&label_name)?;
    let mut label_enc =
        encode::encode_categorical(label_col).map_err(|e| polars_err(&label_name, e))?;
    // Most files label every row: then every row is used, written in parallel
    // with no test a row.
    let used: Vec<u32> = if label_enc.codes.par_iter().all(|&c| c != NULL_CODE) {
        (0..frame.height() as u32).into_par_iter().collect()
    } else {
        (0..frame.height() as u32)
            .filter(|&r| label_enc.codes[r as usize] != NULL_CODE)
            .collect()
    };
    if used.is_empty() {
        return Err(Error::BadColumn {
            path: path.to_path_buf(),
            column: label_name,
            detail: "every label is null: nothing to evaluate".into(),
        });
    }
    let label_numeric = label_col.dtype().is_primitive_numeric();
    let task = match mapping.task {
        Some(t) => t,
        None if query_name.is_some() => Task::Ranking,
        // Rows that all carry one label value (an all-negative cohort, a one-row
        // file) are still binary when a model scores them with a probability.
        None if label_enc.levels.len() == 1 && {
            let taken: Vec<&str> = std::iter::once(label_name.as_str())
                .chain(id_name.as_deref())
                .collect();
            roles::model_columns(
                path,
                &columns,
                &taken,
                mapping,
                Task::Binary,
                &label_enc.levels,
                &stem(path),
            )
            .is_ok_and(|ms| ms.iter().any(|m| m.score.is_some()))
        } =>
        {
            Task::Binary
        }
        None => infer_task(&label_enc, label_col.dtype()),
    };
    let bad_value = |column: &str, row: usize, detail: String| Error::BadValue {
        path: path.to_path_buf(),
        column: column.to_string(),
        row: row + 1,
        detail,
    };

    // The label must fit the task.
    match task {
        Task::Regression | Task::Ranking if !label_numeric => {
            let row = used
                .iter()
                .map(|&r| r as usize)
                .find(|&r| {
                    label_enc.levels[label_enc.codes[r] as usize]
                        .trim()
                        .parse::<f64>()
                        .is_err()
                })
                .unwrap_or(used[0] as usize);
            return Err(bad_value(
                &label_name,
                row,
                format!(
                    "label {:?} is not a number, but the task is {}{}",
                    label_enc.levels[label_enc.codes[row] as usize],
                    task.as_str(),
                    if task == Task::Ranking {
                        " (a relevance must be a number: 0/1 or graded 0, 1, 2, ...)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Task::Ranking if query_name.is_none() => {
            return Err(Error::MissingColumn {
                path: path.to_path_buf(),
                column: "query_id".into(),
                hint: format!(
                    "a ranking file needs a query column: name it query_id or qid, or pass --query COL; columns are {}",
                    roles::list(&columns)
                ),
            });
        }
        Task::Binary if label_enc.levels.len() > 2 => {
            let row = first_row_with_code_at_least(&label_enc.codes, &used, 2);
            return Err(bad_value(
                &label_name,
                row,
                format!(
                    "the task is binary but the label has {} distinct values ({})",
                    label_enc.levels.len(),
                    preview(&label_enc.levels)
                ),
            ));
        }
        Task::Multiclass if label_numeric => {
            if let Some(&r) = used.iter().find(|&&r| {
                let l = &label_enc.levels[label_enc.codes[r as usize] as usize];
                l.contains('.') || l.contains('e') || l.contains("inf") || l.contains("NaN")
            }) {
                return Err(bad_value(
                    &label_name,
                    r as usize,
                    format!(
                        "label {} is not a whole number; multiclass labels must be strings or integers (use --task regression)",
                        label_enc.levels[label_enc.codes[r as usize] as usize]
                    ),
                ));
            }
        }
        _ => {}
    }

    // A ranking file's items are identified, not sliced.
    let id_name = match (id_name, task) {
        (None, Task::Ranking) => roles::item_column(all_columns),
        (id, _) => id,
    };
    // Model columns need the classes for `prob_NAME_C` names.
    let mut taken: Vec<&str> = vec![label_name.as_str()];
    if let Some(id) = &id_name {
        taken.push(id);
    }
    if let Some(q) = &query_name {
        taken.push(q);
    }
    let model_cols = roles::model_columns(
        path,
        &columns,
        &taken,
        mapping,
        task,
        &label_enc.levels,
        &stem(path),
    )?;

    // Decode every model's prediction column once.
    let pred_enc: Vec<Option<Encoded>> = model_cols
        .par_iter()
        .map(|m| match (&m.pred, task) {
            (Some(c), Task::Binary | Task::Multiclass) => encode::encode_categorical(column(c)?)
                .map(Some)
                .map_err(|e| polars_err(c, e)),
            _ => Ok(None),
        })
        .collect::<Result<_>>()?;

    let threshold = mapping.threshold();
    let classes: Vec<String> = match task {
        Task::Regression | Task::Graded | Task::Ranking => Vec::new(),
        Task::Binary => {
            // The predictions name the classes only when the labels hold fewer
            // than two.
            let values = if label_enc.levels.len() < 2 {
                levels_with_predictions(&label_enc.levels, &pred_enc)
            } else {
                label_enc.levels.clone()
            };
            binary_classes(path, &label_name, values, mapping.positive.as_deref())?
        }
        Task::Multiclass => {
            let mut values = levels_with_predictions(&label_enc.levels, &pred_enc);
            sort_classes(&mut values, label_numeric);
            values
        }
    };
    let class_index: HashMap<&str, u32> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as u32))
        .collect();

    let target = match task {
        Task::Regression => Target::Values(numbers(path, label_col, "a regression label", &used)?),
        Task::Ranking => {
            let rel = numbers(path, label_col, "a relevance label", &used)?;
            if let Some(i) = rel.iter().position(|&r| r < 0.0) {
                return Err(bad_value(
                    &label_name,
                    used[i] as usize,
                    format!(
                        "relevance {} is negative; relevance grades are 0 (not relevant) or more",
                        rel[i]
                    ),
                ));
            }
            Target::Values(rel)
        }
        _ => {
            let map = level_map(&label_enc.levels, &class_index);
            // Each used row's code becomes its class in place: when every row
            // is used, in the codes' own buffer (no fresh pages).
            let mut codes = pick(std::mem::take(&mut label_enc.codes), &used);
            codes.par_iter_mut().for_each(|c| *c = map[*c as usize]);
            Target::Classes(codes)
        }
    };

    let models = model_cols
        .into_par_iter()
        .zip(pred_enc)
        .map(|(cols, enc)| {
            decode_model(
                path,
                &frame,
                &used,
                task,
                &classes,
                &class_index,
                cols,
                enc,
                threshold,
            )
        })
        .collect::<Result<Vec<_>>>()?;

    let queries = match (&query_name, task) {
        (Some(q), Task::Ranking) => Some(Arc::new(decode_queries(path, column(q)?, &used)?)),
        _ => None,
    };

    // An owned frame holds only role columns: free it before the features come in.
    let total_rows = frame.height();
    let frame: Option<&DataFrame> = match frame {
        std::borrow::Cow::Borrowed(f) => Some(f),
        std::borrow::Cow::Owned(f) => {
            drop(f);
            None
        }
    };

    // Features: every other column, decoded in parallel.
    let mut role_cols: Vec<&str> = taken.clone();
    for m in &models {
        role_cols.extend(m.columns.columns());
    }
    let mut wanted = feature_columns(path, all_columns, &role_cols, mapping, options)?;
    let fetch = match elsewhere {
        Elsewhere::Fetch(fetch) => Some(fetch),
        Elsewhere::Later(later) => {
            wanted.retain(|c| !later.contains(c));
            None
        }
    };
    let features = decode_features(path, &wanted, frame, fetch, &used, options)?;

    Ok(EvalTable {
        dataset: DatasetInfo {
            path: path.to_path_buf(),
            rows: total_rows,
            used_rows: used.len(),
            excluded_null_label: total_rows - used.len(),
            sha256,
            examples: None,
        },
        task,
        label_column: label_name,
        id_column: id_name,
        target: Arc::new(target),
        classes,
        models,
        features: Arc::new(features),
        row_index: Arc::new(used),
        threshold,
        clusters: None,
        cluster_column: None,
        params: MetricParams::default(),
        queries,
        mask_spare: Arc::default(),
        group_ids_spare: Arc::default(),
    })
}

/// A column polars could not read as its role needs, with the first line of
/// polars' message.
fn bad_column(path: &Path, column: &str, e: PolarsError) -> Error {
    Error::BadColumn {
        path: path.to_path_buf(),
        column: column.to_string(),
        detail: e.to_string().lines().next().unwrap_or("").to_string(),
    }
}

/// The feature columns among `all_columns`: every column that is not a role
/// (`role_cols`) and not ignored, or the ones `options.features` names.
pub(crate) fn feature_columns<'a>(
    path: &Path,
    all_columns: &'a [String],
    role_cols: &[&str],
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<Vec<&'a String>> {
    match &options.features {
        None => Ok(all_columns
            .iter()
            .filter(|c| !role_cols.contains(&c.as_str()) && !mapping.ignored.contains(c))
            .collect()),
        Some(names) => names
            .iter()
            .map(|n| {
                roles::find_column(all_columns, n)
                    .and_then(|c| all_columns.iter().find(|x| x.as_str() == c))
                    .ok_or_else(|| Error::MissingColumn {
                        path: path.to_path_buf(),
                        column: n.clone(),
                        hint: format!("columns are {}", roles::list(all_columns)),
                    })
            })
            .collect(),
    }
}

/// Decodes the `wanted` feature columns on the `used` rows, in parallel: each
/// from `frame`, or read with `fetch` when the frame does not hold it.
pub(crate) fn decode_features(
    path: &Path,
    wanted: &[&String],
    frame: Option<&DataFrame>,
    fetch: Option<Fetch>,
    used: &[u32],
    options: &LoadOptions,
) -> Result<Vec<Feature>> {
    let polars_err = |column: &str, e: PolarsError| bad_column(path, column, e);
    options.read.control.check()?;
    options
        .read
        .control
        .stage("decoding features", wanted.len() as u64);
    let features = wanted
        .par_iter()
        .map(|name| {
            options.read.control.check()?;
            let fetched;
            let col = match (frame.map(|f| f.column(name)), fetch) {
                (Some(Ok(c)), _) => c,
                (_, Some(fetch)) => {
                    fetched = fetch(name).map_err(|e| polars_err(name, e))?;
                    &fetched
                }
                (Some(Err(e)), None) => return Err(polars_err(name, e)),
                (None, None) => {
                    return Err(polars_err(
                        name,
                        PolarsError::ColumnNotFound(name.to_string().into()),
                    ));
                }
            };
            let bins = if options.by_value.iter().any(|v| v == *name) {
                MAX_VALUE_GROUPS
            } else {
                options.bins
            };
            let f = decode_feature(col, used, bins).map_err(|e| polars_err(name, e));
            options.read.control.advance(1);
            f
        })
        .collect::<Result<Vec<_>>>()?;
    options.read.control.check()?;
    Ok(features)
}

/// The query of each used row, grouped; a null query is refused with its row.
fn decode_queries(path: &Path, col: &Column, used: &[u32]) -> Result<Queries> {
    let enc = encode::encode_categorical(col).map_err(|e| Error::BadColumn {
        path: path.to_path_buf(),
        column: col.name().to_string(),
        detail: e.to_string().lines().next().unwrap_or("").to_string(),
    })?;
    let mut codes = Vec::with_capacity(used.len());
    for &r in used {
        let c = enc.codes[r as usize];
        if c == NULL_CODE {
            return Err(Error::BadValue {
                path: path.to_path_buf(),
                column: col.name().to_string(),
                row: r as usize + 1,
                detail: "the query is null; every row of a ranking file needs its query".into(),
            });
        }
        codes.push(c);
    }
    // Codes of queries whose rows were all left out (null relevance) are skipped.
    let mut remap = vec![u32::MAX; enc.levels.len()];
    let mut names = Vec::new();
    for c in &mut codes {
        let slot = &mut remap[*c as usize];
        if *slot == u32::MAX {
            *slot = names.len() as u32;
            names.push(enc.levels[*c as usize].clone());
        }
        *c = *slot;
    }
    Ok(Queries::from_codes(col.name().to_string(), names, &codes))
}

/// A column's values (one per row of the file) on the used rows: `values`
/// itself when every row is used, as in most files.
fn pick<T: Copy>(values: Vec<T>, used: &[u32]) -> Vec<T> {
    if used.len() == values.len() {
        // `used` is increasing and within the rows, so it is every row in order.
        values
    } else {
        used.iter().map(|&r| values[r as usize]).collect()
    }
}

/// Refuses a probability outside `[0, 1]`, with its row.
fn check_probabilities(path: &Path, column: &str, v: &[f64], used: &[u32]) -> Result<()> {
    // Blocks tested without a branch a row, and only a block that fails is
    // searched for its row. Two comparisons, not `!(0.0..=1.0).contains`: NaN
    // (a null) compares false both ways and so is not outside.
    #[allow(clippy::manual_range_contains)]
    let outside = |p: f64| p < 0.0 || p > 1.0;
    const BLOCK: usize = 1024;
    let bad_block = v
        .chunks(BLOCK)
        .position(|b| b.iter().fold(false, |bad, &p| bad | outside(p)));
    let first = bad_block.and_then(|k| {
        let start = k * BLOCK;
        v[start..]
            .iter()
            .position(|&p| outside(p))
            .map(|i| start + i)
    });
    match first {
        Some(i) => Err(Error::BadValue {
            path: path.to_path_buf(),
            column: column.to_string(),
            row: used[i] as usize + 1,
            detail: format!("probability {} is outside [0, 1]", v[i]),
        }),
        None => Ok(()),
    }
}

/// A `Float64` column's own buffer, shared, when it is already what [`numbers`]
/// makes of it for every row: one chunk, finite values or NaN, no `-0.0`, and
/// NaN in the slot of every null. None sends the caller to [`numbers`] (which
/// also words the error for a value it refuses).
fn shared_scores(col: &Column, used: &[u32]) -> Option<Scores> {
    if used.len() != col.len() {
        return None;
    }
    let ca = col.as_materialized_series().f64().ok()?;
    let [arr] = ca.chunks().as_slice() else {
        return None;
    };
    let arr = arr.as_any().downcast_ref::<PrimitiveArray<f64>>()?;
    let values = arr.values();
    // Without short circuits, so the pass over every score vectorizes (its
    // answer is almost always yes, read to the end).
    let plain = |x: f64| x.is_nan() | (x.is_finite() & (x.to_bits() != (-0.0f64).to_bits()));
    let same = match arr.validity().filter(|v| v.unset_bits() > 0) {
        None => values.iter().fold(true, |all, &x| all & plain(x)),
        Some(valid) => values
            .iter()
            .zip(valid.iter())
            .all(|(&x, ok)| if ok { plain(x) } else { x.is_nan() }),
    };
    same.then(|| values.clone())
}

/// A numeric column's values on the used rows, NaN for nulls. Text that reads as
/// numbers is accepted; text that does not, and infinite values, are refused with
/// the first offending row.
fn numbers(path: &Path, col: &Column, what: &str, used: &[u32]) -> Result<Vec<f64>> {
    let name = col.name().to_string();
    let bad = |row: u32, detail: String| Error::BadValue {
        path: path.to_path_buf(),
        column: name.clone(),
        row: row as usize + 1,
        detail,
    };
    let dtype = col.dtype();
    let values: Vec<f64> = if dtype.is_primitive_numeric() {
        let v = encode::numeric_values(col).map_err(|e| Error::BadColumn {
            path: path.to_path_buf(),
            column: name.clone(),
            detail: read::polars_message(&e),
        })?;
        pick(v, used)
    } else if super::compact::is_text(dtype) {
        let s = col.as_materialized_series();
        let ca = super::compact::text_of(s).map_err(|e| Error::BadColumn {
            path: path.to_path_buf(),
            column: name.clone(),
            detail: read::polars_message(&e),
        })?;
        let mut out = Vec::with_capacity(used.len());
        for &r in used {
            match ca.get(r as usize) {
                None => out.push(f64::NAN),
                Some(text) => match text.trim().parse::<f64>() {
                    Ok(x) => out.push(x + 0.0),
                    Err(_) => {
                        return Err(bad(r, format!("{what} must be a number, found {text:?}")));
                    }
                },
            }
        }
        out
    } else {
        return Err(Error::BadColumn {
            path: path.to_path_buf(),
            column: name,
            detail: format!("{what} must be numeric, found {dtype}"),
        });
    };
    if let Some(i) = values.iter().position(|x| x.is_infinite()) {
        return Err(bad(
            used[i],
            format!("{what} must be a finite number, found {}", values[i]),
        ));
    }
    Ok(values)
}

fn infer_task(label: &Encoded, dtype: &DataType) -> Task {
    let distinct = label.levels.len();
    if distinct == 2 {
        return Task::Binary;
    }
    if !dtype.is_primitive_numeric() {
        return Task::Multiclass;
    }
    let integral = label.levels.iter().all(|l| l.parse::<i64>().is_ok());
    if integral && distinct <= 50 {
        Task::Multiclass
    } else {
        Task::Regression
    }
}

fn first_row_with_code_at_least(codes: &[u32], used: &[u32], _min: u32) -> usize {
    // Codes are sorted levels, so find the first row whose value is a third one in
    // the order the rows were read.
    let mut seen: Vec<u32> = Vec::new();
    for &r in used {
        let c = codes[r as usize];
        if !seen.contains(&c) {
            seen.push(c);
            if seen.len() == 3 {
                return r as usize;
            }
        }
    }
    used[0] as usize
}

fn preview(levels: &[String]) -> String {
    let mut s: Vec<String> = levels.iter().take(5).map(|l| format!("{l:?}")).collect();
    if levels.len() > 5 {
        s.push("...".into());
    }
    s.join(", ")
}

/// Orders the two binary classes as `[negative, positive]`.
fn binary_classes(
    path: &Path,
    label: &str,
    mut values: Vec<String>,
    positive: Option<&str>,
) -> Result<Vec<String>> {
    values.sort();
    if values.len() == 1 {
        // One value in the rows: --positive says which class it is; else a yes/no
        // value says it, and its partner names the other class.
        let v = values.remove(0);
        let lower = v.to_ascii_lowercase();
        let partner = |x: &str| -> Option<&'static str> {
            match x {
                "1" => Some("0"),
                "0" => Some("1"),
                "true" => Some("false"),
                "false" => Some("true"),
                "yes" => Some("no"),
                "no" => Some("yes"),
                "positive" => Some("negative"),
                "negative" => Some("positive"),
                _ => None,
            }
        };
        return Ok(match positive {
            Some(p) if p == v => vec![partner(&lower).unwrap_or("(negative)").to_string(), v],
            Some(p) => vec![v, p.to_string()],
            None if POSITIVE_WORDS.contains(&lower.as_str()) => {
                vec![partner(&lower).unwrap_or("(negative)").to_string(), v]
            }
            None => match partner(&lower) {
                Some(pos) => vec![v, pos.to_string()],
                None => {
                    return Err(Error::BadColumn {
                        path: path.to_path_buf(),
                        column: label.to_string(),
                        detail: format!(
                            "every row's label is {v:?}: pass --positive VALUE to say whether it is the positive class (--positive {v:?}) or not (--positive OTHER)"
                        ),
                    });
                }
            },
        });
    }
    if let Some(p) = positive {
        let Some(i) = values.iter().position(|v| v == p) else {
            return Err(Error::BadColumn {
                path: path.to_path_buf(),
                column: label.to_string(),
                detail: format!(
                    "--positive {p:?} is not one of the label's values ({})",
                    preview(&values)
                ),
            });
        };
        let pos = values.remove(i);
        return Ok(vec![values.remove(0), pos]);
    }
    if let Some(i) = values
        .iter()
        .position(|v| POSITIVE_WORDS.contains(&v.to_ascii_lowercase().as_str()))
    {
        let pos = values.remove(i);
        return Ok(vec![values.remove(0), pos]);
    }
    // Lexicographically larger is positive; values are sorted.
    Ok(values)
}

fn sort_classes(values: &mut [String], numeric: bool) {
    if numeric && values.iter().all(|v| v.parse::<f64>().is_ok()) {
        values.sort_by(|a, b| {
            let (x, y) = (
                a.parse::<f64>().unwrap_or(0.0),
                b.parse::<f64>().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        });
    } else {
        values.sort();
    }
}

/// For each level of an encoded column, its class code (NULL_CODE if unknown).
fn level_map(levels: &[String], class_index: &HashMap<&str, u32>) -> Vec<u32> {
    levels
        .iter()
        .map(|l| {
            class_index
                .get(l.as_str())
                .or_else(|| bool_alias(l).and_then(|a| class_index.get(a)))
                .copied()
                .unwrap_or(NULL_CODE)
        })
        .collect()
}

/// `1`/`0` and `true`/`false` name the same classes (a boolean label scored by a
/// model that writes integers, or the other way round).
fn bool_alias(level: &str) -> Option<&'static str> {
    match level.to_ascii_lowercase().as_str() {
        "1" => Some("true"),
        "0" => Some("false"),
        "true" => Some("1"),
        "false" => Some("0"),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn decode_model(
    path: &Path,
    frame: &DataFrame,
    used: &[u32],
    task: Task,
    classes: &[String],
    class_index: &HashMap<&str, u32>,
    cols: ModelColumns,
    pred_enc: Option<Encoded>,
    threshold: f64,
) -> Result<ModelData> {
    let polars_err = |column: &str, e: PolarsError| bad_column(path, column, e);
    let numeric = |name: &str, what: &str| -> Result<Vec<f64>> {
        let col = frame.column(name).map_err(|e| polars_err(name, e))?;
        numbers(path, col, what, used)
    };
    let probability = |name: &str| -> Result<Vec<f64>> {
        let v = numeric(name, "a probability column")?;
        check_probabilities(path, name, &v, used)?;
        Ok(v)
    };

    let score = match (&cols.score, task) {
        (Some(c), Task::Binary) => {
            let col = frame.column(c).map_err(|e| polars_err(c, e))?;
            Some(match shared_scores(col, used) {
                Some(shared) => {
                    check_probabilities(path, c, &shared, used)?;
                    shared
                }
                None => Scores::from(probability(c)?),
            })
        }
        (Some(_), Task::Ranking) => None,
        (Some(c), _) => {
            return Err(Error::BadColumn {
                path: path.to_path_buf(),
                column: c.clone(),
                detail: format!(
                    "a positive-class score is for binary tasks; this task is {}",
                    task.as_str()
                ),
            });
        }
        (None, _) => None,
    };
    let probs = if cols.probs.is_empty() {
        None
    } else {
        let mut by_class: Vec<Vec<f64>> = vec![vec![0.0; used.len()]; classes.len()];
        for (class, col) in &cols.probs {
            let v = probability(col)?;
            let k = classes
                .iter()
                .position(|c| c == class || c.eq_ignore_ascii_case(class))
                .unwrap_or(0);
            by_class[k] = v;
        }
        Some(by_class)
    };

    let pred = match task {
        Task::Regression => {
            let c = cols.pred.as_deref().unwrap_or_default();
            Prediction::Values(numeric(c, "a regression prediction")?)
        }
        Task::Ranking => {
            // A ranker's score: any real number; a null ranks its item last.
            let c = cols
                .score
                .as_deref()
                .or(cols.pred.as_deref())
                .unwrap_or_default();
            Prediction::Values(numeric(c, "a ranking score")?)
        }
        _ => {
            if let (Some(Encoded { codes, levels }), Some(c)) = (pred_enc, &cols.pred) {
                let map = level_map(&levels, class_index);
                let class_of = |r: usize, code: u32| -> Result<u32> {
                    if code == NULL_CODE {
                        return Ok(NULL_CODE);
                    }
                    match map[code as usize] {
                        NULL_CODE => Err(Error::BadValue {
                            path: path.to_path_buf(),
                            column: c.clone(),
                            row: r + 1,
                            detail: format!(
                                "prediction {:?} is not one of the label's classes ({})",
                                levels[code as usize],
                                preview(classes)
                            ),
                        }),
                        class => Ok(class),
                    }
                };
                // Each used row's code becomes its class in place: when every
                // row is used, in the codes' own buffer (no fresh pages).
                let mut codes = pick(codes, used);
                for (code, &r) in codes.iter_mut().zip(used) {
                    *code = class_of(r as usize, *code)?;
                }
                Prediction::Classes(codes)
            } else if let Some(s) = &score {
                // Sequential: this runs inside the per-model parallel decode.
                Prediction::Classes(s.iter().map(|&p| class_at(p, threshold)).collect())
            } else if let Some(p) = &probs {
                Prediction::Classes(argmax(p, used.len()))
            } else {
                return Err(Error::MissingColumn {
                    path: path.to_path_buf(),
                    column: format!("pred_{}", cols.name),
                    hint: format!(
                        "model {:?} has neither a prediction nor a score column",
                        cols.name
                    ),
                });
            }
        }
    };
    let null_predictions = match &pred {
        Prediction::Classes(p) => p.iter().filter(|&&c| c == NULL_CODE).count(),
        Prediction::Values(v) => v.iter().filter(|x| x.is_nan()).count(),
    };
    Ok(ModelData {
        name: cols.name.clone(),
        columns: cols,
        predictions: Predictions::given(pred),
        score,
        probs: probs.map(Arc::new),
        null_predictions,
        score_order_cache: Arc::new(OnceLock::new()),
        log_loss_cache: Arc::new(OnceLock::new()),
        cells_cache: Arc::new(OnceLock::new()),
        cell_sets_cache: Arc::default(),
        cohort_rows_spare: Arc::default(),
        moved_cells: None,
        grades: None,
    })
}

/// The class with the highest probability (first on ties, as numpy's argmax);
/// a row with any null probability has a null prediction.
fn argmax(probs: &[Vec<f64>], n: usize) -> Vec<u32> {
    (0..n)
        .map(|r| {
            let mut best = NULL_CODE;
            let mut best_p = f64::NEG_INFINITY;
            for (k, col) in probs.iter().enumerate() {
                let p = col[r];
                if p.is_nan() {
                    return NULL_CODE;
                }
                if p > best_p {
                    best_p = p;
                    best = k as u32;
                }
            }
            best
        })
        .collect()
}

/// Mean length above which a many-valued string column counts as free text.
const TEXT_MEAN_LEN: f64 = 40.0;
/// Distinct values above which a long string column counts as free text.
const TEXT_MIN_DISTINCT: usize = 50;

/// Most distinct values a numeric feature sliced by value may have.
pub const MAX_VALUE_GROUPS: usize = 1000;

pub(crate) fn decode_feature(col: &Column, used: &[u32], bins: usize) -> PolarsResult<Feature> {
    let name = col.name().to_string();
    let dtype = col.dtype();
    let pick_codes = |codes: Vec<u32>| -> Vec<u32> { pick(codes, used) };
    if dtype.is_primitive_numeric() {
        if used.len() == col.len()
            && let Some(codes) = encode::integer_codes(col, bins)
        {
            return Ok(Feature {
                name,
                kind: FeatureKind::Numeric,
                codes,
            });
        }
        let values = pick(encode::numeric_values(col)?, used);
        // No more distinct values than bins: slice by the values themselves (a 0/1
        // flag is two slices, not one bin holding every row).
        let codes = encode::value_levels(&values, bins)
            .map(Encoded::into)
            .unwrap_or_else(|| encode::quantile_bins(&values, bins));
        return Ok(Feature {
            name,
            kind: FeatureKind::Numeric,
            codes,
        });
    }
    // Many long distinct strings are free text, not slices.
    let free_text = |levels: &[String]| {
        let total: usize = levels.iter().map(|l| l.chars().count()).sum();
        super::compact::is_text(dtype)
            && levels.len() > TEXT_MIN_DISTINCT
            && total as f64 / levels.len() as f64 > TEXT_MEAN_LEN
    };
    let text = || Feature {
        name: name.clone(),
        kind: FeatureKind::Text,
        codes: Encoded::default(),
    };
    // A compacted text column of every used row: its codes written once, in
    // the width they need.
    if used.len() == col.len()
        && let Some(codes) = encode::enum_feature(col.as_materialized_series())
    {
        if free_text(&codes.levels) {
            return Ok(text());
        }
        return Ok(Feature {
            name,
            kind: FeatureKind::Categorical,
            codes,
        });
    }
    let enc = encode::encode_categorical(col)?;
    if free_text(&enc.levels) {
        return Ok(text());
    }
    Ok(Feature {
        name,
        kind: FeatureKind::Categorical,
        codes: Encoded {
            codes: pick_codes(enc.codes),
            levels: enc.levels,
        }
        .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probability_outside_0_1_is_refused_at_its_first_row() {
        let used: Vec<u32> = (0..3000).map(|r| r * 2).collect();
        let mut v: Vec<f64> = (0..3000).map(|i| f64::from(i) / 3000.0).collect();
        v[7] = f64::NAN;
        let path = Path::new("p.parquet");
        assert!(check_probabilities(path, "s", &v, &used).is_ok());
        // Two bad values in a later block: the first is named, by its file row.
        v[2500] = 1.5;
        v[2600] = -0.5;
        let err = check_probabilities(path, "s", &v, &used).unwrap_err();
        assert!(matches!(&err, Error::BadValue { row: 5001, .. }), "{err}");
        assert!(
            err.to_string()
                .contains("probability 1.5 is outside [0, 1]")
        );
        v[0] = -1e-9;
        let err = check_probabilities(path, "s", &v, &used).unwrap_err();
        assert!(matches!(err, Error::BadValue { row: 1, .. }));
    }
}
