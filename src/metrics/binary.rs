//! Binary classification: confusion counts, log loss and Brier in one row pass; ROC
//! AUC (with DeLong's interval) and average precision for every slice from one
//! global sort of the scores.

use std::borrow::Cow;

use rayon::prelude::*;

use super::{MetricSet, stream_id};
use crate::grouping::{
    Grouping, RowSet, SlotIds, SlotOf, for_each_kept, for_each_kept_position, for_each_slotted,
};
use crate::load::encode::{Code, Codes};
use crate::load::scores::RowsSpare;
use crate::load::scores::TiedLogLoss;
pub use crate::load::scores::{ScoreOrder, ScoredRow, log_loss, order_log_loss, score_order};
use crate::load::table::{EvalTable, ModelData, Prediction, Target, confusion_cell};
use crate::stats::{self, Bootstrap, Z_95};

/// Confusion counts and score sums of one slot. A null prediction is counted as the
/// wrong class (a false negative for a positive, a false positive for a negative),
/// so it is an error for every accuracy-type metric.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    pub fn_: u64,
    pub nulls: u64,
    /// Rows with a non-null score, and how many of them are positive.
    pub scored: u64,
    pub scored_pos: u64,
    pub ll_sum: f64,
    pub ll_sq: f64,
    pub br_sum: f64,
    pub br_sq: f64,
}

impl Counts {
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }
    pub fn correct(&self) -> u64 {
        self.tp + self.tn
    }

    /// Adds one scored row (its log loss given) to the score sums.
    #[inline]
    fn add_scored(&mut self, r: ScoredRow, ll: f64) {
        let (p, pos) = (r.score(), r.positive());
        self.scored += 1;
        self.scored_pos += u64::from(pos);
        // The label as 0.0 or 1.0 without a branch: labels are unpredictable,
        // and a mispredicted branch here also dropped the loads of the next
        // rows already in flight (a cohort's copy waits on them).
        let br = (p - u64::from(pos) as f64).powi(2);
        self.ll_sum += ll;
        self.ll_sq += ll * ll;
        self.br_sum += br;
        self.br_sq += br * br;
    }

    /// Takes the score sums (scored rows, log loss, Brier) of `from`.
    fn set_score_sums(&mut self, from: &Counts) {
        self.scored = from.scored;
        self.scored_pos = from.scored_pos;
        self.ll_sum = from.ll_sum;
        self.ll_sq = from.ll_sq;
        self.br_sum = from.br_sum;
        self.br_sq = from.br_sq;
    }
}

/// A whole grouping's scored rows by descending score (ties in row order) and
/// their score sums, taken in one walk of the model's score order: the overview
/// shares the rows between its metrics, calibration and curves.
#[derive(Debug, Clone)]
pub struct Kept<'a> {
    /// Every scored row (the model's order itself) or a cohort's, copied out.
    pub rows: Cow<'a, [ScoredRow]>,
    /// Only the score sums are set: scored rows, positives, log loss and Brier
    /// sums, added in score order.
    pub sums: Counts,
    /// The rows' rank sums, walked along the copy when the caller knew the
    /// rows' scored positives and negatives beforehand ([`kept_rows_ranked`]).
    pub rank: Option<Rank>,
}

/// [`Kept`] of the rows in `keep` (every scored row if None). The log loss of a
/// row comes from the model's cache when a caller built it (the window does, as
/// it recomputes often); a one-off run takes the logarithm here.
pub fn kept_rows<'a>(table: &'a EvalTable, model: usize, keep: Option<&RowSet>) -> Kept<'a> {
    kept_rows_ranked(table, model, keep, None)
}

/// [`kept_rows`] of a cohort whose scored rows hold `totals` positives and
/// negatives ([`cohort_scored_labels`]): its rank sums are walked along the
/// copy ([`Kept::rank`]), whose loads from memory leave the walk's arithmetic
/// room, instead of in a second walk of the copy (at 10M rows ~12 ms a model
/// of a cohort change).
pub fn kept_rows_ranked<'a>(
    table: &'a EvalTable,
    model: usize,
    keep: Option<&RowSet>,
    totals: Option<(u64, u64)>,
) -> Kept<'a> {
    let m = &table.models[model];
    let order = m.score_order(&table.target);
    // A cohort's copy goes into the model's spare buffer when it has one.
    let buffer = || {
        m.cohort_rows_spare
            .take(keep.map_or(0, |s| s.len().min(order.len())))
    };
    match m.log_loss_cache.get() {
        Some(ll) => kept_with(order, keep, totals, buffer, |i, _| ll[i]),
        None => kept_with(order, keep, totals, buffer, row_log_loss()),
    }
}

