//! Paired comparison of a candidate with a baseline on the same rows (contract
//! sections 3-4): metric deltas with paired intervals, the 2x2 of flips, McNemar's
//! exact test, and per slice a Benjamini-Hochberg q-value and a verdict.
//!
//! Intervals: confusion-based metrics draw the joint cells of (label, baseline's
//! prediction, candidate's prediction) from a multinomial (the paired bootstrap of
//! rows, summarised); log loss, Brier, MAE and mean error use a paired t interval on
//! per-row differences; ROC AUC uses DeLong's paired variance; the remaining
//! metrics (F1 averages, RMSE, R²) resample rows, up to `ROW_BOOTSTRAP_MAX` rows.

use rand::RngExt;
use rayon::prelude::*;
use statrs::distribution::{Binomial, DiscreteCDF};

use crate::grouping::{Grouping, SKIP};
use crate::load::encode::NULL_CODE;
use crate::load::roles::Task;
use crate::load::table::{EvalTable, Prediction, Target};
use crate::metrics::{self, MetricSet, binary, multiclass, task_metric_names};
use crate::stats::{self, Bootstrap, Interval, Z_95};

pub use crate::stats::ROW_BOOTSTRAP_MAX;

pub mod graded;
pub mod ranking;

/// Rows by which of the two models is correct.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Flips {
    pub both_correct: u64,
    /// The baseline is correct and the candidate wrong.
    pub baseline_only: u64,
    /// The candidate is correct and the baseline wrong.
    pub candidate_only: u64,
    pub both_wrong: u64,
}

impl Flips {
    /// Counts `n` rows by whether the baseline (`okb`) and the candidate (`okc`)
    /// were correct.
    pub fn add(&mut self, okb: bool, okc: bool, n: u64) {
        match (okb, okc) {
            (true, true) => self.both_correct += n,
            (true, false) => self.baseline_only += n,
            (false, true) => self.candidate_only += n,
            (false, false) => self.both_wrong += n,
        }
    }

    pub fn n(&self) -> u64 {
        self.both_correct + self.baseline_only + self.candidate_only + self.both_wrong
    }
}

/// One metric for both models and their difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    pub name: &'static str,
    pub baseline: Option<f64>,
    pub candidate: Option<f64>,
    pub delta: Option<f64>,
    pub ci: Option<Interval>,
    /// Graded: the standard error of the paired difference (clustered with
    /// `--cluster`) and the minimum detectable difference at 80% power.
    pub se: Option<f64>,
    pub mde: Option<f64>,
}

/// The comparison on one group of rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    pub n: u64,
    pub metrics: Vec<Delta>,
    pub flips: Flips,
    pub mcnemar_p: f64,
    /// Graded models with scores but no pass/fail: the two-sided p-value of the
    /// paired mean-score difference, which then stands in for McNemar's.
    pub paired_p: Option<f64>,
}

impl Comparison {
    pub fn delta(&self, name: &str) -> Option<&Delta> {
        self.metrics.iter().find(|d| d.name == name)
    }

    /// The metric verdicts follow: accuracy for classification; MAE for regression,
    /// which has no accuracy.
    pub fn headline(&self) -> Option<&Delta> {
        self.delta("accuracy")
            .or_else(|| self.delta("mae"))
            .or_else(|| self.delta("pass_rate").filter(|d| d.delta.is_some()))
            .or_else(|| self.delta("mean_score"))
            .or_else(|| self.delta("ndcg@10"))
            .or_else(|| self.metrics.iter().find(|d| d.name.starts_with("ndcg@")))
    }

    /// The p-value the verdicts read: McNemar's, or for score-only graded models
    /// the paired test of the mean score.
    pub fn verdict_p(&self) -> f64 {
        self.paired_p.unwrap_or(self.mcnemar_p)
    }

    /// How much the candidate improved on the headline metric (positive: better).
    pub fn improvement(&self) -> Option<f64> {
        let d = self.headline()?;
        let delta = d.delta?;
        Some(if d.name == "mae" { -delta } else { delta })
    }
}

/// What a slice's comparison says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Regression,
    Improvement,
    NoChange,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Regression => "regression",
            Verdict::Improvement => "improvement",
            Verdict::NoChange => "no_change",
        }
    }
}

/// A slice's comparison with its q-value and verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceComparison {
    pub group: usize,
    pub comparison: Comparison,
    pub q_value: f64,
    pub verdict: Verdict,
}

