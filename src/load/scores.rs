//! Per-row quantities derived once from a model's scores and shared by every later
//! pass: the descending score order (for ROC AUC, average precision, DeLong and
//! curves) and the per-row log loss. They live with the decoded table because the
//! table caches them.

use rayon::prelude::*;

/// sklearn's probability clipping for log loss (machine epsilon).
pub const EPS: f64 = f64::EPSILON;

/// Per-row log loss with probabilities clipped to `[eps, 1 - eps]` as sklearn does.
pub fn row_log_loss(score: &[f64], y: &[u32]) -> Vec<f64> {
    score
        .par_iter()
        .zip(y.par_iter())
        .map(|(&p, &label)| {
            let q = if label == 1 { p } else { 1.0 - p };
            -q.clamp(EPS, 1.0 - EPS).ln()
        })
        .collect()
}

/// One scored row in descending score order. The score and label travel with the
/// row so the per-slice walk reads them sequentially; only the row's group id is
/// looked up.
#[derive(Debug, Clone, Copy)]
pub struct RankedRow {
    pub score: f64,
    pub row: u32,
    pub positive: bool,
}

/// Rows with a non-null score, highest score first; computed once per model and
/// reused for every slice and cohort.
pub fn score_order(score: &[f64], y: &[u32]) -> Vec<RankedRow> {
    // Probabilities are non-negative, so their bit patterns sort like the values.
    let mut keys: Vec<u128> = score
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_nan())
        .map(|(r, p)| (((!p.to_bits()) as u128) << 32) | r as u128)
        .collect();
    keys.par_sort_unstable();
    keys.into_iter()
        .map(|k| {
            let row = k as u32;
            RankedRow {
                score: f64::from_bits(!((k >> 32) as u64)),
                row,
                positive: y[row as usize] == 1,
            }
        })
        .collect()
}