fn kept_with<'a>(
    order: &'a ScoreOrder,
    keep: Option<&RowSet>,
    totals: Option<(u64, u64)>,
    buffer: impl FnOnce() -> Vec<ScoredRow>,
    mut ll: impl FnMut(usize, ScoredRow) -> f64,
) -> Kept<'a> {
    let mut sums = Counts::default();
    let Some(set) = keep else {
        for (i, &r) in order.scored.iter().enumerate() {
            sums.add_scored(r, ll(i, r));
        }
        let rows = Cow::Borrowed(&order.scored[..]);
        return Kept {
            rows,
            sums,
            rank: None,
        };
    };
    let mut kept = buffer();
    let mut walk = totals.map(|(pos, neg)| RankWalk::new(pos, neg));
    for_each_kept_position(order, set, |i, r| {
        sums.add_scored(r, ll(i, r));
        if let Some(w) = &mut walk {
            w.step(r);
        }
        kept.push(r);
    });
    // Only if the totals were the rows' own (they always are when counted by
    // `cohort_scored_labels`): the flushes read them.
    let own = (sums.scored_pos, sums.scored - sums.scored_pos);
    let rank = walk.filter(|_| totals == Some(own)).map(RankWalk::end);
    Kept {
        rows: Cow::Owned(kept),
        sums,
        rank,
    }
}

/// The scored positives and negatives among a cohort's rows (`set`), counted
/// from `model`'s cells as bits when the window has made them (a popcount per
/// 64 rows), less the cohort's rows whose score is null (`nulls`,
/// `(positives, negatives)`): what [`kept_rows_ranked`] needs beforehand.
pub fn cohort_scored_labels(
    m: &crate::load::table::ModelData,
    set: &RowSet,
    nulls: (u64, u64),
) -> Option<(u64, u64)> {
    let (pos, neg) = m.cell_sets_cache.get()?.labels(set.words());
    Some((pos.checked_sub(nulls.0)?, neg.checked_sub(nulls.1)?))
}

/// A cohort's scored rows by descending score and its null-score rows by label,
/// kept by the overview that took them ([`Kept`]) so that a threshold move
/// recounts the confusion cells from them: the rows predicted positive are a
/// prefix of the order (one binary search), and only the positives on the
/// shorter side of it are counted. A pass over every row's score and label
/// ([`counts_at`]) reads 12 bytes a row of the whole table; this reads 8 bytes
/// a row of at most half the cohort.
#[derive(Clone)]
pub struct ScoredCohort {
    rows: ScoredCohortRows,
    /// Positives among `rows`.
    positives: u64,
    /// The cohort's rows with a null score: `(positives, negatives)`.
    nulls: (u64, u64),
}

/// Its size and counts, not its rows (millions of them).
impl std::fmt::Debug for ScoredCohort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoredCohort")
            .field("rows", &self.rows().len())
            .field("positives", &self.positives)
            .field("nulls", &self.nulls)
            .finish()
    }
}

/// Every scored row (the model's cached order, shared, not copied) or a
/// cohort's copy, handed over by the overview that made it.
#[derive(Clone)]
enum ScoredCohortRows {
    Every(std::sync::Arc<std::sync::OnceLock<ScoreOrder>>),
    Cohort(std::sync::Arc<SpareRows>),
}

/// A cohort's copy of the score order, whose buffer becomes the model's spare
/// ([`RowsSpare`]) when the last overview holding it is dropped.
struct SpareRows {
    rows: Vec<ScoredRow>,
    spare: std::sync::Arc<RowsSpare>,
}

impl Drop for SpareRows {
    fn drop(&mut self) {
        self.spare.give(std::mem::take(&mut self.rows));
    }
}

impl ScoredCohort {
    /// Keeps `kept`'s rows (`model`'s cached order when they are all of it)
    /// and the cohort's null-score rows `(positives, negatives)`.
    pub fn new(kept: Kept<'_>, model: &ModelData, nulls: (u64, u64)) -> ScoredCohort {
        let rows = match kept.rows {
            Cow::Borrowed(_) => ScoredCohortRows::Every(model.score_order_cache.clone()),
            Cow::Owned(rows) => ScoredCohortRows::Cohort(std::sync::Arc::new(SpareRows {
                rows,
                spare: model.cohort_rows_spare.clone(),
            })),
        };
        ScoredCohort {
            rows,
            positives: kept.sums.scored_pos,
            nulls,
        }
    }

    fn rows(&self) -> &[ScoredRow] {
        match &self.rows {
            ScoredCohortRows::Every(order) => order.get().map_or(&[], |o| &o.scored[..]),
            ScoredCohortRows::Cohort(copy) => &copy.rows,
        }
    }

    /// [`counts_at`] of the cohort: the same counts (a null score is a wrong
    /// prediction), from the order instead of a pass over every row.
    pub fn counts_at(&self, threshold: f64) -> Counts {
        let rows = self.rows();
        let above = rows.partition_point(|r| r.score() >= threshold);
        let positives_in = |rows: &[ScoredRow]| -> u64 {
            rows.par_chunks(1 << 16)
                .map(|c| c.iter().filter(|r| r.positive()).count() as u64)
                .sum()
        };
        let (head, tail) = rows.split_at(above);
        let tp = if head.len() <= tail.len() {
            positives_in(head)
        } else {
            self.positives - positives_in(tail)
        };
        let (null_pos, null_neg) = self.nulls;
        Counts {
            tp,
            fp: above as u64 - tp + null_neg,
            fn_: self.positives - tp + null_pos,
            tn: (tail.len() as u64) - (self.positives - tp),
            nulls: null_pos + null_neg,
            ..Counts::default()
        }
    }
}

