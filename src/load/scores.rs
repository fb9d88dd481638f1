//! Per-row quantities derived once from a model's scores and shared by every later
//! pass: the descending score order (for ROC AUC, average precision, DeLong,
//! log loss, Brier and curves) and the log loss of each row of that order. They
//! live with the decoded table because the table caches them.

use rayon::prelude::*;

/// sklearn's probability clipping for log loss (machine epsilon).
pub const EPS: f64 = f64::EPSILON;

/// One row's log loss, with the probability clipped to `[eps, 1 - eps]` as
/// sklearn does.
#[inline]
pub fn log_loss(p: f64, positive: bool) -> f64 {
    let q = if positive { p } else { 1.0 - p };
    -q.clamp(EPS, 1.0 - EPS).ln()
}

/// The log loss of each row of a score order, in that order: the walks that sum
/// it read it alongside the order, sequentially, instead of one row at a time.
pub fn order_log_loss(order: &[RankedRow]) -> Vec<f64> {
    order
        .par_iter()
        .map(|r| log_loss(r.score(), r.positive()))
        .collect()
}

/// One scored row in descending score order. The score and label travel with the
/// row so the per-slice walk reads them sequentially; only the row's group id is
/// looked up. The row is its own sort key: the score's bits inverted (so that a
/// plain ascending sort puts the highest score first), then the row, then the
/// label, in one `u128`, so the sorted keys are the order with no copy into a
/// second vector. (Packed into 12 bytes, the walks were slower, not faster: an
/// unaligned score every fifth row.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RankedRow(u128);

impl RankedRow {
    pub fn new(score: f64, row: u32, positive: bool) -> RankedRow {
        // The score in the high word, so reading it back is one `not`.
        RankedRow(
            (u128::from(!score.to_bits()) << 64) | (u128::from(row) << 1) | u128::from(positive),
        )
    }

    #[inline]
    pub fn score(&self) -> f64 {
        f64::from_bits(!((self.0 >> 64) as u64))
    }

    #[inline]
    pub fn row(&self) -> u32 {
        (self.0 >> 1) as u32
    }

    #[inline]
    pub fn positive(&self) -> bool {
        self.0 & 1 == 1
    }
}

/// Rows with a non-null score, highest score first (ties in row order); computed
/// once per model and reused for every slice and cohort.
pub fn score_order(score: &[f64], y: &[u32]) -> Vec<RankedRow> {
    // Probabilities are non-negative, so their bit patterns sort like the values;
    // below them the row, then the label (which never decides: rows are unique).
    // Null scores sort last (the largest key) and are cut off: an unfiltered
    // (indexed) parallel collect writes straight into one vector, with no pieces
    // to join.
    let mut order: Vec<RankedRow> = score
        .par_iter()
        .zip(y.par_iter())
        .enumerate()
        .map(|(r, (&p, &l))| {
            if p.is_nan() {
                RankedRow(u128::MAX)
            } else {
                RankedRow::new(p, r as u32, l == 1)
            }
        })
        .collect();
    order.par_sort_unstable();
    let scored = score.par_iter().filter(|p| !p.is_nan()).count();
    order.truncate(scored);
    order
}

/// What the walks of a score order read of a row: its score and label. Both
/// [`RankedRow`] (a model's whole order) and [`ScoredRow`] (a cohort's) have
/// them, so each walk is written once for both.
pub trait Scored: Copy + Send + Sync {
    fn score(&self) -> f64;
    fn positive(&self) -> bool;
}

impl Scored for RankedRow {
    #[inline]
    fn score(&self) -> f64 {
        RankedRow::score(self)
    }
    #[inline]
    fn positive(&self) -> bool {
        RankedRow::positive(self)
    }
}

/// `(score, positive)` of rows given by descending score (ties in row order),
/// by ascending score with ties in row order (numpy's stable argsort): one run
/// of tied scores at a time from the lowest, each run forwards.
pub fn ascending<R: Scored>(rows: &[R]) -> impl Iterator<Item = (f64, bool)> + '_ {
    rows.chunk_by(|a, b| a.score() == b.score())
        .rev()
        .flatten()
        .map(|r| (r.score(), r.positive()))
}

/// A cohort's scored row in score order, in 8 bytes: the score's bits with the
/// label in the sign bit (scores are probabilities, never negative, and `-0.0`
/// is read as `0.0`). Half a [`RankedRow`]: a cohort's rows are copied out of
/// the order on every cohort change and then walked four times, so the copy's
/// size is what those walks and the fresh pages for it cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoredRow(u64);

impl ScoredRow {
    const LABEL: u64 = 1 << 63;

    #[inline]
    pub fn of(r: &RankedRow) -> ScoredRow {
        ScoredRow(r.score().to_bits() | if r.positive() { Self::LABEL } else { 0 })
    }
}

impl Scored for ScoredRow {
    #[inline]
    fn score(&self) -> f64 {
        f64::from_bits(self.0 & !Self::LABEL)
    }
    #[inline]
    fn positive(&self) -> bool {
        self.0 & Self::LABEL != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_by_descending_score_then_row_and_keeps_each_label() {
        let score = [0.2, f64::NAN, 0.9, 0.2, 0.0, 0.9, 1.0];
        let y = [1, 0, 0, 0, 1, 1, 0];
        let order = score_order(&score, &y);
        let got: Vec<(f64, u32, bool)> = order
            .iter()
            .map(|r| (r.score(), r.row(), r.positive()))
            .collect();
        for r in &order {
            let s = ScoredRow::of(r);
            assert_eq!((s.score(), s.positive()), (r.score(), r.positive()));
        }
        assert_eq!(
            got,
            vec![
                (1.0, 6, false),
                (0.9, 2, false),
                (0.9, 5, true),
                (0.2, 0, true),
                (0.2, 3, false),
                (0.0, 4, true),
            ]
        );
    }
}