/// Exact two-sided McNemar test, as statsmodels `mcnemar(table, exact=True)`:
/// twice the binomial(b + c, 1/2) CDF at min(b, c), capped at 1.
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    Binomial::new(0.5, n)
        .map(|d| (2.0 * d.cdf(k)).min(1.0))
        .unwrap_or(1.0)
}

/// Compares `candidate` with `baseline` overall (the last element) and per group.
pub fn compare(
    table: &EvalTable,
    grouping: &Grouping,
    baseline: usize,
    candidate: usize,
    boot: Bootstrap,
) -> Vec<Comparison> {
    if table.task == Task::Graded {
        return graded::compare(table, grouping, baseline, candidate);
    }
    if table.task == Task::Ranking {
        return ranking::compare(table, grouping, baseline, candidate, boot);
    }
    let (sets_b, sets_c) = rayon::join(
        || metrics::evaluate_model_with(table, baseline, grouping, boot, metrics::Scope::NO_EXTRAS),
        || {
            metrics::evaluate_model_with(
                table,
                candidate,
                grouping,
                boot,
                metrics::Scope::NO_EXTRAS,
            )
        },
    );
    let has_scores =
        table.models[baseline].score.is_some() && table.models[candidate].score.is_some();
    let aggregates = PairedAggregates {
        task: table.task,
        has_scores,
        sets_b,
        sets_c,
        flips: flips(table, baseline, candidate, grouping),
        paired: PairedSums::compute(table, baseline, candidate, grouping),
        auc: (table.task == Task::Binary && has_scores)
            .then(|| delong_paired(table, baseline, candidate, grouping)),
        joint: joint_cells(table, baseline, candidate, grouping),
        class_joint: class_joint_cells(table, baseline, candidate, grouping),
    };
    let slot_rows = slot_rows(grouping);
    let slots = grouping.len() + 1;
    comparisons_from(&aggregates, baseline, candidate, boot, |s, name| {
        row_bootstrap(
            table,
            baseline,
            candidate,
            &slot_rows[s],
            name,
            boot,
            stats::slot_stream(s, slots - 1),
        )
    })
}

/// What a paired comparison is computed from, per slot (groups, then overall):
/// the in-memory passes and a Spark source's queries both produce it.
pub struct PairedAggregates {
    pub task: Task,
    pub has_scores: bool,
    pub sets_b: Vec<MetricSet>,
    pub sets_c: Vec<MetricSet>,
    pub flips: Vec<Flips>,
    pub paired: PairedSums,
    /// Paired DeLong intervals of the ROC AUC delta (binary, both scored).
    pub auc: Option<Vec<Option<Interval>>>,
    /// Joint cells (see [`joint_cells`]); none for regression.
    pub joint: Option<Vec<[u64; 8]>>,
    /// Multiclass: the sparse joint cells `(y, pb, pc, count)` per slot (a null
    /// prediction is column `k`), whose multinomial resample is the paired row
    /// bootstrap of the F1 averages.
    pub class_joint: Option<ClassJoint>,
}

/// Multiclass joint cells: the number of classes, and per slot `(y, pb, pc, count)`.
pub type ClassJoint = (usize, Vec<Vec<(u32, u32, u32, u64)>>);

