//! Ranking metrics (contract section 5): per query NDCG@k (gains `2^rel - 1`,
//! log2 discounts, tied scores averaged as scikit-learn's `ndcg_score` with
//! `ignore_ties=False`), reciprocal rank, average precision, precision@k and
//! recall@k; per model the mean over the queries that have a relevant item, with a
//! seeded bootstrap over queries. Queries without a relevant item are counted and
//! left out, as null labels are.
//!
//! Reciprocal rank, average precision and the @k counts read the ranking by
//! descending score with tied items in file order (trec_eval and ranx break ties
//! by a fixed order too); only NDCG averages over ties.

use rand::Rng;
use rayon::prelude::*;

use super::{MetricSet, stream_id};
use crate::grouping::{Grouping, SKIP};
use crate::intern::intern;
use crate::load::table::{EvalTable, Prediction, Queries, Target};
use crate::stats::{self, Bootstrap};

/// The metric names for the cutoffs `ks`, in display order.
pub fn metric_names(ks: &[u32]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = ks.iter().map(|k| intern(&format!("ndcg@{k}"))).collect();
    v.push("mrr");
    v.push("map");
    v.extend(ks.iter().map(|k| intern(&format!("precision@{k}"))));
    v.extend(ks.iter().map(|k| intern(&format!("recall@{k}"))));
    v
}

/// The metric a ranking comparison's verdicts and gate read: NDCG@10, else the
/// NDCG at the first cutoff.
pub fn headline(ks: &[u32]) -> &'static str {
    let k = if ks.contains(&10) {
        10
    } else {
        ks.first().copied().unwrap_or(10)
    };
    intern(&format!("ndcg@{k}"))
}

/// Every metric of every query of one model, row-major: `values[q * width + j]`
/// is metric `names[j]` of query `q`.
#[derive(Debug, Clone)]
pub struct QueryMetrics {
    pub names: Vec<&'static str>,
    pub values: Vec<f64>,
    /// The query has at least one relevant item (relevance > 0).
    pub judged: Vec<bool>,
    /// Two of the query's items share a score.
    pub tied: Vec<bool>,
}

impl QueryMetrics {
    pub fn width(&self) -> usize {
        self.names.len()
    }

    pub fn row(&self, q: usize) -> &[f64] {
        &self.values[q * self.width()..(q + 1) * self.width()]
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| *n == name)
    }
}

/// The relevance and score columns of a ranking table's model.
fn columns(table: &EvalTable, model: usize) -> Option<(&Queries, &[f64], &[f64])> {
    let q = table.queries.as_deref()?;
    let Target::Values(rel) = table.target.as_ref() else {
        return None;
    };
    let Prediction::Values(score) = table.models.get(model)?.pred() else {
        return None;
    };
    Some((q, rel, score))
}

/// Computes every query's metrics for one model.
pub fn per_query(table: &EvalTable, model: usize) -> Option<QueryMetrics> {
    let (queries, rel, score) = columns(table, model)?;
    let ks = table.params.ranking_ks();
    let names = metric_names(&ks);
    let width = names.len();
    let n = queries.len();
    let mut values = vec![f64::NAN; n * width];
    let mut judged = vec![false; n];
    let mut tied = vec![false; n];
    values
        .par_chunks_mut(width)
        .zip(judged.par_iter_mut())
        .zip(tied.par_iter_mut())
        .enumerate()
        .for_each_init(Vec::new, |items, (q, ((out, judged), tied))| {
            items.clear();
            items.extend(queries.rows(q).iter().map(|&r| {
                let s = score[r as usize];
                // A null score ranks its item last.
                (
                    if s.is_nan() { f64::NEG_INFINITY } else { s },
                    rel[r as usize],
                )
            }));
            let facts = query_metrics(items, &ks, out);
            *judged = facts.judged;
            *tied = facts.tied;
        });
    Some(QueryMetrics {
        names,
        values,
        judged,
        tied,
    })
}

struct QueryFacts {
    judged: bool,
    tied: bool,
}

/// One query's metrics into `out` (layout of [`metric_names`]); `items` are
/// `(score, relevance)` in file order and are sorted in place.
fn query_metrics(items: &mut [(f64, f64)], ks: &[u32], out: &mut [f64]) -> QueryFacts {
    let relevant = items.iter().filter(|i| i.1 > 0.0).count();
    // Stable: tied items keep file order.
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    let tied = items.windows(2).any(|w| w[0].0 == w[1].0);
    if relevant == 0 {
        return QueryFacts {
            judged: false,
            tied,
        };
    }
    let nk = ks.len();
    for (j, &k) in ks.iter().enumerate() {
        out[j] = ndcg_at(items, k as usize);
    }
    let mut first = None;
    let mut hits = 0usize;
    let mut ap = 0.0;
    for (i, it) in items.iter().enumerate() {
        if it.1 > 0.0 {
            hits += 1;
            ap += hits as f64 / (i + 1) as f64;
            first.get_or_insert(i + 1);
        }
    }
    out[nk] = first.map_or(0.0, |r| 1.0 / r as f64);
    out[nk + 1] = ap / relevant as f64;
    for (j, &k) in ks.iter().enumerate() {
        let top = items.iter().take(k as usize).filter(|i| i.1 > 0.0).count() as f64;
        out[nk + 2 + j] = top / k as f64;
        out[nk + 2 + nk + j] = top / relevant as f64;
    }
    QueryFacts { judged: true, tied }
}

