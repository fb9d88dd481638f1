//! Regression: errors per slot in two passes (means, then centred sums, so R² keeps
//! its precision on large targets), t intervals for the means and a row bootstrap
//! for R² (on slots up to `stats::ROW_BOOTSTRAP_MAX` rows; larger ones get none,
//! as a row bootstrap costs rows × resamples).

use rayon::prelude::*;

use super::{MetricSet, for_each_slot, stream_id};
use crate::grouping::Grouping;
use crate::load::table::{EvalTable, Prediction, Target};
use crate::stats::{self, Bootstrap};
use rand::RngExt;

/// One slot's sums of errors: what the metrics are computed from, in memory or by a
/// Spark query. The centred sums are about the slot's own means.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sums {
    pub n: u64,
    pub nulls: u64,
    pub err: f64,
    pub abs: f64,
    pub sq: f64,
    pub y: f64,
    // Centred, from the second pass.
    pub abs_c: f64,
    pub err_c: f64,
    pub sq_c: f64,
    pub y_c: f64,
}

pub fn evaluate(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    let (Target::Values(y), Prediction::Values(pred)) =
        (table.target.as_ref(), table.models[model].pred())
    else {
        return Vec::new();
    };
    let slots = grouping.len() + 1;
    let mut s = vec![Sums::default(); slots];
    for_each_slot(grouping, |r, k| {
        let (t, p) = (y[r], pred[r]);
        let c = &mut s[k];
        if p.is_nan() {
            c.nulls += 1;
            return;
        }
        let e = p - t;
        c.n += 1;
        c.err += e;
        c.abs += e.abs();
        c.sq += e * e;
        c.y += t;
    });
    let means: Vec<(f64, f64, f64, f64)> = s
        .iter()
        .map(|c| {
            let n = c.n.max(1) as f64;
            (c.abs / n, c.err / n, c.sq / n, c.y / n)
        })
        .collect();
    for_each_slot(grouping, |r, k| {
        let (t, p) = (y[r], pred[r]);
        if p.is_nan() {
            return;
        }
        let e = p - t;
        let (mae, me, mse, ym) = means[k];
        let c = &mut s[k];
        c.abs_c += (e.abs() - mae).powi(2);
        c.err_c += (e - me).powi(2);
        c.sq_c += (e * e - mse).powi(2);
        c.y_c += (t - ym).powi(2);
    });
    // Rows of each slot, for the R² bootstrap.
    let mut rows: Vec<Vec<u32>> = vec![Vec::new(); slots];
    for_each_slot(grouping, |r, k| {
        if !pred[r].is_nan() {
            rows[k].push(r as u32);
        }
    });
    (0..slots)
        .into_par_iter()
        .map(|k| {
            let c = s[k];
            let n = c.n;
            let r2_ci = if n >= 2 && boot.resamples > 0 && n <= crate::stats::ROW_BOOTSTRAP_MAX {
                let mut rng = stats::rng(boot.seed, stream_id(model, k, grouping.len(), 3));
                let idx = &rows[k];
                let reps: Vec<f64> = (0..boot.resamples)
                    .map(|_| {
                        let (mut sy, mut syy, mut see) = (0.0, 0.0, 0.0);
                        let m = idx.len();
                        for _ in 0..m {
                            let r = idx[rng.random_range(0..m)] as usize;
                            let (t, e) = (y[r], pred[r] - y[r]);
                            sy += t;
                            syy += t * t;
                            see += e * e;
                        }
                        let sst = syy - sy * sy / m as f64;
                        r2(see, sst.max(0.0))
                    })
                    .collect();
                stats::percentile_interval(&reps)
            } else {
                None
            };
            metrics_from(&c, r2_ci)
        })
        .collect()
}

/// One slot's metrics from its sums; `r2_ci` comes from a row bootstrap where the
/// rows are at hand (none from a Spark source).
pub fn metrics_from(c: &Sums, r2_ci: Option<stats::Interval>) -> MetricSet {
    let n = c.n;
    let d = n.max(1) as f64;
    let (mae, me, mse) = (c.abs / d, c.err / d, c.sq / d);
    let mut set = MetricSet {
        n: n + c.nulls,
        null_predictions: c.nulls,
        metrics: Vec::new(),
        ..Default::default()
    };
    let sd = |centred: f64| {
        if n < 2 {
            f64::NAN
        } else {
            (centred / (n - 1) as f64).sqrt()
        }
    };
    let has = n > 0;
    set.push(
        "mae",
        has.then_some(mae),
        stats::t_interval(mae, sd(c.abs_c), n),
    );
    let mse_ci = stats::t_interval(mse, sd(c.sq_c), n);
    set.push(
        "rmse",
        has.then(|| mse.sqrt()),
        mse_ci.map(|[lo, hi]| [lo.max(0.0).sqrt(), hi.max(0.0).sqrt()]),
    );
    set.push("r2", (n >= 2).then(|| r2(c.sq, c.y_c)), r2_ci);
    set.push(
        "mean_error",
        has.then_some(me),
        stats::t_interval(me, sd(c.err_c), n),
    );
    set
}

/// sklearn's `r2_score` with `force_finite=True`: a constant target scores 1 when
/// predicted exactly, else 0.
fn r2(sse: f64, sst: f64) -> f64 {
    if sst == 0.0 {
        if sse == 0.0 { 1.0 } else { 0.0 }
    } else {
        1.0 - sse / sst
    }
}