/// Every slot's comparison from its aggregates; `row_bootstrap` gives the
/// interval of a delta that no aggregate serves (multiclass F1, R²), or None.
pub fn comparisons_from(
    agg: &PairedAggregates,
    baseline: usize,
    candidate: usize,
    boot: Bootstrap,
    row_bootstrap: impl Fn(usize, &str) -> Option<Interval> + Sync,
) -> Vec<Comparison> {
    let slots = agg.flips.len();
    let names = task_metric_names(agg.task, agg.has_scores);
    (0..slots)
        .into_par_iter()
        .map(|s| {
            let f = agg.flips[s];
            let mut rng = stats::rng(
                boot.seed,
                ((baseline as u64) << 48)
                    ^ ((candidate as u64) << 32)
                    ^ stats::slot_stream(s, slots - 1),
            );
            let cell_cis = agg
                .joint
                .as_ref()
                .map(|j| joint_bootstrap(agg.task, &j[s], boot.resamples, &mut rng));
            let class_cis = agg.class_joint.as_ref().map(|(k, j)| {
                let mut rng = stats::rng(
                    boot.seed,
                    ((baseline as u64) << 48)
                        ^ ((candidate as u64) << 32)
                        ^ stats::slot_stream(s, slots - 1)
                        ^ 0xc1a5,
                );
                class_joint_bootstrap(*k, &j[s], boot.resamples, &mut rng)
            });
            let metrics = names
                .iter()
                .map(|&name| {
                    let (b, c) = (value(&agg.sets_b[s], name), value(&agg.sets_c[s], name));
                    let delta = b.zip(c).map(|(b, c)| c - b);
                    let ci = match name {
                        "log_loss" | "brier" | "mae" | "mean_error" => {
                            agg.paired.t_interval(s, name)
                        }
                        "roc_auc" => agg.auc.as_ref().and_then(|a| a[s]),
                        "macro_f1" | "weighted_f1" | "micro_f1" if class_cis.is_some() => {
                            class_cis.as_ref().and_then(|c| {
                                c.iter().find(|(n, _)| *n == name).and_then(|(_, ci)| *ci)
                            })
                        }
                        _ => cell_cis
                            .as_ref()
                            .and_then(|c| {
                                c.iter().find(|(n, _)| *n == name).and_then(|(_, ci)| *ci)
                            })
                            .or_else(|| row_bootstrap(s, name)),
                    };
                    Delta {
                        name,
                        baseline: b,
                        candidate: c,
                        delta,
                        ci: delta.and(ci),
                        se: None,
                        mde: None,
                    }
                })
                .collect();
            Comparison {
                n: f.n(),
                metrics,
                flips: f,
                mcnemar_p: mcnemar_exact(f.baseline_only, f.candidate_only),
                paired_p: None,
            }
        })
        .collect()
}

fn value(set: &MetricSet, name: &str) -> Option<f64> {
    set.value(name)
}

/// Per-slice comparisons with Benjamini-Hochberg q-values of McNemar's p over the
/// slices listed, and the contract's verdicts (on the accuracy delta; for
/// regression, on the MAE delta, a rise being the regression).
pub fn slice_verdicts(comparisons: &[Comparison]) -> Vec<SliceComparison> {
    let groups = &comparisons[..comparisons.len().saturating_sub(1)];
    let p: Vec<f64> = groups.iter().map(Comparison::verdict_p).collect();
    let q = stats::benjamini_hochberg(&p);
    groups
        .iter()
        .zip(q)
        .enumerate()
        .map(|(g, (c, q))| {
            let d = c.improvement().unwrap_or(0.0);
            let verdict = if q < 0.05 && d < 0.0 {
                Verdict::Regression
            } else if q < 0.05 && d > 0.0 {
                Verdict::Improvement
            } else {
                Verdict::NoChange
            };
            SliceComparison {
                group: g,
                comparison: c.clone(),
                q_value: q,
                verdict,
            }
        })
        .collect()
}

/// True when the gate of `--fail-on-regression` fails: a listed slice is a
/// regression, or overall the candidate is significantly worse (McNemar p < 0.05
/// with a negative accuracy delta).
pub fn gate_fails(overall: &Comparison, slices: &[SliceComparison]) -> bool {
    let worse = overall.improvement().is_some_and(|d| d < 0.0);
    slices.iter().any(|s| s.verdict == Verdict::Regression) || (overall.verdict_p() < 0.05 && worse)
}

/// Correctness of a classification prediction (null is wrong); regression: NaN is
/// wrong and otherwise "correct" means no worse than the other model's error.
fn flips(table: &EvalTable, b: usize, c: usize, grouping: &Grouping) -> Vec<Flips> {
    let mut out = vec![Flips::default(); grouping.len() + 1];
    let mut add = |s: usize, okb: bool, okc: bool| out[s].add(okb, okc, 1);
    match (
        table.target.as_ref(),
        table.models[b].pred(),
        table.models[c].pred(),
    ) {
        (Target::Classes(y), Prediction::Classes(pb), Prediction::Classes(pc)) => {
            metrics::for_each_slot(grouping, |r, s| add(s, pb[r] == y[r], pc[r] == y[r]));
        }
        (Target::Values(y), Prediction::Values(pb), Prediction::Values(pc)) => {
            // Regression has no right or wrong: a row counts for the model with the
            // smaller absolute error (ties: both "correct").
            metrics::for_each_slot(grouping, |r, s| {
                let (eb, ec) = ((pb[r] - y[r]).abs(), (pc[r] - y[r]).abs());
                add(
                    s,
                    eb <= ec || (ec.is_nan() && !eb.is_nan()),
                    ec <= eb || (eb.is_nan() && !ec.is_nan()),
                );
            });
        }
        _ => {}
    }
    out
}

