//! Fairness of a binary model across the groups of a sensitive feature (contract
//! section 5), with Fairlearn's definitions: per group the selection rate, true
//! and false positive rates and accuracy (Wilson intervals), and between groups
//! (`method="between_groups"`) the demographic parity difference and ratio, the
//! equalized odds difference and ratio and the equal opportunity difference,
//! each with a seeded bootstrap interval (rows resampled as a multinomial over
//! the (group, confusion cell) table).
//!
//! As Fairlearn's `MetricFrame`, a rate whose denominator is empty (the TPR of a
//! group without positives) is 0 and takes part in the disparities; such rates
//! are listed in `undefined` so that a reader is told. Rows with a null
//! prediction take no part.

use crate::load::encode::NULL_CODE;
use crate::load::table::{EvalTable, Prediction, Target};
use crate::stats::{self, Bootstrap, Interval};

/// One group's confusion counts and rates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupRates {
    pub value: String,
    pub n: u64,
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    pub fn_: u64,
    pub selection_rate: f64,
    pub tpr: f64,
    pub fpr: f64,
    pub accuracy: f64,
    /// Wilson intervals of the four rates (None where the denominator is empty).
    pub ci: [Option<Interval>; 4],
    /// Rates with an empty denominator (reported as 0, as Fairlearn does).
    pub undefined: Vec<&'static str>,
}

/// The rate names, in the order of [`GroupRates::ci`].
pub const RATES: [&str; 4] = ["selection_rate", "tpr", "fpr", "accuracy"];

/// The disparity names, in the order of [`Fairness::disparities`].
pub const DISPARITIES: [&str; 5] = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
];

/// A model's fairness across one sensitive feature.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fairness {
    pub column: String,
    pub groups: Vec<GroupRates>,
    /// `(value, interval)` per [`DISPARITIES`] name; None where undefined.
    pub disparities: Vec<(Option<f64>, Option<Interval>)>,
}

impl Fairness {
    pub fn disparity(&self, name: &str) -> Option<f64> {
        DISPARITIES
            .iter()
            .position(|d| *d == name)
            .and_then(|i| self.disparities[i].0)
    }
}

fn rate(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Python's `max(a, b)` / `min(a, b)`: the first unless the second compares
/// strictly beyond it (so a NaN first argument wins, as in Fairlearn).
fn py_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}
fn py_min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// Between-groups difference and ratio of one rate over the groups.
fn spread(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let max = values.clone().fold(f64::NEG_INFINITY, f64::max);
    let min = values.fold(f64::INFINITY, f64::min);
    let ratio = if max == 0.0 { f64::NAN } else { min / max };
    (max - min, ratio)
}

/// The five disparities from per-group `[tp, fp, tn, fn]` counts.
fn disparities(cells: &[[u64; 4]]) -> [f64; 5] {
    let sel = cells.iter().map(|c| rate(c[0] + c[1], c.iter().sum()));
    let tpr = cells.iter().map(|c| rate(c[0], c[0] + c[3]));
    let fpr = cells.iter().map(|c| rate(c[1], c[1] + c[2]));
    let (dp_d, dp_r) = spread(sel);
    let (tpr_d, tpr_r) = spread(tpr);
    let (fpr_d, fpr_r) = spread(fpr);
    [
        dp_d,
        dp_r,
        py_max(tpr_d, fpr_d),
        py_min(tpr_r, fpr_r),
        tpr_d,
    ]
}

/// Per-group confusion counts of `pred` (class codes) against the binary label,
/// over the feature's groups; rows with a null prediction or outside `mask` are
/// skipped.
pub fn group_cells(
    table: &EvalTable,
    pred: &[u32],
    feature: usize,
    mask: Option<&[bool]>,
) -> Vec<[u64; 4]> {
    let f = &table.features[feature];
    let k = f.codes.levels.len() + 1; // the last slot: (missing)
    let mut cells = vec![[0u64; 4]; k];
    let Target::Classes(y) = table.target.as_ref() else {
        return cells;
    };
    for (r, (&yt, &p)) in y.iter().zip(pred).enumerate() {
        if p == NULL_CODE || mask.is_some_and(|m| !m[r]) {
            continue;
        }
        let code = f.codes.codes[r];
        let g = if code == NULL_CODE {
            k - 1
        } else {
            code as usize
        };
        let cell = match (yt == 1, p == 1) {
            (true, true) => 0,
            (false, true) => 1,
            (false, false) => 2,
            (true, false) => 3,
        };
        cells[g][cell] += 1;
    }
    cells
}

