//! Multiclass classification: per slot, the confusion matrix's nonzero cells
//! (sparse, so that 40,000 classes cost memory by the rows, not by the square of the
//! classes), F1 averages as sklearn defines them over the classes present in the
//! slot, and a bootstrap of the cells.
//!
//! Intervals: a multinomial draw of the nonzero cells (the row bootstrap,
//! summarised) while cells × resamples stays within [`EXACT_WORK`], as percentile
//! intervals (or estimate ± 1.96 bootstrap standard errors where the resampled
//! values are off-centre, see [`stats::centred_interval`]). Beyond that work
//! (tens of thousands of classes, mostly distinct errors) the delta method on each
//! class's true positives and errors taken as independent Poisson counts (the
//! Poisson bootstrap's model, Chamandy et al. 2012), in O(classes).

use std::collections::HashMap;

use rayon::prelude::*;

use super::{MetricSet, for_each_slot, stream_id};
use crate::grouping::Grouping;
use crate::load::encode::NULL_CODE;
use crate::load::table::{EvalTable, Prediction, Target};
use crate::stats::{self, Bootstrap};

/// Most cells × resamples drawn exactly from the multinomial.
pub const EXACT_WORK: usize = 50_000_000;

/// Classes up to which per-slot matrices are counted densely (faster than hashing).
const DENSE_CLASSES: usize = 256;

/// One slot's confusion matrix as its nonzero cells `(true, predicted, count)`,
/// sorted; the predicted class `k` is a null prediction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Confusion {
    pub k: usize,
    pub cells: Vec<(u32, u32, u64)>,
}

impl Confusion {
    pub fn n(&self) -> u64 {
        self.cells.iter().map(|c| c.2).sum()
    }

    /// The dense `k x (k + 1)` matrix, row-major (only for drawing few classes).
    pub fn dense(&self) -> Vec<u64> {
        let w = self.k + 1;
        let mut m = vec![0u64; self.k * w];
        for &(t, p, c) in &self.cells {
            m[t as usize * w + p as usize] += c;
        }
        m
    }

    /// Per class: true positives, support (rows of the class) and predictions of it.
    pub fn class_counts(&self) -> ClassCounts {
        let mut cc = ClassCounts::new(self.k);
        for &(t, p, c) in &self.cells {
            cc.add(t, p, c);
        }
        cc
    }
}

/// Per-class counts, all that the F1 averages need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassCounts {
    pub tp: Vec<u64>,
    pub support: Vec<u64>,
    pub predicted: Vec<u64>,
}

impl ClassCounts {
    pub fn new(k: usize) -> ClassCounts {
        ClassCounts {
            tp: vec![0; k],
            support: vec![0; k],
            predicted: vec![0; k],
        }
    }

    /// Counts `c` rows of true class `t` predicted `p` (`p == k`: null).
    #[inline]
    pub fn add(&mut self, t: u32, p: u32, c: u64) {
        self.support[t as usize] += c;
        if (p as usize) < self.predicted.len() {
            self.predicted[p as usize] += c;
        }
        if t == p {
            self.tp[t as usize] += c;
        }
    }

    pub fn clear(&mut self) {
        self.tp.iter_mut().for_each(|x| *x = 0);
        self.support.iter_mut().for_each(|x| *x = 0);
        self.predicted.iter_mut().for_each(|x| *x = 0);
    }

    /// `(macro, weighted, micro)` F1 over the classes present in `y_true` or
    /// `y_pred` (sklearn's `unique_labels`); a null prediction is a miss for the
    /// true class and a prediction of no class.
    pub fn f1_scores(&self) -> (f64, f64, f64) {
        let mut macro_sum = 0.0;
        let mut macro_n = 0usize;
        let mut weighted = 0.0;
        let (mut support_total, mut tp_total, mut predicted_total) = (0u64, 0u64, 0u64);
        for c in 0..self.tp.len() {
            let (tp, support, predicted) = (self.tp[c], self.support[c], self.predicted[c]);
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
}

/// F1 averages of a dense `k x (k + 1)` confusion matrix (last column: null
/// predictions).
pub fn f1_scores(cm: &[u64], k: usize) -> (f64, f64, f64) {
    let w = k + 1;
    let mut cc = ClassCounts::new(k);
    for t in 0..k {
        for p in 0..w {
            let c = cm[t * w + p];
            if c > 0 {
                cc.add(t as u32, p as u32, c);
            }
        }
    }
    cc.f1_scores()
}

/// Confusion matrices per slot (groups, then overall), sparse.
pub fn confusion(table: &EvalTable, model: usize, grouping: &Grouping) -> Vec<Confusion> {
    let (Target::Classes(y), Prediction::Classes(pred)) =
        (table.target.as_ref(), table.models[model].pred())
    else {
        return Vec::new();
    };
    let k = table.classes.len();
    let slots = grouping.len() + 1;
    let cell = |r: usize| -> (u32, u32) {
        let p = pred[r];
        (y[r], if p == NULL_CODE { k as u32 } else { p })
    };
    if k <= DENSE_CLASSES {
        let w = k + 1;
        let mut cms = vec![vec![0u64; k * w]; slots];
        for_each_slot(grouping, |r, s| {
            let (t, p) = cell(r);
            cms[s][t as usize * w + p as usize] += 1;
        });
        return cms
            .into_iter()
            .map(|m| Confusion {
                k,
                cells: m
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, &c)| ((i / w) as u32, (i % w) as u32, c))
                    .collect(),
            })
            .collect();
    }
    let mut maps: Vec<HashMap<(u32, u32), u64, foldhash::fast::RandomState>> =
        (0..slots).map(|_| HashMap::default()).collect();
    for_each_slot(grouping, |r, s| {
        *maps[s].entry(cell(r)).or_insert(0) += 1;
    });
    maps.into_iter()
        .map(|m| {
            let mut cells: Vec<(u32, u32, u64)> =
                m.into_iter().map(|((t, p), c)| (t, p, c)).collect();
            cells.sort_unstable();
            Confusion { k, cells }
        })
        .collect()
}

