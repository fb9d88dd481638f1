//! SliceLine (Sagadeeva and Boehm, SIGMOD 2021) as the contract defines it: slices
//! are conjunctions of `feature = value` predicates on distinct features, scored by
//! `alpha * (error_rate / average_error - 1) - (1 - alpha) * (rows / size - 1)`;
//! listed are those with `size >= min_support` and score > 0, best first (ties:
//! larger size, then predicates in text order).
//!
//! Instead of SliceLine's sparse-matrix lattice with upper-bound pruning, this
//! counts every feature combination up to `max_level` exactly, one dense group-by
//! per combination (in parallel): with a handful of categorical features that is
//! cheap, it is exact by construction (no pruning to get wrong), and it scores every
//! slice, which the Benjamini-Hochberg q-values need (the family is every slice of
//! size >= min_support with at least one error, at levels 1..max_level). Memory is
//! bounded by one feature combination's slices per thread, never rows × slices.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use foldhash::fast::RandomState;
use rayon::prelude::*;

use crate::load::encode::NULL_CODE;
use crate::load::table::EvalTable;
use crate::stats;

/// Search settings (contract defaults: alpha 0.95, top 10, max level 3, min
/// support max(32, 1% of rows)).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    pub alpha: f64,
    pub top: usize,
    pub max_level: usize,
    /// None: max(32, 1% of the rows searched).
    pub min_support: Option<u64>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            alpha: 0.95,
            top: 10,
            max_level: 3,
            min_support: None,
        }
    }
}

/// One found slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// `(feature index, code)` pairs in feature order; NULL_CODE is `(missing)`.
    pub predicates: Vec<(usize, u32)>,
    pub size: u64,
    pub errors: f64,
    pub score: f64,
    pub error_rate: f64,
    pub ci: Option<stats::Interval>,
    pub p_value: f64,
    pub q_value: f64,
}

/// The search's answer.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub rows: u64,
    pub average_error: f64,
    pub min_support: u64,
    pub slices: Vec<Slice>,
    /// How many slices were scored (the Benjamini-Hochberg family).
    pub scored: usize,
}

/// Slices with more combinations than this use a hash map instead of dense arrays.
const DENSE_LIMIT: u64 = 1 << 20;

/// Per-slice sums of one feature combination.
#[derive(Default)]
struct Cube {
    keys: Vec<u64>,
    count: Vec<u64>,
    err: Vec<f64>,
    err_sq: Vec<f64>,
}