/// Rank statistics of one slot, accumulated while walking the global score order
/// (descending), one flush per run of tied scores. A Spark source computes the
/// same sums with window functions over its tie groups (`spark::sql`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rank {
    tie_p: u64,
    tie_q: u64,
    pos_above: u64,
    neg_above: u64,
    /// Twice the Mann-Whitney numerator (integer, exact).
    pub auc2: u128,
    /// Sum over tie groups with positives of `p * precision` (sklearn's step-wise AP times P).
    pub ap_sum: f64,
    /// DeLong's placements: the sum of squares of each positive's share of
    /// negatives below it (v10), and of each negative's share of positives above
    /// it (v01), ties counting half. Set by [`Rank::finish`] (or by Spark).
    pub v10_sq: f64,
    pub v01_sq: f64,
    /// The walk's unscaled sums of the doubled placements' squares (each term
    /// an integer); [`Rank::finish`] scales them once.
    twice_v10_sq: f64,
    twice_v01_sq: f64,
    /// Average precision's terms not yet added.
    precision: PrecisionTerms,
}

/// Average precision's terms `p * tp / (tp + fp)` of the runs with positives,
/// kept a few at a time and divided together, then added to the sum in the
/// walk's order (the same sum to the bit as adding each at once): no division
/// for a run of negatives, and none on the walk's path.
#[derive(Debug, Clone, Copy, Default)]
struct PrecisionTerms {
    num: [f64; PRECISION_TERMS],
    den: [f64; PRECISION_TERMS],
    len: usize,
}

const PRECISION_TERMS: usize = 16;

impl PrecisionTerms {
    /// Keeps `num / den` when `keep`, without a branch on it (labels are
    /// unpredictable); adds the terms to `sum` when the buffer is full.
    #[inline]
    fn push(&mut self, num: f64, den: f64, keep: bool, sum: &mut f64) {
        // `len` is below the capacity here: a full buffer is drained at once.
        let at = self.len % PRECISION_TERMS;
        self.num[at] = num;
        self.den[at] = den;
        self.len = at + usize::from(keep);
        if self.len == PRECISION_TERMS {
            self.drain(sum);
        }
    }

    fn drain(&mut self, sum: &mut f64) {
        let quotients: [f64; PRECISION_TERMS] = std::array::from_fn(|i| self.num[i] / self.den[i]);
        for q in &quotients[..self.len] {
            *sum += q;
        }
        self.len = 0;
    }
}

impl Rank {
    /// Closes the run of tied scores walked so far; `neg` is the slot's negatives.
    fn flush(&mut self, neg: u64) {
        let (p, q) = (self.tie_p, self.tie_q);
        if p + q == 0 {
            return;
        }
        self.auc2 += q as u128 * (2 * self.pos_above as u128 + p as u128);
        let tp = self.pos_above + p;
        let fp = self.neg_above + q;
        // Counts are far below 2^52: converted through i64 (one instruction;
        // from u64, several), the same values, and sums of them exact.
        let f = |x: u64| x as i64 as f64;
        // Whether a run holds positives or negatives is unpredictable, so no
        // branch tests p or q: average precision keeps its term only when p > 0,
        // and each placement below adds +0.0 for a run without its label, which
        // changes no bit of these non-negative sums.
        self.precision
            .push(f(p) * f(tp), f(tp + fp), p > 0, &mut self.ap_sum);
        // DeLong's placements doubled, so they are integers: each positive's
        // negatives below it and each negative's positives above it, ties
        // counting half. Their squares are summed unscaled, with no division
        // a run; `finish` scales the sums.
        let twice_v10 = 2.0 * (f(neg) - f(self.neg_above)) - f(q);
        let twice_v01 = 2.0 * f(self.pos_above) + f(p);
        self.twice_v10_sq += f(p) * twice_v10 * twice_v10;
        self.twice_v01_sq += f(q) * twice_v01 * twice_v01;
        self.pos_above += p;
        self.neg_above += q;
        self.tie_p = 0;
        self.tie_q = 0;
    }

    /// Ends the walk: the last run flushed, the placements' squares scaled by
    /// the slot's positives and negatives.
    fn finish(&mut self, pos: u64, neg: u64) {
        self.flush(neg);
        self.precision.drain(&mut self.ap_sum);
        let scaled = |sum: f64, n: u64| {
            if n == 0 {
                0.0
            } else {
                sum / (4.0 * n as f64 * n as f64)
            }
        };
        self.v10_sq = scaled(self.twice_v10_sq, neg);
        self.v01_sq = scaled(self.twice_v01_sq, pos);
    }
}

