//! Curves for the overview charts: ROC, precision-recall and reliability
//! (calibration), from the model's cached score order; and a deterministic sample
//! of points for regression scatter plots. Curves are thinned to a few hundred
//! points so drawing never grows with the data.

use crate::load::scores::ScoredRow;
use crate::load::table::{EvalTable, Prediction, Target};

/// Points drawn per curve at most.
const MAX_POINTS: usize = 400;

/// ROC `(fpr, tpr)` and precision-recall `(recall, precision)` curves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RankCurves {
    pub roc: Vec<[f64; 2]>,
    pub pr: Vec<[f64; 2]>,
}

/// ROC and PR curves of a binary model on the rows `mask` keeps (all if None).
pub fn rank_curves(table: &EvalTable, model: usize, mask: Option<&[bool]>) -> RankCurves {
    let order = table.models[model].score_order(&table.target);
    let set = mask.map(crate::grouping::RowSet::from_mask);
    let kept = crate::grouping::kept_order(order, set.as_ref());
    let rows = mask.map_or(order.len(), |m| m.iter().filter(|&&k| k).count());
    rank_curves_of(&kept, rows)
}

/// ROC and PR curves from a cohort's scored rows by descending score (`kept`);
/// `rows` (the cohort's size) sets how finely the curves are thinned.
pub fn rank_curves_of(kept: &[ScoredRow], rows: usize) -> RankCurves {
    // Raw counts at thinned thresholds, normalised at the end: a point at the
    // end of the run of ties holding every `step`-th row after the last point
    // (found by binary search), and at the last row; the positives between two
    // points are counted in one tight loop.
    let step = (rows / MAX_POINTS).max(1);
    let n = kept.len();
    let mut raw: Vec<(u64, u64)> = Vec::with_capacity(MAX_POINTS + 2);
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut last_emit = 0usize;
    while last_emit < n {
        let j = last_emit + step - 1;
        let end = match kept.get(j) {
            Some(r) if j + 1 < n => {
                let s = r.score();
                kept.partition_point(|r| r.score() >= s)
            }
            _ => n,
        };
        let p: u64 = kept[last_emit..end]
            .iter()
            .map(|r| u64::from(r.positive()))
            .sum();
        tp += p;
        fp += (end - last_emit) as u64 - p;
        last_emit = end;
        raw.push((tp, fp));
    }
    let (pos, neg) = (tp, fp);
    if pos == 0 || neg == 0 {
        return RankCurves::default();
    }
    let mut roc = vec![[0.0, 0.0]];
    roc.extend(
        raw.iter()
            .map(|&(t, f)| [f as f64 / neg as f64, t as f64 / pos as f64]),
    );
    let pr = raw
        .iter()
        .map(|&(t, f)| [t as f64 / pos as f64, t as f64 / (t + f) as f64])
        .collect();
    RankCurves { roc, pr }
}

/// One reliability bin: mean predicted probability, observed positive rate, rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    pub mean_score: f64,
    pub positive_rate: f64,
    pub n: u64,
    /// Wilson 95% interval of the positive rate.
    pub ci: Option<crate::stats::Interval>,
}

/// Reliability curve with `bins` equal-width bins over [0, 1] (as sklearn's
/// `calibration_curve(strategy="uniform")`); empty bins are left out.
pub fn calibration(
    table: &EvalTable,
    model: usize,
    mask: Option<&[bool]>,
    bins: usize,
) -> Vec<CalibrationBin> {
    model_shapes(table, model, mask, bins, 1, 1).calibration
}

/// What the overview draws from each scored row's score and label: the
/// reliability curve, the score histogram and the threshold sweep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreShapes {
    pub calibration: Vec<CalibrationBin>,
    pub histogram: ScoreHistogram,
    pub sweep: Vec<ThresholdPoint>,
}

/// [`score_shapes`] of one model on the rows `mask` keeps.
fn model_shapes(
    table: &EvalTable,
    model: usize,
    mask: Option<&[bool]>,
    bins: usize,
    hist_bins: usize,
    steps: usize,
) -> ScoreShapes {
    if table.models[model].score.is_none() {
        return ScoreShapes::default();
    }
    let order = table.models[model].score_order(&table.target);
    let set = mask.map(crate::grouping::RowSet::from_mask);
    let kept = crate::grouping::kept_order(order, set.as_ref());
    let nulls = null_scores(table, model, mask);
    score_shapes(&kept, nulls, bins, hist_bins, steps)
}

