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
//! bounded by one feature combination's slices per thread, never rows × slices, and
//! the search refuses (with a message) more than [`MAX_COMBINATIONS`] combinations.
//!
//! Distinct findings (the default): a feature one of whose values covers every row
//! takes no part (such a predicate selects nothing), and slices that select exactly
//! the same rows (equal size and equal sum of per-row random 64-bit keys) are one
//! entry under the shortest description, the others listed as equivalent; the top K
//! counts distinct row sets. `keep_equivalent` gives SliceLine's raw list instead.

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
    /// List every slice, equivalents included (SliceLine's raw list).
    #[serde(default)]
    pub keep_equivalent: bool,
    /// Score a slice by how far its mean error exceeds the average, doubled
    /// (`2 * (rate - average)`), instead of SliceLine's ratio: the over-confidence
    /// search, whose errors `(score - label + 1) / 2` average near one half, so
    /// that the score is the slice's calibration gap minus the overall one.
    #[serde(skip)]
    pub excess: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            alpha: 0.95,
            top: 10,
            max_level: 3,
            min_support: None,
            keep_equivalent: false,
            excess: false,
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
    /// Other descriptions of exactly these rows (empty with `keep_equivalent`).
    pub equivalent: Vec<Vec<(usize, u32)>>,
    /// Sum of the rows' random keys: equal row sets have equal sums.
    pub row_key: u64,
}

/// Why a search gave no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SearchError {
    #[error("cancelled")]
    Cancelled,
    #[error(
        "{features} features give {combinations} feature combinations up to level {level}, more than the {limit} the search counts; choose fewer features (--features) or a lower --max-level"
    )]
    TooLarge {
        features: usize,
        level: usize,
        combinations: String,
        limit: usize,
    },
}

/// Most feature combinations one search counts.
pub const MAX_COMBINATIONS: usize = 2_000_000;

/// The search's answer.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub rows: u64,
    pub average_error: f64,
    pub min_support: u64,
    pub slices: Vec<Slice>,
    /// When no slice scores above 0: the most significant slices whose error rate
    /// is above average (smallest p first), so that the search still says where
    /// the errors gather. Empty otherwise.
    pub by_significance: Vec<Slice>,
    /// How many slices were scored (the Benjamini-Hochberg family).
    pub scored: usize,
}

impl Found {
    /// A search's answer before any slice: rows, average error and the minimum
    /// support in force (the contract's default: max(32, 1% of rows)).
    pub fn start(n: u64, total_err: f64, params: &Params) -> Found {
        Found {
            rows: n,
            average_error: if n == 0 { 0.0 } else { total_err / n as f64 },
            min_support: params
                .min_support
                .unwrap_or_else(|| 32.max((n as f64 * 0.01).ceil() as u64))
                .max(1),
            ..Default::default()
        }
    }
}

/// Slices with more combinations than this use a hash map instead of dense arrays.
const DENSE_LIMIT: u64 = 1 << 20;

/// Per-slice sums of one feature combination: `keys` are the slices' codes in
/// mixed radix (levels + 1 per feature, missing last). Counted from rows here, or
/// by a Spark query (`spark::engine::slices`).
#[derive(Default)]
pub struct Cube {
    pub keys: Vec<u64>,
    pub count: Vec<u64>,
    pub err: Vec<f64>,
    pub err_sq: Vec<f64>,
    /// Wrapping sum of the rows' random keys.
    pub rows_key: Vec<u64>,
}