/// Confusion counts and scored rows per slot; the last slot is the overall one.
/// The score sums (log loss, Brier) are left at zero: they are added along the
/// score order by [`evaluate_sorted`] (or a [`Kept`] walk).
pub fn counts(table: &EvalTable, model: usize, grouping: &Grouping) -> Vec<Counts> {
    counts_of(table, model, grouping, true)
}

/// [`counts`], counting scored rows only when `with_scored`: a caller showing
/// only threshold metrics reads no scores, and a whole grouping takes them from
/// its [`Kept`] walk.
fn counts_of(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    with_scored: bool,
) -> Vec<Counts> {
    let m = &table.models[model];
    let Target::Classes(y) = table.target.as_ref() else {
        return Vec::new();
    };
    // A whole grouping's group and overall slot hold the same rows: count once.
    let whole = grouping.is_whole();
    // A moved threshold's cells not made yet: groups count from what they would
    // be made of; a whole grouping's popcounts read them, so they are made.
    let moved = m
        .moved_cells
        .as_ref()
        .filter(|_| m.cells_cache.get().is_none())
        .and_then(|moved| Some((moved.parts()?, moved.threshold)));
    // The cells when kept (a moved threshold has them and not its labels).
    let cached = match moved {
        Some(_) if whole => Some(m.cells(&table.target)),
        _ => m.cells_cache.get().map(Vec::as_slice),
    };
    let pred: &[u32] = match (cached, moved) {
        (Some(_), _) | (_, Some(_)) => &[],
        (None, None) => match m.pred() {
            Prediction::Classes(pred) => pred,
            Prediction::Values(_) => return Vec::new(),
        },
    };
    let score = m.score.as_deref().filter(|_| with_scored);
    let slots = if whole { 1 } else { grouping.len() + 1 };
    // The cells are tallied without a branch per row (labels and predictions are
    // unpredictable, and a mispredicted branch per row cost more than the rest of
    // the pass): the row's `confusion_cell`, plus 6 for a row with a non-null
    // score when scored rows are counted. The window keeps each model's cells,
    // a byte a row; a one-off run makes them from the label and prediction.
    let mut tally = vec![[0u64; 12]; slots + 1];
    match (cached, score) {
        (None, _) if let Some(((loaded, order), threshold)) = moved => {
            tally_moved(
                grouping,
                &mut tally,
                loaded,
                order,
                threshold,
                score.is_some(),
            );
        }
        // A cohort's cells by popcounts of its bits and the cells' bits.
        (_, None) if let (true, Some(set)) = (whole, &grouping.members) => {
            tally[0][..6].copy_from_slice(&m.cell_sets(&table.target).count(set.words()));
        }
        (Some(cells), None) => tally_cells(grouping, &mut tally, |r| usize::from(cells[r])),
        (Some(cells), Some(score)) => tally_cells(grouping, &mut tally, |r| {
            usize::from(cells[r]) + 6 * usize::from(!score[r].is_nan())
        }),
        (None, None) => tally_cells(grouping, &mut tally, |r| {
            usize::from(confusion_cell(pred[r], y[r]))
        }),
        (None, Some(score)) => tally_cells(grouping, &mut tally, |r| {
            usize::from(confusion_cell(pred[r], y[r])) + 6 * usize::from(!score[r].is_nan())
        }),
    }
    if !whole {
        let overall = grouping.len();
        let mut sum = [0u64; 12];
        for t in &tally[..overall] {
            for (s, v) in sum.iter_mut().zip(t) {
                *s += v;
            }
        }
        tally[overall] = sum;
    }
    let mut c = vec![Counts::default(); slots + 1];
    for (cell, t) in c.iter_mut().zip(&tally) {
        // Unscored and scored rows of each cell.
        let at = |i: usize| t[i] + t[i + 6];
        // A null prediction counts as wrong: a false negative on a positive row,
        // a false positive on a negative one.
        let [tn, fn_, fp, tp, null_neg, null_pos] = [at(0), at(1), at(2), at(3), at(4), at(5)];
        cell.tn = tn;
        cell.fn_ = fn_ + null_pos;
        cell.fp = fp + null_neg;
        cell.tp = tp;
        cell.nulls = null_neg + null_pos;
        cell.scored = t[6..].iter().sum();
        cell.scored_pos = t[7] + t[9] + t[11];
    }
    c.truncate(slots);
    if whole {
        c.push(c[0]);
    }
    c
}