/// The rows `mask` keeps whose score is null, `(positives, negatives)`: none
/// without a pass when the score order holds every row.
pub fn null_scores(table: &EvalTable, model: usize, mask: Option<&[bool]>) -> (u64, u64) {
    let m = &table.models[model];
    let (Some(score), Target::Classes(y)) = (m.score.as_deref(), table.target.as_ref()) else {
        return (0, 0);
    };
    if m.score_order(&table.target).len() == score.len() {
        return (0, 0);
    }
    let mut nulls = (0, 0);
    for (r, &p) in score.iter().enumerate() {
        if p.is_nan() && mask.is_none_or(|m| m[r]) {
            if y[r] == 1 {
                nulls.0 += 1;
            } else {
                nulls.1 += 1;
            }
        }
    }
    nulls
}

/// [`calibration`] (`bins`), [`score_histogram`] (`hist_bins`) and
/// [`threshold_sweep`] (`steps`) of a cohort in one walk of its scored rows by
/// descending score (`kept`, from [`crate::grouping::kept_order`]) and its
/// null-score rows' `(positives, negatives)`.
pub fn score_shapes(
    kept: &[ScoredRow],
    (null_pos, null_neg): (u64, u64),
    bins: usize,
    hist_bins: usize,
    steps: usize,
) -> ScoreShapes {
    let bins = bins.max(1);
    let hist_bins = hist_bins.max(1);
    let steps = steps.max(1);
    debug_assert!(kept.windows(2).all(|w| w[0].score() >= w[1].score()));
    // Every bin and threshold holds one stretch of the rows (they are by
    // descending score), found by binary search: `..at(e)` are the rows whose
    // `score * k` is at least e (`(score * k) as usize`, the bin, at least e).
    let edges = |k: usize| -> Vec<usize> {
        let kf = k as f64;
        (0..=k)
            .map(|e| match e {
                0 => kept.len(),
                e if e == k => 0,
                e => kept.partition_point(|r| r.score() * kf >= e as f64),
            })
            .collect()
    };
    let (cal_edges, hist_edges) = (edges(bins), edges(hist_bins));
    // Each scored row lands on the highest threshold `k / steps` at or below its
    // score (exactly the comparison `score >= t` the sweep makes): threshold k
    // holds `at[k + 1]..at[k]`, the highest every row from the top, and a row
    // below every threshold (a negative score) none.
    let t = |k: usize| k as f64 / steps as f64;
    let mut at: Vec<usize> = (0..=steps)
        .map(|k| kept.partition_point(|r| r.score() >= t(k)))
        .collect();
    at.push(0);
    // One walk from the top, cut at every edge: the positives above each cut,
    // and each calibration bin's score sum, added row by row from the top (as a
    // walk adding into the bin would).
    let mut cuts: Vec<usize> = cal_edges
        .iter()
        .chain(&hist_edges)
        .chain(&at)
        .copied()
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut positives_above = vec![0u64; cuts.len()];
    let mut sums = vec![0.0; bins];
    let mut positives = 0u64;
    let mut bin = bins - 1;
    let mut sum = 0.0;
    for (j, pair) in cuts.windows(2).enumerate() {
        while bin > 0 && pair[0] >= cal_edges[bin] {
            sums[bin] = sum;
            sum = 0.0;
            bin -= 1;
        }
        for r in &kept[pair[0]..pair[1]] {
            sum += r.score();
            positives += u64::from(r.positive());
        }
        positives_above[j + 1] = positives;
    }
    sums[bin] = sum;
    // Positives and rows in the stretch `lo..hi` (both cuts).
    let counts = |lo: usize, hi: usize| -> (u64, u64) {
        let above = |i: usize| positives_above[cuts.partition_point(|&c| c < i)];
        let pos = above(hi) - above(lo);
        (pos, (hi - lo) as u64 - pos)
    };
    let calibration = (0..bins)
        .filter_map(|b| {
            let (pos, neg) = counts(cal_edges[b + 1], cal_edges[b]);
            let n = pos + neg;
            (n > 0).then(|| CalibrationBin {
                mean_score: sums[b] / n as f64,
                positive_rate: pos as f64 / n as f64,
                n,
                ci: crate::stats::wilson(pos, n),
            })
        })
        .collect();
    let (positive, negative) = (0..hist_bins)
        .map(|b| counts(hist_edges[b + 1], hist_edges[b]))
        .unzip();
    let h = ScoreHistogram {
        bins: hist_bins,
        negative,
        positive,
    };
    // Scores are probabilities (checked at load): every one is at or above 0.
    let (pos, neg) = counts(0, at[0]);
    let mut sweep = Vec::with_capacity(steps + 1);
    // Thresholds from high to low: a row counts as positive once score >= t.
    for k in (0..=steps).rev() {
        let (tp, fp) = counts(0, at[k]);
        sweep.push(ThresholdPoint {
            threshold: t(k),
            tp,
            fp: fp + null_neg,
            fn_: pos - tp + null_pos,
            tn: neg - fp,
        });
    }
    sweep.reverse();
    ScoreShapes {
        calibration,
        histogram: h,
        sweep,
    }
}