/// A row's random 64-bit key (SplitMix64 of its index): a row set's wrapping sum
/// identifies it with a collision chance of about 2^-64.
#[inline]
pub fn row_key(r: u32) -> u64 {
    let mut z = (r as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `sum over l = 1..=level of C(m, l)`, saturating.
fn combination_count(m: usize, level: usize) -> u128 {
    let mut total: u128 = 0;
    let mut c: u128 = 1;
    for l in 1..=level.min(m) {
        c = c.saturating_mul((m - l + 1) as u128) / l as u128;
        total = total.saturating_add(c);
    }
    total
}

/// Runs the search over `features` (indices into `table.features`) with per-row
/// `errors` (NaN rows take no part).
pub fn search(
    table: &EvalTable,
    features: &[usize],
    errors: &[f64],
    params: &Params,
    cancel: &AtomicBool,
) -> Result<Found, SearchError> {
    let rows: Vec<u32> = (0..errors.len() as u32)
        .filter(|&r| !errors[r as usize].is_nan())
        .collect();
    let n = rows.len() as u64;
    let total_err: f64 = rows.iter().map(|&r| errors[r as usize]).sum();
    let total_sq: f64 = rows.iter().map(|&r| errors[r as usize].powi(2)).sum();
    let found = Found::start(n, total_err, params);
    let min_support = found.min_support;
    if n == 0 || total_err <= 0.0 {
        return Ok(found);
    }
    let binary = rows.iter().all(|&r| {
        let e = errors[r as usize];
        e == 0.0 || e == 1.0
    });
    // A value seen in fewer than min_support rows can be in no listed or scored
    // slice: rows holding one are skipped in combinations, and a feature with no
    // frequent value at all (an identifier, say) takes part in none. Unless the raw
    // list is asked for, neither does one with a value on every row.
    let counts: Vec<Vec<u64>> = features
        .par_iter()
        .map(|&f| {
            let feat = &table.features[f];
            let k = feat.codes.levels.len() + 1;
            let mut count = vec![0u64; k];
            for &r in &rows {
                let c = feat.codes.codes[r as usize];
                count[if c == NULL_CODE { k - 1 } else { c as usize }] += 1;
            }
            count
        })
        .collect();
    // A word feature (`prompt contains "x"`) is searched where the word is present
    // only: "does not contain x" would trim a few rows off any slice and crowd the
    // list with near copies.
    let frequent: Vec<Vec<bool>> = counts
        .iter()
        .zip(features)
        .map(|(c, &f)| {
            let feat = &table.features[f];
            let absent_only = crate::load::text_features::is_token_feature(&feat.name);
            c.iter()
                .enumerate()
                .map(|(level, &c)| {
                    c >= min_support
                        && !(absent_only
                            && feat.codes.levels.get(level).is_some_and(|l| l == "false"))
                })
                .collect()
        })
        .collect();
    let usable: Vec<usize> = (0..features.len())
        .filter(|&i| frequent[i].iter().any(|&f| f))
        .filter(|&i| params.keep_equivalent || !counts[i].contains(&n))
        .collect();
    let level = params.max_level.max(1);
    let total = combination_count(usable.len(), level);
    if total > MAX_COMBINATIONS as u128 {
        return Err(SearchError::TooLarge {
            features: usable.len(),
            level,
            combinations: if total == u128::MAX {
                "more than 10^38".into()
            } else {
                total.to_string()
            },
            limit: MAX_COMBINATIONS,
        });
    }
    let combos = combinations(usable.len(), level);
    let mut scorer = Scorer::new(table, found, binary, total_sq, params);
    // A few cubes per thread at a time: memory stays bounded by them.
    let batch = 4 * rayon::current_num_threads().max(1);
    for chunk in combos.chunks(batch) {
        if cancel.load(AtomicOrdering::Relaxed) {
            return Err(SearchError::Cancelled);
        }
        let cubes: Vec<(Vec<usize>, Cube)> = chunk
            .par_iter()
            .map(|combo| {
                let feats: Vec<usize> = combo.iter().map(|&i| features[usable[i]]).collect();
                let keep: Vec<&[bool]> = combo
                    .iter()
                    .map(|&i| frequent[usable[i]].as_slice())
                    .collect();
                let c = cube(table, &feats, &keep, &rows, errors);
                (feats, c)
            })
            .collect();
        scorer.add(&cubes);
    }
    Ok(scorer.finish())
}

/// Features that can take part in a search: some value reaches `min_support`, and
/// (unless equivalent slices are kept) no value covers all `n` rows. `counts[i]`
/// are feature `i`'s rows per value.
pub fn usable_features(
    counts: &[Vec<u64>],
    n: u64,
    min_support: u64,
    keep_equivalent: bool,
) -> Vec<usize> {
    (0..counts.len())
        .filter(|&i| counts[i].iter().any(|&c| c >= min_support))
        .filter(|&i| keep_equivalent || !counts[i].contains(&n))
        .collect()
}

/// Every combination of `m` features up to `max_level`, level by level.
pub fn feature_combinations(m: usize, max_level: usize) -> Vec<Vec<usize>> {
    combinations(m, max_level)
}

/// Scores slices as their cubes come in and keeps every one that could still
/// make the top; [`Scorer::finish`] ranks them and adds Benjamini-Hochberg
/// q-values over every scored slice.
pub struct Scorer<'a> {
    table: &'a EvalTable,
    params: &'a Params,
    found: Found,
    binary: bool,
    total_err: f64,
    total_sq: f64,
    p_values: Vec<f64>,
    candidates: Vec<Slice>,
    significant: Vec<Slice>,
}

impl<'a> Scorer<'a> {
    /// `found` carries the rows, average error and min support; `binary` says
    /// every error is 0 or 1 (a z-test then, else Welch's t).
    pub fn new(
        table: &'a EvalTable,
        found: Found,
        binary: bool,
        total_sq: f64,
        params: &'a Params,
    ) -> Scorer<'a> {
        Scorer {
            table,
            params,
            total_err: found.average_error * found.rows as f64,
            found,
            binary,
            total_sq,
            p_values: Vec::new(),
            candidates: Vec::new(),
            significant: Vec::new(),
        }
    }

    /// Scores the slices of some feature combinations (features as table indices).
    pub fn add(&mut self, cubes: &[(Vec<usize>, Cube)]) {
        let (table, params) = (self.table, self.params);
        let n = self.found.rows;
        let min_support = self.found.min_support;
        let avg = self.found.average_error;
        let alpha = params.alpha;
        for (feats, c) in cubes {
            let radices: Vec<u64> = feats
                .iter()
                .map(|&f| table.features[f].codes.levels.len() as u64 + 1)
                .collect();
            for i in 0..c.keys.len() {
                let (size, err) = (c.count[i], c.err[i]);
                if size < min_support || err <= 0.0 {
                    continue;
                }
                let p = p_value(
                    self.binary,
                    size,
                    err,
                    c.err_sq[i],
                    n,
                    self.total_err,
                    self.total_sq,
                );
                self.p_values.push(p);
                let rate = err / size as f64;
                let score = if params.excess {
                    2.0 * (rate - avg)
                } else {
                    alpha * (rate / avg - 1.0) - (1.0 - alpha) * (n as f64 / size as f64 - 1.0)
                };
                if score <= 0.0 && (rate <= avg || !self.candidates.is_empty()) {
                    continue;
                }
                let codes = decode_key(c.keys[i], &radices);
                let list = if score > 0.0 {
                    &mut self.candidates
                } else {
                    &mut self.significant
                };
                list.push(Slice {
                    predicates: feats.iter().copied().zip(codes).collect(),
                    size,
                    errors: err,
                    score,
                    error_rate: rate,
                    ci: if self.binary {
                        stats::wilson(err.round() as u64, size)
                    } else {
                        // Fractional errors (graded runs, squared errors): a t interval.
                        stats::t_interval(rate, stats::sd_from_sums(size, err, c.err_sq[i]), size)
                    },
                    p_value: p,
                    q_value: f64::NAN,
                    equivalent: Vec::new(),
                    row_key: c.rows_key[i],
                });
            }
        }
        let candidates = std::mem::take(&mut self.candidates);
        self.candidates = top_slices(table, candidates, params.top, params.keep_equivalent, false);
        if self.candidates.is_empty() {
            let significant = std::mem::take(&mut self.significant);
            self.significant = top_slices_by(
                table,
                significant,
                params.top,
                params.keep_equivalent,
                false,
                by_p,
            );
        } else {
            self.significant.clear();
        }
    }

    /// The top slices with their q-values.
    pub fn finish(self) -> Found {
        let (table, params) = (self.table, self.params);
        let mut found = self.found;
        let mut candidates = top_slices(
            table,
            self.candidates,
            params.top,
            params.keep_equivalent,
            true,
        );
        let mut significant = if candidates.is_empty() {
            top_slices_by(
                table,
                self.significant,
                params.top,
                params.keep_equivalent,
                true,
                by_p,
            )
        } else {
            Vec::new()
        };
        // Benjamini-Hochberg over the whole family: q for a p of rank k among m.
        let m = self.p_values.len();
        let mut sorted = self.p_values;
        sorted.sort_by(f64::total_cmp);
        let mut q_by_rank = vec![1.0; m];
        let mut running = 1.0f64;
        for k in (0..m).rev() {
            running = running.min(sorted[k] * m as f64 / (k + 1) as f64);
            q_by_rank[k] = running.min(1.0);
        }
        for s in candidates.iter_mut().chain(significant.iter_mut()) {
            // The largest rank holding this p (ties share the smaller q anyway).
            let k = sorted.partition_point(|&p| p <= s.p_value);
            s.q_value = if k == 0 { 1.0 } else { q_by_rank[k - 1] };
        }
        found.scored = m;
        found.slices = candidates;
        found.by_significance = significant;
        found
    }
}