/// Adds each grouped row's cell (`cell_of(row)`, below 12) to its slot's tally.
/// Integer counts add up exactly, so for groups the overall slot is summed after.
/// Rows outside every group (`SKIP`) go to a spare last slot instead of taking a
/// branch: in a cohort, which rows those are is as unpredictable as labels. A
/// whole grouping counts its one slot from its bitset (or every row), reading no
/// group ids.
fn tally_cells(grouping: &Grouping, tally: &mut [[u64; 12]], cell_of: impl Fn(usize) -> usize) {
    if grouping.is_whole() {
        let t = &mut tally[0];
        match &grouping.members {
            Some(set) => set.for_each(|r| t[cell_of(r)] += 1),
            None if grouping.ids.contains_null() => match &grouping.ids {
                Codes::Byte(ids) => for_each_kept(ids, |&g| g == 0, |r, _| t[cell_of(r)] += 1),
                Codes::Wide(ids) => for_each_kept(ids, |&g| g == 0, |r, _| t[cell_of(r)] += 1),
            },
            // Every row (a whole grouping without ids holds `sizes[0]` rows).
            None => (0..grouping.sizes[0] as usize).for_each(|r| t[cell_of(r)] += 1),
        }
        return;
    }
    // Each width of ids compiled on its own (SKIP, as u32, is past `spare`).
    fn by_ids<C: Code>(ids: &[C], tally: &mut [[u64; 12]], cell_of: impl Fn(usize) -> usize) {
        let spare = tally.len() - 1;
        for (r, &g) in ids.iter().enumerate() {
            tally[(g.wide() as usize).min(spare)][cell_of(r)] += 1;
        }
    }
    match &grouping.ids {
        Codes::Byte(ids) => by_ids(ids, tally, cell_of),
        Codes::Wide(ids) => by_ids(ids, tally, cell_of),
    }
}

/// [`tally_cells`] of a moved threshold's cells without making them (a group's
/// rows only; the cells `cells_from_order` would make, in `load::table`):
/// every row is tallied as those start (its loaded label, predicted as most
/// scored rows are), then the rows they change, the shorter side of the cut in
/// the score order (their groups looked up a block at a time) and the null-score
/// rows, move to their cells. `scored`: count scored rows apart, as
/// [`counts_of`] does.
fn tally_moved(
    grouping: &Grouping,
    tally: &mut [[u64; 12]],
    loaded: &[u8],
    order: &ScoreOrder,
    threshold: f64,
    scored: bool,
) {
    // Predicted negative and the minority flipped to positive, or the other way.
    let (positive, flipped) = order.minority_at(threshold);
    let (start, delta) = if positive { (2, -2) } else { (0, 2) };
    let s = if scored { 6 } else { 0 };
    tally_cells(grouping, tally, |r| usize::from(loaded[r] & 1) + start + s);
    // Per slot, by label: the flipped rows, and the null-score rows (a null
    // prediction, and not scored).
    let mut flips = vec![[0u64; 2]; tally.len()];
    let mut nulls = vec![[0u64; 2]; tally.len()];
    let first = flipped.start;
    let mut flip = |pos: usize, slot: usize| {
        flips[slot][usize::from(order.scored[first + pos].positive())] += 1;
    };
    let mut null = |pos: usize, slot: usize| {
        nulls[slot][usize::from(loaded[order.nulls[pos] as usize] & 1)] += 1;
    };
    let flipped = &order.rows[flipped];
    match &grouping.ids {
        Codes::Byte(ids) => {
            for_each_slotted(&ids[..], flipped, &mut flip);
            for_each_slotted(&ids[..], &order.nulls, &mut null);
        }
        Codes::Wide(ids) => {
            for_each_slotted(&ids[..], flipped, &mut flip);
            for_each_slotted(&ids[..], &order.nulls, &mut null);
        }
    }
    for ((t, f), n) in tally.iter_mut().zip(&flips).zip(&nulls) {
        for label in [0, 1] {
            let from = label + start + s;
            t[from] -= f[label] + n[label];
            t[from.wrapping_add_signed(delta)] += f[label];
            t[label + 4] += n[label];
        }
    }
}

/// Rank sums per slot, with each slot's score sums (log loss, Brier) added to
/// `counts` in score order. A whole grouping (the overview's cohort) walks only
/// the cohort's rows of the score order (`kept`, or taken here), and takes its
/// scored rows from them; groups walk the whole order and look each row's group
/// up in the narrowest id type.
fn ranks(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    counts: &mut [Counts],
    kept: Option<&Kept>,
) -> Option<Vec<Rank>> {
    let m = &table.models[model];
    m.score.as_ref()?;
    if grouping.is_whole() {
        let taken;
        let kept = match kept {
            Some(k) => k,
            None => {
                taken = kept_rows(table, model, grouping.row_set().as_ref());
                &taken
            }
        };
        for c in counts.iter_mut() {
            c.set_score_sums(&kept.sums);
        }
        let s = &kept.sums;
        let rank = kept
            .rank
            .unwrap_or_else(|| Rank::walk(&kept.rows, s.scored_pos, s.scored - s.scored_pos));
        return Some(vec![rank; 2]);
    }
    let order = m.score_order(&table.target);
    let cached = m.log_loss_cache.get();
    let ids = grouping.slot_ids();
    Some(match (&ids, cached) {
        (SlotIds::Byte(ids), Some(ll)) => ranks_by(order, &ids[..], counts, |i, _| ll[i]),
        (SlotIds::Short(ids), Some(ll)) => ranks_by(order, &ids[..], counts, |i, _| ll[i]),
        (SlotIds::Wide(ids), Some(ll)) => ranks_by(order, *ids, counts, |i, _| ll[i]),
        (SlotIds::Byte(ids), None) => ranks_by(order, &ids[..], counts, row_log_loss()),
        (SlotIds::Short(ids), None) => ranks_by(order, &ids[..], counts, row_log_loss()),
        (SlotIds::Wide(ids), None) => ranks_by(order, *ids, counts, row_log_loss()),
    })
}