/// Reliability curves of one model per value of a categorical feature (the
/// Overview's per-slice overlay): the values with the most rows first, at most
/// `max_values` of them.
pub fn calibration_by(
    table: &EvalTable,
    model: usize,
    mask: Option<&[bool]>,
    bins: usize,
    feature: usize,
    max_values: usize,
) -> Vec<(String, Vec<CalibrationBin>)> {
    let (Some(score), Target::Classes(y)) =
        (table.models[model].score.as_deref(), table.target.as_ref())
    else {
        return Vec::new();
    };
    let f = &table.features[feature];
    let k = f.codes.levels.len() + 1;
    let mut cells = vec![(0.0f64, 0u64, 0u64); k * bins];
    for (r, &p) in score.iter().enumerate() {
        if p.is_nan() || mask.is_some_and(|m| !m[r]) {
            continue;
        }
        let c = f.codes.codes[r];
        let g = if c == crate::load::encode::NULL_CODE {
            k - 1
        } else {
            c as usize
        };
        let b = ((p * bins as f64) as usize).min(bins - 1);
        let cell = &mut cells[g * bins + b];
        cell.0 += p;
        cell.1 += u64::from(y[r] == 1);
        cell.2 += 1;
    }
    let mut groups: Vec<(usize, u64)> = (0..k)
        .map(|g| (g, cells[g * bins..(g + 1) * bins].iter().map(|c| c.2).sum()))
        .filter(|(_, n)| *n > 0)
        .collect();
    groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    groups
        .into_iter()
        .take(max_values)
        .map(|(g, _)| {
            let name = if g == k - 1 {
                crate::load::encode::MISSING.to_string()
            } else {
                f.codes.levels[g].clone()
            };
            let bins = cells[g * bins..(g + 1) * bins]
                .iter()
                .filter(|c| c.2 > 0)
                .map(|&(sum, pos, n)| CalibrationBin {
                    mean_score: sum / n as f64,
                    positive_rate: pos as f64 / n as f64,
                    n,
                    ci: crate::stats::wilson(pos, n),
                })
                .collect();
            (format!("{} = {name}", f.name), bins)
        })
        .collect()
}

/// A model's scores in equal-width bins over [0, 1], counted separately for the
/// rows whose true class is negative and positive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreHistogram {
    pub bins: usize,
    pub negative: Vec<u64>,
    pub positive: Vec<u64>,
}

impl ScoreHistogram {
    pub fn width(&self) -> f64 {
        1.0 / self.bins.max(1) as f64
    }
}

/// Counts of values in equal-width bins from `lo`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub width: f64,
    pub counts: Vec<u64>,
}