/// Joint cell counts per slot. Binary: index `y * 4 + pb * 2 + pc` with the
/// predicted-positive bits (a null prediction is the wrong class). Multiclass:
/// `okb * 2 + okc`. None for regression.
fn joint_cells(
    table: &EvalTable,
    b: usize,
    c: usize,
    grouping: &Grouping,
) -> Option<Vec<[u64; 8]>> {
    let (y, pb, pc) = class_predictions(table, b, c)?;
    let mut cells = vec![[0u64; 8]; grouping.len() + 1];
    let binary = table.task == Task::Binary;
    metrics::for_each_slot(grouping, |r, s| {
        let i = if binary {
            let bit = |p: u32| -> usize {
                if p == NULL_CODE {
                    usize::from(y[r] == 0)
                } else {
                    p as usize
                }
            };
            y[r] as usize * 4 + bit(pb[r]) * 2 + bit(pc[r])
        } else {
            usize::from(pb[r] == y[r]) * 2 + usize::from(pc[r] == y[r])
        };
        cells[s][i] += 1;
    });
    Some(cells)
}

/// The label's and both models' class codes (None for regression).
fn class_predictions(table: &EvalTable, b: usize, c: usize) -> Option<(&[u32], &[u32], &[u32])> {
    match (
        table.target.as_ref(),
        table.models[b].pred(),
        table.models[c].pred(),
    ) {
        (Target::Classes(y), Prediction::Classes(pb), Prediction::Classes(pc)) => Some((y, pb, pc)),
        _ => None,
    }
}

/// Per slot, the multiclass joint cells `(y, pb, pc, count)` of two models,
/// sorted; a null prediction is column `k`.
fn class_joint_cells(
    table: &EvalTable,
    b: usize,
    c: usize,
    grouping: &Grouping,
) -> Option<ClassJoint> {
    if table.task != Task::Multiclass {
        return None;
    }
    let (y, pb, pc) = class_predictions(table, b, c)?;
    let k = table.classes.len() as u32;
    let col = |p: u32| if p == NULL_CODE { k } else { p };
    let mut maps: Vec<std::collections::HashMap<(u32, u32, u32), u64>> =
        vec![Default::default(); grouping.len() + 1];
    metrics::for_each_slot(grouping, |r, s| {
        *maps[s].entry((y[r], col(pb[r]), col(pc[r]))).or_default() += 1;
    });
    let cells = maps
        .into_iter()
        .map(|m| {
            let mut v: Vec<(u32, u32, u32, u64)> =
                m.into_iter().map(|((y, b, c), n)| (y, b, c, n)).collect();
            v.sort_unstable();
            v
        })
        .collect();
    Some((k as usize, cells))
}

/// Paired intervals of the F1 averages' deltas from a multinomial resample of the
/// joint cells (the paired row bootstrap, without the rows).
fn class_joint_bootstrap(
    k: usize,
    cells: &[(u32, u32, u32, u64)],
    resamples: usize,
    rng: &mut rand_chacha::ChaCha8Rng,
) -> Vec<(&'static str, Option<Interval>)> {
    let counts: Vec<u64> = cells.iter().map(|c| c.3).collect();
    if resamples == 0 || counts.iter().sum::<u64>() == 0 {
        return Vec::new();
    }
    let mut draw = vec![0u64; counts.len()];
    let mut reps: [Vec<f64>; 3] = Default::default();
    let multinomial = stats::Multinomial::new(&counts);
    for _ in 0..resamples {
        multinomial.draw(rng, &mut draw);
        let (mut cb, mut cc) = (
            multiclass::ClassCounts::new(k),
            multiclass::ClassCounts::new(k),
        );
        for (&(y, pb, pc, _), &n) in cells.iter().zip(&draw) {
            if n > 0 {
                cb.add(y, pb, n);
                cc.add(y, pc, n);
            }
        }
        let (b, c) = (cb.f1_scores(), cc.f1_scores());
        reps[0].push(c.0 - b.0);
        reps[1].push(c.1 - b.1);
        reps[2].push(c.2 - b.2);
    }
    let [ma, we, mi] = reps;
    vec![
        ("macro_f1", stats::percentile_interval(&ma)),
        ("weighted_f1", stats::percentile_interval(&we)),
        ("micro_f1", stats::percentile_interval(&mi)),
    ]
}