/// The best `top` slices in contract order. With `keep_equivalent` that is the
/// raw list; else slices of the same rows count once, under their shortest
/// description (then contract order), the others kept as its equivalents. Before
/// the end (`last` false) every slice that could still make the top is kept.
fn top_slices(
    table: &EvalTable,
    candidates: Vec<Slice>,
    top: usize,
    keep_equivalent: bool,
    last: bool,
) -> Vec<Slice> {
    top_slices_by(table, candidates, top, keep_equivalent, last, compare)
}

/// Significance order: smallest p first, then larger size, then predicate text.
fn by_p(table: &EvalTable, a: &Slice, b: &Slice) -> Ordering {
    a.p_value
        .total_cmp(&b.p_value)
        .then(b.size.cmp(&a.size))
        .then_with(|| predicate_text(table, a).cmp(&predicate_text(table, b)))
}

/// [`top_slices`] in the order `order` (score order, or significance order).
fn top_slices_by(
    table: &EvalTable,
    mut candidates: Vec<Slice>,
    top: usize,
    keep_equivalent: bool,
    last: bool,
    order: fn(&EvalTable, &Slice, &Slice) -> Ordering,
) -> Vec<Slice> {
    candidates.sort_by(|a, b| order(table, a, b));
    if keep_equivalent {
        candidates.truncate(top);
        return candidates;
    }
    // Row sets in rank order, until `top` distinct ones are seen; then every slice
    // tied with the last of them in (score, size) may still belong to one of them.
    let mut groups: Vec<(u64, u64)> = Vec::new();
    let mut end = candidates.len();
    for (i, s) in candidates.iter().enumerate() {
        let key = (s.size, s.row_key);
        if !groups.contains(&key) {
            if groups.len() == top {
                let last_kept = &candidates[i - 1];
                end = candidates[i..]
                    .iter()
                    .position(|x| {
                        x.score != last_kept.score
                            || x.size != last_kept.size
                            || x.p_value != last_kept.p_value
                    })
                    .map_or(candidates.len(), |p| i + p);
                break;
            }
            groups.push(key);
        }
    }
    candidates.truncate(end);
    if !last {
        return candidates;
    }
    let mut out: Vec<Slice> = Vec::new();
    for s in candidates {
        let same = out
            .iter()
            .position(|o| o.size == s.size && o.row_key == s.row_key);
        match same {
            Some(i) => {
                let o = &mut out[i];
                // The shorter description leads; ties keep the contract order.
                if s.predicates.len() < o.predicates.len() {
                    let mut lead = s;
                    std::mem::swap(&mut lead.predicates, &mut o.predicates);
                    o.equivalent.push(lead.predicates);
                    o.equivalent.append(&mut lead.equivalent);
                } else {
                    o.equivalent.push(s.predicates);
                }
            }
            None if out.len() < top => out.push(s),
            None => {}
        }
    }
    for o in &mut out {
        o.equivalent
            .sort_by_key(|p| (p.len(), predicate_pairs_text(table, p)));
    }
    out
}