/// The group names of a feature's cells (codes, then `(missing)`).
fn group_names(table: &EvalTable, feature: usize) -> Vec<String> {
    let f = &table.features[feature];
    f.codes
        .levels
        .iter()
        .cloned()
        .chain(std::iter::once(crate::load::encode::MISSING.to_string()))
        .collect()
}

/// Fairness of counts per group (empty groups are dropped).
pub fn from_cells(
    column: &str,
    names: &[String],
    cells: &[[u64; 4]],
    boot: Bootstrap,
    stream: u64,
) -> Fairness {
    let kept: Vec<(String, [u64; 4])> = names
        .iter()
        .zip(cells)
        .filter(|(_, c)| c.iter().sum::<u64>() > 0)
        .map(|(n, c)| (n.clone(), *c))
        .collect();
    let groups: Vec<GroupRates> = kept
        .iter()
        .map(|(value, c)| {
            let [tp, fp, tn, fn_] = *c;
            let n = tp + fp + tn + fn_;
            let mut undefined = Vec::new();
            if tp + fn_ == 0 {
                undefined.push("tpr");
            }
            if fp + tn == 0 {
                undefined.push("fpr");
            }
            GroupRates {
                value: value.clone(),
                n,
                tp,
                fp,
                tn,
                fn_,
                selection_rate: rate(tp + fp, n),
                tpr: rate(tp, tp + fn_),
                fpr: rate(fp, fp + tn),
                accuracy: rate(tp + tn, n),
                ci: [
                    stats::wilson(tp + fp, n),
                    stats::wilson(tp, tp + fn_),
                    stats::wilson(fp, fp + tn),
                    stats::wilson(tp + tn, n),
                ],
                undefined,
            }
        })
        .collect();
    let counts: Vec<[u64; 4]> = kept.iter().map(|k| k.1).collect();
    let point = disparities(&counts);
    let mut reps: Vec<Vec<f64>> = (0..5).map(|_| Vec::with_capacity(boot.resamples)).collect();
    if !counts.is_empty() && boot.resamples > 0 {
        let flat: Vec<u64> = counts.iter().flatten().copied().collect();
        let mut draw = vec![0u64; flat.len()];
        let mut rng = stats::rng(boot.seed, stream);
        let mut sample = counts.clone();
        let multinomial = stats::Multinomial::new(&flat);
        for _ in 0..boot.resamples {
            multinomial.draw(&mut rng, &mut draw);
            for (g, s) in sample.iter_mut().enumerate() {
                s.copy_from_slice(&draw[4 * g..4 * g + 4]);
            }
            for (r, v) in reps.iter_mut().zip(disparities(&sample)) {
                if v.is_finite() {
                    r.push(v);
                }
            }
        }
    }
    let disparities = point
        .iter()
        .zip(reps)
        .map(|(&v, r)| {
            let v = Some(v).filter(|v| v.is_finite());
            let ci = v.and_then(|_| stats::percentile_interval(&r));
            (v, ci)
        })
        .collect();
    Fairness {
        column: column.to_string(),
        groups,
        disparities,
    }
}

/// A model's fairness across `feature` at its current predictions.
pub fn fairness(
    table: &EvalTable,
    model: usize,
    feature: usize,
    mask: Option<&[bool]>,
    boot: Bootstrap,
) -> Option<Fairness> {
    let Prediction::Classes(pred) = table.models.get(model)?.pred() else {
        return None;
    };
    let cells = group_cells(table, pred, feature, mask);
    let name = &table.features[feature].name;
    Some(from_cells(
        name,
        &group_names(table, feature),
        &cells,
        boot,
        stream_of(model, name),
    ))
}

