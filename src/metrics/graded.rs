//! Graded evaluations (contract section 5): per model the pass rate (Wilson
//! interval), the mean score (Student t), pass@k (Chen et al. 2021) and the
//! within-example variance over repeated runs. With clusters (`--cluster`) every
//! interval is `mean ± z × SE` with Miller's (2024) clustered standard error.
//! Every value is per example: the loader has already averaged repeated runs.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::{MetricSet, for_each_slot};
use crate::grouping::Grouping;
use crate::load::table::EvalTable;
use crate::load::table::Grades;
use crate::stats::{self, Interval};

/// One per-example quantity summarised on a slot.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    /// Examples with a value.
    pub n: u64,
    pub sum: f64,
    pub mean: f64,
    /// Sample standard deviation (ddof 1); NaN below two values.
    pub sd: f64,
    /// The clustered standard error of the mean; NaN without clusters.
    pub se_cluster: f64,
    /// Clusters with at least one value.
    pub clusters: u64,
}

impl Moments {
    /// The standard error of the mean: clustered when clusters are given, else
    /// `sd / sqrt(n)`.
    pub fn se(&self, clustered: bool) -> f64 {
        if clustered {
            self.se_cluster
        } else {
            self.sd / (self.n as f64).sqrt()
        }
    }

    fn value(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }
}

/// Moments of `values` (NaN = no value) on every slot of `grouping` (groups, then
/// the overall slot), in two passes so the spread keeps its precision.
pub fn moments(values: &[f64], grouping: &Grouping, clusters: Option<&[u32]>) -> Vec<Moments> {
    let slots = grouping.len() + 1;
    let mut out = vec![Moments::default(); slots];
    for_each_slot(grouping, |r, s| {
        let x = values[r];
        if !x.is_nan() {
            out[s].n += 1;
            out[s].sum += x;
        }
    });
    for m in &mut out {
        m.mean = if m.n == 0 {
            f64::NAN
        } else {
            m.sum / m.n as f64
        };
    }
    let mut centred = vec![0.0; slots];
    let mut per_cluster: HashMap<(u32, u32), (f64, u64), RandomState> = HashMap::default();
    for_each_slot(grouping, |r, s| {
        let x = values[r];
        if x.is_nan() {
            return;
        }
        let d = x - out[s].mean;
        centred[s] += d * d;
        if let Some(c) = clusters {
            let e = per_cluster.entry((s as u32, c[r])).or_default();
            e.0 += d;
            e.1 += 1;
        }
    });
    for (s, m) in out.iter_mut().enumerate() {
        m.sd = if m.n < 2 {
            f64::NAN
        } else {
            (centred[s] / (m.n - 1) as f64).sqrt()
        };
    }
    if clusters.is_some() {
        // Summed in (slot, cluster) order: the map's own order changes from run
        // to run, and with it the last bits of the sums.
        let mut residuals: Vec<_> = per_cluster.into_iter().collect();
        residuals.sort_unstable_by_key(|&(key, _)| key);
        let mut sq = vec![0.0; slots];
        for &((s, _), (resid, _)) in &residuals {
            sq[s as usize] += resid * resid;
            out[s as usize].clusters += 1;
        }
        for (s, m) in out.iter_mut().enumerate() {
            m.se_cluster = if m.n == 0 {
                f64::NAN
            } else {
                sq[s].sqrt() / m.n as f64
            };
        }
    } else {
        for m in &mut out {
            m.se_cluster = f64::NAN;
        }
    }
    out
}

/// The unbiased pass@k of one example with `runs` runs and `passes` passes
/// (Chen et al. 2021): `1 - C(runs - passes, k) / C(runs, k)`; NaN when the example
/// has fewer than k runs. Partial passes are rounded to whole runs.
pub fn pass_at_k(runs: u32, passes: f64, k: u32) -> f64 {
    if k == 0 || runs < k || passes.is_nan() {
        return f64::NAN;
    }
    let n = runs as f64;
    let c = passes.round().clamp(0.0, n);
    if n - c < k as f64 {
        return 1.0;
    }
    // C(n - c, k) / C(n, k) = prod_{i < k} (n - c - i) / (n - i)
    let ratio: f64 = (0..k)
        .map(|i| (n - c - i as f64) / (n - i as f64))
        .product();
    1.0 - ratio
}

/// Per-example pass@k of a model (NaN where it has fewer than k runs).
pub fn pass_at_k_values(g: &Grades, k: u32) -> Vec<f64> {
    g.pass_runs
        .iter()
        .zip(&g.passes)
        .map(|(&runs, &passes)| pass_at_k(runs, passes, k))
        .collect()
}

/// The interval of a per-example mean: `z × clustered SE` with clusters, else the
/// given unclustered interval.
fn interval(
    m: &Moments,
    clustered: bool,
    plain: impl FnOnce(&Moments) -> Option<Interval>,
) -> Option<Interval> {
    if m.n == 0 {
        return None;
    }
    if clustered {
        stats::normal_interval(m.mean, m.se_cluster)
    } else {
        plain(m)
    }
}

fn t_interval(m: &Moments) -> Option<Interval> {
    stats::t_interval(m.mean, m.sd, m.n)
}