/// The log loss of rows walked in score order, when no cache holds it.
#[inline]
fn row_log_loss() -> impl FnMut(usize, ScoredRow) -> f64 {
    let mut tied = TiedLogLoss::default();
    move |_, r| tied.of(r)
}

impl Rank {
    /// The rank sums of one slot from its scored rows, highest score first.
    pub(crate) fn walk(rows: &[ScoredRow], pos: u64, neg: u64) -> Rank {
        let mut walk = RankWalk::new(pos, neg);
        for &r in rows {
            walk.step(r);
        }
        walk.end()
    }
}

/// [`Rank::walk`] a row at a time, for a caller walking the rows for more.
struct RankWalk {
    rank: Rank,
    prev: f64,
    pos: u64,
    neg: u64,
}

impl RankWalk {
    fn new(pos: u64, neg: u64) -> RankWalk {
        RankWalk {
            rank: Rank::default(),
            prev: f64::NAN,
            pos,
            neg,
        }
    }

    #[inline]
    fn step(&mut self, r: ScoredRow) {
        if r.score() != self.prev {
            self.rank.flush(self.neg);
            self.prev = r.score();
        }
        let p = u64::from(r.positive());
        self.rank.tie_p += p;
        self.rank.tie_q += 1 - p;
    }

    fn end(mut self) -> Rank {
        self.rank.finish(self.pos, self.neg);
        self.rank
    }
}

/// Rank sums of every group and the overall slot (the last of `counts`) in one
/// walk of the score order, one flush per run of tied scores; each slot's score
/// sums are added to `counts` along the way (`ll`: a row's log loss, by its
/// position in the order).
fn ranks_by<S: SlotOf + ?Sized>(
    order: &ScoreOrder,
    ids: &S,
    counts: &mut [Counts],
    mut ll: impl FnMut(usize, ScoredRow) -> f64,
) -> Vec<Rank> {
    let overall = counts.len() - 1;
    let mut rank = vec![Rank::default(); overall + 1];
    let mut sums = vec![Counts::default(); overall + 1];
    let mut touched: Vec<usize> = Vec::new();
    let mut prev = f64::NAN;
    for_each_slotted(ids, &order.rows, |i, g| {
        let ranked = order.scored[i];
        let s = ranked.score();
        if s != prev {
            for &t in touched.iter() {
                let c = &counts[t];
                rank[t].flush(c.scored - c.scored_pos);
            }
            touched.clear();
            prev = s;
        }
        let pos = u64::from(ranked.positive());
        let loss = ll(i, ranked);
        for slot in [g, overall] {
            sums[slot].add_scored(ranked, loss);
            let k = &mut rank[slot];
            if k.tie_p + k.tie_q == 0 {
                touched.push(slot);
            }
            // Without a branch: labels are unpredictable (as in `add_scored`).
            k.tie_p += pos;
            k.tie_q += 1 - pos;
        }
    });
    for (k, c) in rank.iter_mut().zip(counts.iter()) {
        k.finish(c.scored_pos, c.scored - c.scored_pos);
    }
    for (c, s) in counts.iter_mut().zip(&sums) {
        c.set_score_sums(s);
    }
    rank
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    // sklearn's zero_division = 0.
    Some(if b == 0 { 0.0 } else { a as f64 / b as f64 })
}

fn f1(tp: u64, fp: u64, fn_: u64) -> f64 {
    let d = 2 * tp + fp + fn_;
    if d == 0 {
        0.0
    } else {
        2.0 * stats::count_f64(tp) / stats::count_f64(d)
    }
}

/// The metrics [`push_threshold_metrics`] makes.
pub const THRESHOLD_METRICS: [&str; 6] = [
    "accuracy",
    "error_rate",
    "precision",
    "recall",
    "f1",
    "specificity",
];

/// The metrics that depend on the predictions (and so on the threshold of a
/// score-only model): accuracy, error rate, precision, recall, F1 (bootstrap of
/// the confusion cells on the slot's own stream) and specificity.
pub fn push_threshold_metrics(
    set: &mut MetricSet,
    c: &Counts,
    model: usize,
    slot: usize,
    n_groups: usize,
    boot: Bootstrap,
) {
    let n = c.n();
    let acc = if n == 0 {
        None
    } else {
        Some(c.correct() as f64 / n as f64)
    };
    set.push("accuracy", acc, stats::wilson(c.correct(), n));
    set.push(
        "error_rate",
        acc.map(|a| 1.0 - a),
        stats::wilson(n - c.correct(), n),
    );
    set.push(
        "precision",
        ratio(c.tp, c.tp + c.fp).filter(|_| n > 0),
        stats::wilson(c.tp, c.tp + c.fp),
    );
    set.push(
        "recall",
        ratio(c.tp, c.tp + c.fn_).filter(|_| n > 0),
        stats::wilson(c.tp, c.tp + c.fn_),
    );
    let f1_ci = if n == 0 || boot.resamples == 0 {
        None
    } else {
        let mut rng = stats::rng(boot.seed, stream_id(model, slot, n_groups, 1));
        let cells = [c.tp, c.fp, c.fn_, c.tn];
        let mut draw = [0u64; 4];
        let multinomial = stats::Multinomial::new(&cells);
        let reps: Vec<f64> = (0..boot.resamples)
            .map(|_| {
                multinomial.draw(&mut rng, &mut draw);
                f1(draw[0], draw[1], draw[2])
            })
            .collect();
        stats::percentile_interval(&reps)
    };
    set.push("f1", (n > 0).then(|| f1(c.tp, c.fp, c.fn_)), f1_ci);
    set.push(
        "specificity",
        ratio(c.tn, c.tn + c.fp).filter(|_| n > 0),
        stats::wilson(c.tn, c.tn + c.fp),
    );
}