/// The bootstrap stream of a model's fairness across a column: from the column's
/// name, so that it does not depend on which other columns were read (and a Spark
/// source draws the same intervals).
pub fn stream_of(model: usize, column: &str) -> u64 {
    // FNV-1a: stable across builds and platforms.
    let hash = column.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    ((model as u64) << 56) ^ (hash >> 8) ^ 0xfa
}

/// What the groups and the whole would look like if group `g` used threshold
/// `thresholds[g]` (the Fairness view's what-if): the fairness figures (no
/// intervals) and the overall accuracy.
pub fn what_if(
    table: &EvalTable,
    model: usize,
    feature: usize,
    thresholds: &[f64],
    mask: Option<&[bool]>,
) -> Option<(Fairness, f64)> {
    let score = table.models.get(model)?.score.as_deref()?;
    let f = &table.features[feature];
    let k = f.codes.levels.len() + 1;
    let pred: Vec<u32> = score
        .iter()
        .zip(f.codes.codes.iter())
        .map(|(&s, c)| {
            if s.is_nan() {
                return NULL_CODE;
            }
            let g = if c == NULL_CODE { k - 1 } else { c as usize };
            let t = thresholds.get(g).copied().unwrap_or(table.threshold);
            u32::from(s >= t)
        })
        .collect();
    let cells = group_cells(table, &pred, feature, mask);
    let (right, all) = cells.iter().fold((0u64, 0u64), |(r, a), c| {
        (r + c[0] + c[2], a + c.iter().sum::<u64>())
    });
    let fair = from_cells(
        &f.name,
        &group_names(table, feature),
        &cells,
        Bootstrap {
            resamples: 0,
            seed: 0,
        },
        0,
    );
    Some((fair, rate(right, all)))
}

/// Per group, the threshold that brings its true positive rate to at least
/// `target` (the largest such threshold): the "equal opportunity" setting of the
/// what-if. Groups without positives keep `fallback`.
pub fn thresholds_for_tpr(
    table: &EvalTable,
    model: usize,
    feature: usize,
    target: f64,
    fallback: f64,
    mask: Option<&[bool]>,
) -> Vec<f64> {
    let f = &table.features[feature];
    let k = f.codes.levels.len() + 1;
    let (Some(score), Target::Classes(y)) = (
        table.models.get(model).and_then(|m| m.score.as_deref()),
        table.target.as_ref(),
    ) else {
        return vec![fallback; k];
    };
    let mut pos: Vec<Vec<f64>> = vec![Vec::new(); k];
    for (r, (&s, c)) in score.iter().zip(f.codes.codes.iter()).enumerate() {
        if y[r] == 1 && !s.is_nan() && mask.is_none_or(|m| m[r]) {
            let g = if c == NULL_CODE { k - 1 } else { c as usize };
            pos[g].push(s);
        }
    }
    pos.into_iter()
        .map(|mut p| {
            if p.is_empty() {
                return fallback;
            }
            p.sort_by(|a, b| b.total_cmp(a));
            let need = ((target * p.len() as f64).ceil() as usize).clamp(1, p.len());
            p[need - 1]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fairlearn_style_disparities_by_hand() {
        // Group a: tp 2, fp 1, tn 1, fn 0; group b: tp 0, fp 0, tn 3, fn 0 (no positives).
        let f = from_cells(
            "g",
            &["a".into(), "b".into()],
            &[[2, 1, 1, 0], [0, 0, 3, 0]],
            Bootstrap {
                resamples: 0,
                seed: 0,
            },
            0,
        );
        // Selection 0.75 vs 0: difference 0.75, ratio 0.
        assert_eq!(f.disparity("demographic_parity_difference"), Some(0.75));
        assert_eq!(f.disparity("demographic_parity_ratio"), Some(0.0));
        // TPR 1 vs 0 (undefined, counted as 0); FPR 0.5 vs 0.
        assert_eq!(f.disparity("equalized_odds_difference"), Some(1.0));
        assert_eq!(f.disparity("equal_opportunity_difference"), Some(1.0));
        assert_eq!(f.groups[1].undefined, vec!["tpr"]);
    }
}