/// `col = value AND ...` of a list of predicates.
pub fn predicate_pairs_text(table: &EvalTable, predicates: &[(usize, u32)]) -> String {
    predicates
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
    predicate_pairs_text(table, &s.predicates)
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
    let codes: Vec<&crate::load::encode::Codes> = feats
        .iter()
        .map(|&f| &table.features[f].codes.codes)
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
            let mut rows_key = vec![0u64; s];
            for &r32 in rows {
                let r = r32 as usize;
                let k = key_of(r);
                if k == u64::MAX {
                    continue;
                }
                let k = k as usize;
                let e = errors[r];
                count[k] += 1;
                err[k] += e;
                err_sq[k] += e * e;
                rows_key[k] = rows_key[k].wrapping_add(row_key(r32));
            }
            let keys: Vec<u64> = (0..s as u64).filter(|&k| count[k as usize] > 0).collect();
            Cube {
                count: keys.iter().map(|&k| count[k as usize]).collect(),
                err: keys.iter().map(|&k| err[k as usize]).collect(),
                err_sq: keys.iter().map(|&k| err_sq[k as usize]).collect(),
                rows_key: keys.iter().map(|&k| rows_key[k as usize]).collect(),
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
            for &r32 in rows {
                let r = r32 as usize;
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
                    c.rows_key.push(0);
                    c.keys.len() - 1
                });
                c.count[i] += 1;
                c.err[i] += e;
                c.err_sq[i] += e * e;
                c.rows_key[i] = c.rows_key[i].wrapping_add(row_key(r32));
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
                        equivalent: Vec::new(),
                        row_key: 0,
                    };
                    out.push((predicate_text(table, &s), size, score, preds));
                }
            }
        }
        out.sort_by(|a, b| b.2.total_cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
        out.truncate(p.top);
        out.into_iter().map(|(t, s, sc, _)| (t, s, sc)).collect()
    }

    /// Brute force of the distinct list: every slice with its row set, grouped by
    /// row set in rank order, features with a value on every row left out; each
    /// group's shortest description and how many others it has.
    fn brute_distinct(
        table: &EvalTable,
        feats: &[usize],
        errors: &[f64],
        p: &Params,
    ) -> Vec<(String, usize)> {
        let n = errors.iter().filter(|e| !e.is_nan()).count();
        let feats: Vec<usize> = feats
            .iter()
            .copied()
            .filter(|&f| {
                let codes = &table.features[f].codes.codes;
                let first = codes
                    .iter()
                    .zip(errors)
                    .find(|(_, e)| !e.is_nan())
                    .map(|x| x.0);
                codes
                    .iter()
                    .zip(errors)
                    .filter(|(c, e)| !e.is_nan() && Some(*c) == first)
                    .count()
                    < n
            })
            .collect();
        let all = brute(
            table,
            &feats,
            errors,
            &Params {
                top: usize::MAX,
                ..p.clone()
            },
        );
        let rows_of = |text: &str| -> Vec<usize> {
            let s = all
                .iter()
                .find(|x| x.0 == text)
                .map(|x| x.0.clone())
                .unwrap_or_default();
            (0..errors.len())
                .filter(|&r| !errors[r].is_nan())
                .filter(|&r| {
                    s.split(" AND ").all(|pred| {
                        let (name, value) = pred.split_once(" = ").unwrap();
                        let f = table.features.iter().position(|f| f.name == name).unwrap();
                        table.features[f].level(table.features[f].codes.codes[r]) == value
                    })
                })
                .collect()
        };
        let mut groups: Vec<(Vec<usize>, Vec<String>)> = Vec::new();
        for (text, _, _) in &all {
            let rows = rows_of(text);
            match groups.iter_mut().find(|g| g.0 == rows) {
                Some(g) => g.1.push(text.clone()),
                None => groups.push((rows, vec![text.clone()])),
            }
        }
        groups
            .into_iter()
            .take(p.top)
            .map(|(_, mut texts)| {
                let lead = texts
                    .iter()
                    .enumerate()
                    .min_by_key(|(i, t)| (t.matches(" AND ").count(), *i))
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                let lead_text = texts.remove(lead);
                (lead_text, texts.len())
            })
            .collect()
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
                String::new().into(),
                &Mapping::default(),
                &LoadOptions::default(),
            )
            .unwrap();
            let errors = crate::discovery::row_errors(&t, 0, None, None);
            let feats: Vec<usize> = (0..t.features.len()).collect();
            let mut params = Params {
                alpha: 0.9,
                top: 8,
                max_level: 3,
                min_support: Some(4),
                keep_equivalent: true,
                excess: false,
            };
            let got = search(&t, &feats, &errors, &params, &AtomicBool::new(false)).unwrap();
            let want = brute(&t, &feats, &errors, &params);
            assert_eq!(got.slices.len(), want.len(), "trial {trial}");
            for (g, w) in got.slices.iter().zip(&want) {
                assert_eq!(predicate_text(&t, g), w.0, "trial {trial}");
                assert_eq!(g.size, w.1);
                assert!((g.score - w.2).abs() < 1e-9);
            }
            // Distinct row sets: brute force's full list grouped by the rows each
            // slice selects, led by the shortest description.
            params.keep_equivalent = false;
            let got = search(&t, &feats, &errors, &params, &AtomicBool::new(false)).unwrap();
            let want = brute_distinct(&t, &feats, &errors, &params);
            let got_text: Vec<(String, usize)> = got
                .slices
                .iter()
                .map(|s| (predicate_text(&t, s), s.equivalent.len()))
                .collect();
            assert_eq!(got_text, want, "trial {trial}");
        }
    }
}