/// Percentile intervals of the deltas of the confusion-based metrics from
/// multinomial draws of the joint cells.
fn joint_bootstrap(
    task: Task,
    cells: &[u64; 8],
    resamples: usize,
    rng: &mut rand_chacha::ChaCha8Rng,
) -> Vec<(&'static str, Option<Interval>)> {
    if resamples == 0 || cells.iter().sum::<u64>() == 0 {
        return Vec::new();
    }
    let names: &[&'static str] = if task == Task::Binary {
        &metrics::binary::THRESHOLD_METRICS
    } else {
        &["accuracy", "error_rate"]
    };
    let mut reps: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); names.len()];
    let mut draw = [0u64; 8];
    let multinomial = stats::Multinomial::new(cells);
    for _ in 0..resamples {
        multinomial.draw(rng, &mut draw);
        let d = if task == Task::Binary {
            binary_deltas(&draw)
        } else {
            correctness_deltas(&draw)
        };
        for (k, v) in d.into_iter().enumerate() {
            reps[k].push(v);
        }
    }
    names
        .iter()
        .zip(reps)
        .map(|(&n, r)| (n, stats::percentile_interval(&r)))
        .collect()
}

/// Candidate minus baseline for accuracy, error rate, precision, recall, F1 and
/// specificity, from joint binary cells.
fn binary_deltas(c: &[u64; 8]) -> Vec<f64> {
    // Confusion of one model: `pick(bit)` says which bit of the index is its prediction.
    let conf = |shift: usize| -> (f64, f64, f64, f64) {
        let (mut tp, mut fp, mut tn, mut fn_) = (0u64, 0u64, 0u64, 0u64);
        for (i, &n) in c.iter().enumerate() {
            let y = i >> 2;
            let p = (i >> shift) & 1;
            match (y, p) {
                (1, 1) => tp += n,
                (0, 1) => fp += n,
                (0, 0) => tn += n,
                _ => fn_ += n,
            }
        }
        (tp as f64, fp as f64, tn as f64, fn_ as f64)
    };
    let scores = |(tp, fp, tn, fn_): (f64, f64, f64, f64)| -> [f64; 6] {
        let n = tp + fp + tn + fn_;
        let r = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
        let acc = r(tp + tn, n);
        [
            acc,
            1.0 - acc,
            r(tp, tp + fp),
            r(tp, tp + fn_),
            r(2.0 * tp, 2.0 * tp + fp + fn_),
            r(tn, tn + fp),
        ]
    };
    let (b, cand) = (scores(conf(1)), scores(conf(0)));
    (0..6).map(|k| cand[k] - b[k]).collect()
}

fn correctness_deltas(c: &[u64; 8]) -> Vec<f64> {
    let n = (c[0] + c[1] + c[2] + c[3]) as f64;
    if n == 0.0 {
        return vec![0.0, 0.0];
    }
    let ok_b = (c[2] + c[3]) as f64 / n;
    let ok_c = (c[1] + c[3]) as f64 / n;
    vec![ok_c - ok_b, ok_b - ok_c]
}

/// Per-slot sums of per-row differences for the paired t intervals.
pub struct PairedSums {
    /// `(name, n, sum, sum of squares)` per slot.
    pub sums: Vec<Vec<(&'static str, u64, f64, f64)>>,
}

impl PairedSums {
    fn compute(table: &EvalTable, b: usize, c: usize, grouping: &Grouping) -> PairedSums {
        let slots = grouping.len() + 1;
        let mut sums: Vec<Vec<(&'static str, u64, f64, f64)>> = vec![Vec::new(); slots];
        let mut acc = |s: usize, name: &'static str, d: f64| {
            if d.is_nan() {
                return;
            }
            let v = &mut sums[s];
            match v.iter_mut().find(|x| x.0 == name) {
                Some(x) => {
                    x.1 += 1;
                    x.2 += d;
                    x.3 += d * d;
                }
                None => v.push((name, 1, d, d * d)),
            }
        };
        match (
            table.target.as_ref(),
            table.models[b].pred(),
            table.models[c].pred(),
        ) {
            (Target::Classes(y), _, _) => {
                if let (Some(sb), Some(sc)) = (&table.models[b].score, &table.models[c].score) {
                    let eps = f64::EPSILON;
                    let ll = |p: f64, pos: bool| {
                        -(if pos { p } else { 1.0 - p }).clamp(eps, 1.0 - eps).ln()
                    };
                    metrics::for_each_slot(grouping, |r, s| {
                        let pos = y[r] == 1;
                        let (pb, pc) = (sb[r], sc[r]);
                        if pb.is_nan() || pc.is_nan() {
                            return;
                        }
                        let t = if pos { 1.0 } else { 0.0 };
                        acc(s, "log_loss", ll(pc, pos) - ll(pb, pos));
                        acc(s, "brier", (pc - t).powi(2) - (pb - t).powi(2));
                    });
                }
            }
            (Target::Values(y), Prediction::Values(pb), Prediction::Values(pc)) => {
                metrics::for_each_slot(grouping, |r, s| {
                    let (eb, ec) = (pb[r] - y[r], pc[r] - y[r]);
                    acc(s, "mae", ec.abs() - eb.abs());
                    acc(s, "mean_error", ec - eb);
                });
            }
            _ => {}
        }
        PairedSums { sums }
    }