/// Runs the search over `features` (indices into `table.features`) with per-row
/// `errors` (NaN rows take no part). Returns None if cancelled.
pub fn search(
    table: &EvalTable,
    features: &[usize],
    errors: &[f64],
    params: &Params,
    cancel: &AtomicBool,
) -> Option<Found> {
    let rows: Vec<u32> = (0..errors.len() as u32)
        .filter(|&r| !errors[r as usize].is_nan())
        .collect();
    let n = rows.len() as u64;
    let total_err: f64 = rows.iter().map(|&r| errors[r as usize]).sum();
    let total_sq: f64 = rows.iter().map(|&r| errors[r as usize].powi(2)).sum();
    let min_support = params
        .min_support
        .unwrap_or_else(|| 32.max((n as f64 * 0.01).ceil() as u64))
        .max(1);
    let mut found = Found {
        rows: n,
        average_error: if n == 0 { 0.0 } else { total_err / n as f64 },
        min_support,
        ..Default::default()
    };
    if n == 0 || total_err <= 0.0 {
        return Some(found);
    }
    let binary = rows.iter().all(|&r| {
        let e = errors[r as usize];
        e == 0.0 || e == 1.0
    });
    // A value seen in fewer than min_support rows can be in no listed or scored
    // slice: rows holding one are skipped in combinations, and a feature with no
    // frequent value at all (an identifier, say) takes part in none.
    let frequent: Vec<Vec<bool>> = features
        .par_iter()
        .map(|&f| {
            let feat = &table.features[f];
            let k = feat.codes.levels.len() + 1;
            let mut count = vec![0u64; k];
            for &r in &rows {
                let c = feat.codes.codes[r as usize];
                count[if c == NULL_CODE { k - 1 } else { c as usize }] += 1;
            }
            count.iter().map(|&c| c >= min_support).collect()
        })
        .collect();
    let usable: Vec<usize> = (0..features.len())
        .filter(|&i| frequent[i].iter().any(|&f| f))
        .collect();
    let combos = combinations(usable.len(), params.max_level.max(1));
    let cubes: Vec<(Vec<usize>, Cube)> = combos
        .par_iter()
        .map(|combo| {
            let feats: Vec<usize> = combo.iter().map(|&i| features[usable[i]]).collect();
            if cancel.load(AtomicOrdering::Relaxed) {
                return (feats, Cube::default());
            }
            let keep: Vec<&[bool]> = combo
                .iter()
                .map(|&i| frequent[usable[i]].as_slice())
                .collect();
            let c = cube(table, &feats, &keep, &rows, errors);
            (feats, c)
        })
        .collect();
    if cancel.load(AtomicOrdering::Relaxed) {
        return None;
    }
    let avg = found.average_error;
    let alpha = params.alpha;
    let mut p_values: Vec<f64> = Vec::new();
    let mut candidates: Vec<Slice> = Vec::new();
    for (feats, c) in &cubes {
        let radices: Vec<u64> = feats
            .iter()
            .map(|&f| table.features[f].codes.levels.len() as u64 + 1)
            .collect();
        for i in 0..c.keys.len() {
            let (size, err) = (c.count[i], c.err[i]);
            if size < min_support || err <= 0.0 {
                continue;
            }
            let p = p_value(binary, size, err, c.err_sq[i], n, total_err, total_sq);
            p_values.push(p);
            let rate = err / size as f64;
            let score = alpha * (rate / avg - 1.0) - (1.0 - alpha) * (n as f64 / size as f64 - 1.0);
            if score <= 0.0 {
                continue;
            }
            let codes = decode_key(c.keys[i], &radices);
            candidates.push(Slice {
                predicates: feats.iter().copied().zip(codes).collect(),
                size,
                errors: err,
                score,
                error_rate: rate,
                ci: if binary {
                    stats::wilson(err.round() as u64, size)
                } else {
                    None
                },
                p_value: p,
                q_value: f64::NAN,
            });
        }
    }
    candidates.sort_by(|a, b| compare(table, a, b));
    candidates.truncate(params.top);
    // Benjamini-Hochberg over the whole family: q for a p of rank k among m.
    let m = p_values.len();
    let mut sorted = p_values;
    sorted.sort_by(f64::total_cmp);
    let mut q_by_rank = vec![1.0; m];
    let mut running = 1.0f64;
    for k in (0..m).rev() {
        running = running.min(sorted[k] * m as f64 / (k + 1) as f64);
        q_by_rank[k] = running.min(1.0);
    }
    for s in &mut candidates {
        // The largest rank holding this p (ties share the smaller q anyway).
        let k = sorted.partition_point(|&p| p <= s.p_value);
        s.q_value = if k == 0 { 1.0 } else { q_by_rank[k - 1] };
    }
    found.scored = m;
    found.slices = candidates;
    Some(found)
}

/// Contract order: score descending, then size descending, then predicates in
/// text order (`column = value` pairs in feature order, compared as text).
pub fn compare(table: &EvalTable, a: &Slice, b: &Slice) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then(b.size.cmp(&a.size))
        .then_with(|| predicate_text(table, a).cmp(&predicate_text(table, b)))
}

