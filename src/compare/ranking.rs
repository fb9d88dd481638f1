//! Paired comparison of two rankers on the same queries (contract section 5):
//! per metric the mean per-query difference with a paired bootstrap interval over
//! queries; the verdict's p-value is a sign-flip permutation test of the headline
//! metric (NDCG@10), exact up to 16 differing queries and otherwise over as many
//! random sign patterns as bootstrap resamples (at least 1,000). `flips` count
//! queries: `candidate_only` where the candidate's headline metric is higher,
//! `baseline_only` where it is lower, `both_correct` where they tie; `mcnemar_p`
//! is then the exact sign test on those counts.

use rand::Rng;
use rayon::prelude::*;

use super::{Comparison, Delta, Flips, mcnemar_exact};
use crate::grouping::Grouping;
use crate::load::table::EvalTable;
use crate::metrics::ranking::{self, QueryMetrics};
use crate::stats::{self, Bootstrap, Z_95, Z_POWER_80};

/// Compares two rankers overall (the last element) and per group.
pub fn compare(
    table: &EvalTable,
    grouping: &Grouping,
    baseline: usize,
    candidate: usize,
    boot: Bootstrap,
) -> Vec<Comparison> {
    let (qb, qc) = rayon::join(
        || ranking::per_query(table, baseline),
        || ranking::per_query(table, candidate),
    );
    let (Some(qb), Some(qc), Some(queries)) = (qb, qc, table.queries.as_deref()) else {
        return Vec::new();
    };
    let n_groups = grouping.len();
    let groups = ranking::query_groups(queries, grouping);
    let slots = ranking::slot_queries(&qb, &groups, n_groups);
    let headline = qb
        .index(ranking::headline(&table.params.ranking_ks()))
        .unwrap_or(0);
    (0..=n_groups)
        .into_par_iter()
        .map(|s| {
            let stream = ((baseline as u64) << 48)
                ^ ((candidate as u64) << 32)
                ^ stats::slot_stream(s, n_groups);
            compare_slot(&qb, &qc, &slots.queries[s], headline, boot, stream)
        })
        .collect()
}

fn compare_slot(
    qb: &QueryMetrics,
    qc: &QueryMetrics,
    queries: &[u32],
    headline: usize,
    boot: Bootstrap,
    stream: u64,
) -> Comparison {
    let width = qb.width();
    let n = queries.len();
    let diff_row = |q: usize| -> Vec<f64> {
        qb.row(q)
            .iter()
            .zip(qc.row(q))
            .map(|(b, c)| c - b)
            .collect()
    };
    let intervals = ranking::means_with_intervals(diff_row, width, queries, boot, stream);
    let mean = |m: &QueryMetrics, j: usize| {
        (n > 0).then(|| queries.iter().map(|&q| m.row(q as usize)[j]).sum::<f64>() / n as f64)
    };
    let mut flips = Flips::default();
    let mut head = Vec::with_capacity(n);
    for &q in queries {
        let d = qc.row(q as usize)[headline] - qb.row(q as usize)[headline];
        match d.partial_cmp(&0.0) {
            Some(std::cmp::Ordering::Greater) => flips.candidate_only += 1,
            Some(std::cmp::Ordering::Less) => flips.baseline_only += 1,
            _ => flips.both_correct += 1,
        }
        head.push(d);
    }
    let metrics = (0..width)
        .map(|j| {
            let (b, c) = (mean(qb, j), mean(qc, j));
            let delta = b.zip(c).map(|(b, c)| c - b);
            let sd = sd_of(
                queries
                    .iter()
                    .map(|&q| qc.row(q as usize)[j] - qb.row(q as usize)[j]),
            );
            let se = sd.map(|sd| sd / (n as f64).sqrt());
            Delta {
                name: qb.names[j],
                baseline: b,
                candidate: c,
                delta,
                ci: delta.and(intervals[j].1),
                se,
                mde: se.map(|se| (Z_95 + Z_POWER_80) * se),
            }
        })
        .collect();
    let mut rng = stats::rng(boot.seed, stream ^ 0x5167);
    Comparison {
        n: n as u64,
        metrics,
        flips,
        mcnemar_p: mcnemar_exact(flips.baseline_only, flips.candidate_only),
        paired_p: Some(sign_flip_p(&head, boot.resamples.max(1000), &mut rng)),
    }
}

/// Sample standard deviation (n - 1); None below two values.
fn sd_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = values.collect();
    if v.len() < 2 {
        return None;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    Some((v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt())
}

/// Two-sided sign-flip permutation p-value of the mean of paired differences:
/// the share of sign patterns whose |sum| reaches the observed one. Exact (all
/// 2^m patterns of the m non-zero differences) for m <= 16; otherwise
/// `(1 + hits) / (1 + draws)` over `draws` random patterns.
pub fn sign_flip_p(diffs: &[f64], draws: usize, rng: &mut impl Rng) -> f64 {
    let d: Vec<f64> = diffs
        .iter()
        .copied()
        .filter(|x| *x != 0.0 && !x.is_nan())
        .collect();
    let m = d.len();
    if m == 0 {
        return 1.0;
    }
    let observed = d.iter().sum::<f64>().abs();
    // Rounding: a pattern that equals the observed sum must count as reaching it.
    let reach = observed - 1e-12 * d.iter().map(|x| x.abs()).sum::<f64>();
    if m <= 16 {
        let hits = (0u32..1 << m)
            .filter(|&bits| {
                let s: f64 = d
                    .iter()
                    .enumerate()
                    .map(|(i, x)| if bits >> i & 1 == 1 { -x } else { *x })
                    .sum();
                s.abs() >= reach
            })
            .count();
        return hits as f64 / (1u64 << m) as f64;
    }
    let mut hits = 0usize;
    for _ in 0..draws {
        let mut s = 0.0;
        for chunk in d.chunks(64) {
            let bits = rng.next_u64();
            for (i, x) in chunk.iter().enumerate() {
                s += if bits >> i & 1 == 1 { -x } else { *x };
            }
        }
        if s.abs() >= reach {
            hits += 1;
        }
    }
    (1 + hits) as f64 / (1 + draws) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_sign_flip_on_a_hand_case() {
        // Differences 1, 2, 3: sums of the 8 sign patterns are ±6, ±4, ±2, ±0 ...
        // |sum| >= 6 for 2 of 8 patterns.
        let mut rng = stats::rng(0, 0);
        assert!((sign_flip_p(&[1.0, 2.0, 3.0], 1000, &mut rng) - 0.25).abs() < 1e-12);
        assert_eq!(sign_flip_p(&[0.0, 0.0], 1000, &mut rng), 1.0);
    }
}
