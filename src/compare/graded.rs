//! Paired comparison of two graded models (contract section 5): per metric the
//! delta with `delta ± 1.959964 × SE`, SE being the standard error of the
//! per-example differences (their sample standard deviation over sqrt(n), or
//! Miller's clustered SE with `--cluster`), and the minimum detectable difference
//! at 80% power for that SE; flips and McNemar's exact test on pass (an example
//! passes when at least half its runs pass).

use rayon::prelude::*;

use super::{Comparison, Delta, Flips, mcnemar_exact};
use crate::grouping::Grouping;
use crate::load::table::EvalTable;
use crate::load::table::Grades;
use crate::metrics::graded::{Moments, moments, pass_at_k_values};
use crate::metrics::{self, MetricSet};
use crate::stats::{self, Z_95, Z_POWER_80};

/// The metrics compared, with each model's per-example values.
fn paired_values(g: &Grades, k: Option<u32>) -> Vec<(&'static str, Option<Vec<f64>>)> {
    vec![
        ("pass_rate", g.pass.clone()),
        ("mean_score", g.score.clone()),
        (
            "pass_at_k",
            k.filter(|_| g.pass.is_some())
                .map(|k| pass_at_k_values(g, k)),
        ),
    ]
}

/// Compares two graded models overall (the last element) and per group.
pub fn compare(
    table: &EvalTable,
    grouping: &Grouping,
    baseline: usize,
    candidate: usize,
) -> Vec<Comparison> {
    let (Some(gb), Some(gc)) = (
        table.models[baseline].grades.as_deref(),
        table.models[candidate].grades.as_deref(),
    ) else {
        return Vec::new();
    };
    let slots = grouping.len() + 1;
    let boot = stats::Bootstrap::default();
    let (sets_b, sets_c): (Vec<MetricSet>, Vec<MetricSet>) = rayon::join(
        || metrics::evaluate_model(table, baseline, grouping, boot),
        || metrics::evaluate_model(table, candidate, grouping, boot),
    );
    let clusters = table.clusters.as_deref().map(Vec::as_slice);
    let k = table.params.k;
    let vb = paired_values(gb, k);
    let vc = paired_values(gc, k);
    // Per metric: the moments of the per-example differences on every slot.
    let diffs: Vec<(&'static str, Option<Vec<Moments>>)> = vb
        .into_par_iter()
        .zip(vc)
        .map(|((name, b), (_, c))| {
            let m = b.zip(c).map(|(b, c)| {
                let d: Vec<f64> = b.iter().zip(&c).map(|(x, y)| y - x).collect();
                moments(&d, grouping, clusters)
            });
            (name, m)
        })
        .collect();
    let flips = pass_flips(gb, gc, grouping);
    let clustered = clusters.is_some();
    let has_pass = gb.pass.is_some() && gc.pass.is_some();
    (0..slots)
        .map(|s| {
            let mut paired_n = 0;
            let mut paired_p = None;
            let metrics = diffs
                .iter()
                .filter_map(|(name, d)| {
                    let d = d.as_ref()?[s];
                    let b = sets_b.get(s).and_then(|set| set.value(name));
                    let c = sets_c.get(s).and_then(|set| set.value(name));
                    let delta = b.zip(c).map(|(b, c)| c - b);
                    let se = (d.n >= 2 || clustered)
                        .then(|| d.se(clustered))
                        .filter(|v| v.is_finite());
                    if *name == "pass_rate" || (!has_pass && *name == "mean_score") {
                        paired_n = d.n;
                    }
                    if !has_pass && *name == "mean_score" {
                        paired_p = delta.zip(se).map(|(delta, se)| two_sided_p(delta, se));
                    }
                    Some(Delta {
                        name,
                        baseline: b,
                        candidate: c,
                        delta,
                        ci: delta
                            .zip(se)
                            .and_then(|(delta, se)| stats::normal_interval(delta, se)),
                        se,
                        mde: se.map(|se| (Z_95 + Z_POWER_80) * se),
                    })
                })
                .collect();
            let f = flips[s];
            Comparison {
                n: if has_pass { f.n() } else { paired_n },
                metrics,
                flips: f,
                mcnemar_p: mcnemar_exact(f.baseline_only, f.candidate_only),
                paired_p,
            }
        })
        .collect()
}

/// `2 P(Z > |delta / se|)`; 1 when the difference has no spread and is zero.
fn two_sided_p(delta: f64, se: f64) -> f64 {
    if se == 0.0 {
        return if delta == 0.0 { 1.0 } else { 0.0 };
    }
    (2.0 * stats::normal_sf((delta / se).abs())).min(1.0)
}

/// Examples by which model passed (at least half the runs), where both are graded.
fn pass_flips(b: &Grades, c: &Grades, grouping: &Grouping) -> Vec<Flips> {
    let mut out = vec![Flips::default(); grouping.len() + 1];
    let (Some(pb), Some(pc)) = (&b.pass, &c.pass) else {
        return out;
    };
    metrics::for_each_slot(grouping, |r, s| {
        let (x, y) = (pb[r], pc[r]);
        if x.is_nan() || y.is_nan() {
            return;
        }
        out[s].add(x >= 0.5, y >= 0.5, 1);
    });
    out
}

/// Per example: the candidate's grade minus the baseline's (pass, else score), the
/// order of a review queue (largest drop first).
pub fn drops(table: &EvalTable, baseline: usize, candidate: usize) -> Option<Vec<f64>> {
    let gb = table.models[baseline].grades.as_deref()?;
    let gc = table.models[candidate].grades.as_deref()?;
    let pick = |g: &Grades| g.score.clone().or_else(|| g.pass.clone());
    let (b, c) = (pick(gb)?, pick(gc)?);
    Some(b.iter().zip(&c).map(|(x, y)| y - x).collect())
}