/// `col = value AND col = value`, in feature order.
pub fn predicate_text(table: &EvalTable, s: &Slice) -> String {
    s.predicates
        .iter()
        .map(|&(f, code)| {
            format!(
                "{} = {}",
                table.features[f].name,
                table.features[f].level(code)
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// One-sided p-value that the slice's error exceeds the rest's: a pooled
/// two-proportion z-test for 0/1 errors (statsmodels `proportions_ztest`,
/// `alternative="larger"`), Welch's t-test otherwise.
fn p_value(
    binary: bool,
    size: u64,
    err: f64,
    err_sq: f64,
    n: u64,
    total_err: f64,
    total_sq: f64,
) -> f64 {
    let rest_n = n - size;
    if rest_n == 0 {
        return 1.0;
    }
    let rest_err = (total_err - err).max(0.0);
    if binary {
        return stats::proportion_lower_p(
            rest_err.round() as u64,
            rest_n,
            err.round() as u64,
            size,
        )
        .unwrap_or(1.0);
    }
    let (n1, n2) = (size as f64, rest_n as f64);
    let (m1, m2) = (err / n1, rest_err / n2);
    let v1 = if size > 1 {
        ((err_sq - n1 * m1 * m1) / (n1 - 1.0)).max(0.0)
    } else {
        0.0
    };
    let v2 = if rest_n > 1 {
        (((total_sq - err_sq) - n2 * m2 * m2) / (n2 - 1.0)).max(0.0)
    } else {
        0.0
    };
    stats::welch_greater_p(m1, v1, n1, m2, v2, n2)
}

/// All index combinations of sizes 1..=max_level from `m` items, in order.
fn combinations(m: usize, max_level: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut level: Vec<Vec<usize>> = (0..m).map(|i| vec![i]).collect();
    for _ in 0..max_level.min(m) {
        out.extend(level.iter().cloned());
        let mut next = Vec::new();
        for c in &level {
            let last = *c.last().unwrap_or(&0);
            for j in last + 1..m {
                let mut d = c.clone();
                d.push(j);
                next.push(d);
            }
        }
        level = next;
    }
    out
}

fn digit(code: u32, radix: u64) -> u64 {
    if code == NULL_CODE {
        radix - 1
    } else {
        code as u64
    }
}

fn decode_key(mut key: u64, radices: &[u64]) -> Vec<u32> {
    let mut out = vec![0u32; radices.len()];
    for i in (0..radices.len()).rev() {
        let d = key % radices[i];
        key /= radices[i];
        out[i] = if d == radices[i] - 1 {
            NULL_CODE
        } else {
            d as u32
        };
    }
    out
}

/// Size, error sum and squared-error sum of every occurring value combination.
/// `frequent[i][digit]` says whether a value of feature `feats[i]` is frequent
/// enough to matter; rows with a rare value are skipped.
fn cube(
    table: &EvalTable,
    feats: &[usize],
    frequent: &[&[bool]],
    rows: &[u32],
    errors: &[f64],
) -> Cube {
    let radices: Vec<u64> = feats
        .iter()
        .map(|&f| table.features[f].codes.levels.len() as u64 + 1)
        .collect();
    let codes: Vec<&[u32]> = feats
        .iter()
        .map(|&f| table.features[f].codes.codes.as_slice())
        .collect();
    let space = radices.iter().try_fold(1u64, |a, &r| a.checked_mul(r));
    // The row's key, or u64::MAX when one of its values is rare.
    let key_of = |r: usize| -> u64 {
        let mut k = 0u64;
        for ((c, &radix), freq) in codes.iter().zip(&radices).zip(frequent) {
            let d = digit(c[r], radix);
            if !freq[d as usize] {
                return u64::MAX;
            }
            k = k * radix + d;
        }
        k
    };
    match space {
        Some(space) if space <= DENSE_LIMIT => {
            let s = space as usize;
            let mut count = vec![0u64; s];
            let mut err = vec![0.0f64; s];
            let mut err_sq = vec![0.0f64; s];
            for &r in rows {
                let r = r as usize;
                let k = key_of(r);
                if k == u64::MAX {
                    continue;
                }
                let k = k as usize;
                let e = errors[r];
                count[k] += 1;
                err[k] += e;
                err_sq[k] += e * e;
            }
            let keys: Vec<u64> = (0..s as u64).filter(|&k| count[k as usize] > 0).collect();
            Cube {
                count: keys.iter().map(|&k| count[k as usize]).collect(),
                err: keys.iter().map(|&k| err[k as usize]).collect(),
                err_sq: keys.iter().map(|&k| err_sq[k as usize]).collect(),
                keys,
            }
        }
        _ => {
            // Too many combinations for dense arrays (or a key past u64): hash the
            // occurring ones. Keys past u64 cannot be decoded, so such combinations
            // are left out; they need thousands of levels per feature.
            if space.is_none() {
                return Cube::default();
            }
            let mut map: HashMap<u64, usize, RandomState> = HashMap::default();
            let mut c = Cube::default();
            for &r in rows {
                let r = r as usize;
                let k = key_of(r);
                if k == u64::MAX {
                    continue;
                }
                let e = errors[r];
                let i = *map.entry(k).or_insert_with(|| {
                    c.keys.push(k);
                    c.count.push(0);
                    c.err.push(0.0);
                    c.err_sq.push(0.0);
                    c.keys.len() - 1
                });
                c.count[i] += 1;
                c.err[i] += e;
                c.err_sq[i] += e * e;
            }
            c
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, Mapping, table::decode};
    use polars::prelude::*;
    use rand::{RngExt, SeedableRng};

    type Ranked = Vec<(String, u64, f64, Vec<(usize, u32)>)>;

    /// Brute force: every conjunction of distinct features up to max_level, counted
    /// row by row with no shared machinery.
    fn brute(
        table: &EvalTable,
        feats: &[usize],
        errors: &[f64],
        p: &Params,
    ) -> Vec<(String, u64, f64)> {
        let n = errors.iter().filter(|e| !e.is_nan()).count() as u64;
        let avg = errors.iter().filter(|e| !e.is_nan()).sum::<f64>() / n as f64;
        let min_sup = p
            .min_support
            .unwrap_or(32.max((n as f64 * 0.01).ceil() as u64));
        let mut out: Ranked = Vec::new();
        // Feature subsets as bitmasks, independent of `combinations`.
        for mask in 1u32..(1 << feats.len()) {
            if mask.count_ones() as usize > p.max_level {
                continue;
            }
            let fs: Vec<usize> = (0..feats.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| feats[i])
                .collect();
            let mut seen: Vec<Vec<u32>> = Vec::new();
            for (r, e) in errors.iter().enumerate() {
                if e.is_nan() {
                    continue;
                }
                let v: Vec<u32> = fs
                    .iter()
                    .map(|&f| table.features[f].codes.codes[r])
                    .collect();
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            for v in seen {
                let (mut size, mut err) = (0u64, 0.0);
                for (r, &e) in errors.iter().enumerate() {
                    if !e.is_nan()
                        && fs
                            .iter()
                            .zip(&v)
                            .all(|(&f, &c)| table.features[f].codes.codes[r] == c)
                    {
                        size += 1;
                        err += e;
                    }
                }
                let score = p.alpha * ((err / size as f64) / avg - 1.0)
                    - (1.0 - p.alpha) * (n as f64 / size as f64 - 1.0);
                if size >= min_sup && score > 0.0 {
                    let preds: Vec<(usize, u32)> = fs.iter().copied().zip(v).collect();
                    let s = Slice {
                        predicates: preds.clone(),
                        size,
                        errors: err,
                        score,
                        error_rate: 0.0,
                        ci: None,
                        p_value: 0.0,
                        q_value: 0.0,
                    };
                    out.push((predicate_text(table, &s), size, score, preds));
                }
            }
        }
        out.sort_by(|a, b| b.2.total_cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
        out.truncate(p.top);
        out.into_iter().map(|(t, s, sc, _)| (t, s, sc)).collect()
    }

    #[test]
    fn exact_top_k_equals_brute_force_on_random_tables() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
        for trial in 0..60 {
            let n = 60 + (rng.random::<f64>() * 140.0) as usize;
            let m = 2 + trial % 4;
            let mut cols: Vec<Column> = Vec::new();
            for j in 0..m {
                let levels = 2 + (rng.random::<f64>() * 3.0) as usize;
                let v: Vec<Option<String>> = (0..n)
                    .map(|_| {
                        let x = (rng.random::<f64>() * (levels as f64 + 0.3)) as usize;
                        if x >= levels {
                            None
                        } else {
                            Some(format!("v{x}"))
                        }
                    })
                    .collect();
                cols.push(Column::new(format!("f{j}").into(), v));
            }
            // Few distinct error patterns make ties likely.
            let y: Vec<i64> = (0..n).map(|i| (i % 2) as i64).collect();
            let p: Vec<i64> = (0..n)
                .map(|i| {
                    if rng.random::<f64>() < 0.3 {
                        1 - (i % 2) as i64
                    } else {
                        (i % 2) as i64
                    }
                })
                .collect();
            cols.push(Column::new("label".into(), y));
            cols.push(Column::new("pred_m".into(), p));
            let df = DataFrame::new(n, cols).unwrap();
            let t = decode(
                std::path::Path::new("r.csv"),
                &df,
                String::new(),
                &Mapping::default(),
                &LoadOptions::default(),
            )
            .unwrap();
            let errors = crate::discovery::row_errors(&t, 0, None, None);
            let feats: Vec<usize> = (0..t.features.len()).collect();
            let params = Params {
                alpha: 0.9,
                top: 8,
                max_level: 3,
                min_support: Some(4),
            };
            let got = search(&t, &feats, &errors, &params, &AtomicBool::new(false)).unwrap();
            let want = brute(&t, &feats, &errors, &params);
            assert_eq!(got.slices.len(), want.len(), "trial {trial}");
            for (g, w) in got.slices.iter().zip(&want) {
                assert_eq!(predicate_text(&t, g), w.0, "trial {trial}");
                assert_eq!(g.size, w.1);
                assert!((g.score - w.2).abs() < 1e-9);
            }
        }
    }
}