/// 95% intervals of the three F1 averages on one slot.
fn f1_intervals(
    conf: &Confusion,
    cc: &ClassCounts,
    estimates: [f64; 3],
    resamples: usize,
    seed: u64,
    stream: u64,
) -> [Option<stats::Interval>; 3] {
    if conf.cells.len().saturating_mul(resamples) > EXACT_WORK {
        return f1_delta_intervals(cc, estimates);
    }
    let mut reps = [
        Vec::with_capacity(resamples),
        Vec::with_capacity(resamples),
        Vec::with_capacity(resamples),
    ];
    let mut draw_cc = ClassCounts::new(conf.k);
    let mut rng = stats::rng(seed, stream);
    let counts: Vec<u64> = conf.cells.iter().map(|c| c.2).collect();
    let mut draw = vec![0u64; counts.len()];
    let multinomial = stats::Multinomial::new(&counts);
    for _ in 0..resamples {
        multinomial.draw(&mut rng, &mut draw);
        draw_cc.clear();
        for (&(t, p, _), &d) in conf.cells.iter().zip(&draw) {
            if d > 0 {
                draw_cc.add(t, p, d);
            }
        }
        let (a, b, c) = draw_cc.f1_scores();
        reps[0].push(a);
        reps[1].push(b);
        reps[2].push(c);
    }
    let [r0, r1, r2] = &reps;
    [
        stats::centred_interval(estimates[0], r0),
        stats::centred_interval(estimates[1], r1),
        stats::centred_interval(estimates[2], r2),
    ]
}

/// Delta-method intervals: F1 = 2t / (2t + e) per class with t (true positives)
/// and e (false positives + false negatives) independent Poisson counts, so
/// var(F1) = 4te(t + e) / (2t + e)^4; macro averages the classes present, weighted
/// weighs them by support (taken as fixed), micro uses the totals.
fn f1_delta_intervals(cc: &ClassCounts, estimates: [f64; 3]) -> [Option<stats::Interval>; 3] {
    let var = |t: f64, e: f64| -> f64 {
        let d = 2.0 * t + e;
        if d <= 0.0 {
            0.0
        } else {
            4.0 * t * e * (t + e) / d.powi(4)
        }
    };
    let (mut macro_var, mut present, mut weighted_var) = (0.0, 0usize, 0.0);
    let support_total: u64 = cc.support.iter().sum();
    let (mut t_all, mut e_all) = (0.0, 0.0);
    for c in 0..cc.tp.len() {
        let t = cc.tp[c] as f64;
        let e = (cc.support[c] - cc.tp[c]) as f64 + (cc.predicted[c] - cc.tp[c]) as f64;
        t_all += t;
        e_all += e;
        if cc.support[c] + cc.predicted[c] == 0 {
            continue;
        }
        let v = var(t, e);
        macro_var += v;
        present += 1;
        if support_total > 0 {
            let w = cc.support[c] as f64 / support_total as f64;
            weighted_var += w * w * v;
        }
    }
    let interval = |est: f64, v: f64| -> Option<stats::Interval> {
        v.is_finite().then(|| {
            let h = stats::Z_95 * v.sqrt();
            [(est - h).max(0.0), (est + h).min(1.0)]
        })
    };
    [
        (present > 0)
            .then(|| macro_var / (present * present) as f64)
            .and_then(|v| interval(estimates[0], v)),
        interval(estimates[1], weighted_var),
        interval(estimates[2], var(t_all, e_all)),
    ]
}

pub fn evaluate(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    let cms = confusion(table, model, grouping);
    cms.par_iter()
        .enumerate()
        .map(|(slot, conf)| metrics_from(conf, model, slot, grouping.len(), boot))
        .collect()
}

/// One slot's metrics from its confusion cells (in memory or from a Spark query).
pub fn metrics_from(
    conf: &Confusion,
    model: usize,
    slot: usize,
    n_groups: usize,
    boot: Bootstrap,
) -> MetricSet {
    let cc = conf.class_counts();
    let n: u64 = cc.support.iter().sum();
    let correct: u64 = cc.tp.iter().sum();
    let k = conf.k as u32;
    let nulls: u64 = conf.cells.iter().filter(|c| c.1 == k).map(|c| c.2).sum();
    let mut set = MetricSet {
        n,
        null_predictions: nulls,
        metrics: Vec::new(),
        ..Default::default()
    };
    let acc = (n > 0).then(|| correct as f64 / n as f64);
    set.push("accuracy", acc, stats::wilson(correct, n));
    set.push(
        "error_rate",
        acc.map(|a| 1.0 - a),
        stats::wilson(n - correct, n),
    );
    let (ma, we, mi) = cc.f1_scores();
    let cis = if n > 0 && boot.resamples > 0 {
        let stream = stream_id(model, slot, n_groups, 2);
        f1_intervals(conf, &cc, [ma, we, mi], boot.resamples, boot.seed, stream)
    } else {
        [None, None, None]
    };
    let defined = |v: f64| (n > 0).then_some(v);
    set.push("macro_f1", defined(ma), cis[0]);
    set.push("weighted_f1", defined(we), cis[1]);
    set.push("micro_f1", defined(mi), cis[2]);
    set
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