/// Confusion counts of a scored model on the rows `mask` keeps when it predicts
/// positive at `score >= threshold` (a null score is a wrong prediction): one
/// pass over the scores, with no sort and no walk of the score order.
pub fn counts_at(
    table: &EvalTable,
    model: usize,
    mask: Option<&[bool]>,
    threshold: f64,
) -> Option<Counts> {
    let (Target::Classes(y), Some(score)) =
        (table.target.as_ref(), table.models[model].score.as_deref())
    else {
        return None;
    };
    let chunk = 1 << 16;
    let parts: Vec<Counts> = score
        .par_chunks(chunk)
        .zip(y.par_chunks(chunk))
        .enumerate()
        .map(|(i, (s, y))| {
            let mut c = Counts::default();
            for (j, (&p, &l)) in s.iter().zip(y).enumerate() {
                if mask.is_some_and(|m| !m[i * chunk + j]) {
                    continue;
                }
                let pos = l == 1;
                if p.is_nan() {
                    c.nulls += 1;
                    if pos {
                        c.fn_ += 1;
                    } else {
                        c.fp += 1;
                    }
                    continue;
                }
                match (p >= threshold, pos) {
                    (true, true) => c.tp += 1,
                    (true, false) => c.fp += 1,
                    (false, true) => c.fn_ += 1,
                    (false, false) => c.tn += 1,
                }
            }
            c
        })
        .collect();
    let mut total = Counts::default();
    for c in parts {
        total.tp += c.tp;
        total.fp += c.fp;
        total.tn += c.tn;
        total.fn_ += c.fn_;
        total.nulls += c.nulls;
    }
    Some(total)
}

/// Every binary metric per slot (groups, then overall).
pub fn evaluate(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    evaluate_sorted(table, model, grouping, boot, None, true)
}

/// [`evaluate`] of a whole grouping whose scored rows by descending score the
/// caller has taken already (`kept`, from [`kept_rows`]), so the overview takes
/// them once for its metrics, calibration and curves. Without `with_ranks` only
/// the confusion-count metrics are made (no walk of the score order).
pub fn evaluate_sorted(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
    kept: Option<&Kept>,
    with_ranks: bool,
) -> Vec<MetricSet> {
    // A whole grouping counts its scored rows along its kept rows.
    let mut counts = counts_of(table, model, grouping, with_ranks && !grouping.is_whole());
    let ranks = if with_ranks {
        ranks(table, model, grouping, &mut counts, kept)
    } else {
        None
    };
    let has_scores = with_ranks && table.models[model].score.is_some();
    counts
        .par_iter()
        .enumerate()
        .map(|(slot, c)| {
            let rank = ranks.as_ref().map(|r| r[slot]).unwrap_or_default();
            let rank = has_scores.then_some(&rank);
            metrics_from(c, rank, model, slot, grouping.len(), boot)
        })
        .collect()
}

/// One slot's metrics from its aggregates (confusion counts, score sums and, for a
/// scored model, rank sums): the in-memory pass and a Spark query both end here, so
/// the two engines' numbers agree by construction.
pub fn metrics_from(
    c: &Counts,
    rank: Option<&Rank>,
    model: usize,
    slot: usize,
    n_groups: usize,
    boot: Bootstrap,
) -> MetricSet {
    let mut set = MetricSet {
        n: c.n(),
        null_predictions: c.nulls,
        metrics: Vec::new(),
        ..Default::default()
    };
    set.cells = Some([c.tn, c.fp, c.fn_, c.tp]);
    push_threshold_metrics(&mut set, c, model, slot, n_groups, boot);
    if let Some(rank) = rank {
        let pos = c.scored_pos;
        let neg = c.scored - c.scored_pos;
        let auc = (pos > 0 && neg > 0).then(|| rank.auc2 as f64 / 2.0 / (pos as f64 * neg as f64));
        let auc_ci = auc.filter(|_| pos >= 2 && neg >= 2).map(|a| {
            let s10 = (rank.v10_sq - pos as f64 * a * a) / (pos as f64 - 1.0);
            let s01 = (rank.v01_sq - neg as f64 * a * a) / (neg as f64 - 1.0);
            let se = (s10.max(0.0) / pos as f64 + s01.max(0.0) / neg as f64).sqrt();
            [(a - Z_95 * se).max(0.0), (a + Z_95 * se).min(1.0)]
        });
        set.push("roc_auc", auc, auc_ci);
        let ap = (pos > 0).then(|| rank.ap_sum / pos as f64);
        set.push(
            "average_precision",
            ap,
            ap.and_then(|a| logit_interval(a, pos)),
        );
        let k = c.scored;
        let mean = |s: f64| (k > 0).then(|| s / k as f64);
        let ll = mean(c.ll_sum);
        set.push(
            "log_loss",
            ll,
            ll.and_then(|m| stats::t_interval(m, stats::sd_from_sums(k, c.ll_sum, c.ll_sq), k)),
        );
        let br = mean(c.br_sum);
        set.push(
            "brier",
            br,
            br.and_then(|m| stats::t_interval(m, stats::sd_from_sums(k, c.br_sum, c.br_sq), k)),
        );
    }
    set
}

