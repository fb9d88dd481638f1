//! The cost of a threshold (contract section 5): with a false positive costing
//! `A` and a false negative `B`, the expected cost per example at a threshold is
//! `(A * FP + B * FN) / n` (predict positive when score >= threshold). The
//! optimal threshold is the candidate (each distinct score, or "predict nothing")
//! with the lowest cost, ties going to the smallest threshold; its interval, and
//! the optimal cost's, come from a seeded bootstrap that resamples rows as a
//! multinomial over (score bucket, label) cells, with at most [`MAX_BUCKETS`]
//! buckets of adjacent scores (the threshold's resolution in the interval).

use crate::stats::{self, Bootstrap, Interval};

pub const MAX_BUCKETS: usize = 200;

/// `(A * FP + B * FN) / n` from confusion cells `[tn, fp, fn, tp]`; None on no rows.
pub fn expected_cost(cells: [u64; 4], (a, b): (f64, f64)) -> Option<f64> {
    let [tn, fp, fn_, tp] = cells;
    let n = tn + fp + fn_ + tp;
    (n > 0).then(|| (a * fp as f64 + b * fn_ as f64) / n as f64)
}

/// The cost curve and its minimum on one group of rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CostCurve {
    /// `(threshold, expected cost)` at each distinct score, ascending (in a
    /// metric set: at thresholds 0, 0.01, ..., 1, see [`CostCurve::grid`]).
    pub points: Vec<(f64, f64)>,
    /// The cost of predicting nothing positive.
    pub nothing: f64,
    /// The minimizing threshold; None when predicting nothing is cheapest.
    pub optimal_threshold: Option<f64>,
    pub optimal_cost: f64,
    pub threshold_ci: Option<Interval>,
    pub cost_ci: Option<Interval>,
}

impl CostCurve {
    /// The expected cost at thresholds `0, 1/steps, ..., 1` (a prediction is
    /// positive when score >= threshold, so a grid threshold costs what the
    /// smallest distinct score at or above it costs).
    pub fn grid(&self, steps: usize) -> Vec<(f64, f64)> {
        (0..=steps)
            .map(|i| {
                let t = i as f64 / steps as f64;
                let at = self.points.partition_point(|p| p.0 < t);
                (t, self.points.get(at).map_or(self.nothing, |p| p.1))
            })
            .collect()
    }
}

/// Distinct scores descending with their (positives, negatives).
fn groups(sorted_asc: &[(f64, bool)]) -> Vec<(f64, u64, u64)> {
    let mut out: Vec<(f64, u64, u64)> = Vec::new();
    for &(s, y) in sorted_asc.iter().rev() {
        match out.last_mut() {
            Some(g) if g.0 == s => {
                if y {
                    g.1 += 1
                } else {
                    g.2 += 1
                }
            }
            _ => out.push((s, u64::from(y), u64::from(!y))),
        }
    }
    out
}

/// The cheapest candidate over groups in descending score order: walking down,
/// each group's score as the threshold makes it and every higher group positive.
/// Returns (threshold or None for nothing, cost per row, curve points).
fn sweep(
    groups: &[(f64, u64, u64)],
    a: f64,
    b: f64,
    keep: bool,
) -> (Option<f64>, f64, f64, Vec<(f64, f64)>) {
    let pos: u64 = groups.iter().map(|g| g.1).sum();
    let n: u64 = groups.iter().map(|g| g.1 + g.2).sum();
    if n == 0 {
        return (None, f64::NAN, f64::NAN, Vec::new());
    }
    let nf = n as f64;
    let nothing = b * pos as f64 / nf;
    let (mut best_t, mut best) = (None, nothing);
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut points = Vec::new();
    for g in groups {
        tp += g.1;
        fp += g.2;
        let cost = (a * fp as f64 + b * (pos - tp) as f64) / nf;
        if keep {
            points.push((g.0, cost));
        }
        // Walking down lowers the threshold: `<=` keeps the smallest on ties.
        if cost <= best {
            best = cost;
            best_t = Some(g.0);
        }
    }
    points.reverse();
    (best_t, best, nothing, points)
}

/// The cost curve of `(score, positive)` pairs sorted by ascending score.
pub fn cost_curve(
    sorted_asc: &[(f64, bool)],
    a: f64,
    b: f64,
    boot: Bootstrap,
    stream: u64,
) -> CostCurve {
    let g = groups(sorted_asc);
    let (t, cost, nothing, points) = sweep(&g, a, b, true);
    let mut curve = CostCurve {
        points,
        nothing,
        optimal_threshold: t,
        optimal_cost: cost,
        ..Default::default()
    };
    if g.is_empty() || boot.resamples == 0 {
        return curve;
    }
    // Buckets of adjacent scores; a bucket's threshold is its lowest score.
    let per = g.len().div_ceil(MAX_BUCKETS);
    let buckets: Vec<(f64, u64, u64)> = g
        .chunks(per)
        .map(|c| {
            let last = c[c.len() - 1].0;
            (
                last,
                c.iter().map(|x| x.1).sum(),
                c.iter().map(|x| x.2).sum(),
            )
        })
        .collect();
    let cells: Vec<u64> = buckets.iter().flat_map(|b| [b.1, b.2]).collect();
    let mut draw = vec![0u64; cells.len()];
    let mut rng = stats::rng(boot.seed, stream);
    let mut ts = Vec::with_capacity(boot.resamples);
    let mut cs = Vec::with_capacity(boot.resamples);
    let mut sample = buckets.clone();
    let multinomial = stats::Multinomial::new(&cells);
    for _ in 0..boot.resamples {
        multinomial.draw(&mut rng, &mut draw);
        for (i, s) in sample.iter_mut().enumerate() {
            s.1 = draw[2 * i];
            s.2 = draw[2 * i + 1];
        }
        let (t, c, _, _) = sweep(&sample, a, b, false);
        // Predicting nothing sits above every score.
        ts.push(t.unwrap_or(f64::INFINITY));
        cs.push(c);
    }
    curve.cost_ci = stats::percentile_interval(&cs);
    curve.threshold_ci =
        stats::percentile_interval(&ts).filter(|[lo, hi]| lo.is_finite() && hi.is_finite());
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_optimum() {
        // Scores 0.2 (neg), 0.4 (pos), 0.6 (neg), 0.8 (pos); FP costs 1, FN costs 5.
        let rows = [(0.2, false), (0.4, true), (0.6, false), (0.8, true)];
        let c = cost_curve(
            &rows,
            1.0,
            5.0,
            Bootstrap {
                resamples: 0,
                seed: 0,
            },
            0,
        );
        // t = 0.8: FN 1 -> 5/4; t = 0.6: FP 1, FN 1 -> 6/4; t = 0.4: FP 1 -> 1/4;
        // t = 0.2: FP 2 -> 2/4; nothing: 10/4.
        assert_eq!(c.optimal_threshold, Some(0.4));
        assert!((c.optimal_cost - 0.25).abs() < 1e-12);
        assert!((c.nothing - 2.5).abs() < 1e-12);
        assert_eq!(c.points.len(), 4);
        assert!((c.points[0].1 - 0.5).abs() < 1e-12);
    }
}
