//! Failure discovery: where does a model fail? SliceLine's top slices with their
//! significance (`sliceline`), and a shallow error tree (`error_tree`). Both work on
//! a per-row error vector (`row_errors`) over the decoded feature codes.

pub mod error_tree;
pub mod sliceline;

use crate::load::table::{EvalTable, Prediction, Target};

/// Per-row over-confidence of a scored binary model, mapped into [0, 1]:
/// `(score - label + 1) / 2`, so that a slice's mean is `(mean score - positive
/// rate + 1) / 2` and SliceLine's largest "error" slices are the ones whose scores
/// most exceed what happens (the calibration gap is `2 * rate - 1`). NaN where the
/// score is null or the row is outside `mask`; None without a score.
pub fn overconfidence(table: &EvalTable, model: usize, mask: Option<&[bool]>) -> Option<Vec<f64>> {
    let score = table.models.get(model)?.score.as_deref()?;
    let Target::Classes(y) = table.target.as_ref() else {
        return None;
    };
    Some(
        score
            .iter()
            .zip(y)
            .enumerate()
            .map(|(r, (&s, &l))| {
                if s.is_nan() || mask.is_some_and(|m| !m[r]) {
                    f64::NAN
                } else {
                    (s - f64::from(l) + 1.0) / 2.0
                }
            })
            .collect(),
    )
}

/// A slice's calibration gap (mean score minus positive rate) from its mean
/// over-confidence.
pub fn gap_of(rate: f64) -> f64 {
    2.0 * rate - 1.0
}

/// Ranking: each query's loss `1 - NDCG@10` (the headline cutoff) on its first
/// row and NaN on its other rows, so that a slice's size and error count queries,
/// not items. Queries without a relevant item take no part.
fn ranking_errors(
    table: &EvalTable,
    model: usize,
    against: Option<usize>,
    mask: Option<&[bool]>,
) -> Vec<f64> {
    use crate::metrics::ranking;
    let mut out = vec![f64::NAN; table.len()];
    let (Some(queries), Some(qm)) = (table.queries.as_deref(), ranking::per_query(table, model))
    else {
        return out;
    };
    let other = against.and_then(|b| ranking::per_query(table, b));
    let Some(h) = qm.index(ranking::headline(&table.params.ranking_ks())) else {
        return out;
    };
    for q in 0..queries.len() {
        let Some(&first) = queries.rows(q).first() else {
            continue;
        };
        if !qm.judged[q] || mask.is_some_and(|m| !m[first as usize]) {
            continue;
        }
        let loss = 1.0 - qm.row(q)[h];
        out[first as usize] = match &other {
            Some(o) => (loss - (1.0 - o.row(q)[h])).max(0.0),
            None => loss,
        };
    }
    out
}

/// Per-row error of `model`: 1 where it is wrong (a null prediction is wrong), or
/// with `against`, 1 where `model` is wrong and `against` is right (where did the
/// model get worse?). Regression: the squared error. Rows outside `mask`, and
/// regression rows without a prediction, are NaN and take no part.
pub fn row_errors(
    table: &EvalTable,
    model: usize,
    against: Option<usize>,
    mask: Option<&[bool]>,
) -> Vec<f64> {
    let n = table.len();
    let keep = |r: usize| mask.is_none_or(|m| m[r]);
    if let Some(fail) = table.models[model]
        .grades
        .as_deref()
        .and_then(|g| g.failure())
    {
        // Graded: the failure is 1 - pass (a fraction over runs); against a
        // baseline, how much more often this model fails than it.
        let other =
            against.and_then(|b| table.models[b].grades.as_deref().and_then(|g| g.failure()));
        return (0..n)
            .map(|r| {
                if !keep(r) || fail[r].is_nan() {
                    return f64::NAN;
                }
                match &other {
                    Some(o) if !o[r].is_nan() => (fail[r] - o[r]).max(0.0),
                    Some(_) => f64::NAN,
                    None => fail[r],
                }
            })
            .collect();
    }
    if table.task == crate::load::Task::Ranking {
        return ranking_errors(table, model, against, mask);
    }
    match (table.target.as_ref(), table.models[model].pred()) {
        (Target::Classes(y), Prediction::Classes(p)) => {
            let other = against.and_then(|b| match table.models[b].pred() {
                Prediction::Classes(q) => Some(q),
                _ => None,
            });
            (0..n)
                .map(|r| {
                    if !keep(r) {
                        return f64::NAN;
                    }
                    let wrong = p[r] != y[r];
                    let err = match other {
                        Some(q) => wrong && q[r] == y[r],
                        None => wrong,
                    };
                    f64::from(u8::from(err))
                })
                .collect()
        }
        (Target::Values(y), Prediction::Values(p)) => {
            let other = against.and_then(|b| match table.models[b].pred() {
                Prediction::Values(q) => Some(q),
                _ => None,
            });
            (0..n)
                .map(|r| {
                    if !keep(r) || p[r].is_nan() {
                        return f64::NAN;
                    }
                    let e = (p[r] - y[r]).powi(2);
                    match other {
                        // Regression against a baseline: how much worse than it.
                        Some(q) if !q[r].is_nan() => (e - (q[r] - y[r]).powi(2)).max(0.0),
                        Some(_) => f64::NAN,
                        None => e,
                    }
                })
                .collect()
        }
        _ => vec![f64::NAN; n],
    }
}