fn gain(rel: f64) -> f64 {
    rel.exp2() - 1.0
}

fn discount(i: usize) -> f64 {
    1.0 / ((i + 2) as f64).log2()
}

/// NDCG@k of items sorted by descending score: each run of tied scores gets the
/// mean gain of its items times the sum of its positions' discounts (scikit-learn's
/// `_tie_averaged_dcg`), over the ideal DCG of the relevances sorted.
fn ndcg_at(items: &[(f64, f64)], k: usize) -> f64 {
    let mut dcg = 0.0;
    let mut i = 0;
    while i < items.len() && i < k {
        let mut j = i + 1;
        while j < items.len() && items[j].0 == items[i].0 {
            j += 1;
        }
        let mean_gain = items[i..j].iter().map(|it| gain(it.1)).sum::<f64>() / (j - i) as f64;
        let discounts: f64 = (i..j.min(k)).map(discount).sum();
        dcg += mean_gain * discounts;
        i = j;
    }
    let mut ideal: Vec<f64> = items.iter().map(|it| gain(it.1)).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| g * discount(i))
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Each query's slot (its first row's group); `SKIP` for queries outside every
/// group. Query-level features are the same on every row of a query.
pub fn query_groups(queries: &Queries, grouping: &Grouping) -> Vec<u32> {
    (0..queries.len())
        .map(|q| {
            queries
                .rows(q)
                .first()
                .map_or(SKIP, |&r| grouping.ids[r as usize])
        })
        .collect()
}

/// The judged queries of every slot (groups, then overall), and per slot the
/// queries left out for having no relevant item and those with tied scores.
pub struct SlotQueries {
    pub queries: Vec<Vec<u32>>,
    pub excluded: Vec<u64>,
    pub tied: Vec<u64>,
}

pub fn slot_queries(qm: &QueryMetrics, groups: &[u32], n_groups: usize) -> SlotQueries {
    let mut out = SlotQueries {
        queries: vec![Vec::new(); n_groups + 1],
        excluded: vec![0; n_groups + 1],
        tied: vec![0; n_groups + 1],
    };
    for (q, &g) in groups.iter().enumerate() {
        if g == SKIP {
            continue;
        }
        for s in [g as usize, n_groups] {
            if qm.judged[q] {
                out.queries[s].push(q as u32);
                if qm.tied[q] {
                    out.tied[s] += 1;
                }
            } else {
                out.excluded[s] += 1;
            }
        }
    }
    out
}