/// The histogram of `values` on `bins` equal-width bins spanning `range` (the
/// values of every series drawn together, so their bins line up). Scores that
/// take few distinct values (a 1-10 judge scale) get one bin per unit.
pub fn histogram(values: &[f64], range: &[f64], bins: usize) -> Histogram {
    let (lo, hi) = range
        .iter()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    if !lo.is_finite() {
        return Histogram::default();
    }
    let integers = range.iter().all(|x| x.fract() == 0.0);
    let (lo, width, bins) = if integers && hi - lo <= 40.0 {
        (lo - 0.5, 1.0, (hi - lo) as usize + 1)
    } else if hi > lo {
        (lo, (hi - lo) / bins.max(1) as f64, bins.max(1))
    } else {
        (lo - 0.5, 1.0, 1)
    };
    let mut counts = vec![0u64; bins];
    for &x in values.iter().filter(|x| x.is_finite()) {
        let b = (((x - lo) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[b] += 1;
    }
    Histogram { lo, width, counts }
}

/// The score histogram of a binary model by true class; empty without a score.
pub fn score_histogram(
    table: &EvalTable,
    model: usize,
    mask: Option<&[bool]>,
    bins: usize,
) -> ScoreHistogram {
    model_shapes(table, model, mask, 1, bins, 1).histogram
}

/// The confusion counts at one threshold (predict positive when score >= t; a null
/// score is wrong whatever the threshold, as in every metric).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ThresholdPoint {
    pub threshold: f64,
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
    pub tn: u64,
}

impl ThresholdPoint {
    fn ratio(a: u64, b: u64) -> Option<f64> {
        (b > 0).then(|| a as f64 / b as f64)
    }
    pub fn accuracy(&self) -> Option<f64> {
        Self::ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_)
    }
    pub fn precision(&self) -> Option<f64> {
        Self::ratio(self.tp, self.tp + self.fp).or(Some(0.0))
    }
    pub fn recall(&self) -> Option<f64> {
        Self::ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> Option<f64> {
        let d = 2 * self.tp + self.fp + self.fn_;
        Self::ratio(2 * self.tp, d).or(Some(0.0))
    }
}

/// Confusion counts at `steps + 1` thresholds `0, 1/steps, ..., 1`, from one
/// walk of the scored rows.
pub fn threshold_sweep(
    table: &EvalTable,
    model: usize,
    mask: Option<&[bool]>,
    steps: usize,
) -> Vec<ThresholdPoint> {
    model_shapes(table, model, mask, 1, 1, steps).sweep
}

/// Up to `max` `(actual, predicted)` pairs of a regression model, evenly spaced
/// over the kept rows so the same cohort always gives the same picture.
pub fn regression_points(
    table: &EvalTable,
    model: usize,
    mask: Option<&[bool]>,
    max: usize,
) -> Vec<[f64; 2]> {
    let (Target::Values(y), Prediction::Values(p)) =
        (table.target.as_ref(), table.models[model].pred())
    else {
        return Vec::new();
    };
    let rows: Vec<usize> = (0..y.len())
        .filter(|&r| mask.is_none_or(|m| m[r]) && !p[r].is_nan())
        .collect();
    let step = (rows.len() / max.max(1)).max(1);
    rows.iter().step_by(step).map(|&r| [y[r], p[r]]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row walk `rank_curves_of` replaced (its raw points).
    fn walked_points(kept: &[ScoredRow], rows: usize) -> Vec<(u64, u64)> {
        let step = (rows / MAX_POINTS).max(1);
        let mut raw = Vec::new();
        let (mut tp, mut fp) = (0u64, 0u64);
        let mut seen = 0usize;
        let mut last_emit = 0usize;
        let mut iter = kept.iter().peekable();
        while let Some(r) = iter.next() {
            let p = u64::from(r.positive());
            tp += p;
            fp += 1 - p;
            seen += 1;
            let last = iter.peek().is_none();
            let boundary = iter.peek().is_none_or(|next| next.score() != r.score());
            if boundary & (seen - last_emit >= step || last) {
                last_emit = seen;
                raw.push((tp, fp));
            }
        }
        raw
    }

    /// The walk `score_shapes` replaced: one row at a time into each bin.
    fn walked_shapes(
        kept: &[ScoredRow],
        (null_pos, null_neg): (u64, u64),
        bins: usize,
        hist_bins: usize,
        steps: usize,
    ) -> ScoreShapes {
        let bins = bins.max(1);
        let hist_bins = hist_bins.max(1);
        let steps = steps.max(1);
        let mut sum = vec![0.0; bins];
        let mut posc = vec![0u64; bins];
        let mut n = vec![0u64; bins];
        let mut h = ScoreHistogram {
            bins: hist_bins,
            negative: vec![0; hist_bins],
            positive: vec![0; hist_bins],
        };
        // Null scores (a miss for a positive, a false alarm for a negative) are
        // counted apart. Each scored row lands on the highest threshold `k / steps`
        // at or below its score (exactly the comparison `score >= t` the sweep
        // makes); the counts accumulate from the highest threshold down at the end.
        let mut at_threshold = vec![[0u64; 2]; steps + 1];
        let mut by_label = vec![[0u64; 2]; hist_bins];
        let t = |k: usize| k as f64 / steps as f64;
        let ts: Vec<f64> = (0..=steps).map(t).collect();
        let mut k = steps;
        debug_assert!(kept.windows(2).all(|w| w[0].score() >= w[1].score()));
        for r in kept {
            let (p, positive) = (r.score(), r.positive());
            let b = ((p * bins as f64) as usize).min(bins - 1);
            sum[b] += p;
            posc[b] += u64::from(positive);
            n[b] += 1;
            // Counts by label are indexed by it, not branched on (labels are as
            // good as random along the walk).
            let b = ((p * hist_bins as f64) as usize).min(hist_bins - 1);
            by_label[b][usize::from(positive)] += 1;
            // Scores only fall along the walk, so the threshold index only falls.
            while k > 0 && p < ts[k] {
                k -= 1;
            }
            if p < ts[k] {
                // Below every threshold (a negative score): never predicted positive.
                continue;
            }
            at_threshold[k][usize::from(positive)] += 1;
        }
        for (b, [neg, pos]) in by_label.into_iter().enumerate() {
            h.negative[b] = neg;
            h.positive[b] = pos;
        }
        let hist_neg: Vec<u64> = at_threshold.iter().map(|c| c[0]).collect();
        let hist_pos: Vec<u64> = at_threshold.iter().map(|c| c[1]).collect();
        let calibration = (0..bins)
            .filter(|&b| n[b] > 0)
            .map(|b| CalibrationBin {
                mean_score: sum[b] / n[b] as f64,
                positive_rate: posc[b] as f64 / n[b] as f64,
                n: n[b],
                ci: crate::stats::wilson(posc[b], n[b]),
            })
            .collect();
        // Scores are probabilities (checked at load): every one is at or above 0.
        let pos: u64 = hist_pos.iter().sum();
        let neg: u64 = hist_neg.iter().sum();
        let mut sweep = Vec::with_capacity(steps + 1);
        let (mut tp, mut fp) = (0u64, 0u64);
        // Thresholds from high to low: a row counts as positive once score >= t.
        for k in (0..=steps).rev() {
            tp += hist_pos[k];
            fp += hist_neg[k];
            sweep.push(ThresholdPoint {
                threshold: t(k),
                tp,
                fp: fp + null_neg,
                fn_: pos - tp + null_pos,
                tn: neg - fp,
            });
        }
        sweep.reverse();
        ScoreShapes {
            calibration,
            histogram: h,
            sweep,
        }
    }

    use crate::load::{LoadOptions, Mapping, table::decode};
    use polars::prelude::*;

    #[test]
    fn threshold_sweep_counts_every_threshold_as_a_brute_force_count() {
        // Scores on the grid (0.3, 0.07 = 7/100 as floats), between it, 0, 1 and null.
        let scores: Vec<Option<f64>> = (0..400)
            .map(|i| match i % 9 {
                0 => None,
                1 => Some(0.3),
                2 => Some(0.07),
                3 => Some(0.0),
                4 => Some(1.0),
                _ => Some(((i * 37) % 1000) as f64 / 997.0),
            })
            .collect();
        let labels: Vec<i64> = (0..400).map(|i| i64::from((i * 7) % 3 == 0)).collect();
        let df = df!("label" => labels.clone(), "score_m" => scores.clone()).unwrap();
        let t = decode(
            std::path::Path::new("x.csv"),
            &df,
            String::new().into(),
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        let mask: Vec<bool> = (0..400).map(|i| i % 4 != 1).collect();
        let sweep = threshold_sweep(&t, 0, Some(&mask), 100);
        assert_eq!(sweep.len(), 101);
        for p in &sweep {
            let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
            for i in (0..400).filter(|&i| mask[i]) {
                let pos = labels[i] == 1;
                match (scores[i].map(|s| s >= p.threshold), pos) {
                    (Some(true), true) => tp += 1,
                    (Some(true), false) | (None, false) => fp += 1,
                    (Some(false), true) | (None, true) => fn_ += 1,
                    (Some(false), false) => tn += 1,
                }
            }
            assert_eq!(
                (p.tp, p.fp, p.fn_, p.tn),
                (tp, fp, fn_, tn),
                "t = {}",
                p.threshold
            );
        }
    }

    #[test]
    fn roc_ends_at_one_and_calibration_bins() {
        let df = df!("label" => [1i64, 0, 1, 0], "score_m" => [0.9, 0.8, 0.3, 0.1]).unwrap();
        let t = decode(
            std::path::Path::new("x.csv"),
            &df,
            String::new().into(),
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        let c = rank_curves(&t, 0, None);
        assert_eq!(c.roc.first(), Some(&[0.0, 0.0]));
        assert_eq!(c.roc.last(), Some(&[1.0, 1.0]));
        assert_eq!(c.pr[0], [0.5, 1.0]);
        let cal = calibration(&t, 0, None, 2);
        assert_eq!(cal.len(), 2);
        assert_eq!(cal[0].n, 2);
        assert!((cal[0].mean_score - 0.2).abs() < 1e-12);
        assert_eq!(cal[1].positive_rate, 0.5);
        let h = score_histogram(&t, 0, None, 10);
        assert_eq!(h.positive.iter().sum::<u64>(), 2);
        assert_eq!(h.negative[8], 1);
        assert_eq!(h.positive[9], 1);
        let sweep = threshold_sweep(&t, 0, None, 10);
        assert_eq!(sweep.len(), 11);
        // At 0.5: scores 0.9 (pos) and 0.8 (neg) are positive.
        let at = sweep[5];
        assert_eq!((at.tp, at.fp, at.fn_, at.tn), (1, 1, 1, 1));
        assert_eq!(sweep[0].tp + sweep[0].fp, 4);
        assert_eq!(sweep[10].tp + sweep[10].fp, 0);
    }

    #[test]
    fn score_shapes_by_stretches_equal_the_row_walk_to_the_bit() {
        for (k, order) in crate::load::scores::tied_orders().iter().enumerate() {
            for (bins, hist_bins, steps) in [(10, 20, 100), (1, 1, 1), (3, 7, 9), (13, 4, 50)] {
                for nulls in [(0, 0), (3, 5)] {
                    let got = score_shapes(&order.scored, nulls, bins, hist_bins, steps);
                    let walked = walked_shapes(&order.scored, nulls, bins, hist_bins, steps);
                    assert_eq!(
                        format!("{got:?}"),
                        format!("{walked:?}"),
                        "set {k}, bins {bins}/{hist_bins}/{steps}"
                    );
                }
            }
        }
    }

    #[test]
    fn rank_curves_by_stretches_equal_the_row_walk() {
        for (k, order) in crate::load::scores::tied_orders().iter().enumerate() {
            for rows in [order.len(), 401, 800, 1200, 4000, 100_000] {
                let walked = walked_points(&order.scored, rows);
                let got = rank_curves_of(&order.scored, rows);
                let (pos, neg) = walked.last().copied().unwrap_or_default();
                if pos == 0 || neg == 0 {
                    assert_eq!(got, RankCurves::default());
                    continue;
                }
                let expected: Vec<[f64; 2]> = walked
                    .iter()
                    .map(|&(t, f)| [f as f64 / neg as f64, t as f64 / pos as f64])
                    .collect();
                assert_eq!(got.roc[1..], expected[..], "set {k}, rows {rows}");
                assert_eq!(got.pr.len(), walked.len(), "set {k}, rows {rows}");
            }
        }
    }
}