/// The logit interval for average precision (Boyd, Eng and Page, ECML 2013): no
/// bootstrap of a sorted walk per resample, and it stays inside (0, 1).
fn logit_interval(ap: f64, positives: u64) -> Option<stats::Interval> {
    if positives < 2 || ap <= 0.0 || ap >= 1.0 {
        return None;
    }
    let logit = (ap / (1.0 - ap)).ln();
    let half = Z_95 / (positives as f64 * ap * (1.0 - ap)).sqrt();
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    Some([expit(logit - half), expit(logit + half)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::scores::tied_orders;

    #[test]
    fn precision_terms_sum_as_each_term_added_at_once() {
        let mut buffered = PrecisionTerms::default();
        let (mut sum, mut want) = (0.0f64, 0.0f64);
        let mut x = 12_345u64;
        for i in 0..1000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let keep = (x >> 33) % 5 < 2;
            let (num, den) = ((x >> 40) as f64 * (i + 1) as f64, (i + 3) as f64);
            buffered.push(num, den, keep, &mut sum);
            want += if keep { num / den } else { 0.0 };
        }
        buffered.drain(&mut sum);
        assert_eq!(sum.to_bits(), want.to_bits());
    }

    #[test]
    fn the_rank_walk_gives_the_sums_by_their_definitions() {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        for order in tied_orders() {
            let rows: Vec<(f64, bool)> = order
                .scored
                .iter()
                .map(|r| (r.score(), r.positive()))
                .collect();
            let pos = rows.iter().filter(|r| r.1).count() as u64;
            let neg = rows.len() as u64 - pos;
            let rank = Rank::walk(&order.scored, pos, neg);
            // DeLong's placements: a positive's share of the negatives below it,
            // a negative's share of the positives above it, ties counting half.
            let share = |s: f64, label: bool, below: bool, n: u64| {
                let k: f64 = rows
                    .iter()
                    .filter(|r| r.1 == label)
                    .map(|r| match r.0 == s {
                        true => 0.5,
                        false if (r.0 < s) == below => 1.0,
                        false => 0.0,
                    })
                    .sum();
                k / n as f64
            };
            let (mut v10_sq, mut v01_sq, mut auc2) = (0.0, 0.0, 0u128);
            for &(s, y) in &rows {
                if y && neg > 0 {
                    v10_sq += share(s, false, true, neg).powi(2);
                }
                if !y && pos > 0 {
                    v01_sq += share(s, true, false, pos).powi(2);
                }
                if y {
                    auc2 += rows
                        .iter()
                        .filter(|r| !r.1)
                        .map(|r| u128::from(r.0 < s) * 2 + u128::from(r.0 == s))
                        .sum::<u128>();
                }
            }
            // Average precision times P: each distinct score's positives times
            // the precision at it (scikit-learn's step-wise sum).
            let mut distinct: Vec<f64> = rows.iter().map(|r| r.0).collect();
            distinct.sort_by(|a, b| b.total_cmp(a));
            distinct.dedup();
            let ap_sum: f64 = distinct
                .iter()
                .map(|&s| {
                    let at = |y: bool| rows.iter().filter(|r| r.1 == y && r.0 >= s).count();
                    let p = rows.iter().filter(|r| r.1 && r.0 == s).count();
                    p as f64 * at(true) as f64 / (at(true) + at(false)) as f64
                })
                .sum();
            let n = rows.len();
            assert_eq!(rank.auc2, auc2, "{n} rows");
            assert!(
                close(rank.ap_sum, ap_sum),
                "{n} rows: {} {ap_sum}",
                rank.ap_sum
            );
            assert!(
                close(rank.v10_sq, v10_sq),
                "{n} rows: {} {v10_sq}",
                rank.v10_sq
            );
            assert!(
                close(rank.v01_sq, v01_sq),
                "{n} rows: {} {v01_sq}",
                rank.v01_sq
            );
        }
    }
}