    fn t_interval(&self, slot: usize, name: &str) -> Option<Interval> {
        let &(_, n, sum, sq) = self.sums[slot].iter().find(|x| x.0 == name)?;
        let mean = sum / n as f64;
        stats::t_interval(mean, stats::sd_from_sums(n, sum, sq), n)
    }
}

/// Paired DeLong interval of the ROC AUC difference per slot, on the rows where
/// both models have a score.
fn delong_paired(
    table: &EvalTable,
    b: usize,
    c: usize,
    grouping: &Grouping,
) -> Vec<Option<Interval>> {
    let slots = grouping.len() + 1;
    let (Some(sb), Some(sc), Target::Classes(y)) = (
        &table.models[b].score,
        &table.models[c].score,
        table.target.as_ref(),
    ) else {
        return vec![None; slots];
    };
    // Rows usable by both.
    let ids: Vec<u32> = grouping
        .ids
        .iter()
        .enumerate()
        .map(|(r, g)| {
            if sb[r].is_nan() || sc[r].is_nan() {
                SKIP
            } else {
                g
            }
        })
        .collect();
    // Its ids are the truth (rows without both scores left out): no bitset.
    let common = Grouping {
        ids: Grouping::ids_of(ids, grouping.len()),
        members: None,
        ..grouping.clone()
    };
    let (pb, pc) = rayon::join(
        || placements(table.models[b].score_order(&table.target), &common),
        || placements(table.models[c].score_order(&table.target), &common),
    );
    let mut st = vec![DelongSums::default(); slots];
    let overall = grouping.len();
    for (r, g) in common.ids.iter().enumerate() {
        if g == SKIP {
            continue;
        }
        let k = usize::from(y[r] != 1); // 0: positive (V10), 1: negative (V01)
        for (slot, (x, yv)) in [
            (g as usize, (pb.0[r], pc.0[r])),
            (overall, (pb.1[r], pc.1[r])),
        ] {
            let e = &mut st[slot];
            e.n[k] += 1.0;
            e.x[k] += x;
            e.y[k] += yv;
            e.xx[k] += x * x;
            e.yy[k] += yv * yv;
            e.xy[k] += x * yv;
        }
    }
    st.iter().map(DelongSums::interval).collect()
}

/// One slot's sums of DeLong placements of the two models on the rows both
/// scored: `[positives (V10), negatives (V01)]` counts, sums, squares and cross
/// products (baseline `x`, candidate `y`).
#[derive(Debug, Clone, Copy, Default)]
pub struct DelongSums {
    pub n: [f64; 2],
    pub x: [f64; 2],
    pub y: [f64; 2],
    pub xx: [f64; 2],
    pub yy: [f64; 2],
    pub xy: [f64; 2],
}

impl DelongSums {
    /// The paired DeLong 95% interval of the AUC difference (candidate - baseline).
    pub fn interval(&self) -> Option<Interval> {
        let e = self;
        let (m, n) = (e.n[0], e.n[1]);
        if m < 2.0 || n < 2.0 {
            return None;
        }
        let cov = |k: usize, a: f64, b: f64, ab: f64| (ab - a * b / e.n[k]) / (e.n[k] - 1.0);
        let var_b = cov(0, e.x[0], e.x[0], e.xx[0]) / m + cov(1, e.x[1], e.x[1], e.xx[1]) / n;
        let var_c = cov(0, e.y[0], e.y[0], e.yy[0]) / m + cov(1, e.y[1], e.y[1], e.yy[1]) / n;
        let cv = cov(0, e.x[0], e.y[0], e.xy[0]) / m + cov(1, e.x[1], e.y[1], e.xy[1]) / n;
        let auc_b = e.x[0] / m;
        let auc_c = e.y[0] / m;
        let d = auc_c - auc_b;
        let se = (var_b + var_c - 2.0 * cv).max(0.0).sqrt();
        Some([d - Z_95 * se, d + Z_95 * se])
    }
}

/// DeLong placements of each row within its group (first vector) and overall
/// (second): a positive's share of negatives scored below it (ties half), a
/// negative's share of positives scored above it (ties half).
fn placements(order: &binary::ScoreOrder, grouping: &Grouping) -> (Vec<f64>, Vec<f64>) {
    let (scored, rows) = (&order.scored, &order.rows);
    let n = grouping.ids.len();
    let slots = grouping.len() + 1;
    let overall = grouping.len();
    let mut pos = vec![0u64; slots];
    let mut neg = vec![0u64; slots];
    for (r, &row) in scored.iter().zip(rows) {
        let g = grouping.ids[row as usize];
        if g == SKIP {
            continue;
        }
        for s in [g as usize, overall] {
            if r.positive() {
                pos[s] += 1
            } else {
                neg[s] += 1
            }
        }
    }
    let mut out = (vec![f64::NAN; n], vec![f64::NAN; n]);
    let mut above = vec![(0u64, 0u64); slots];
    let mut tie = vec![(0u64, 0u64); slots];
    let mut i = 0;
    while i < scored.len() {
        let mut j = i;
        while j < scored.len() && scored[j].score() == scored[i].score() {
            j += 1;
        }
        let members: Vec<(binary::ScoredRow, u32)> = scored[i..j]
            .iter()
            .zip(&rows[i..j])
            .filter(|(_, row)| grouping.ids[**row as usize] != SKIP)
            .map(|(r, &row)| (*r, row))
            .collect();
        for &(r, row) in &members {
            let g = grouping.ids[row as usize] as usize;
            for s in [g, overall] {
                if r.positive() {
                    tie[s].0 += 1
                } else {
                    tie[s].1 += 1
                }
            }
        }
        for &(r, row) in &members {
            let g = grouping.ids[row as usize] as usize;
            for (k, s) in [g, overall].into_iter().enumerate() {
                let (p_tie, q_tie) = tie[s];
                let (p_above, q_above) = above[s];
                let v = if r.positive() {
                    if neg[s] == 0 {
                        f64::NAN
                    } else {
                        (neg[s] as f64 - q_above as f64 - 0.5 * q_tie as f64) / neg[s] as f64
                    }
                } else if pos[s] == 0 {
                    f64::NAN
                } else {
                    (p_above as f64 + 0.5 * p_tie as f64) / pos[s] as f64
                };
                if k == 0 {
                    out.0[row as usize] = v
                } else {
                    out.1[row as usize] = v
                }
            }
        }
        for &(_, row) in &members {
            let g = grouping.ids[row as usize] as usize;
            for s in [g, overall] {
                let t = tie[s];
                if t != (0, 0) {
                    above[s].0 += t.0;
                    above[s].1 += t.1;
                    tie[s] = (0, 0);
                }
            }
        }
        i = j;
    }
    out
}

/// Rows of each slot (groups, then overall), for the row bootstrap.
fn slot_rows(grouping: &Grouping) -> Vec<Vec<u32>> {
    let mut rows = vec![Vec::new(); grouping.len() + 1];
    metrics::for_each_slot(grouping, |r, s| {
        if (rows[s].len() as u64) < ROW_BOOTSTRAP_MAX + 1 {
            rows[s].push(r as u32);
        }
    });
    rows
}

/// Paired row bootstrap of one metric's delta on a slot's rows (small slots only).
fn row_bootstrap(
    table: &EvalTable,
    b: usize,
    c: usize,
    rows: &[u32],
    name: &str,
    boot: Bootstrap,
    stream: u64,
) -> Option<Interval> {
    if rows.is_empty() || rows.len() as u64 > ROW_BOOTSTRAP_MAX || boot.resamples == 0 {
        return None;
    }
    let metric = |m: usize, idx: &[u32]| -> Option<f64> {
        match (table.target.as_ref(), table.models[m].pred()) {
            (Target::Classes(y), Prediction::Classes(p)) if table.task == Task::Multiclass => {
                let k = table.classes.len();
                let mut cc = multiclass::ClassCounts::new(k);
                for &r in idx {
                    let r = r as usize;
                    let col = if p[r] == NULL_CODE { k as u32 } else { p[r] };
                    cc.add(y[r], col, 1);
                }
                let (ma, we, mi) = cc.f1_scores();
                match name {
                    "macro_f1" => Some(ma),
                    "weighted_f1" => Some(we),
                    "micro_f1" => Some(mi),
                    _ => None,
                }
            }
            (Target::Values(y), Prediction::Values(p)) => {
                let (mut n, mut sse, mut sy, mut syy) = (0f64, 0.0, 0.0, 0.0);
                for &r in idx {
                    let r = r as usize;
                    if p[r].is_nan() {
                        continue;
                    }
                    n += 1.0;
                    sse += (p[r] - y[r]).powi(2);
                    sy += y[r];
                    syy += y[r] * y[r];
                }
                if n < 2.0 {
                    return None;
                }
                match name {
                    "rmse" => Some((sse / n).sqrt()),
                    "r2" => {
                        let sst = syy - sy * sy / n;
                        Some(if sst <= 0.0 {
                            if sse == 0.0 { 1.0 } else { 0.0 }
                        } else {
                            1.0 - sse / sst
                        })
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    };
    metric(b, rows)?;
    let mut rng = stats::rng(
        boot.seed,
        ((b as u64) << 48) ^ ((c as u64) << 32) ^ stream ^ 0xb007,
    );
    let mut idx = vec![0u32; rows.len()];
    let mut reps = Vec::with_capacity(boot.resamples);
    for _ in 0..boot.resamples {
        for v in idx.iter_mut() {
            *v = rows[rng.random_range(0..rows.len())];
        }
        if let (Some(x), Some(y)) = (metric(b, &idx), metric(c, &idx)) {
            reps.push(y - x);
        }
    }
    stats::percentile_interval(&reps)
}

/// The paired counts in a sentence: rows (or examples) by which model was right,
/// or for rankers, queries by which model ranked better; with the exact test.
pub fn flips_sentence(task: Task, f: &Flips, mcnemar_p: f64, b: &str, c: &str) -> String {
    use crate::format::{fmt_int, fmt_p};
    if task == Task::Ranking {
        format!(
            "Queries: {c} ranks better on {}, {b} on {}, tied on {}; sign test p = {}",
            fmt_int(f.candidate_only),
            fmt_int(f.baseline_only),
            fmt_int(f.both_correct),
            fmt_p(mcnemar_p)
        )
    } else {
        format!(
            "Flips: both right {}, only {b} right {}, only {c} right {}, both wrong {}; McNemar exact p = {}",
            fmt_int(f.both_correct),
            fmt_int(f.baseline_only),
            fmt_int(f.candidate_only),
            fmt_int(f.both_wrong),
            fmt_p(mcnemar_p)
        )
    }
}

/// What a graded comparison could have seen: the verdict's metric, its interval,
/// and the smallest difference the examples give 80% power to detect.
pub fn power_sentence(d: &crate::compare::Delta, n: u64, unit: &str) -> String {
    let name = d.name.replace('_', " ");
    match (d.delta, d.mde) {
        (Some(delta), Some(mde)) => {
            let seen = d.ci.is_some_and(|[lo, hi]| lo > 0.0 || hi < 0.0);
            let verdict = if seen {
                "the difference is significant"
            } else {
                "no significant difference; a true difference smaller than that would usually go unseen with this many"
            };
            format!(
                "{name}: delta {delta:+.4}; with {} {unit} the minimum detectable difference (80% power, alpha 0.05, paired) is {mde:.4}; {verdict}{}.",
                crate::format::fmt_int(n),
                if seen {
                    String::new()
                } else {
                    format!(" {unit}")
                }
            )
        }
        _ => format!("{name}: no paired difference (the models share no {unit})."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_statsmodels() {
        // statsmodels.stats.contingency_tables.mcnemar([[50, 12], [3, 35]], exact=True).pvalue
        // -> 0.03515625
        assert!((mcnemar_exact(12, 3) - 0.03515625).abs() < 1e-12);
        // mcnemar([[10, 5], [5, 10]], exact=True).pvalue -> 1.0
        assert_eq!(mcnemar_exact(5, 5), 1.0);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
    }
}