/// The mean of every metric over `queries`, and their bootstrap intervals
/// (resampling queries; one resample serves every metric).
pub fn means_with_intervals(
    rows: impl Fn(usize) -> Vec<f64> + Sync,
    width: usize,
    queries: &[u32],
    boot: Bootstrap,
    stream: u64,
) -> Vec<(Option<f64>, Option<stats::Interval>)> {
    let n = queries.len();
    if n == 0 {
        return vec![(None, None); width];
    }
    let mut sums = vec![0.0; width];
    for &q in queries {
        for (s, v) in sums.iter_mut().zip(rows(q as usize)) {
            *s += v;
        }
    }
    let means: Vec<f64> = sums.iter().map(|s| s / n as f64).collect();
    // The per-query values of the slot, contiguous for the resampling loop.
    let table: Vec<f64> = queries.iter().flat_map(|&q| rows(q as usize)).collect();
    let resamples = boot.resamples;
    let mut reps: Vec<Vec<f64>> = (0..width).map(|_| Vec::with_capacity(resamples)).collect();
    if n > 1 && resamples > 0 {
        // Small slots: one stream, resamples in turn (starting a stream per resample
        // would cost more than the resample); large ones: a seed per resample, in
        // parallel. Either way the draws depend only on the seed, stream and n.
        let parallel = n * resamples >= 4_000_000;
        let mut serial_rng = stats::rng(boot.seed, stream);
        let mut serial: Vec<Vec<f64>> = Vec::new();
        if !parallel {
            for _ in 0..resamples {
                let mut acc = vec![0.0; width];
                for _ in 0..n {
                    let x = serial_rng.next_u32();
                    let i = ((u64::from(x) * n as u64) >> 32) as usize;
                    for (a, v) in acc.iter_mut().zip(&table[i * width..(i + 1) * width]) {
                        *a += v;
                    }
                }
                serial.push(acc.iter().map(|a| a / n as f64).collect());
            }
        }
        let replicate: Vec<Vec<f64>> = (0..if parallel { resamples } else { 0 })
            .into_par_iter()
            .map(|b| {
                // One stream per slot, one seed per resample: the same draws on any
                // number of threads.
                let mut rng = stats::rng(
                    boot.seed
                        .wrapping_add((b as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                    stream,
                );
                let mut acc = vec![0.0; width];
                let draw = |acc: &mut [f64], x: u32| {
                    let i = ((u64::from(x) * n as u64) >> 32) as usize;
                    for (a, v) in acc.iter_mut().zip(&table[i * width..(i + 1) * width]) {
                        *a += v;
                    }
                };
                let mut left = n;
                while left >= 2 {
                    let r = rng.next_u64();
                    draw(&mut acc, r as u32);
                    draw(&mut acc, (r >> 32) as u32);
                    left -= 2;
                }
                if left == 1 {
                    draw(&mut acc, rng.next_u32());
                }
                acc.iter().map(|a| a / n as f64).collect()
            })
            .collect();
        for r in replicate.into_iter().chain(serial) {
            for (j, v) in r.into_iter().enumerate() {
                reps[j].push(v);
            }
        }
    }
    means
        .into_iter()
        .zip(reps)
        .map(|(m, r)| {
            let ci = if r.is_empty() {
                None
            } else {
                stats::centred_interval(m, &r)
            };
            (Some(m), ci)
        })
        .collect()
}

/// Every ranking metric of one model per slot (groups, then overall).
pub fn evaluate(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    match per_query(table, model) {
        Some(qm) => evaluate_queries(table, model, &qm, grouping, boot),
        None => Vec::new(),
    }
}

/// [`evaluate`] from the model's per-query metrics already computed.
pub fn evaluate_queries(
    table: &EvalTable,
    model: usize,
    qm: &QueryMetrics,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    let Some(queries) = table.queries.as_deref() else {
        return Vec::new();
    };
    let groups = query_groups(queries, grouping);
    let n_groups = grouping.len();
    let slots = slot_queries(qm, &groups, n_groups);
    let nulls = null_scores(table, model, grouping);
    (0..=n_groups)
        .map(|s| {
            let stats = means_with_intervals(
                |q| qm.row(q).to_vec(),
                qm.width(),
                &slots.queries[s],
                boot,
                stream_id(model, s, n_groups, 0x5a),
            );
            let mut set = MetricSet {
                n: slots.queries[s].len() as u64,
                null_predictions: nulls[s],
                ..Default::default()
            };
            for (name, (v, ci)) in qm.names.iter().zip(stats) {
                set.push(name, v, ci);
            }
            set.extras
                .push(("excluded_queries", slots.excluded[s] as f64));
            set.extras.push(("tied_queries", slots.tied[s] as f64));
            set
        })
        .collect()
}

/// Rows with a null score, per slot.
fn null_scores(table: &EvalTable, model: usize, grouping: &Grouping) -> Vec<u64> {
    let mut out = vec![0u64; grouping.len() + 1];
    if let Prediction::Values(v) = table.models[model].pred() {
        super::for_each_slot(grouping, |r, s| {
            if v[r].is_nan() {
                out[s] += 1;
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(items: &[(f64, f64)], ks: &[u32]) -> Vec<f64> {
        let mut items = items.to_vec();
        let mut out = vec![f64::NAN; metric_names(ks).len()];
        query_metrics(&mut items, ks, &mut out);
        out
    }

    #[test]
    fn hand_worked_query() {
        // Ranked: rel 0, 2, 1 (scores 3, 2, 1). DCG@3 = 0 + 3/log2(3) + 1/2;
        // ideal = 3 + 1/log2(3).
        let m = metrics(&[(1.0, 1.0), (3.0, 0.0), (2.0, 2.0)], &[3]);
        let dcg = 3.0 / 3f64.log2() + 0.5;
        let idcg = 3.0 + 1.0 / 3f64.log2();
        assert!((m[0] - dcg / idcg).abs() < 1e-12);
        assert_eq!(m[1], 0.5); // mrr: first relevant at rank 2
        assert!((m[2] - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-12); // map
        assert!((m[3] - 2.0 / 3.0).abs() < 1e-12); // precision@3
        assert_eq!(m[4], 1.0); // recall@3
    }

    #[test]
    fn ties_average_gains_across_the_tied_positions() {
        // Two items tied at the top, one relevant (gain 1): DCG = 0.5 * (1 + 1/log2 3).
        let m = metrics(&[(1.0, 0.0), (1.0, 1.0)], &[2]);
        let expected = 0.5 * (1.0 + 1.0 / 3f64.log2());
        assert!((m[0] - expected).abs() < 1e-12);
        // A tie straddling the cutoff: only the positions inside it count.
        let m = metrics(&[(1.0, 0.0), (1.0, 1.0)], &[1]);
        assert!((m[0] - 0.5).abs() < 1e-12);
        // Reciprocal rank breaks the tie by file order.
        assert_eq!(m[1], 0.5);
    }
}
