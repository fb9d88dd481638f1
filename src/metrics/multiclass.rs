//! Multiclass classification: a confusion matrix per slot, F1 averages as sklearn
//! defines them over the classes present in the slot, and a multinomial bootstrap
//! of the matrix cells.

use rayon::prelude::*;

use super::{MetricSet, for_each_slot, stream_id};
use crate::grouping::Grouping;
use crate::load::encode::NULL_CODE;
use crate::load::table::{EvalTable, Prediction, Target};
use crate::stats::{self, Bootstrap};

/// F1 averages of a `k x (k + 1)` confusion matrix (last column: null predictions).
/// Classes are those in `y_true` or `y_pred` of these rows, as sklearn's
/// `unique_labels`; a null prediction is a miss for the true class and a
/// prediction of no class.
pub fn f1_scores(cm: &[u64], k: usize) -> (f64, f64, f64) {
    let w = k + 1;
    let mut macro_sum = 0.0;
    let mut macro_n = 0usize;
    let mut weighted = 0.0;
    let mut support_total = 0u64;
    let mut tp_total = 0u64;
    let mut predicted_total = 0u64;
    for c in 0..k {
        let tp = cm[c * w + c];
        let support: u64 = cm[c * w..c * w + w].iter().sum();
        let predicted: u64 = (0..k).map(|t| cm[t * w + c]).sum();
        tp_total += tp;
        predicted_total += predicted;
        support_total += support;
        if support + predicted == 0 {
            continue;
        }
        let f1 = 2.0 * tp as f64 / (support + predicted) as f64;
        macro_sum += f1;
        macro_n += 1;
        weighted += f1 * support as f64;
    }
    let macro_f1 = if macro_n == 0 {
        0.0
    } else {
        macro_sum / macro_n as f64
    };
    let weighted_f1 = if support_total == 0 {
        0.0
    } else {
        weighted / support_total as f64
    };
    let micro_d = predicted_total + support_total;
    let micro_f1 = if micro_d == 0 {
        0.0
    } else {
        2.0 * tp_total as f64 / micro_d as f64
    };
    (macro_f1, weighted_f1, micro_f1)
}

/// Confusion matrices per slot (groups, then overall), row-major `k x (k + 1)`.
pub fn confusion(table: &EvalTable, model: usize, grouping: &Grouping) -> Vec<Vec<u64>> {
    let (Target::Classes(y), Prediction::Classes(pred)) =
        (table.target.as_ref(), table.models[model].pred.as_ref())
    else {
        return Vec::new();
    };
    let k = table.classes.len();
    let w = k + 1;
    let mut cms = vec![vec![0u64; k * w]; grouping.len() + 1];
    for_each_slot(grouping, |r, s| {
        let p = pred[r];
        let col = if p == NULL_CODE { k } else { p as usize };
        cms[s][y[r] as usize * w + col] += 1;
    });
    cms
}

pub fn evaluate(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    let k = table.classes.len();
    let cms = confusion(table, model, grouping);
    cms.par_iter()
        .enumerate()
        .map(|(slot, cm)| {
            let n: u64 = cm.iter().sum();
            let correct: u64 = (0..k).map(|c| cm[c * (k + 1) + c]).sum();
            let nulls: u64 = (0..k).map(|c| cm[c * (k + 1) + k]).sum();
            let mut set = MetricSet {
                n,
                null_predictions: nulls,
                metrics: Vec::new(),
            };
            let acc = (n > 0).then(|| correct as f64 / n as f64);
            set.push("accuracy", acc, stats::wilson(correct, n));
            set.push(
                "error_rate",
                acc.map(|a| 1.0 - a),
                stats::wilson(n - correct, n),
            );
            let (ma, we, mi) = f1_scores(cm, k);
            let cis = if n > 0 && boot.resamples > 0 {
                let nz: Vec<usize> = (0..cm.len()).filter(|&i| cm[i] > 0).collect();
                let cells: Vec<u64> = nz.iter().map(|&i| cm[i]).collect();
                let mut draw = vec![0u64; cells.len()];
                let mut full = vec![0u64; cm.len()];
                let mut rng = stats::rng(boot.seed, stream_id(model, slot, grouping.len(), 2));
                let mut reps = [Vec::new(), Vec::new(), Vec::new()];
                for _ in 0..boot.resamples {
                    stats::multinomial_resample(&mut rng, &cells, &mut draw);
                    for (j, &i) in nz.iter().enumerate() {
                        full[i] = draw[j];
                    }
                    let (a, b, c) = f1_scores(&full, k);
                    reps[0].push(a);
                    reps[1].push(b);
                    reps[2].push(c);
                }
                reps.map(|mut r| stats::percentile_interval(&mut r))
            } else {
                [None, None, None]
            };
            let defined = |v: f64| (n > 0).then_some(v);
            set.push("macro_f1", defined(ma), cis[0]);
            set.push("weighted_f1", defined(we), cis[1]);
            set.push("micro_f1", defined(mi), cis[2]);
            set
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_averages_match_sklearn_on_a_hand_case() {
        // y_true = [0,0,1,1,2], y_pred = [0,1,1,1,0]
        // sklearn f1_score: macro 0.43333333333333335, weighted 0.52, micro 0.6
        let k = 3;
        let mut cm = vec![0u64; k * (k + 1)];
        for (t, p) in [(0, 0), (0, 1), (1, 1), (1, 1), (2, 0)] {
            cm[t * (k + 1) + p] += 1;
        }
        let (ma, we, mi) = f1_scores(&cm, k);
        assert!((ma - 0.43333333333333335).abs() < 1e-12);
        assert!((we - 0.52).abs() < 1e-12);
        assert!((mi - 0.6).abs() < 1e-12);
    }
}