/// Every metric of a graded model per slot (groups, then overall).
pub fn evaluate(table: &EvalTable, model: usize, grouping: &Grouping) -> Vec<MetricSet> {
    let Some(g) = table.models[model].grades.as_deref() else {
        return Vec::new();
    };
    let clusters = table.clusters.as_deref().map(Vec::as_slice);
    let clustered = clusters.is_some();
    let slots = grouping.len() + 1;
    let pass = g.pass.as_ref().map(|p| moments(p, grouping, clusters));
    let score = g.score.as_ref().map(|s| moments(s, grouping, clusters));
    let k = table.params.k.filter(|_| g.pass.is_some());
    let at_k = k.map(|k| moments(&pass_at_k_values(g, k), grouping, clusters));
    let var_pass = g
        .pass
        .as_ref()
        .map(|_| moments(&g.pass_var, grouping, None));
    let var_score = g
        .score
        .as_ref()
        .map(|_| moments(&g.score_var, grouping, None));
    let headline = g.pass.as_ref().or(g.score.as_ref());
    let mut nulls = vec![0u64; slots];
    let mut sizes = vec![0u64; slots];
    for_each_slot(grouping, |r, s| {
        sizes[s] += 1;
        if headline.is_none_or(|h| h[r].is_nan()) {
            nulls[s] += 1;
        }
    });
    (0..slots)
        .map(|s| {
            let mut set = MetricSet {
                n: sizes[s],
                null_predictions: nulls[s],
                ..Default::default()
            };
            if let Some(p) = &pass {
                let m = p[s];
                set.push(
                    "pass_rate",
                    m.value(),
                    interval(&m, clustered, |m| stats::wilson_fraction(m.sum, m.n)),
                );
            }
            if let Some(sc) = &score {
                let m = sc[s];
                set.push("mean_score", m.value(), interval(&m, clustered, t_interval));
            }
            if let (Some(k), Some(a)) = (k, &at_k) {
                let m = a[s];
                // A probability: its interval stays within [0, 1].
                let ci =
                    interval(&m, clustered, t_interval).map(|[lo, hi]| [lo.max(0.0), hi.min(1.0)]);
                set.push("pass_at_k", m.value(), ci);
                set.extras.push(("k", f64::from(k)));
                set.extras.push(("pass_at_k_n", m.n as f64));
            }
            if let Some(v) = &var_pass {
                set.push("within_variance_pass", v[s].value(), None);
            }
            if let Some(v) = &var_score {
                set.push("within_variance_score", v[s].value(), None);
            }
            if let Some(v) = var_pass.as_ref().or(var_score.as_ref()) {
                set.extras.push(("repeated_examples", v[s].n as f64));
            }
            if clustered {
                let c = pass
                    .as_ref()
                    .or(score.as_ref())
                    .map_or(0, |m| m[s].clusters);
                set.extras.push(("clusters", c as f64));
            }
            set
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_at_k_matches_the_closed_form() {
        // 1 - C(n-c, k) / C(n, k) by hand.
        assert!((pass_at_k(3, 1.0, 1) - 1.0 / 3.0).abs() < 1e-15);
        assert!((pass_at_k(3, 1.0, 2) - (1.0 - 1.0 / 3.0)).abs() < 1e-15);
        assert_eq!(pass_at_k(3, 2.0, 2), 1.0);
        assert_eq!(pass_at_k(3, 0.0, 2), 0.0);
        assert!(pass_at_k(2, 1.0, 3).is_nan());
        // n = 10, c = 3, k = 5: 1 - C(7,5)/C(10,5) = 1 - 21/252.
        assert!((pass_at_k(10, 3.0, 5) - (1.0 - 21.0 / 252.0)).abs() < 1e-15);
    }

    #[test]
    fn clustered_se_by_hand() {
        // Values 1, 0, 1, 1 in clusters a, a, b, c; mean 0.75.
        // Residual sums: a: 0.25 - 0.75 = -0.5, b: 0.25, c: 0.25; SE = sqrt(0.375) / 4.
        let g = Grouping::whole(4, None);
        let m = moments(&[1.0, 0.0, 1.0, 1.0], &g, Some(&[0, 0, 1, 2]));
        let o = m[1];
        assert_eq!(o.n, 4);
        assert_eq!(o.clusters, 3);
        assert!((o.se_cluster - 0.375f64.sqrt() / 4.0).abs() < 1e-15);
        assert!((o.sd - 0.5).abs() < 1e-15);
    }

    #[test]
    fn the_clustered_se_is_the_same_on_every_run() {
        // Hundreds of clusters, whose squared residuals summed in another order
        // differ in the last bits.
        let values: Vec<f64> = (0..5000)
            .map(|i| ((i * 7919) % 1000) as f64 / 997.0)
            .collect();
        let clusters: Vec<u32> = (0..5000).map(|i| (i % 613) as u32).collect();
        let g = Grouping::whole(5000, None);
        let first = moments(&values, &g, Some(&clusters))[1].se_cluster;
        for _ in 0..20 {
            let again = moments(&values, &g, Some(&clusters))[1].se_cluster;
            assert_eq!(again.to_bits(), first.to_bits());
        }
    }
}
